"""Data for the finance export and finance page tests: an approved policy, payees with sealed
bank details, entries proposed and approved through the ledger, and batches locked through
``batches``. The ledger is never emptied between tests, so each test works on its own ids."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from app import audit
from app.sealed import Sealer
from events.tables import Event
from payments.services import batches, ledger
from payments.tables import Payee, PolicyVersion

FINANCE = audit.Actor(id="00000000-0000-4000-8000-0000000f1a0c", role="finance")
PROPOSER = audit.Actor(id="00000000-0000-4000-8000-00000000c00d", role="coordinator")
POLICY_NAME = "Northshire involvement payments"


async def approved_policy() -> UUID:
    """A policy version with its cost centre and ledger codes, approved as it stands."""
    policy = uuid4()
    await PolicyVersion.insert(
        PolicyVersion(
            id=policy,
            name=POLICY_NAME,
            version=3,
            status="approved",
            effective_from=date(2026, 4, 1),
            cost_centre="CC-4410",
            fee_ledger_code="5120",
            expense_ledger_code="5135",
            approved_at=datetime.now(UTC),
        )
    )
    return policy


async def add_payee(
    sealer: Sealer,
    subject: UUID,
    *,
    name: str = "Ms J Okafor",
    sort_code: str = "20-00-00",
    account_number: str = "55779911",
) -> str:
    """Bank details sealed under the finance key, as the payee service stores them."""
    payee = uuid4()
    reference = f"P{payee.hex[:8].upper()}"
    stored = await sealer.seal(
        Payee,
        payee,
        subject,
        {"account_name": name, "sort_code": sort_code, "account_number": account_number},
    )
    await Payee.insert(Payee(id=payee, subject=subject, reference=reference, **stored))
    return reference


async def add_event(starts_at: datetime) -> UUID:
    event = uuid4()
    await Event.insert(
        Event(
            id=event,
            kind="evaluation_panel",
            title="Housing support panel",
            starts_at=starts_at,
            ends_at=starts_at,
        )
    )
    return event


async def approved_entry(subject: UUID, amount_pence: int, **proposal: Any) -> UUID:
    entry = await proposed_entry(subject, amount_pence, **proposal)
    await ledger.approve(entry, FINANCE)
    return entry


async def proposed_entry(subject: UUID, amount_pence: int, **proposal: Any) -> UUID:
    values: dict[str, Any] = {"kind": "fee", "method": "bank_transfer"} | proposal
    return await ledger.propose(
        ledger.Proposal(subject=subject, amount_pence=amount_pence, **values), PROPOSER
    )


async def locked(entries: list[UUID]) -> UUID:
    return await batches.lock(entries, FINANCE)
