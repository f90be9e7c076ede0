"""Demo expense claims: Jordan claimed a bus fare (approved by finance, so its payment waits in
Payments for a second person to approve) and a taxi (waiting for finance at /finance/expenses),
each with a photo of the receipt. Runs after the payments demo, under its policy."""

from __future__ import annotations

import base64

from app import audit
from app.demo import DEMO_PARTICIPANT_EMAIL
from app.sealed import Sealer
from participation.services import opportunities, profiles
from payments.services import expenses
from payments.tables import ExpenseClaim

DEMO_FINANCE = audit.Actor(id="00000000-0000-4000-8000-00000000de7f", role="finance")
RECEIPT = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAsTj2FAAAAABJRU5ErkJggg=="
)
"""A one-pixel PNG standing in for a photo of a receipt."""


async def is_empty() -> bool:
    return bool(await ExpenseClaim.count() == 0)


async def populate(sealer: Sealer) -> list[str]:
    jordan = await profiles.find_by_email(sealer, DEMO_PARTICIPANT_EMAIL)
    if jordan is None or not await expenses.rules_in_force():
        return []
    housing = (await opportunities.open_now())[0]["id"]
    himself = audit.Actor(id=str(jordan), role="participant")
    receipt = expenses.receipt_from(RECEIPT)
    bus = expenses.Claim(
        subject=jordan,
        opportunity=housing,
        category="public_transport",
        details="Bus 12 from Northtown to County Hall and back",
        amount_pence=480,
        receipt=receipt,
    )
    await expenses.approve(await expenses.submit(sealer, bus, himself), DEMO_FINANCE)
    taxi = expenses.Claim(
        subject=jordan,
        opportunity=housing,
        category="taxi",
        details="Taxi home after the evening session: no buses after 9pm",
        amount_pence=1650,
        receipt=receipt,
    )
    await expenses.submit(sealer, taxi, himself)
    return [
        f"expense claims by {DEMO_PARTICIPANT_EMAIL}: a £4.80 bus fare approved (its payment "
        "waits in Payments) and a £16.50 taxi waiting for finance at /finance/expenses",
    ]
