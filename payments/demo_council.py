"""The demo council's benefit declarations and payment choices: a spread of people told us which
benefits they get (with consent), and the five who came to the market event each chose how to be
paid after reading the facts: no fee (expenses only), a smaller fee, a voucher, the fee to a
charity, the full fee. Runs after the payments demo (the policy) and before ``demo_fees``, so the
fees it proposes follow these choices.
"""

from __future__ import annotations

from uuid import UUID

from app import audit
from app.sealed import Sealer
from events.services import attendance
from participation.tables import Participant
from payments.services import benefit_rules, benefits, choices
from payments.tables import PaymentChoice

DECLARED = (
    benefit_rules.Declared(("UC",), "no", "", 3),
    benefit_rules.Declared(("ESA", "PIP")),
    benefit_rules.Declared(("CA",), ca_other_weekly_pence=4000),
    benefit_rules.Declared(("UC", "PIP"), "yes", "yes", 21),
    benefit_rules.Declared(("PC", "AA")),
    benefit_rules.Declared(("none",)),
    benefit_rules.Declared(("prefer_not",)),
)
EVERY = 6
"""One person in six on the register told us about their benefits."""
CHOICES = (
    choices.Answer(choice="expenses_only", advice="yes"),
    choices.Answer(choice="reduced", reduced="30.00", advice="no"),
    choices.Answer(choice="voucher", advice="not_say"),
    choices.Answer(choice="charity", charity="Shelter", advice="no"),
    choices.Answer(choice="full", advice="yes"),
)


async def is_empty() -> bool:
    return not await PaymentChoice.exists().where(PaymentChoice.choice == "charity")


async def populate(sealer: Sealer) -> list[str]:
    people = await Participant.select(Participant.id).order_by(Participant.created_at)
    told = 0
    for index, row in enumerate(people[EVERY - 1 :: EVERY]):
        await _declare(sealer, row["id"], DECLARED[index % len(DECLARED)])
        told += 1
    market = [row for row in await attendance.with_hours() if row["kind"] == "market_event"]
    chose = 0
    for event in market[:1]:
        came = sorted(await attendance.hours_of(event["id"]), key=str)
        for subject, answer in zip(came, CHOICES, strict=False):
            if answer.choice != "full":
                await _declare(sealer, subject, DECLARED[1])
            await choices.record(sealer, subject, event["opportunity"], answer, _self(subject))
            chose += 1
    return [
        f"benefits told to us with consent by {told} more people",
        f"payment choices by the {chose} people who came to the market event: no fee "
        "(expenses only), a smaller fee, a voucher, the fee to Shelter, the full fee",
    ]


async def _declare(sealer: Sealer, subject: UUID, declared: benefit_rules.Declared) -> None:
    await benefits.declare(sealer, subject, declared, consented=True, actor=_self(subject))


def _self(subject: UUID) -> audit.Actor:
    return audit.Actor(id=str(subject), role="participant")
