"""Jordan and Gwen Morgan each chose how to be paid for the housing panel after reading the
facts, so "What you will be paid" (and its Easy Read and large print versions) shows their fee,
how and when it is paid. Gwen read the facts in Welsh, so her choice records the Welsh words
she saw. Runs after ``participation.demo_places`` (their places on the panel) and the payments
demo (its policy), and before ``demo_vouchers`` pays Jordan the voucher chosen here (an
approved payment fixes the choice).
"""

from __future__ import annotations

from uuid import UUID

from app import audit, i18n
from app import demo as kernel_demo
from app.sealed import Sealer
from participation.services import contact, opportunities, profiles
from payments.services import benefit_rules, benefits, choices
from payments.tables import PaymentChoice

PIP_ONLY = benefit_rules.Declared(("PIP",))
"""Gwen gets PIP, which earnings do not affect; Jordan told us about Universal Credit earlier."""
CHOSEN = (
    (kernel_demo.DEMO_PARTICIPANT_EMAIL, choices.Answer(choice="voucher", advice="yes")),
    (kernel_demo.SECOND_PARTICIPANT_EMAIL, choices.Answer(choice="full", advice="no")),
)


async def is_empty() -> bool:
    return not await PaymentChoice.exists()


async def populate(sealer: Sealer) -> list[str]:
    housing = (await opportunities.open_now())[0]["id"]
    chose = []
    for email, answer in CHOSEN:
        subject = await profiles.find_by_email(sealer, email)
        if subject is None:
            continue
        with i18n.use_locale(await contact.language_of(sealer, subject)):
            if email == kernel_demo.SECOND_PARTICIPANT_EMAIL:
                await benefits.declare(
                    sealer, subject, PIP_ONLY, consented=True, actor=_self(subject)
                )
            await choices.record(sealer, subject, housing, answer, _self(subject))
        chose.append(f"{email} ({answer.choice.replace('_', ' ')})")
    return [
        f"payment choices for the housing panel by {' and '.join(chose)}, shown in What you "
        "will be paid at /your-payments",
    ]


def _self(subject: UUID) -> audit.Actor:
    return audit.Actor(id=str(subject), role="participant")
