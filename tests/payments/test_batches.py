"""Export batches: locking all or nothing (even when two locks race), readable sequential
references, voiding that reverses and reissues, and marking paid."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from app.db import is_duplicate
from app.errors import Conflict, DomainError, NotFound
from app.tables import AuditEvent
from payments.services import batches, ledger
from payments.tables import EntryState, ExportBatch, LedgerEntry
from tests.payments.conftest import (
    COORDINATOR,
    FINANCE_A,
    FINANCE_B,
    approved_entry,
    counts,
    proposal,
)


def today() -> Any:
    return datetime.now(ledger.LONDON).date()


def this_year() -> int:
    return int(datetime.now(ledger.LONDON).year)


async def batched_marks(entry: UUID) -> list[dict[str, Any]]:
    return list(
        await EntryState.select(EntryState.batch, EntryState.state).where(EntryState.entry == entry)
    )


# Locking


async def test_locking_batches_approved_entries_in_a_fixed_order(db: Any) -> None:
    started = datetime.now(UTC)
    subject = uuid4()
    first = await approved_entry(subject, amount_pence=1000)
    second = await approved_entry(uuid4(), amount_pence=234)
    third = await approved_entry(subject, kind="expense", amount_pence=56)

    batch = await batches.lock([third, first, second, first], FINANCE_B)

    view = await batches.view(batch)
    assert view.reference == f"RCP-{this_year()}-0001"
    assert (view.status, view.entry_count, view.total_pence) == ("locked", 3, 1290)
    assert view.locked_by == UUID(FINANCE_B.id)
    assert await batches.members(batch) == [first, second, third]
    for entry in (first, second, third):
        assert await ledger.state_of(entry) == "batched"
        assert {"batch": batch, "state": "batched"} in await batched_marks(entry)
    assert (await ledger.view(first)).batch == batch
    purposes = await AuditEvent.select(AuditEvent.purpose, AuditEvent.actor).where(
        (AuditEvent.at >= started) & AuditEvent.purpose.like("lock %")
    )
    expected = {"purpose": f"lock RCP-{this_year()}-0001 (3 payments)", "actor": FINANCE_B.id}
    assert purposes == [expected]


@pytest.mark.parametrize("problem", ["proposed", "reversed", "batched", "paid", "missing"])
async def test_one_unfit_entry_refuses_the_whole_lock_and_writes_nothing(
    db: Any, problem: str
) -> None:
    subject = uuid4()
    fit = await approved_entry(subject)
    unfit = await _unfit(subject, problem)
    before = await counts(subject)

    with pytest.raises((Conflict, NotFound)) as refused:
        await batches.lock([fit, unfit], FINANCE_B)

    expected = 404 if problem == "missing" else 409
    assert refused.value.status_code == expected
    assert "Nothing was batched" in refused.value.message
    assert await counts(subject) == before
    assert await ledger.state_of(fit) == "approved"


async def _unfit(subject: UUID, problem: str) -> UUID:
    if problem == "missing":
        return uuid4()
    if problem == "proposed":
        return await ledger.propose(proposal(subject), COORDINATOR)
    entry = await approved_entry(subject)
    if problem == "reversed":
        await ledger.reverse(entry, "Not needed", FINANCE_B)
    else:
        batch = await batches.lock([entry], FINANCE_B)
        if problem == "paid":
            await batches.mark_paid(batch, today(), "BACS 1", FINANCE_B)
    return entry


async def test_an_empty_lock_is_refused(db: Any) -> None:
    with pytest.raises(DomainError) as refused:
        await batches.lock([], FINANCE_B)

    assert [e.field for e in refused.value.errors] == ["entries"]
    assert await ExportBatch.count() == 0


@pytest.mark.parametrize("round_", range(4))
async def test_two_overlapping_locks_at_once_one_wins_the_other_writes_nothing(
    db: Any, round_: int
) -> None:
    subject = uuid4()
    a, shared, c = [await approved_entry(subject) for _ in range(3)]

    results = await asyncio.gather(
        batches.lock([a, shared], FINANCE_A),
        batches.lock([shared, c], FINANCE_B),
        return_exceptions=True,
    )

    won = [r for r in results if isinstance(r, UUID)]
    lost = [r for r in results if isinstance(r, Conflict)]
    assert (len(won), len(lost)) == (1, 1), results
    assert "already in a batch" in lost[0].message
    assert await ExportBatch.count() == 1
    members = await batches.members(won[0])
    assert shared in members
    left_out = c if members == [a, shared] else a
    assert members in ([a, shared], [shared, c])
    assert await batched_marks(left_out) == [{"batch": None, "state": "approved"}]
    assert len(await batched_marks(shared)) == 2  # approved, batched: never twice


async def test_the_database_itself_refuses_an_entry_in_two_batches(db: Any) -> None:
    entry = await approved_entry()
    await batches.lock([entry], FINANCE_B)

    with pytest.raises(Exception) as refused:  # noqa: PT011 - either driver's error
        await EntryState.insert(
            EntryState(id=uuid4(), entry=entry, state="batched", once=f"{entry}:batched")
        )

    assert is_duplicate(refused.value)


async def test_references_are_sequential_and_unique_under_concurrent_locks(db: Any) -> None:
    entries = [await approved_entry() for _ in range(10)]

    made = await asyncio.gather(*(batches.lock([e], FINANCE_B) for e in entries))

    references = sorted([(await batches.view(b)).reference for b in made])
    assert references == [f"RCP-{this_year()}-{n:04d}" for n in range(1, 11)]
    assert [b.reference for b in await batches.batches()] == references[::-1]
    assert [b.reference for b in await batches.batches(limit=2)] == references[:-3:-1]


# Voiding


async def test_voiding_reverses_every_member_and_proposes_each_again(db: Any) -> None:
    subject = uuid4()
    first = await approved_entry(subject, amount_pence=1500, opportunity=uuid4())
    second = await approved_entry(subject, kind="voucher", amount_pence=2000)
    batch = await batches.lock([first, second], FINANCE_B)

    reissued = await batches.void(batch, "Wrong bank file format", FINANCE_A)

    view = await batches.view(batch)
    assert (view.status, view.void_reason, view.voided_by) == (
        "voided",
        "Wrong bank file format",
        UUID(FINANCE_A.id),
    )
    assert (view.entry_count, view.total_pence) == (2, 3500)
    assert await batches.members(batch) == [first, second]
    rows = {r["id"]: r for r in await LedgerEntry.select().where(LedgerEntry.subject == subject)}
    reversals = {r["reverses"]: r for r in rows.values() if r["kind"] == "reversal"}
    assert {k: r["amount_pence"] for k, r in reversals.items()} == {first: -1500, second: -2000}
    for original, new in zip((first, second), reissued, strict=True):
        old, copy = rows[original], rows[new]
        assert copy["reissues"] == original
        same = ("subject", "kind", "amount_pence", "opportunity", "method", "minutes", "policy")
        assert [copy[name] for name in same] == [old[name] for name in same]
        assert copy["proposed_by"] == UUID(FINANCE_A.id)
        assert await ledger.state_of(original) == "reversed"
        assert await ledger.state_of(new) == "proposed"
    assert sum(r["amount_pence"] for r in rows.values()) == 3500


async def test_a_reissue_is_approved_by_someone_else_and_batched_again(db: Any) -> None:
    entry = await approved_entry()
    batch = await batches.lock([entry], FINANCE_B)
    [reissue] = await batches.void(batch, "Duplicate file", FINANCE_A)

    with pytest.raises(Conflict):
        await batches.lock([reissue], FINANCE_B)
    with pytest.raises(DomainError, match="someone else"):
        await ledger.approve(reissue, FINANCE_A)
    await ledger.approve(reissue, FINANCE_B)
    again = await batches.lock([reissue], FINANCE_B)

    assert await batches.members(again) == [reissue]
    assert (await batches.view(again)).reference == f"RCP-{this_year()}-0002"


async def test_a_paid_or_voided_batch_cannot_be_voided(db: Any) -> None:
    subject = uuid4()
    paid = await batches.lock([await approved_entry(subject)], FINANCE_B)
    await batches.mark_paid(paid, today(), "BACS 77", FINANCE_B)
    voided = await batches.lock([await approved_entry(subject)], FINANCE_B)
    await batches.void(voided, "Mistake", FINANCE_B)
    before = await counts(subject)

    with pytest.raises(Conflict, match="is paid"):
        await batches.void(paid, "Mistake", FINANCE_B)
    with pytest.raises(Conflict, match="was voided"):
        await batches.void(voided, "Mistake", FINANCE_B)
    with pytest.raises(NotFound):
        await batches.void(uuid4(), "Mistake", FINANCE_B)
    with pytest.raises(DomainError, match="Enter why"):
        await batches.void(paid, " ", FINANCE_B)

    assert await counts(subject) == before


# Marking paid


async def test_marking_paid_records_the_day_and_reference_on_every_member(db: Any) -> None:
    subject = uuid4()
    entries = [await approved_entry(subject) for _ in range(3)]
    batch = await batches.lock(entries, FINANCE_B)
    day = today()

    await batches.mark_paid(batch, day, " BACS run 2026-118 ", FINANCE_A)

    view = await batches.view(batch)
    assert (view.status, view.paid_on, view.paid_reference) == ("paid", day, "BACS run 2026-118")
    assert view.paid_by == UUID(FINANCE_A.id)
    marks = await EntryState.select().where(
        EntryState.entry.is_in(entries) & (EntryState.state == "paid")
    )
    assert len(marks) == 3
    assert {m["reference"] for m in marks} == {"BACS run 2026-118"}
    assert {m["batch"] for m in marks} == {batch}
    assert {m["at"].astimezone(ledger.LONDON).date() for m in marks} == {day}
    assert [await ledger.state_of(e) for e in entries] == ["paid"] * 3
    assert {v.paid_reference for v in await ledger.entries(subject=subject)} == {
        "BACS run 2026-118"
    }


async def test_marking_paid_refuses_bad_dates_and_repeats(db: Any) -> None:
    subject = uuid4()
    batch = await batches.lock([await approved_entry(subject)], FINANCE_B)
    voided = await batches.lock([await approved_entry(subject)], FINANCE_B)
    await batches.void(voided, "Mistake", FINANCE_B)
    before = await counts(subject)

    for day, reference, field in [
        (today() + timedelta(days=1), "BACS 1", "paid_on"),
        (today() - timedelta(days=3), "BACS 1", "paid_on"),
        (today(), "  ", "reference"),
        (today(), "x" * 101, "reference"),
    ]:
        with pytest.raises(DomainError) as refused:
            await batches.mark_paid(batch, day, reference, FINANCE_B)
        assert [e.field for e in refused.value.errors] == [field]
    with pytest.raises(Conflict, match="was voided"):
        await batches.mark_paid(voided, today(), "BACS 1", FINANCE_B)
    assert await counts(subject) == before

    await batches.mark_paid(batch, today(), "BACS 1", FINANCE_B)
    with pytest.raises(Conflict, match="is paid"):
        await batches.mark_paid(batch, today(), "BACS 2", FINANCE_B)
