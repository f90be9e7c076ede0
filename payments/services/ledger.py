"""The ledger: amounts owed to people, proposed, approved by someone else, batched, paid.

Nothing here edits or deletes a ledger row (the database refuses): a change of state is a new
``EntryState`` row, and a correction is a reversal, a new entry of the opposite amount that
names the one it cancels. An entry's state is therefore worked out from the rows, always by the
one SQL expression ``STATE``, so a list, a filter and a single look-up can never disagree:

    reversed  a reversal names it (or it is itself a reversal: it settles its original)
    paid      a "paid" state row       batched   a "batched" state row
    approved  an "approved" state row  proposed  none of these

Concurrency: on SQLite every write transaction is IMMEDIATE, so writers take turns. On
PostgreSQL, a change to one entry first takes a shared lock on the whole ledger and an exclusive
lock on that entry; a change to a batch takes the whole ledger exclusively (``hold_ledger``).
Both are transaction-scoped advisory locks taken in that one order, so they cannot deadlock, and
the state read after them is the committed one. The unique indexes (``reverses``, ``once``) stay
as the last line of defence.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from piccolo.columns.combination import WhereRaw

from app import audit
from app.db import current_engine, is_duplicate, transaction
from app.errors import Conflict, DomainError, FieldError, Forbidden, NotFound
from payments import vocabulary
from payments.tables import EntryState, ExportBatch, LedgerEntry, PolicyVersion

LONDON = ZoneInfo("Europe/London")
KINDS = ("fee", "expense", "voucher")
EARNINGS = ("fee", "voucher")
"""Kinds that count as earnings for benefits; reimbursed expenses do not."""
STATES = ("proposed", "approved", "batched", "paid", "reversed")
MAX_PENCE = 10_000_000
"""£100,000: the most one entry may be, so a typing slip cannot become a fortune."""
LEDGER_LOCK = 0x52435000
"""The advisory-lock class of the ledger (``RCP`` in hex); entries use ``LEDGER_LOCK + 1``."""

STATE = """CASE
  WHEN ledger_entry.kind = 'reversal'
    OR EXISTS (SELECT 1 FROM ledger_entry r WHERE r.reverses = ledger_entry.id) THEN 'reversed'
  WHEN EXISTS (SELECT 1 FROM entry_state s
               WHERE s.entry = ledger_entry.id AND s.state = 'paid') THEN 'paid'
  WHEN EXISTS (SELECT 1 FROM entry_state s
               WHERE s.entry = ledger_entry.id AND s.state = 'batched') THEN 'batched'
  WHEN EXISTS (SELECT 1 FROM entry_state s
               WHERE s.entry = ledger_entry.id AND s.state = 'approved') THEN 'approved'
  ELSE 'proposed' END"""


@dataclass(frozen=True)
class Proposal:
    """A payment someone proposes: a fee, an expense or a voucher for one person."""

    subject: UUID
    kind: str  # "fee" | "expense" | "voucher"
    amount_pence: int
    policy: UUID | None = None
    event: UUID | None = None
    opportunity: UUID | None = None
    choice: UUID | None = None
    method: str = ""
    minutes: int | None = None
    description: str = ""
    once: str | None = None


@dataclass(frozen=True)
class EntryView:
    """One ledger entry as finance sees it: amounts and ids, never anything about the person."""

    id: UUID
    subject: UUID
    kind: str
    amount_pence: int
    state: str
    created_at: datetime
    proposed_by: UUID | None
    approved_by: UUID | None
    batch: UUID | None
    paid_reference: str
    policy: UUID | None
    event: UUID | None
    opportunity: UUID | None
    choice: UUID | None
    method: str
    minutes: int | None
    description: str
    reverses: UUID | None
    reissues: UUID | None


async def propose(proposal: Proposal, actor: audit.Actor) -> UUID:
    """Record a proposed payment. With ``once`` set, proposing the same thing again (a retry, a
    second click, a second worker) returns the first entry instead of making another."""
    _check(proposal)
    async with transaction():
        if proposal.once is not None and (found := await _proposed_once(proposal)):
            return found
        if proposal.policy and not await PolicyVersion.exists().where(
            PolicyVersion.id == proposal.policy
        ):
            raise invalid("policy", "There is no such policy version.")
        entry = uuid4()
        inserted = await LedgerEntry.insert(_row(entry, proposal, actor)).on_conflict(
            action="DO NOTHING"
        )
        if not inserted:  # a concurrent proposal with the same ``once`` committed first
            won = await _proposed_once(proposal)
            if won is None:
                raise Conflict("This payment could not be recorded. Try again.")
            return won
        await _audit(actor, proposal.subject, "propose")
    return entry


async def approve(entry: UUID, actor: audit.Actor) -> None:
    """Approve a proposed entry; the person who proposed it cannot (four eyes)."""
    async with transaction():
        await hold_entry(entry)
        row = await _entry(entry)
        state = await state_of(entry)
        if state != "proposed":
            raise Conflict(NOT_APPROVABLE[state])
        if row["proposed_by"] is not None and row["proposed_by"] == actor_uuid(actor):
            raise Forbidden("You proposed this payment, so someone else must approve it.")
        await _add_state(entry, "approved", actor)
        await _audit(actor, row["subject"], "approve")


async def reverse(entry: UUID, reason: str, actor: audit.Actor) -> UUID:
    """Cancel a proposed or approved entry with a reversal of the opposite amount. A batched
    entry is reversed by voiding its batch; a paid one cannot be reversed here."""
    reason = checked_reason(reason, 200, "reversing this payment")
    async with transaction():
        await hold_entry(entry)
        row = await _entry(entry)
        state = await state_of(entry)
        if state not in ("proposed", "approved"):
            raise Conflict(await _not_reversible(entry, state))
        reversal = uuid4()
        await insert_entries([reversal_of(row, reversal, reason, actor)])
        await _audit(actor, row["subject"], "reverse")
    return reversal


async def state_of(entry: UUID) -> str:
    """proposed, approved, batched, paid or reversed (see the module docstring)."""
    rows = await LedgerEntry.raw(
        f"SELECT {STATE} AS state FROM ledger_entry WHERE id = {{}}",  # noqa: S608 - constant SQL
        entry,
    )
    if not rows:
        raise NotFound("There is no such payment.")
    return str(rows[0]["state"])


async def has_approved(subject: UUID, opportunity: UUID) -> bool:
    """True when a payment to this person for this opportunity is approved and stands (approved,
    batched or paid, not reversed): their payment choice is then settled. A reissue after a
    voided batch waits for approval again, so until then the choice may still change."""
    return await LedgerEntry.exists().where(
        (LedgerEntry.subject == subject)
        & (LedgerEntry.opportunity == opportunity)
        & WhereRaw(f"({STATE}) IN ('approved', 'batched', 'paid')")
    )


async def received_between(subject: UUID, start: date, end: date) -> int:
    """Net fee pence (fees and vouchers) approved or later and not reversed, for entries made
    from ``start`` to ``end`` inclusive in London time: the earnings a benefit week or an
    assessment period counts. A reversed entry counts nothing, wherever its reversal falls."""
    rows = await LedgerEntry.select(LedgerEntry.amount_pence).where(
        (LedgerEntry.subject == subject)
        & LedgerEntry.kind.is_in(list(EARNINGS))
        & (LedgerEntry.created_at >= london_midnight(start))
        & (LedgerEntry.created_at < london_midnight(end + timedelta(days=1)))
        & WhereRaw(f"({STATE}) IN ('approved', 'batched', 'paid')")
    )
    return sum(int(row["amount_pence"]) for row in rows)


async def entries(
    *, state: str | None = None, subject: UUID | None = None, limit: int = 200
) -> list[EntryView]:
    """Entries oldest first (a queue: who has waited longest comes first), optionally only
    those in one state or for one person."""
    if state is not None and state not in STATES:
        raise invalid("state", f"Choose a state from: {', '.join(STATES)}.")
    query = LedgerEntry.select().order_by(LedgerEntry.created_at, LedgerEntry.id)
    if state is not None:
        query = query.where(WhereRaw(f"({STATE}) = {{}}", state))
    if subject is not None:
        query = query.where(LedgerEntry.subject == subject)
    rows = await query.limit(max(1, min(limit, 1000)))
    return await views(rows)


async def view(entry: UUID) -> EntryView:
    """One entry (404 when there is none)."""
    return (await views([await _entry(entry)]))[0]


async def views(rows: list[dict[str, Any]]) -> list[EntryView]:
    """Ledger rows as views, with their states, approvers, batches and paid references."""
    ids = [row["id"] for row in rows]
    states = await states_of(ids)
    marks: dict[tuple[UUID, str], dict[str, Any]] = {}
    for chunk in chunks(ids):
        for mark in await EntryState.select().where(EntryState.entry.is_in(chunk)):
            marks[(mark["entry"], mark["state"])] = mark
    return [_view(row, states[row["id"]], marks) for row in rows]


async def states_of(entries: list[UUID]) -> dict[UUID, str]:
    """The state of each entry that exists, in a query per 500 entries."""
    found: dict[UUID, str] = {}
    for chunk in chunks(entries):
        marks = ", ".join("{}" for _ in chunk)
        rows = await LedgerEntry.raw(
            f"SELECT id, {STATE} AS state FROM ledger_entry WHERE id IN ({marks})",  # noqa: S608
            *chunk,
        )
        found |= {UUID(str(row["id"])): str(row["state"]) for row in rows}
    return found


async def hold_ledger() -> None:
    """Take the whole ledger for this transaction (batch changes), on PostgreSQL."""
    if current_engine().engine_type == "postgres":
        await LedgerEntry.raw("SELECT pg_advisory_xact_lock({}, 0)", LEDGER_LOCK)


async def hold_entry(entry: UUID) -> None:
    """Take one entry for this transaction (approving, reversing), on PostgreSQL: a shared hold
    on the ledger, so batch changes wait, then the entry itself."""
    if current_engine().engine_type == "postgres":
        await LedgerEntry.raw("SELECT pg_advisory_xact_lock_shared({}, 0)", LEDGER_LOCK)
        await LedgerEntry.raw(
            "SELECT pg_advisory_xact_lock({}, hashtext({}))", LEDGER_LOCK + 1, str(entry)
        )


def reversal_of(
    row: dict[str, Any], reversal: UUID, reason: str, actor: audit.Actor
) -> LedgerEntry:
    """A new entry cancelling ``row``: the opposite amount, for the same person and purpose."""
    return LedgerEntry(
        **_copied(row),
        id=reversal,
        kind="reversal",
        amount_pence=-int(row["amount_pence"]),
        description=reason,
        reverses=row["id"],
        proposed_by=actor_uuid(actor),
    )


def reissue_of(row: dict[str, Any], reissue: UUID, actor: audit.Actor) -> LedgerEntry:
    """A new proposed entry paying what ``row`` paid, after ``row`` was reversed by a void."""
    return LedgerEntry(
        **_copied(row),
        id=reissue,
        kind=row["kind"],
        amount_pence=row["amount_pence"],
        description=row["description"],
        reissues=row["id"],
        proposed_by=actor_uuid(actor),
    )


async def insert_entries(rows: list[LedgerEntry]) -> None:
    """Append entries; a second reversal of one entry breaks ``reverses``' unique index."""
    try:
        for start in range(0, len(rows), 500):
            await LedgerEntry.insert(*rows[start : start + 500])
    except Exception as error:
        if is_duplicate(error):
            raise Conflict("This payment has already been reversed.") from error
        raise


