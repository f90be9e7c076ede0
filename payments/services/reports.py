"""Figures for finance's dashboard: what each person has had this tax year and this benefit week,
and how quickly people are paid after they take part.

Why it is built this way:

- **Payee references, never names**: a dashboard is looked at on shared screens.
- **Net of reversals**: an entry counts once it is approved (or batched or paid) and not
  reversed, dated by when it was made in London time, exactly as ``ledger.received_between``
  counts a benefit week; a reversed entry counts nothing, wherever its reversal falls.
- **One query per figure**: the totals are grouped by the database; the timing figures read the
  entries in one query and their events' end times in one call to ``scheduling.ends_of``
  (payments may not read events' tables), then the payee references in one more query.
- **Working days are Monday to Friday.** Bank holidays are not modelled, so a payment made over
  a bank holiday can look one day later than it was.
- **The target is each entry's own policy** (``pay_within_working_days``); an entry without a
  policy is held to the policy in force today, or 10 working days when there is none.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final
from uuid import UUID

from piccolo.columns.combination import WhereRaw
from piccolo.query.functions.aggregate import Sum

from events.services import scheduling
from payments.services import ledger, policy
from payments.services.benefit_rules import Period, benefit_week
from payments.tables import LedgerEntry, Payee, PolicyVersion

DEFAULT_TARGET: Final = 10
"""Working days to pay within when neither the entry nor today has a policy."""
STANDING: Final = f"({ledger.STATE}) IN ('approved', 'batched', 'paid')"
UNPAID: Final = f"({ledger.STATE}) IN ('proposed', 'approved', 'batched')"
NO_REFERENCE: Final = "No payee reference yet"


@dataclass(frozen=True)
class PersonTotal:
    """One person's money in a period: fees and vouchers (earnings) and expenses paid back."""

    payee_reference: str
    earnings_pence: int
    expenses_pence: int


@dataclass(frozen=True)
class Timeliness:
    """How quickly payments were made after the event, in working days."""

    paid: int
    median_days: float | None
    on_time: int

    @property
    def on_time_percent(self) -> int | None:
        return None if not self.paid else round(100 * self.on_time / self.paid)


@dataclass(frozen=True)
class Overdue:
    """A payment not yet made and already past its target date."""

    entry: UUID
    payee_reference: str
    amount_pence: int
    state: str
    event_ended: date
    due: date
    days_late: int


def tax_year(on: date) -> Period:
    """The UK tax year around ``on``: 6 April to 5 April, both days included."""
    start_year = on.year if on >= date(on.year, 4, 6) else on.year - 1
    return Period("tax_year", date(start_year, 4, 6), date(start_year + 1, 4, 5))


def this_week(on: date) -> Period:
    """The benefit week (Monday to Sunday), as the benefit warnings count it."""
    return benefit_week(on)


def working_days_between(start: date, end: date) -> int:
    """Weekdays after ``start`` up to and including ``end`` (0 when ``end`` is not later)."""
    if end <= start:
        return 0
    whole_weeks, rest = divmod((end - start).days, 7)
    extra = sum(1 for n in range(1, rest + 1) if (start + timedelta(days=n)).weekday() < 5)
    return whole_weeks * 5 + extra


