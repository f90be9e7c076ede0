"""Fees proposed from attendance, in one step: the hours staff recorded on the day, the policy in
force on the event's date, and each person's informed choice of how to be paid.

Proposing is idempotent: each person's fee for one event is proposed once (the ledger's
``once`` key ``fee:<event>:<subject>``), so pressing the button twice proposes nothing new.
Someone else approves what was proposed (the ledger refuses the proposer: four eyes).

What is not proposed is said plainly, person by person: no rate for the activity, a cap that
stops the payment, a choice of expenses only. What finance must look at before approving (a
cap warned about, no choice recorded yet) is proposed and returned as a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from app import audit
from app.db import transaction
from app.errors import Conflict
from events.services import attendance, ics, scheduling
from payments import vocabulary
from payments.money import pounds
from payments.services import choices, ledger, offers, policy
from payments.tables import LedgerEntry

NO_CHOICE = "No choice recorded yet: check with the person before approving."


@dataclass(frozen=True)
class Line:
    """One person in the result: what happened to their fee, in plain words."""

    subject: UUID
    text: str
    amount_pence: int = 0
    entry: UUID | None = None


@dataclass
class Outcome:
    """What pressing "Propose fees" did for one event."""

    event: UUID
    title: str
    proposed: list[Line] = field(default_factory=list)
    skipped: list[Line] = field(default_factory=list)
    already: list[Line] = field(default_factory=list)
    warnings: list[Line] = field(default_factory=list)

    @property
    def subjects(self) -> list[UUID]:
        lines = self.proposed + self.skipped + self.already + self.warnings
        return list(dict.fromkeys(line.subject for line in lines))


@dataclass(frozen=True)
class _Fee:
    """The amount, kind and method one person's choice gives, or why there is none."""

    amount_pence: int = 0
    kind: str = "fee"
    method: str = ""
    note: str = ""
    skip: str = ""


async def overview(limit: int = 200) -> list[dict[str, Any]]:
    """Events with hours recorded, newest first: how many people have hours (``people``) and
    how many fees are proposed already (``proposed``), with ``pending`` still to propose."""
    found = await attendance.with_hours(limit)
    if not found:
        return []
    made = await _proposed_for([row["id"] for row in found])
    listed = []
    for row in found:
        hours = await attendance.hours_of(row["id"])
        done = made.get(row["id"], set())
        waiting = [s for s, m in hours.items() if m > 0 and s not in done]
        pending = await _needing_fee(waiting, row["opportunity"])
        listed.append({**row, "proposed": len(done), "pending": len(pending)})
    return listed


async def due(limit: int = 200) -> list[dict[str, Any]]:
    """Events whose attendance has hours recorded and whose fees are not all proposed yet (a
    person who chose expenses only needs no fee)."""
    return [row for row in await overview(limit) if row["pending"]]


async def propose_fees(event: UUID, actor: audit.Actor) -> Outcome:
    """Propose the fee of everyone with hours recorded at the event, in one transaction."""
    row, _ = await scheduling.get(event)
    on = row["starts_at"].astimezone(ics.LONDON).date()
    in_force = await policy.current(on)
    if in_force is None:
        raise Conflict(
            f"No approved payment policy is in force on {on:%-d %B %Y}, so no fee can be worked "
            "out. An admin must approve a policy that covers that day first."
        )
    outcome = Outcome(event, row["title"])
    hours = await attendance.hours_of(event)
    job = _Job(row, on, in_force, actor)
    async with transaction():
        for subject in sorted(hours, key=str):
            await _one(outcome, job, subject, hours[subject])
    return outcome


@dataclass(frozen=True)
class _Job:
    """One press of the button: the event, its day, the policy then, who pressed it."""

    row: dict[str, Any]
    on: date
    in_force: policy.PolicyView
    actor: audit.Actor


