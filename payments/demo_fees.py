"""Demo fees and bank details: the fee of the person checked in at the housing panel's briefing
session, proposed from its attendance by the demo organiser (waiting at /finance for finance to
approve), and Jordan's bank details, which their payments page shows masked.
Runs after the payments demo, under its policy."""

from __future__ import annotations

from app import audit
from app.demo import DEMO_PARTICIPANT_EMAIL
from app.sealed import Sealer
from app.settings import Settings
from events.services import attendance
from participation.services import profiles
from payments.money import pounds
from payments.services import payees, proposals
from payments.tables import LedgerEntry, Payee

DEMO_ORGANISER = audit.Actor(id="00000000-0000-4000-8000-00000000de71", role="organiser")
JORDANS_BANK = payees.BankDetails("J Okoro", "40-11-62", "31926819")


async def is_empty() -> bool:
    fees = await LedgerEntry.exists().where(LedgerEntry.once.like("fee:%"))
    return bool(not fees and await Payee.count() == 0)


async def populate(sealer: Sealer) -> list[str]:
    lines = []
    for event in await attendance.with_hours():
        outcome = await proposals.propose_fees(event["id"], DEMO_ORGANISER)
        amounts = ", ".join(pounds(line.amount_pence) for line in outcome.proposed)
        fees = "fee" if len(outcome.proposed) == 1 else "fees"
        lines.append(
            f"{len(outcome.proposed)} {fees} proposed by the organiser from the attendance of "
            f"{event['title']} ({amounts})"
        )
    jordan = await profiles.find_by_email(sealer, DEMO_PARTICIPANT_EMAIL)
    if jordan is not None:
        settings = Settings()
        sender = payees.Sender(settings.mail_from, settings.service_name)
        actor = audit.Actor(id=str(jordan), role="participant")
        await payees.save(sealer, jordan, JORDANS_BANK, actor, sender)
        lines.append(
            f"bank details given by {DEMO_PARTICIPANT_EMAIL}, shown masked as ****6819 at "
            "/your-payments/bank-details"
        )
    return lines
