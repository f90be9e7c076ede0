"""The two demo participants with sign-in links each ask for a place on the housing panel and
are selected, so their own pages (events, what they will be paid) have something to show:
Jordan, and Gwen Morgan, who writes in Welsh (her answers are in Welsh, and the email telling
her she has a place is composed in Welsh from her profile's language).

Runs after the events demos, so the panel's first invitations and its briefing stay as those
steps describe them; ``events.demo_invited`` then invites these two.
"""

from __future__ import annotations

from uuid import UUID

from app import audit
from app import demo as kernel_demo
from app.sealed import Sealer
from participation import demo_recruitment as recruitment
from participation.schemas.recruitment import Interest, StatusChange
from participation.services import expressions, opportunities, profiles, selection
from participation.tables import Expression

ANSWERS = {
    kernel_demo.DEMO_PARTICIPANT_EMAIL: (
        "Someone who answers the phone, and who does not make me tell my story again.",
        "Yes",
    ),
    kernel_demo.SECOND_PARTICIPANT_EMAIL: (
        "Rhywun sy'n gwrando arna i ac sy'n siarad Cymraeg.",
        "Yes",
    ),
}
"""What each person wrote (their own words, in their own language) and chose."""


async def housing_panel() -> UUID:
    """The housing panel's opportunity: the first one open to the public."""
    return UUID(str((await opportunities.open_now())[0]["id"]))


async def people(sealer: Sealer) -> list[UUID]:
    """Jordan and Gwen, in that order (those of them on the register)."""
    found = [await profiles.find_by_email(sealer, email) for email in ANSWERS]
    return [subject for subject in found if subject is not None]


async def is_empty() -> bool:
    return not await Expression.exists()


async def populate(sealer: Sealer) -> list[str]:
    housing = await housing_panel()
    questions = await opportunities.questions_of(housing)
    chosen = []
    for email, words in ANSWERS.items():
        subject = await profiles.find_by_email(sealer, email)
        if subject is None:
            continue
        answers: dict[str, str | list[str]] = {
            str(q["id"]): words[1] if q["choices"] else words[0] for q in questions
        }
        me = audit.Actor(id=str(subject), role="participant")
        made, _ = await expressions.express(sealer, housing, subject, Interest(answers=answers), me)
        chosen.append(made)
    change = StatusChange(expressions=chosen, status="selected")
    await selection.set_status(sealer, housing, change, recruitment.DEMO_ACTOR, recruitment.SENDER)
    return [
        f"{' and '.join(ANSWERS)} asked for places on the housing panel and were selected "
        f"({kernel_demo.SECOND_PARTICIPANT_NAME} was told in Welsh, the language on her profile)",
    ]