async def _one(outcome: Outcome, job: _Job, subject: UUID, minutes: int) -> None:
    row, on, in_force, actor = job.row, job.on, job.in_force, job.actor
    once = f"fee:{row['id']}:{subject}"
    if minutes <= 0:
        outcome.skipped.append(Line(subject, "No time recorded, so there is no fee."))
        return
    if found := await LedgerEntry.select(LedgerEntry.id).where(LedgerEntry.once == once).first():
        outcome.already.append(Line(subject, "Already proposed.", entry=found["id"]))
        return
    activity = vocabulary.ACTIVITIES.get(row["kind"], row["kind"])
    fee = policy.fee_for(in_force, row["kind"], minutes)
    if fee is None:
        text = f"The policy has no rate for {activity.lower()}, so there is no fee to propose."
        outcome.skipped.append(Line(subject, text))
        return
    chosen = await choices.current(subject, row["opportunity"]) if row["opportunity"] else None
    worked = _by_choice(chosen, fee.amount_pence, in_force)
    if worked.skip:
        outcome.skipped.append(Line(subject, worked.skip))
        return
    over = await _over_caps(in_force, subject, worked.amount_pence, on)
    blocked = [text for action, text in over if action == "block"]
    if blocked:
        outcome.skipped.append(Line(subject, " ".join(blocked)))
        return
    checks = [worked.note] * bool(worked.note) + [text for _, text in over]
    entry = await ledger.propose(
        ledger.Proposal(
            subject=subject,
            kind=worked.kind,
            amount_pence=worked.amount_pence,
            policy=in_force.id,
            event=row["id"],
            opportunity=row["opportunity"],
            choice=chosen.id if chosen else None,
            method=worked.method,
            minutes=minutes,
            description=(" ".join(checks) or f"{activity}, {on:%-d %B %Y}")[:200],
            once=once,
        ),
        actor,
    )
    outcome.proposed.append(Line(subject, _proposed_words(worked), worked.amount_pence, entry))
    for text in checks:  # also in the entry's note, which finance reads before approving
        outcome.warnings.append(Line(subject, text, worked.amount_pence, entry))


def _by_choice(chosen: choices.ChoiceView | None, fee: int, in_force: policy.PolicyView) -> _Fee:
    """The person's informed choice applied to the fee the policy gives."""
    money = next((m for m in offers.MONEY_METHODS if m in in_force.draft.methods), "bank_transfer")
    if chosen is None:
        return _Fee(fee, "fee", "bank_transfer", NO_CHOICE)
    if chosen.choice == "expenses_only":
        return _Fee(skip="Chose no fee, expenses only: nothing to propose.")
    if chosen.choice == "reduced":
        smaller = min(chosen.reduced_pence or fee, fee)
        return _Fee(smaller, "fee", "reduced_amount")
    if chosen.choice == "voucher":
        return _Fee(fee, "voucher", "e_voucher")
    if chosen.choice == "charity":
        return _Fee(fee, "fee", "pay_to_charity")
    method = chosen.method if chosen.method in offers.MONEY_METHODS else money
    return _Fee(fee, "fee", method)


def _proposed_words(worked: _Fee) -> str:
    method = vocabulary.METHODS.get(worked.method, worked.method)
    return f"{pounds(worked.amount_pence)}, {method.lower()}."


async def _over_caps(
    in_force: policy.PolicyView, subject: UUID, amount: int, on: date
) -> list[tuple[str, str]]:
    """Each cap this fee would go over, as (action, plain words)."""
    over = []
    for cap in in_force.draft.caps:
        total = amount
        if cap.scope != "per_activity":
            start, end = _period(cap.scope, on)
            total += await ledger.received_between(subject, start, end)
        if total > cap.amount_pence:
            scope = vocabulary.CAP_SCOPES[cap.scope].lower()
            text = f"This would go over the policy's cap of {pounds(cap.amount_pence)} {scope}"
            text += f" ({pounds(total)})."
            if cap.action == "block":
                text = text[:-1] + ", so it was not proposed."
            elif cap.action == "approval":
                text = text[:-1] + ": it needs a second approval."
            over.append((cap.action, text))
    return over


def _period(scope: str, on: date) -> tuple[date, date]:
    """The week (Monday to Sunday), month or UK tax year (6 April to 5 April) around ``on``."""
    if scope == "per_person_week":
        start = on - timedelta(days=on.weekday())
        return start, start + timedelta(days=6)
    if scope == "per_person_month":
        start = on.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return start, following - timedelta(days=1)
    year = on.year if on >= date(on.year, 4, 6) else on.year - 1
    return date(year, 4, 6), date(year + 1, 4, 5)


async def _proposed_for(events: list[UUID]) -> dict[UUID, set[UUID]]:
    """The people whose fee for each event is proposed already (any state)."""
    rows = await LedgerEntry.select(LedgerEntry.event, LedgerEntry.subject, LedgerEntry.once).where(
        LedgerEntry.event.is_in(events) & LedgerEntry.once.like("fee:%")
    )
    made: dict[UUID, set[UUID]] = {}
    for row in rows:
        made.setdefault(row["event"], set()).add(row["subject"])
    return made


async def _needing_fee(subjects: list[UUID], opportunity: UUID | None) -> list[UUID]:
    """Those of ``subjects`` who have not chosen expenses only."""
    if opportunity is None:
        return subjects
    needing = []
    for subject in subjects:
        chosen = await choices.current(subject, opportunity)
        if chosen is None or chosen.choice != "expenses_only":
            needing.append(subject)
    return needing
