"""Finance export batches: a locked set of approved entries, voided or marked paid as a whole.

Locking is all-or-nothing in one transaction: every entry must be approved and in no batch, and
each gets a "batched" state row naming the batch. That row's ``once`` (``entry:batched``) is
unique, so an entry is in at most one batch even if two locks race past every check; in
practice they never do, because a batch change holds the whole ledger (``ledger.hold_ledger``,
see the ledger module). A locked batch's members and totals never change. Voiding one reverses
each member and proposes it again (a reissue), so the person is still paid after a correction.
A paid batch cannot be voided.

References read "RCP-2026-0007": the year the batch was locked (London time) and the next
number that year. The number is worked out inside the locking transaction while it holds the
ledger (PostgreSQL) or the write lock (SQLite), so two locks cannot pick the same number; the
unique index on ``reference`` would refuse a duplicate all the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from app import audit
from app.db import is_duplicate, transaction
from app.errors import Conflict, NotFound
from payments.services import ledger
from payments.tables import EntryState, ExportBatch, LedgerEntry

PREFIX = "RCP"


@dataclass(frozen=True)
class BatchView:
    """One export batch: its reference, status and totals, and who did what when."""

    id: UUID
    reference: str
    status: str  # locked | voided | paid
    entry_count: int
    total_pence: int
    sha256: str
    locked_by: UUID | None
    locked_at: datetime
    voided_by: UUID | None
    voided_at: datetime | None
    void_reason: str
    paid_by: UUID | None
    paid_on: date | None
    paid_reference: str


async def lock(entries: list[UUID], actor: audit.Actor) -> UUID:
    """Lock these approved entries into a new batch; any that is not approved, or already in a
    batch, refuses the lot (409) and nothing is written."""
    chosen = list(dict.fromkeys(entries))
    if not chosen:
        raise ledger.invalid("entries", "Choose at least one approved payment to put in the batch.")
    batch = uuid4()
    async with transaction():
        await ledger.hold_ledger()
        await _all_approved(chosen)
        rows = await _rows(chosen)
        now = datetime.now(UTC)
        reference = await _next_reference(now)
        await ExportBatch.insert(
            ExportBatch(
                id=batch,
                reference=reference,
                status="locked",
                entry_count=len(rows),
                total_pence=sum(int(row["amount_pence"]) for row in rows),
                locked_by=ledger.actor_uuid(actor),
                locked_at=now,
            )
        )
        await _mark(chosen, "batched", batch, actor, now=now)
        await _audit(actor, f"lock {reference} ({_payments(len(rows))})")
    return batch


async def void(batch: UUID, reason: str, actor: audit.Actor) -> list[UUID]:
    """Void a locked batch: reverse every member and propose each again, in one transaction.
    Returns the reissued entries' ids, in the batch's member order."""
    reason = ledger.checked_reason(reason, 300, "voiding the batch")
    async with transaction():
        await ledger.hold_ledger()
        row = await _batch(batch)
        _must_be_locked(row, "void")
        members_ = await _rows(await members(batch))
        reissued = [uuid4() for _ in members_]
        await ledger.insert_entries(
            [ledger.reversal_of(m, uuid4(), reason[:200], actor) for m in members_]
            + [ledger.reissue_of(m, new, actor) for m, new in zip(members_, reissued, strict=True)]
        )
        await ExportBatch.update(
            {
                ExportBatch.status: "voided",
                ExportBatch.voided_by: ledger.actor_uuid(actor),
                ExportBatch.voided_at: datetime.now(UTC),
                ExportBatch.void_reason: reason,
            }
        ).where(ExportBatch.id == batch)
        await _audit(actor, f"void {row['reference']} ({_payments(len(members_))} proposed again)")
    return reissued


async def mark_paid(batch: UUID, paid_on: date, reference: str, actor: audit.Actor) -> None:
    """Record that finance paid a locked batch on ``paid_on`` with their payment ``reference``:
    a "paid" state row for each member (dated the day paid) and the batch's paid fields."""
    reference = reference.strip()
    if not reference or len(reference) > 100:
        raise ledger.invalid(
            "reference", "Enter the payment reference, in 100 characters or fewer."
        )
    if paid_on > datetime.now(ledger.LONDON).date():
        raise ledger.invalid("paid_on", "Enter the date it was paid: it cannot be in the future.")
    async with transaction():
        await ledger.hold_ledger()
        row = await _batch(batch)
        _must_be_locked(row, "mark as paid")
        if paid_on < row["locked_at"].astimezone(ledger.LONDON).date():
            raise ledger.invalid("paid_on", "Enter the date it was paid: not before it was locked.")
        paid_at = ledger.london_midnight(paid_on)
        await _mark(await members(batch), "paid", batch, actor, now=paid_at, reference=reference)
        await ExportBatch.update(
            {
                ExportBatch.status: "paid",
                ExportBatch.paid_by: ledger.actor_uuid(actor),
                ExportBatch.paid_on: paid_on,
                ExportBatch.paid_reference: reference,
            }
        ).where(ExportBatch.id == batch)
        await _audit(actor, f"paid {row['reference']}")


