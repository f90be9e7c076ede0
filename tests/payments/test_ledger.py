"""The ledger's services: proposing, approving by someone else, reversing once, the states and
the totals benefits count; and the database refusing to edit or delete a ledger row."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from app.db import current_engine
from app.errors import Conflict, DomainError, Forbidden, NotFound
from app.tables import AuditEvent
from payments.services import batches, ledger
from payments.tables import EntryState, LedgerEntry
from tests.payments.conftest import (
    COORDINATOR,
    FINANCE_A,
    FINANCE_B,
    approved_entry,
    counts,
    proposal,
)

# The database refuses edits


async def test_raw_update_and_delete_of_ledger_rows_raise(db: Any) -> None:
    entry = await approved_entry()
    engine = current_engine()
    attempts = [
        f"UPDATE ledger_entry SET amount_pence = 1 WHERE id = '{entry}'",
        f"DELETE FROM ledger_entry WHERE id = '{entry}'",
        f"UPDATE entry_state SET state = 'paid' WHERE entry = '{entry}'",
        f"DELETE FROM entry_state WHERE entry = '{entry}'",
    ]
    if engine.engine_type == "postgres":
        attempts += ["TRUNCATE ledger_entry", "TRUNCATE entry_state CASCADE"]

    for statement in attempts:
        with pytest.raises(Exception, match="append-only") as raised:
            await engine.run_ddl(statement)
        assert "append-only" in str(raised.value), statement

    row = await LedgerEntry.select().where(LedgerEntry.id == entry).first()
    assert row is not None
    assert row["amount_pence"] == 2500
    assert await EntryState.count().where(EntryState.entry == entry) == 1
    assert await ledger.state_of(entry) == "approved"


# Proposing


async def test_a_proposal_is_recorded_whole_and_audited(db: Any) -> None:
    subject, event, opportunity = uuid4(), uuid4(), uuid4()
    entry = await ledger.propose(
        proposal(subject, event=event, opportunity=opportunity, description="Panel, 3 March"),
        COORDINATOR,
    )

    [view] = await ledger.entries(subject=subject)
    assert view.id == entry
    assert (view.kind, view.amount_pence, view.state) == ("fee", 2500, "proposed")
    assert (view.event, view.opportunity, view.minutes) == (event, opportunity, 60)
    assert view.proposed_by == UUID(COORDINATOR.id)
    assert (view.approved_by, view.batch, view.paid_reference) == (None, None, "")
    assert view.description == "Panel, 3 March"
    audited = await AuditEvent.select(AuditEvent.purpose, AuditEvent.actor).where(
        AuditEvent.subject == subject
    )
    assert audited == [{"purpose": "propose", "actor": COORDINATOR.id}]


async def test_proposing_with_once_is_idempotent_even_when_concurrent(db: Any) -> None:
    subject = uuid4()
    once = f"attendance:{uuid4()}"

    made = await asyncio.gather(
        *(ledger.propose(proposal(subject, once=once), COORDINATOR) for _ in range(8))
    )

    assert len(set(made)) == 1
    assert await LedgerEntry.count().where(LedgerEntry.subject == subject) == 1
    with pytest.raises(Conflict, match="different payment"):
        await ledger.propose(proposal(subject, once=once, amount_pence=9999), COORDINATOR)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount_pence": -100}, "amount_pence"),
        ({"amount_pence": 0}, "amount_pence"),
        ({"amount_pence": 12.5}, "amount_pence"),
        ({"amount_pence": True}, "amount_pence"),
        ({"amount_pence": 10_000_001}, "amount_pence"),
        ({"kind": "reversal"}, "kind"),
        ({"method": "bitcoin"}, "method"),
        ({"minutes": 0}, "minutes"),
        ({"policy": uuid4()}, "policy"),
    ],
)
async def test_a_proposal_that_cannot_be_a_payment_writes_nothing(
    db: Any, changes: dict[str, Any], field: str
) -> None:
    subject = uuid4()
    before = await counts(subject)

    with pytest.raises(DomainError) as refused:
        await ledger.propose(proposal(subject, **changes), COORDINATOR)

    assert refused.value.status_code == 400
    assert [e.field for e in refused.value.errors] == [field]
    assert await counts(subject) == before


# Approving


async def test_approval_needs_someone_other_than_the_proposer(db: Any) -> None:
    subject = uuid4()
    entry = await ledger.propose(proposal(subject), FINANCE_A)
    before = await counts(subject)

    with pytest.raises(Forbidden, match="someone else must approve"):
        await ledger.approve(entry, FINANCE_A)

    assert await counts(subject) == before
    assert await ledger.state_of(entry) == "proposed"
    await ledger.approve(entry, FINANCE_B)
    [view] = await ledger.entries(subject=subject)
    assert (view.state, view.approved_by) == ("approved", UUID(FINANCE_B.id))


async def test_only_a_proposed_entry_can_be_approved(db: Any) -> None:
    entry = await approved_entry()
    reversed_ = await ledger.propose(proposal(), COORDINATOR)
    reversal = await ledger.reverse(reversed_, "Wrong person chosen", FINANCE_A)

    with pytest.raises(Conflict, match="already approved"):
        await ledger.approve(entry, FINANCE_B)
    with pytest.raises(Conflict, match="was reversed"):
        await ledger.approve(reversed_, FINANCE_B)
    with pytest.raises(Conflict, match="was reversed"):
        await ledger.approve(reversal, FINANCE_B)
    with pytest.raises(NotFound):
        await ledger.approve(uuid4(), FINANCE_B)
    assert await EntryState.count().where(EntryState.entry == entry) == 1


async def test_a_system_proposal_can_be_approved_by_anyone_in_finance(db: Any) -> None:
    from app import audit

    entry = await ledger.propose(proposal(), audit.SYSTEM)

    await ledger.approve(entry, FINANCE_A)

    assert await ledger.state_of(entry) == "approved"


# Reversing


async def test_a_reversal_cancels_the_amount_and_names_the_original(db: Any) -> None:
    subject = uuid4()
    entry = await approved_entry(subject, amount_pence=4321)

    reversal = await ledger.reverse(entry, "  Paid twice by mistake  ", FINANCE_B)

    views = {view.id: view for view in await ledger.entries(subject=subject)}
    assert views[reversal].amount_pence == -4321
    assert views[reversal].reverses == entry
    assert views[reversal].kind == "reversal"
    assert views[reversal].description == "Paid twice by mistake"
    assert (views[entry].state, views[reversal].state) == ("reversed", "reversed")
    assert sum(view.amount_pence for view in views.values()) == 0


async def test_an_entry_is_reversed_once_even_when_two_try_at_once(db: Any) -> None:
    subject = uuid4()
    entry = await approved_entry(subject)

    results = await asyncio.gather(
        *(ledger.reverse(entry, "Duplicate", FINANCE_B) for _ in range(5)),
        return_exceptions=True,
    )

    made = [r for r in results if isinstance(r, UUID)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(made) == 1
    assert len(refused) == 4
    assert all("already been reversed" in r.message for r in refused)
    assert await LedgerEntry.count().where(LedgerEntry.reverses == entry) == 1


async def test_the_unique_index_refuses_a_second_reversal_whatever_the_code(db: Any) -> None:
    entry = await approved_entry()
    await ledger.reverse(entry, "Duplicate", FINANCE_B)
    row = await LedgerEntry.select().where(LedgerEntry.id == entry).first()
    assert row is not None

    with pytest.raises(Conflict, match="already been reversed"):
        await ledger.insert_entries([ledger.reversal_of(row, uuid4(), "Again", FINANCE_B)])


async def test_a_batched_or_paid_entry_is_not_reversed_directly(db: Any) -> None:
    subject = uuid4()
    entry = await approved_entry(subject)
    batch = await batches.lock([entry], FINANCE_B)
    reference = (await batches.view(batch)).reference
    before = await counts(subject)

    with pytest.raises(Conflict, match=f"in batch {reference}. Void the batch"):
        await ledger.reverse(entry, "Wrong amount", FINANCE_B)
    await batches.mark_paid(batch, datetime.now(ledger.LONDON).date(), "BACS 991", FINANCE_B)
    with pytest.raises(Conflict, match="has been paid"):
        await ledger.reverse(entry, "Wrong amount", FINANCE_B)

    assert (await counts(subject)).entries == before.entries


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201])
async def test_a_reversal_needs_a_short_reason(db: Any, reason: str) -> None:
    subject = uuid4()
    entry = await approved_entry(subject)
    before = await counts(subject)

    with pytest.raises(DomainError) as refused:
        await ledger.reverse(entry, reason, FINANCE_B)

    assert [e.field for e in refused.value.errors] == ["reason"]
    assert await counts(subject) == before


# What benefits count, and the choice being settled


async def test_received_between_counts_approved_fees_and_vouchers_not_reversed(db: Any) -> None:
    subject, opportunity = uuid4(), uuid4()
    today = datetime.now(ledger.LONDON).date()
    await approved_entry(subject, amount_pence=2500, opportunity=opportunity)
    await approved_entry(subject, kind="voucher", amount_pence=1000)
    await approved_entry(subject, kind="expense", amount_pence=740)  # not earnings
    await ledger.propose(proposal(subject, amount_pence=5000), COORDINATOR)  # not approved
    reversed_ = await approved_entry(subject, amount_pence=3000)
    await ledger.reverse(reversed_, "Wrong rate", FINANCE_B)
    batched = await approved_entry(subject, amount_pence=200)
    await batches.lock([batched], FINANCE_B)

    assert await ledger.received_between(subject, today, today) == 2500 + 1000 + 200
    assert await ledger.received_between(subject, today - timedelta(days=7), today) == 3700
    tomorrow = today + timedelta(days=1)
    assert await ledger.received_between(subject, tomorrow, tomorrow + timedelta(days=6)) == 0
    assert await ledger.received_between(uuid4(), today, today) == 0


async def test_received_between_uses_london_days(db: Any) -> None:
    subject = uuid4()
    await approved_entry(subject)
    created = datetime.now(UTC)
    london_day = created.astimezone(ledger.LONDON).date()

    assert await ledger.received_between(subject, london_day, london_day) == 2500
    assert ledger.london_midnight(london_day) <= created


async def test_has_approved_follows_the_state_of_the_payment(db: Any) -> None:
    subject, opportunity = uuid4(), uuid4()
    entry = await ledger.propose(proposal(subject, opportunity=opportunity), COORDINATOR)

    assert not await ledger.has_approved(subject, opportunity)
    await ledger.approve(entry, FINANCE_A)
    assert await ledger.has_approved(subject, opportunity)
    assert not await ledger.has_approved(subject, uuid4())
    assert not await ledger.has_approved(uuid4(), opportunity)
    await ledger.reverse(entry, "Chose expenses only", FINANCE_B)
    assert not await ledger.has_approved(subject, opportunity)


# Listing


async def test_entries_filter_by_state_and_person_oldest_first(db: Any) -> None:
    subject = uuid4()
    first = await approved_entry(subject, amount_pence=100)
    second = await ledger.propose(proposal(subject, amount_pence=200), COORDINATOR)
    third = await approved_entry(subject, amount_pence=300)

    assert [v.id for v in await ledger.entries(subject=subject)] == [first, second, third]
    approved = await ledger.entries(state="approved", subject=subject)
    assert [v.id for v in approved] == [first, third]
    assert [v.id for v in await ledger.entries(state="proposed", subject=subject)] == [second]
    assert [v.id for v in await ledger.entries(subject=subject, limit=1)] == [first]
    with pytest.raises(DomainError, match="Choose a state"):
        await ledger.entries(state="lost")
    with pytest.raises(NotFound):
        await ledger.state_of(uuid4())
