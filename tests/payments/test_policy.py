"""The remuneration policy: versions, approval, what is in force, and what a session earns."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest
from pydantic import ValidationError

from app import audit
from app.errors import Conflict
from payments.schemas import PolicyDraft, Rate
from payments.services import policy
from payments.tables import PolicyVersion

ADMIN = audit.Actor(id="00000000-0000-4000-8000-0000000000ad", role="admin")


def draft(**changes: Any) -> PolicyDraft:
    values: dict[str, Any] = {
        "name": "Northshire involvement payments",
        "effective_from": date(2026, 4, 1),
        "methods": ["bank_transfer", "e_voucher", "pay_to_charity", "expenses_only"],
        "rates": [
            {"activity": "evaluation_panel", "amount_pence": 2500},
            {"activity": "market_event", "unit": "half_day", "amount_pence": 5000},
            {"activity": "question_writing", "unit": "task", "amount_pence": 4000},
            {"activity": "workshop", "amount_pence": 2500, "prep_minutes": 30},
        ],
        "expense_rules": [
            {"category": "mileage_car", "basis": "per_mile", "rate_pence": 45},
            {"category": "taxi", "pre_approval_required": True, "advance_allowed": True},
        ],
        "caps": [{"scope": "per_person_week", "amount_pence": 20000, "action": "warn"}],
    }
    return PolicyDraft(**(values | changes))


async def approved(db: None, **changes: Any) -> policy.PolicyView:
    made = await policy.create_draft(draft(**changes), ADMIN)
    await policy.approve(made, "Cabinet decision 2026/41", ADMIN)
    return await policy.view(made)


async def test_a_draft_is_not_in_force_until_approved(db: None) -> None:
    made = await policy.create_draft(draft(), ADMIN)

    assert await policy.current(date(2026, 5, 1)) is None
    await policy.approve(made, "Cabinet decision 2026/41", ADMIN)
    in_force = await policy.current(date(2026, 5, 1))

    assert in_force is not None
    assert (in_force.id, in_force.status, in_force.version) == (made, "approved", 1)
    assert in_force.approval_ref == "Cabinet decision 2026/41"
    assert str(in_force.approved_by) == ADMIN.id
    assert in_force.draft == draft()
    assert await policy.current(date(2026, 3, 31)) is None


async def test_a_new_version_ends_the_old_one_the_day_before_it_starts(db: None) -> None:
    first = await approved(db)
    second = await approved(db, effective_from=date(2027, 4, 1))

    assert (await policy.view(first.id)).effective_to == date(2027, 3, 31)
    assert (await policy.current(date(2027, 3, 31)) or first).id == first.id
    assert (await policy.current(date(2027, 4, 1)) or first).id == second.id
    assert second.version == first.version + 1


async def test_an_approved_version_never_changes(db: None) -> None:
    made = await approved(db)

    with pytest.raises(Conflict, match="approved, so it cannot change"):
        await policy.replace_draft(made.id, draft(name="Changed"), ADMIN)
    with pytest.raises(Conflict):
        await policy.approve(made.id, "again", ADMIN)
    copy = await policy.copy_as_draft(made.id, ADMIN)
    await policy.replace_draft(copy, draft(name="Changed"), ADMIN)

    assert (await policy.view(made.id)).draft.name == "Northshire involvement payments"
    assert (await policy.view(copy)).draft.name == "Changed"
    assert (await policy.view(copy)).status == "draft"


async def test_retired_versions_are_not_in_force(db: None) -> None:
    made = await approved(db)
    await policy.retire(made.id, ADMIN)

    assert await policy.current(date(2026, 6, 1)) is None
    assert (await PolicyVersion.select(PolicyVersion.status).first() or {})["status"] == "retired"


@pytest.mark.parametrize(
    ("activity", "minutes", "expected"),
    [
        ("evaluation_panel", 180, (7500, 180, 0)),  # three hours at £25
        ("evaluation_panel", 95, (4375, 105, 0)),  # rounded up to 1h45 at £25 an hour
        ("evaluation_panel", 1, (625, 15, 0)),  # a quarter of an hour at least
        ("market_event", 200, (5000, 210, 1)),  # one half day
        ("market_event", 300, (10000, 300, 2)),  # over four hours: two half days
        ("question_writing", 45, (4000, 45, 1)),  # a task pays the same however long
        ("workshop", 120, (6250, 150, 0)),  # half an hour's preparation is paid
    ],
)
async def test_what_a_session_earns(
    db: None, activity: str, minutes: int, expected: tuple[int, int, int]
) -> None:
    in_force = await approved(db)

    fee = policy.fee_for(in_force, activity, minutes)

    assert fee is not None
    assert (fee.amount_pence, fee.paid_minutes, fee.units) == expected


def test_nothing_is_paid_for_an_activity_the_policy_does_not_cover() -> None:
    view = policy.PolicyView(
        id=uuid4(),
        name="x",
        version=1,
        status="approved",
        effective_from=date(2026, 4, 1),
        effective_to=None,
        approved_by=None,
        approved_at=None,
        approval_ref="",
        draft=draft(),
    )

    assert policy.fee_for(view, "steering_group", 120) is None
    assert policy.fee_for(view, "evaluation_panel", 120, "lead") is None
    assert policy.fee_for(view, "evaluation_panel", 0) is None


def test_rounding_to_the_nearest_quarter_hour() -> None:
    rate = Rate(activity="workshop", amount_pence=2400, rounding_mode="nearest")
    view = policy.PolicyView(
        id=uuid4(),
        name="x",
        version=1,
        status="approved",
        effective_from=date(2026, 4, 1),
        effective_to=None,
        approved_by=None,
        approved_at=None,
        approval_ref="",
        draft=draft(rates=[rate]),
    )

    assert [policy.fee_for(view, "workshop", m).amount_pence for m in (52, 53, 7)] == [  # type: ignore[union-attr]
        1800,
        2400,
        600,
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rates": [{"activity": "workshop", "amount_pence": 25.5}]}, "valid integer"),
        ({"rates": [{"activity": "workshop", "amount_pence": -100}]}, "greater than or equal"),
        ({"rates": [{"activity": "workshop", "amount_pence": "2500"}]}, "valid integer"),
        ({"rates": [{"activity": "knitting", "amount_pence": 100}]}, "Choose the activity"),
        ({"methods": ["bitcoin"]}, "Choose the payment method"),
        (
            {"rates": [{"activity": "workshop", "amount_pence": 1}] * 2},
            "one rate only",
        ),
        (
            {"expense_rules": [{"category": "mileage_car", "basis": "per_mile"}]},
            "Enter the rate in pence",
        ),
        ({"rates": [{"activity": "workshop", "amount_pence": 1, "rounding_minutes": 7}]}, "15"),
    ],
)
def test_a_policy_that_makes_no_sense_is_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        draft(**changes)


async def test_approving_an_earlier_start_retires_a_later_version(db: None) -> None:
    first = await approved(db)
    earlier = await approved(db, effective_from=first.effective_from - timedelta(days=30))

    assert (await policy.view(first.id)).status == "retired"
    assert (await policy.current(date(2026, 6, 1)) or first).id == earlier.id
