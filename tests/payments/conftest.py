"""Shared fixtures and helpers of the payments tests: staff actors, proposals, API tokens, and
row counts that prove a refused request wrote nothing.

The ledger (``ledger_entry``, ``entry_state``) is append-only, so it is never emptied between
tests: every test makes its own people (``uuid4()`` subjects) and looks only at their rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import pytest
from litestar import Litestar

from app import audit
from app.datamap import Role
from payments.services import ledger
from payments.tables import EntryState, ExportBatch, IdempotencyRecord, LedgerEntry
from tests.participation.test_api import Headers, coordinator_token

FINANCE_A = audit.Actor(id="00000000-0000-4000-8000-00000000fa01", role="finance")
FINANCE_B = audit.Actor(id="00000000-0000-4000-8000-00000000fb02", role="finance")
COORDINATOR = audit.Actor(id="00000000-0000-4000-8000-00000000c003", role="coordinator")


def proposal(subject: UUID | None = None, **changes: Any) -> ledger.Proposal:
    """A £25 fee for ``subject`` (a new person when not given)."""
    values: dict[str, Any] = {
        "subject": subject or uuid4(),
        "kind": "fee",
        "amount_pence": 2500,
        "method": "bank_transfer",
        "minutes": 60,
    }
    return ledger.Proposal(**(values | changes))


async def approved_entry(subject: UUID | None = None, **changes: Any) -> UUID:
    """An entry proposed by the coordinator and approved by finance A."""
    entry = await ledger.propose(proposal(subject, **changes), COORDINATOR)
    await ledger.approve(entry, FINANCE_A)
    return entry


@dataclass(frozen=True)
class Counts:
    """Rows about some people, and batches and stored answers: equal before and after a
    refused request."""

    entries: int
    states: int
    batches: int
    answers: int


async def counts(*subjects: UUID) -> Counts:
    ids = [
        row["id"]
        for row in await LedgerEntry.select(LedgerEntry.id).where(
            LedgerEntry.subject.is_in(list(subjects))
        )
    ]
    states = await EntryState.count().where(EntryState.entry.is_in(ids)) if ids else 0
    return Counts(len(ids), states, await ExportBatch.count(), await IdempotencyRecord.count())


def key() -> dict[str, str]:
    """A fresh Idempotency-Key header."""
    return {"Idempotency-Key": str(uuid4())}


@pytest.fixture
async def finance(running_app: Litestar, db: Any) -> Headers:
    """Bearer headers of a finance account's API token."""
    return await coordinator_token(running_app, Role.finance)


@pytest.fixture
async def second_finance(running_app: Litestar, db: Any) -> Headers:
    """Another finance account: approves what the first proposed."""
    return await coordinator_token(running_app, Role.finance)


@pytest.fixture
async def coordinator(running_app: Litestar, db: Any) -> Headers:
    return await coordinator_token(running_app, Role.coordinator)
