"""The finance dashboard: tax year and benefit week boundaries (London time), totals net of
reversals, working-day arithmetic, time to pay against the policy's target, the late list, and
the page itself (finance and admin only, payee references and no names)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import httpx
import pytest
from litestar import Litestar

from app.datamap import Role
from app.sealed import Sealer
from payments.services import ledger, reports
from payments.services.benefit_rules import Period
from payments.tables import EntryState, LedgerEntry, PolicyVersion
from tests.payments.hx_support import FINANCE, add_event, add_payee, approved_entry, proposed_entry
from tests.support.auth import make_account, sign_in

LONDON = ZoneInfo("Europe/London")


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


async def entry_at(
    subject: UUID,
    pence: int,
    made: datetime,
    *,
    kind: str = "fee",
    states: dict[str, datetime] | None = None,
    event: UUID | None = None,
    policy: UUID | None = None,
) -> UUID:
    """A ledger entry made at ``made`` with the given state rows (the ledger only appends, so
    a test may date its own rows)."""
    entry = uuid4()
    await LedgerEntry.insert(
        LedgerEntry(
            id=entry,
            subject=subject,
            kind=kind,
            amount_pence=pence,
            event=event,
            policy=policy,
            created_at=made,
        )
    )
    for state, at in (states or {}).items():
        await EntryState.insert(
            EntryState(id=uuid4(), entry=entry, state=state, once=f"{entry}:{state}", at=at)
        )
    return entry


async def policy_with_target(days: int) -> UUID:
    """A policy version with only a target (a draft: it is never the policy in force)."""
    policy = uuid4()
    await PolicyVersion.insert(
        PolicyVersion(
            id=policy,
            name="Target policy",
            version=1,
            status="draft",
            effective_from=date(2010, 4, 1),
            pay_within_working_days=days,
        )
    )
    return policy


def test_the_tax_year_runs_from_6_april_to_5_april() -> None:
    assert reports.tax_year(date(2026, 4, 5)) == Period(
        "tax_year", date(2025, 4, 6), date(2026, 4, 5)
    )
    assert reports.tax_year(date(2026, 4, 6)) == Period(
        "tax_year", date(2026, 4, 6), date(2027, 4, 5)
    )
    assert reports.tax_year(date(2027, 1, 1)).start == date(2026, 4, 6)


def test_the_benefit_week_runs_monday_to_sunday() -> None:
    assert reports.this_week(date(2026, 11, 22)) == Period(  # a Sunday
        "week", date(2026, 11, 16), date(2026, 11, 22)
    )
    assert reports.this_week(date(2026, 11, 23)).start == date(2026, 11, 23)  # a Monday


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (date(2026, 11, 20), date(2026, 11, 20), 0),  # same Friday
        (date(2026, 11, 20), date(2026, 11, 23), 1),  # Friday to Monday
        (date(2026, 11, 20), date(2026, 11, 27), 5),  # a week
        (date(2026, 11, 21), date(2026, 11, 23), 1),  # Saturday to Monday
        (date(2026, 11, 16), date(2026, 12, 4), 14),  # Monday to Friday, 3 weeks on
        (date(2026, 11, 23), date(2026, 11, 20), 0),  # paid before the event ended
    ],
)
def test_working_days_skip_weekends(start: date, end: date, days: int) -> None:
    assert reports.working_days_between(start, end) == days


def test_adding_working_days_skips_weekends() -> None:
    assert reports.add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)
    assert reports.add_working_days(date(2026, 11, 21), 1) == date(2026, 11, 23)
    assert reports.add_working_days(date(2026, 11, 16), 10) == date(2026, 11, 30)
    assert reports.add_working_days(date(2026, 11, 16), 0) == date(2026, 11, 16)


async def test_totals_are_net_of_reversals_by_payee_reference(db: None, sealer: Sealer) -> None:
    person = uuid4()
    reference = await add_payee(sealer, person)
    await approved_entry(person, 2500)
    await approved_entry(person, 1000, kind="voucher", method="e_voucher")
    await approved_entry(person, 340, kind="expense")
    await proposed_entry(person, 900)  # not approved: not counted
    cancelled = await approved_entry(person, 700)
    await ledger.reverse(cancelled, "Paid twice by mistake", FINANCE)
    today = datetime.now(LONDON).date()

    year = [
        t for t in await reports.totals(reports.tax_year(today)) if t.payee_reference == reference
    ]
    last_year = reports.tax_year(reports.tax_year(today).start - timedelta(days=1))

    assert year == [reports.PersonTotal(reference, 3500, 340)]
    assert reference not in [t.payee_reference for t in await reports.totals(last_year)]


async def test_totals_cut_weeks_and_years_at_london_midnight(db: None, sealer: Sealer) -> None:
    person = uuid4()
    reference = await add_payee(sealer, person)
    approved = {"approved": datetime.now(UTC)}
    await entry_at(person, 100, london(2024, 4, 5, 23, 30), states=approved)  # old tax year
    await entry_at(person, 200, london(2024, 4, 6, 0, 30), states=approved)  # new tax year
    await entry_at(person, 400, london(2024, 4, 7, 23, 59), states=approved)  # Sunday
    await entry_at(person, 800, london(2024, 4, 8, 0, 1), states=approved)  # next Monday

    def mine(found: list[reports.PersonTotal]) -> list[int]:
        return [t.earnings_pence for t in found if t.payee_reference == reference]

    assert mine(await reports.totals(reports.tax_year(date(2024, 4, 5)))) == [100]
    assert mine(await reports.totals(reports.tax_year(date(2024, 4, 6)))) == [1400]
    assert mine(await reports.totals(reports.this_week(date(2024, 4, 7)))) == [700]
    assert mine(await reports.totals(reports.this_week(date(2024, 4, 8)))) == [800]


async def test_time_to_pay_is_the_median_in_working_days_against_each_policy(db: None) -> None:
    quick, slow = await policy_with_target(3), await policy_with_target(10)
    event = await add_event(london(2011, 6, 3, 18, 0))  # a Friday evening
    person = uuid4()

    def paid(day: int) -> dict[str, datetime]:
        return {"approved": london(2011, 6, 3, 20), "paid": london(2011, 6, day)}

    made = london(2011, 6, 3, 19)
    await entry_at(person, 100, made, event=event, policy=quick, states=paid(6))  # 1 day
    await entry_at(person, 100, made, event=event, policy=quick, states=paid(13))  # 6 days
    await entry_at(person, 100, made, event=event, policy=slow, states=paid(10))  # 5 days
    await entry_at(person, 100, made, event=event, states={"approved": made})  # unpaid
    period = Period("tax_year", date(2011, 4, 6), date(2012, 4, 5))

    timing = await reports.timeliness(period, date(2011, 7, 1))

    assert (timing.paid, timing.median_days, timing.on_time) == (3, 5, 2)
    assert timing.on_time_percent == 67


async def test_the_late_list_holds_unpaid_payments_past_their_target_oldest_first(
    db: None, sealer: Sealer
) -> None:
    target = await policy_with_target(2)
    person = uuid4()
    reference = await add_payee(sealer, person)
    older = await add_event(london(2026, 11, 2, 17, 0))  # a Monday
    newer = await add_event(london(2026, 11, 12, 17, 0))  # a Thursday
    recent = await add_event(london(2026, 11, 19, 17, 0))  # a Thursday
    made = london(2026, 11, 2, 18)
    late_new = await entry_at(person, 300, made, event=newer, policy=target)
    late_old = await entry_at(
        person, 200, made, event=older, policy=target, states={"approved": made}
    )
    await entry_at(person, 400, made, event=recent, policy=target)  # due Mon 23: not late yet
    await entry_at(  # paid: not late
        person, 500, made, event=older, policy=target, states={"paid": london(2026, 11, 20)}
    )
    cancelled = await entry_at(person, 600, made, event=older, policy=target)
    await ledger.reverse(cancelled, "Wrong person", FINANCE)

    late = [o for o in await reports.overdue(date(2026, 11, 23)) if o.payee_reference == reference]

    assert [(o.entry, o.state, o.due, o.days_late) for o in late] == [
        (late_old, "approved", date(2026, 11, 4), 13),
        (late_new, "proposed", date(2026, 11, 16), 5),
    ]


async def test_the_dashboard_shows_references_and_figures_to_finance_only(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    person = uuid4()
    reference = await add_payee(sealer, person, name="Ms Dashboard Name")
    await approved_entry(person, 4321)
    organiser = await make_account(running_app, "staff", (Role.organiser,))
    await sign_in(running_app, client, organiser)
    refused = await client.get("/finance/dashboard")
    finance = await make_account(running_app, "staff", (Role.finance,))
    await sign_in(running_app, client, finance)

    shown = await client.get("/finance/dashboard")

    assert refused.status_code == 403
    assert shown.status_code == 200
    assert reference in shown.text
    assert "£43.21" in shown.text
    assert "Ms Dashboard Name" not in shown.text
    assert "bank holidays are not taken off" in shown.text
