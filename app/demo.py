"""Believable demo data for the kernel, so a newcomer sees the service working after ``make run``.

Each domain adds its own ``demo.populate`` later; ``reciprocity demo`` runs them in dependency
order and only into an empty database.
"""

from __future__ import annotations

from app import audit
from app.auth import accounts
from app.datamap import Role
from app.feedback import FeedbackForm, Satisfaction, count_feedback, record_feedback
from app.sealed import Sealer

DEMO_PARTICIPANT_EMAIL = "jordan@example.org"

DEMO_FEEDBACK = (
    (
        Satisfaction.very_satisfied,
        "It was easy to see what I would be paid and how it affects my Universal Credit.",
        "/",
    ),
    (
        Satisfaction.satisfied,
        "Clear. I liked that I could ask for someone to call me instead.",
        "/contact",
    ),
    (Satisfaction.neither, "The writing is good but I would like it in Polish too.", "/privacy"),
    (
        Satisfaction.dissatisfied,
        "My support worker had to help me find the phone number.",
        "/contact",
    ),
)


async def is_empty() -> bool:
    """True when the kernel holds no demo-able data yet."""
    return await count_feedback() == 0


async def populate(sealer: Sealer) -> list[str]:
    """Add the kernel's demo records; returns one line per kind of record for the operator."""
    for satisfaction, comments, came_from in DEMO_FEEDBACK:
        await record_feedback(
            FeedbackForm(satisfaction=satisfaction, comments=comments, came_from=came_from)
        )
    participant = accounts.NewAccount(
        "participant", DEMO_PARTICIPANT_EMAIL, "Jordan", (Role.participant,)
    )
    await accounts.create(sealer, participant, audit.SYSTEM)
    return [
        f"{len(DEMO_FEEDBACK)} pieces of anonymous service feedback",
        f"a participant account: sign in at /sign-in/email as {DEMO_PARTICIPANT_EMAIL}",
    ]