def add_working_days(start: date, days: int) -> date:
    """The day ``days`` working days after ``start`` (a weekend start counts from Monday)."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


async def totals(period: Period) -> list[PersonTotal]:
    """Each person's standing money made in the period, by payee reference (one grouped
    query, then one for the references)."""
    rows = await (
        LedgerEntry.select(
            LedgerEntry.subject, LedgerEntry.kind, Sum(LedgerEntry.amount_pence, alias="pence")
        )
        .where(
            (LedgerEntry.created_at >= ledger.london_midnight(period.start))
            & (LedgerEntry.created_at < ledger.london_midnight(period.end + timedelta(days=1)))
            & WhereRaw(STANDING)
        )
        .group_by(LedgerEntry.subject, LedgerEntry.kind)
    )
    money: dict[UUID, dict[str, int]] = {}
    for row in rows:
        kind = "expenses" if row["kind"] == "expense" else "earnings"
        person = money.setdefault(_uuid(row["subject"]), {"earnings": 0, "expenses": 0})
        person[kind] += int(row["pence"] or 0)
    references = await _references(list(money))
    found = [
        PersonTotal(references.get(subject, NO_REFERENCE), m["earnings"], m["expenses"])
        for subject, m in money.items()
    ]
    return sorted(found, key=lambda t: (t.payee_reference, -t.earnings_pence))


async def timeliness(period: Period, today: date) -> Timeliness:
    """Payments for an event, paid in the period: the median working days from the event's end
    to the day paid, and how many were paid within their policy's target."""
    rows = await LedgerEntry.raw(
        "SELECT e.event, s.at AS paid_at, p.pay_within_working_days AS target "
        "FROM ledger_entry e JOIN entry_state s ON s.entry = e.id AND s.state = 'paid' "
        "LEFT JOIN policy_version p ON p.id = e.policy WHERE e.event IS NOT NULL"
    )
    default = await _default_target(today)
    ends = await scheduling.ends_of([_uuid(row["event"]) for row in rows])
    days, on_time = [], 0
    for row in rows:
        paid = _london_day(row["paid_at"])
        ended = ends.get(_uuid(row["event"]))
        if ended is None or not period.start <= paid <= period.end:
            continue
        taken = working_days_between(_london_day(ended), paid)
        days.append(taken)
        on_time += taken <= (row["target"] or default)
    return Timeliness(len(days), statistics.median(days) if days else None, on_time)


async def overdue(today: date) -> list[Overdue]:
    """Payments for an event not yet paid and past their target date, oldest event first."""
    rows = await _unpaid()
    default = await _default_target(today)
    targets = await _targets({_uuid(row["policy"]) for row in rows if row["policy"]})
    ends = await scheduling.ends_of([_uuid(row["event"]) for row in rows])
    references = await _references([_uuid(row["subject"]) for row in rows])
    late = []
    for row in rows:
        ended = ends.get(_uuid(row["event"]))
        if ended is None:
            continue
        day = _london_day(ended)
        target = targets.get(_uuid(row["policy"])) if row["policy"] else None
        due = add_working_days(day, target or default)
        if today > due:
            late.append(
                Overdue(
                    entry=_uuid(row["id"]),
                    payee_reference=references.get(_uuid(row["subject"]), NO_REFERENCE),
                    amount_pence=int(row["amount_pence"]),
                    state=str(row["state"]),
                    event_ended=day,
                    due=due,
                    days_late=working_days_between(due, today),
                )
            )
    return sorted(late, key=lambda o: (o.event_ended, str(o.entry)))


async def _unpaid() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await LedgerEntry.raw(
        "SELECT id, subject, event, amount_pence, policy, "  # noqa: S608 - constant SQL
        f"{ledger.STATE} AS state FROM ledger_entry "
        f"WHERE event IS NOT NULL AND {UNPAID}"
    )
    return rows


async def _targets(policies: set[UUID]) -> dict[UUID, int]:
    """Each policy version's target, in one query."""
    if not policies:
        return {}
    rows = await PolicyVersion.select(
        PolicyVersion.id, PolicyVersion.pay_within_working_days
    ).where(PolicyVersion.id.is_in(list(policies)))
    return {_uuid(row["id"]): int(row["pay_within_working_days"]) for row in rows}


async def _default_target(today: date) -> int:
    in_force = await policy.current(today)
    return in_force.draft.pay_within_working_days if in_force else DEFAULT_TARGET


async def _references(subjects: list[UUID]) -> dict[UUID, str]:
    found: dict[UUID, str] = {}
    wanted = sorted(set(subjects), key=str)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for row in await Payee.select(Payee.subject, Payee.reference).where(
            Payee.subject.is_in(chunk)
        ):
            found[_uuid(row["subject"])] = row["reference"]
    return found


def _london_day(value: Any) -> date:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ledger.LONDON).date()


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))
