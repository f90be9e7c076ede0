"""The council's remuneration policy, as versions: a draft, then approved (who, when, with
which reference), later retired. Every payment names the version it was worked out under, so
an approved version is never changed: to change the policy, copy it into a new draft.

A version is in force on a day when it is approved, starts on or before that day and has not
ended. Approving a version ends the one it replaces on the day before it starts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from piccolo.columns.combination import WhereRaw

from app import audit
from app.db import transaction
from app.errors import Conflict, NotFound
from payments import vocabulary
from payments.schemas import Cap, ExpenseRule, PolicyDraft, Rate
from payments.tables import PolicyCap, PolicyExpenseRule, PolicyRate, PolicyVersion


@dataclass(frozen=True)
class PolicyView:
    """One policy version with its rates, expense rules and caps."""

    id: UUID
    name: str
    version: int
    status: str
    effective_from: date
    effective_to: date | None
    approved_by: UUID | None
    approved_at: datetime | None
    approval_ref: str
    draft: PolicyDraft

    @property
    def title(self) -> str:
        return f"{self.name}, version {self.version}"


@dataclass(frozen=True)
class Fee:
    """What a session earns under one rate: the time paid (after rounding and preparation)
    and the amount, in whole pence."""

    amount_pence: int
    paid_minutes: int
    units: int
    rate: Rate


async def create_draft(draft: PolicyDraft, actor: audit.Actor) -> UUID:
    """A new draft version, numbered after the newest version of any status."""
    policy = uuid4()
    async with transaction():
        newest = (
            await PolicyVersion.select(PolicyVersion.version)
            .order_by(PolicyVersion.version, ascending=False)
            .first()
        )
        number = (newest["version"] if newest else 0) + 1
        await PolicyVersion.insert(
            PolicyVersion(id=policy, version=number, status="draft", created_by=UUID(actor.id))
        )
        await _write(policy, draft)
        await audit.record(actor, audit.Action.change, field_group="policy", purpose="draft")
    return policy


async def replace_draft(policy: UUID, draft: PolicyDraft, actor: audit.Actor) -> None:
    """Rewrite a draft (an approved or retired version cannot change)."""
    async with transaction():
        await _status_must_be(policy, "draft")
        for table in (PolicyRate, PolicyExpenseRule, PolicyCap):
            await table.delete().where(table.policy == policy)
        await _write(policy, draft)
        await audit.record(actor, audit.Action.change, field_group="policy", purpose="draft")


async def copy_as_draft(policy: UUID, actor: audit.Actor) -> UUID:
    """Start a change to any version: a new draft saying what it says."""
    return await create_draft((await view(policy)).draft, actor)


async def approve(policy: UUID, approval_ref: str, actor: audit.Actor) -> None:
    """Approve a draft; the version in force the day before it starts ends that day."""
    async with transaction():
        row = await _status_must_be(policy, "draft")
        starts: date = row["effective_from"]
        await PolicyVersion.update({PolicyVersion.effective_to: starts - timedelta(days=1)}).where(
            (PolicyVersion.status == "approved")
            & (PolicyVersion.effective_from < starts)
            & _open_or_after(starts)
        )
        await PolicyVersion.update(
            {PolicyVersion.status: "retired", PolicyVersion.retired_at: datetime.now(UTC)}
        ).where((PolicyVersion.status == "approved") & (PolicyVersion.effective_from >= starts))
        await PolicyVersion.update(
            {
                PolicyVersion.status: "approved",
                PolicyVersion.approved_by: UUID(actor.id),
                PolicyVersion.approved_at: datetime.now(UTC),
                PolicyVersion.approval_ref: approval_ref.strip(),
            }
        ).where(PolicyVersion.id == policy)
        await audit.record(actor, audit.Action.change, field_group="policy", purpose="approve")


async def retire(policy: UUID, actor: audit.Actor) -> None:
    """Stop using an approved version (payments already made keep naming it)."""
    async with transaction():
        await _status_must_be(policy, "approved")
        await PolicyVersion.update(
            {PolicyVersion.status: "retired", PolicyVersion.retired_at: datetime.now(UTC)}
        ).where(PolicyVersion.id == policy)
        await audit.record(actor, audit.Action.change, field_group="policy", purpose="retire")


async def current(on: date) -> PolicyView | None:
    """The approved version in force on ``on`` (the newest, if two overlap)."""
    row = (
        await PolicyVersion.select(PolicyVersion.id)
        .where(
            (PolicyVersion.status == "approved")
            & (PolicyVersion.effective_from <= on)
            & _open_or_after(on)
        )
        .order_by(PolicyVersion.version, ascending=False)
        .first()
    )
    return await view(row["id"]) if row else None


async def versions() -> list[dict[str, Any]]:
    """Every version, newest first, without its rates: for the list of versions."""
    return list(
        await PolicyVersion.select(
            PolicyVersion.id,
            PolicyVersion.name,
            PolicyVersion.version,
            PolicyVersion.status,
            PolicyVersion.effective_from,
            PolicyVersion.effective_to,
            PolicyVersion.approved_at,
        ).order_by(PolicyVersion.version, ascending=False)
    )


async def view(policy: UUID) -> PolicyView:
    row = await PolicyVersion.select().where(PolicyVersion.id == policy).first()
    if row is None:
        raise NotFound("There is no such policy version.")
    rates = (
        await PolicyRate.select().where(PolicyRate.policy == policy).order_by(PolicyRate.activity)
    )
    rules = await PolicyExpenseRule.select().where(PolicyExpenseRule.policy == policy)
    caps = await PolicyCap.select().where(PolicyCap.policy == policy)
    draft = PolicyDraft(
        name=row["name"],
        effective_from=row["effective_from"],
        methods=[m for m in row["methods"].split(",") if m],
        pay_within_working_days=row["pay_within_working_days"],
        cost_centre=row["cost_centre"],
        fee_ledger_code=row["fee_ledger_code"],
        expense_ledger_code=row["expense_ledger_code"],
        notes=row["notes"],
        rates=[Rate(**_fields(r, Rate)) for r in rates],
        expense_rules=[ExpenseRule(**_fields(r, ExpenseRule)) for r in rules],
        caps=[Cap(**_fields(r, Cap)) for r in caps],
    )
    return PolicyView(
        id=row["id"],
        name=row["name"],
        version=row["version"],
        status=row["status"],
        effective_from=row["effective_from"],
        effective_to=row["effective_to"],
        approved_by=row["approved_by"],
        approved_at=row["approved_at"],
        approval_ref=row["approval_ref"],
        draft=draft,
    )


def fee_for(
    policy: PolicyView, activity: str, minutes: int, role_level: str = "participant"
) -> Fee | None:
    """What ``minutes`` of ``activity`` earns under the policy, or None when it pays nothing
    for that activity at that level. Preparation time is added, then the time is rounded, then
    paid per unit (whole units for half days and days; one unit for a task)."""
    rate = next(
        (r for r in policy.draft.rates if (r.activity, r.role_level) == (activity, role_level)),
        None,
    )
    if rate is None or minutes <= 0:
        return None
    paid = _rounded(minutes + rate.prep_minutes, rate.rounding_minutes, rate.rounding_mode)
    if rate.unit == "task":
        return Fee(rate.amount_pence, paid, 1, rate)
    if rate.unit == "hour":
        return Fee((rate.amount_pence * paid + 30) // 60, paid, 0, rate)
    units = math.ceil(paid / vocabulary.UNIT_MINUTES[rate.unit])
    return Fee(rate.amount_pence * units, paid, units, rate)


def _rounded(minutes: int, step: int, mode: str) -> int:
    if mode == "up":
        return math.ceil(minutes / step) * step
    return max(step, (minutes + step // 2) // step * step)


def _open_or_after(day: date) -> WhereRaw:
    return WhereRaw("(effective_to IS NULL OR effective_to >= {})", day)


async def _status_must_be(policy: UUID, status: str) -> dict[str, Any]:
    row = await PolicyVersion.select().where(PolicyVersion.id == policy).first()
    if row is None:
        raise NotFound("There is no such policy version.")
    if row["status"] != status:
        label = vocabulary.POLICY_STATUSES[row["status"]].lower()
        raise Conflict(f"This version is {label}, so it cannot change. Copy it into a new draft.")
    return dict(row)


async def _write(policy: UUID, draft: PolicyDraft) -> None:
    await PolicyVersion.update(
        {
            PolicyVersion.name: draft.name,
            PolicyVersion.effective_from: draft.effective_from,
            PolicyVersion.methods: ",".join(draft.methods),
            PolicyVersion.pay_within_working_days: draft.pay_within_working_days,
            PolicyVersion.cost_centre: draft.cost_centre,
            PolicyVersion.fee_ledger_code: draft.fee_ledger_code,
            PolicyVersion.expense_ledger_code: draft.expense_ledger_code,
            PolicyVersion.notes: draft.notes,
        }
    ).where(PolicyVersion.id == policy)
    rates = [PolicyRate(id=uuid4(), policy=policy, **r.model_dump()) for r in draft.rates]
    rules = [
        PolicyExpenseRule(id=uuid4(), policy=policy, **e.model_dump()) for e in draft.expense_rules
    ]
    caps = [PolicyCap(id=uuid4(), policy=policy, **c.model_dump()) for c in draft.caps]
    if rates:
        await PolicyRate.insert(*rates)
    if rules:
        await PolicyExpenseRule.insert(*rules)
    if caps:
        await PolicyCap.insert(*caps)


def _fields(
    row: dict[str, Any], model: type[Rate] | type[ExpenseRule] | type[Cap]
) -> dict[str, Any]:
    return {name: row[name] for name in model.model_fields}