async def members(batch: UUID) -> list[UUID]:
    """The batch's entry ids in a fixed order: oldest entry first (``created_at``), then by id.
    Both never change, so every export of a batch lists its payments in the same order. One
    query, sorted by the database: a batch of 100,000 costs one list of ids (the export reads
    it before streaming)."""
    rows = await LedgerEntry.raw(
        "SELECT e.id FROM entry_state s JOIN ledger_entry e ON e.id = s.entry "
        "WHERE s.batch = {} AND s.state = 'batched' ORDER BY e.created_at, e.id",
        batch,
    )
    return [row["id"] if isinstance(row["id"], UUID) else UUID(str(row["id"])) for row in rows]


async def batches(limit: int = 50) -> list[BatchView]:
    """The newest batches first."""
    rows = (
        await ExportBatch.select()
        .order_by(ExportBatch.locked_at, ascending=False)
        .limit(max(1, min(limit, 500)))
    )
    return [
        BatchView(**{name: row[name] for name in BatchView.__dataclass_fields__}) for row in rows
    ]


async def view(batch: UUID) -> BatchView:
    """One batch (404 when there is none)."""
    row = await _batch(batch)
    return BatchView(**{name: row[name] for name in BatchView.__dataclass_fields__})


async def _all_approved(chosen: list[UUID]) -> None:
    states = await ledger.states_of(chosen)
    missing = [entry for entry in chosen if entry not in states]
    if missing:
        raise NotFound(f"{len(missing)} of these payments do not exist. Nothing was batched.")
    batched = sum(1 for s in states.values() if s in ("batched", "paid"))
    if batched:
        raise Conflict(
            f"{batched} of these payments are already in a batch. Nothing was batched: "
            "choose approved payments that are not in a batch."
        )
    waiting = sum(1 for s in states.values() if s != "approved")
    if waiting:
        raise Conflict(
            f"{waiting} of these payments are not approved (or were reversed). Nothing was "
            "batched: choose only approved payments."
        )


async def _rows(ids: list[UUID]) -> list[dict[str, Any]]:
    """The ledger rows of ``ids``, in the order given."""
    found: dict[UUID, dict[str, Any]] = {}
    for chunk in ledger.chunks(ids):
        found |= {r["id"]: r for r in await LedgerEntry.select().where(LedgerEntry.id.is_in(chunk))}
    return [dict(found[entry]) for entry in ids]


async def _next_reference(now: datetime) -> str:
    """The next "RCP-<year>-<number>" of the year; the caller holds the ledger."""
    year = now.astimezone(ledger.LONDON).year
    prefix = f"{PREFIX}-{year}-"
    taken = await ExportBatch.select(ExportBatch.reference).where(
        ExportBatch.reference.like(f"{prefix}%")
    )
    highest = max((int(row["reference"].removeprefix(prefix)) for row in taken), default=0)
    return f"{prefix}{highest + 1:04d}"


async def _mark(
    entries: list[UUID],
    state: str,
    batch: UUID,
    actor: audit.Actor,
    *,
    now: datetime,
    reference: str = "",
) -> None:
    rows = [
        EntryState(
            id=uuid4(),
            entry=entry,
            state=state,
            once=f"{entry}:{state}",
            batch=batch,
            actor=ledger.actor_uuid(actor),
            reference=reference,
            at=now,
        )
        for entry in entries
    ]
    try:
        for start in range(0, len(rows), 500):
            await EntryState.insert(*rows[start : start + 500])
    except Exception as error:
        if is_duplicate(error):
            raise Conflict(f"A payment here is already {state}. Nothing was changed.") from error
        raise


async def _batch(batch: UUID) -> dict[str, Any]:
    row = await ExportBatch.select().where(ExportBatch.id == batch).first()
    if row is None:
        raise NotFound("There is no such export batch.")
    return dict(row)


def _must_be_locked(row: dict[str, Any], doing: str) -> None:
    if row["status"] == "paid":
        raise Conflict(f"Batch {row['reference']} is paid, so you cannot {doing} it.")
    if row["status"] == "voided":
        raise Conflict(f"Batch {row['reference']} was voided, so you cannot {doing} it.")


def _payments(count: int) -> str:
    return f"{count} payment" if count == 1 else f"{count} payments"


async def _audit(actor: audit.Actor, purpose: str) -> None:
    await audit.record(actor, audit.Action.change, field_group="payments", purpose=purpose)
