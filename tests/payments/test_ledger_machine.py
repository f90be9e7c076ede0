"""A hypothesis state machine over the real ledger and batch services and the real database:
propose, approve, lock, void, reverse and mark paid in any order, checking after every step
that balances are the sum of the entries, nothing is reversed twice, no entry is in two live
batches and a locked batch never changes.

Hypothesis drives the steps from a worker thread; each step runs on the test's own event loop
(where the database engine lives) and the thread waits for it.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, TypeVar
from uuid import UUID, uuid4

import anyio
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from app import audit
from app.errors import Conflict, DomainError, Forbidden
from payments.services import batches, ledger
from payments.tables import EntryState, LedgerEntry
from tests.payments.conftest import COORDINATOR, FINANCE_A, FINANCE_B

T = TypeVar("T")
PROPOSERS = (COORDINATOR, FINANCE_A, FINANCE_B)
APPROVERS = (FINANCE_A, FINANCE_B)
RUNS = settings(
    max_examples=40,
    stateful_step_count=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@dataclass
class Entry:
    subject: UUID
    amount: int
    proposer: audit.Actor | None
    state: str


@dataclass
class Batch:
    members: list[UUID]
    count: int
    total: int
    status: str = "locked"
    reissued: list[UUID] = field(default_factory=list)


class LedgerMachine(RuleBasedStateMachine):
    loop: ClassVar[asyncio.AbstractEventLoop]
    seen: ClassVar[Counter[str]]
    """Which steps succeeded or were refused, over every run: proof the machine went deep."""

    def __init__(self) -> None:
        super().__init__()
        self.subjects = [uuid4() for _ in range(3)]
        self.entries: dict[UUID, Entry] = {}
        self.batches: dict[UUID, Batch] = {}

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=60)

    def attempt(self, step: str, work: Coroutine[Any, Any, T]) -> T | DomainError:
        try:
            done = self.run(work)
        except DomainError as refused:
            self.seen[f"{step} refused"] += 1
            return refused
        self.seen[step] += 1
        return done

    def ids(self, in_state: str | None = None) -> list[UUID]:
        """Entries in the order made: all, or those ``in_state``."""
        return [e for e, m in self.entries.items() if in_state in (None, m.state)]

    def locked_batches(self) -> list[UUID]:
        return [batch for batch, model in self.batches.items() if model.status == "locked"]

    # Steps

    @rule(
        person=st.integers(0, 2),
        kind=st.sampled_from(ledger.KINDS),
        amount=st.integers(1, 50_000),
        proposer=st.sampled_from(PROPOSERS),
    )
    def propose(self, person: int, kind: str, amount: int, proposer: audit.Actor) -> None:
        subject = self.subjects[person]
        made = ledger.Proposal(subject=subject, kind=kind, amount_pence=amount)
        entry = self.run(ledger.propose(made, proposer))
        self.entries[entry] = Entry(subject, amount, proposer, "proposed")

    @precondition(lambda self: self.entries)
    @rule(data=st.data(), approver=st.sampled_from(APPROVERS))
    def approve_any(self, data: st.DataObject, approver: audit.Actor) -> None:
        self._approve(data.draw(st.sampled_from(self.ids())), approver)

    @precondition(lambda self: any(m.state == "proposed" for m in self.entries.values()))
    @rule(data=st.data(), approver=st.sampled_from(APPROVERS))
    def approve_waiting(self, data: st.DataObject, approver: audit.Actor) -> None:
        self._approve(data.draw(st.sampled_from(self.ids(in_state="proposed"))), approver)

    def _approve(self, entry: UUID, approver: audit.Actor) -> None:
        model = self.entries[entry]
        result = self.attempt("approve", ledger.approve(entry, approver))
        if model.state != "proposed":
            assert isinstance(result, Conflict)
        elif model.proposer == approver:
            assert isinstance(result, Forbidden)
        else:
            assert result is None
            model.state = "approved"

    @precondition(lambda self: self.entries)
    @rule(data=st.data())
    def reverse(self, data: st.DataObject) -> None:
        entry = data.draw(st.sampled_from(self.ids()))
        model = self.entries[entry]
        result = self.attempt("reverse", ledger.reverse(entry, "Model says so", FINANCE_B))
        if model.state not in ("proposed", "approved"):
            assert isinstance(result, Conflict)
            return
        assert isinstance(result, UUID)
        model.state = "reversed"
        self.entries[result] = Entry(model.subject, -model.amount, FINANCE_B, "reversed")

    @precondition(lambda self: self.entries)
    @rule(data=st.data(), locker=st.sampled_from(APPROVERS))
    def lock_any(self, data: st.DataObject, locker: audit.Actor) -> None:
        """Any entries: one that is not approved, or already batched, refuses them all."""
        self._lock(data.draw(self._some(self.ids())), locker)

    @precondition(lambda self: any(m.state == "approved" for m in self.entries.values()))
    @rule(data=st.data(), locker=st.sampled_from(APPROVERS))
    def lock_approved(self, data: st.DataObject, locker: audit.Actor) -> None:
        self._lock(data.draw(self._some(self.ids(in_state="approved"))), locker)

    @precondition(lambda self: self.batches)
    @rule(data=st.data(), voider=st.sampled_from(APPROVERS))
    def void_any(self, data: st.DataObject, voider: audit.Actor) -> None:
        self._void(data.draw(st.sampled_from(list(self.batches))), voider)

    @precondition(lambda self: any(m.status == "locked" for m in self.batches.values()))
    @rule(data=st.data(), voider=st.sampled_from(APPROVERS))
    def void_locked(self, data: st.DataObject, voider: audit.Actor) -> None:
        self._void(data.draw(st.sampled_from(self.locked_batches())), voider)

    @precondition(lambda self: self.batches)
    @rule(data=st.data())
    def mark_any_paid(self, data: st.DataObject) -> None:
        self._mark_paid(data.draw(st.sampled_from(list(self.batches))))

    @precondition(lambda self: any(m.status == "locked" for m in self.batches.values()))
    @rule(data=st.data())
    def mark_locked_paid(self, data: st.DataObject) -> None:
        self._mark_paid(data.draw(st.sampled_from(self.locked_batches())))

    def _some(self, pool: list[UUID]) -> st.SearchStrategy[list[UUID]]:
        return st.lists(st.sampled_from(pool), min_size=1, max_size=4, unique=True)

    def _lock(self, chosen: list[UUID], locker: audit.Actor) -> None:
        result = self.attempt("lock", batches.lock(chosen, locker))
        if any(self.entries[e].state != "approved" for e in chosen):
            assert isinstance(result, Conflict)
            return
        assert isinstance(result, UUID)
        for entry in chosen:
            self.entries[entry].state = "batched"
        members = self.run(batches.members(result))
        assert sorted(members) == sorted(chosen)
        total = sum(self.entries[e].amount for e in chosen)
        self.batches[result] = Batch(members, len(chosen), total)

    def _void(self, batch: UUID, voider: audit.Actor) -> None:
        model = self.batches[batch]
        result = self.attempt("void", batches.void(batch, "Wrong file", voider))
        if model.status != "locked":
            assert isinstance(result, Conflict)
            return
        assert isinstance(result, list)
        assert len(result) == len(model.members)
        model.status, model.reissued = "voided", result
        reversals = self.run(self._reversals_of(model.members))
        for original, reissue in zip(model.members, result, strict=True):
            old = self.entries[original]
            old.state = "reversed"
            self.entries[reversals[original]] = Entry(old.subject, -old.amount, voider, "reversed")
            self.entries[reissue] = Entry(old.subject, old.amount, voider, "proposed")

    def _mark_paid(self, batch: UUID) -> None:
        model = self.batches[batch]
        day = datetime.now(ledger.LONDON).date()
        result = self.attempt("paid", batches.mark_paid(batch, day, "BACS model", FINANCE_A))
        if model.status != "locked":
            assert isinstance(result, Conflict)
            return
        assert result is None
        model.status = "paid"
        for entry in model.members:
            self.entries[entry].state = "paid"

    # Invariants

    @invariant()
    def balances_are_the_sum_of_the_entries(self) -> None:
        rows = self.run(self._rows())
        for subject in self.subjects:
            stored = sum(r["amount_pence"] for r in rows if r["subject"] == subject)
            expected = sum(e.amount for e in self.entries.values() if e.subject == subject)
            assert stored == expected
        assert len(rows) == len(self.entries)

    @invariant()
    def states_are_as_the_model_says(self) -> None:
        states = self.run(ledger.states_of(self.ids()))
        assert states == {entry: model.state for entry, model in self.entries.items()}

    @invariant()
    def nothing_is_reversed_twice(self) -> None:
        rows = self.run(self._rows())
        amounts = {r["id"]: r["amount_pence"] for r in rows}
        reversed_ = Counter(r["reverses"] for r in rows if r["reverses"] is not None)
        assert all(times == 1 for times in reversed_.values())
        for row in rows:
            if row["reverses"] is not None:
                assert row["amount_pence"] == -amounts[row["reverses"]]

    @invariant()
    def no_entry_is_in_two_live_batches(self) -> None:
        live: list[UUID] = []
        for batch, model in self.batches.items():
            if model.status != "voided":
                live += self.run(batches.members(batch))
        assert len(live) == len(set(live))
        marks = self.run(self._batched_marks())
        assert all(times == 1 for times in Counter(marks).values())

    @invariant()
    def locked_batches_never_change(self) -> None:
        for batch, model in self.batches.items():
            view = self.run(batches.view(batch))
            assert self.run(batches.members(batch)) == model.members
            assert (view.entry_count, view.total_pence) == (model.count, model.total)
            assert view.status == model.status

    async def _rows(self) -> list[dict[str, Any]]:
        return list(
            await LedgerEntry.select(
                LedgerEntry.id, LedgerEntry.subject, LedgerEntry.amount_pence, LedgerEntry.reverses
            ).where(LedgerEntry.subject.is_in(self.subjects))
        )

    async def _batched_marks(self) -> list[UUID]:
        if not self.entries:
            return []
        rows = await EntryState.select(EntryState.entry).where(
            EntryState.entry.is_in(self.ids()) & (EntryState.state == "batched")
        )
        return [row["entry"] for row in rows]

    async def _reversals_of(self, entries: list[UUID]) -> dict[UUID, UUID]:
        rows = await LedgerEntry.select(LedgerEntry.id, LedgerEntry.reverses).where(
            LedgerEntry.reverses.is_in(entries)
        )
        return {row["reverses"]: row["id"] for row in rows}


async def test_the_ledger_keeps_its_invariants_whatever_finance_does(db: Any) -> None:
    class OnThisLoop(LedgerMachine):
        loop = asyncio.get_running_loop()
        seen: ClassVar[Counter[str]] = Counter()

    await anyio.to_thread.run_sync(lambda: run_state_machine_as_test(OnThisLoop, settings=RUNS))

    steps = ("approve", "reverse", "lock", "void", "paid")
    assert {f"{s} refused" for s in steps} | set(steps) <= set(OnThisLoop.seen), OnThisLoop.seen