def actor_uuid(actor: audit.Actor) -> UUID | None:
    """The actor's account id; None for the system (a proposal from recorded attendance)."""
    try:
        return UUID(actor.id)
    except ValueError:
        return None


def london_midnight(day: date) -> datetime:
    """The start of a London day, in UTC."""
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def chunks(items: list[UUID], size: int = 500) -> list[list[UUID]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


NOT_APPROVABLE = {
    "approved": "This payment is already approved.",
    "batched": "This payment is already approved and in an export batch.",
    "paid": "This payment has already been paid.",
    "reversed": "This payment was reversed, so it cannot be approved.",
}


async def _not_reversible(entry: UUID, state: str) -> str:
    if state == "reversed":
        return "This payment has already been reversed."
    if state == "paid":
        return "This payment has been paid, so it cannot be reversed."
    mark = await EntryState.select(EntryState.batch).where(
        (EntryState.entry == entry) & (EntryState.state == "batched")
    )
    batch = await ExportBatch.select(ExportBatch.reference).where(
        ExportBatch.id == mark[0]["batch"]
    )
    name = f"batch {batch[0]['reference']}" if batch else "an export batch"
    return f"This payment is in {name}. Void the batch to reverse it: it is then proposed again."


def _check(proposal: Proposal) -> None:
    """Refuse what cannot be a payment before anything is written."""
    amount = proposal.amount_pence
    if type(amount) is not int or not 1 <= amount <= MAX_PENCE:
        raise invalid(
            "amount_pence", f"Enter the amount in whole pence, from 1 to {MAX_PENCE} (£100,000)."
        )
    if proposal.kind not in KINDS:
        raise invalid("kind", "Choose fee, expense or voucher.")
    if proposal.method and proposal.method not in vocabulary.METHODS:
        raise invalid("method", "Choose a payment method from the policy's list.")
    if proposal.minutes is not None and not 0 < proposal.minutes <= 24 * 60:
        raise invalid("minutes", "Enter the minutes paid, from 1 to 1440.")
    if len(proposal.description) > 200:
        raise invalid("description", "Keep the description to 200 characters or fewer.")


def invalid(field: str, message: str) -> DomainError:
    """A 400 naming the field to correct."""
    return DomainError(message, errors=[FieldError(field, message)])


def checked_reason(reason: str, longest: int, doing: str) -> str:
    """A reason as given, trimmed; refused (400) when empty or too long. Reasons are kept in
    the ledger for years: they say what went wrong with the payment, never about the person."""
    reason = reason.strip()
    if not reason or len(reason) > longest:
        raise invalid("reason", f"Enter why you are {doing}, in {longest} characters or fewer.")
    return reason


async def _proposed_once(proposal: Proposal) -> UUID | None:
    row = await LedgerEntry.select().where(LedgerEntry.once == proposal.once).first()
    if row is None:
        return None
    same = (row["subject"], row["kind"], row["amount_pence"]) == (
        proposal.subject,
        proposal.kind,
        proposal.amount_pence,
    )
    if not same:
        raise Conflict("A different payment was already proposed for this.")
    return UUID(str(row["id"]))


def _row(entry: UUID, proposal: Proposal, actor: audit.Actor) -> LedgerEntry:
    """The proposal's fields are the ledger's columns of the same names."""
    return LedgerEntry(
        id=entry, **asdict(proposal), proposed_by=actor_uuid(actor), created_at=datetime.now(UTC)
    )


def _copied(row: dict[str, Any]) -> dict[str, Any]:
    names = ("subject", "event", "opportunity", "policy", "choice", "method", "minutes")
    return {name: row[name] for name in names} | {"created_at": datetime.now(UTC)}


async def _entry(entry: UUID) -> dict[str, Any]:
    row = await LedgerEntry.select().where(LedgerEntry.id == entry).first()
    if row is None:
        raise NotFound("There is no such payment.")
    return dict(row)


async def _add_state(entry: UUID, state: str, actor: audit.Actor) -> None:
    try:
        await EntryState.insert(
            EntryState(
                id=uuid4(),
                entry=entry,
                state=state,
                once=f"{entry}:{state}",
                actor=actor_uuid(actor),
                at=datetime.now(UTC),
            )
        )
    except Exception as error:
        if is_duplicate(error):
            raise Conflict(NOT_APPROVABLE[state]) from error
        raise


async def _audit(actor: audit.Actor, subject: UUID, purpose: str) -> None:
    await audit.record(
        actor, audit.Action.change, subject=subject, field_group="payments", purpose=purpose
    )


STATE_FIELDS = ("state", "approved_by", "batch", "paid_reference")
"""The view's fields that come from state rows; the rest are the ledger row's own columns."""


def _view(
    row: dict[str, Any], state: str, marks: dict[tuple[UUID, str], dict[str, Any]]
) -> EntryView:
    approved = marks.get((row["id"], "approved"))
    batched = marks.get((row["id"], "batched"))
    paid = marks.get((row["id"], "paid"))
    own = {name: row[name] for name in EntryView.__dataclass_fields__ if name not in STATE_FIELDS}
    return EntryView(
        **own,
        state=state,
        approved_by=approved["actor"] if approved else None,
        batch=batched["batch"] if batched else None,
        paid_reference=paid["reference"] if paid else "",
    )
