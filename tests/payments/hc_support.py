"""Helpers for the benefit-facts and payment-choice tests (helper C's own support module)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

import httpx
from litestar import Litestar

from app import audit
from app.auth import accounts
from app.datamap import Role
from app.sealed import Sealer
from payments.schemas import PolicyDraft
from payments.services import benefit_rules, benefits, ledger, policy
from tests.participation.conftest import add_person
from tests.support.auth import csrf_headers, make_account, sign_in

ADMIN = audit.Actor(id="00000000-0000-4000-8000-0000000000ad", role="admin")
PROPOSER = audit.Actor(id="00000000-0000-4000-8000-00000000c00d", role="coordinator")
APPROVER = audit.Actor(id="00000000-0000-4000-8000-0000000000f1", role="finance")


@dataclass(frozen=True)
class Signed:
    account: UUID
    headers: dict[str, str]


async def signed_in(app: Litestar, client: httpx.AsyncClient, role: str) -> Signed:
    """A staff member of ``role`` (or a participant with no profile) signed in on ``client``."""
    kind = "participant" if role == "participant" else "staff"
    account = await make_account(app, kind, (Role(role),))
    await sign_in(app, client, account)
    return Signed(account, await csrf_headers(client))


async def as_person(
    app: Litestar, client: httpx.AsyncClient, sealer: Sealer, subject: UUID
) -> Signed:
    """The person with this profile, signed in with an account that shares its id."""
    new = accounts.NewAccount(
        "participant", None, "Test person", (Role.participant,), account_id=subject
    )
    await accounts.create(sealer, new, audit.SYSTEM)
    await sign_in(app, client, subject)
    return Signed(subject, await csrf_headers(client))


def me(subject: UUID) -> audit.Actor:
    return audit.Actor(id=str(subject), role="participant")


async def declare(sealer: Sealer, subject: UUID, *codes: str, **details: object) -> None:
    declared = benefit_rules.Declared(benefits=codes, **details)  # type: ignore[arg-type]
    await benefits.declare(sealer, subject, declared, consented=True, actor=me(subject))


async def paid(subject: UUID, pence: int, opportunity: UUID | None = None) -> UUID:
    """An approved fee for the person, made now (so it counts in this week)."""
    entry = await ledger.propose(
        ledger.Proposal(subject=subject, kind="fee", amount_pence=pence, opportunity=opportunity),
        PROPOSER,
    )
    await ledger.approve(entry, APPROVER)
    return entry


async def approved_policy(**changes: object) -> policy.PolicyView:
    """A policy paying £25 an hour for evaluation panels, in force from April 2026."""
    values: dict[str, object] = {
        "name": "Northshire involvement payments",
        "effective_from": date(2026, 4, 1),
        "methods": ["bank_transfer", "e_voucher", "pay_to_charity", "expenses_only"],
        "rates": [{"activity": "evaluation_panel", "amount_pence": 2500}],
    }
    made = await policy.create_draft(PolicyDraft(**(values | changes)), ADMIN)  # type: ignore[arg-type]
    await policy.approve(made, "Cabinet decision 2026/41", ADMIN)
    return await policy.view(made)


async def person(sealer: Sealer, name: str = "Robin Ellis") -> UUID:
    """Someone on the register (each name its own email address)."""
    email = f"{name.lower().replace(' ', '.')}@example.org"
    return await add_person(sealer, name, email=email)
