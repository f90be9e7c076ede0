"""The demo council's kernel part: its staff accounts, Jordan's account, some service feedback,
and the mark that says this database holds the demo (``reciprocity demo`` refuses to mix
made-up people into a database that holds anything else).

Each domain adds its own ``demo.populate``; ``reciprocity demo`` runs them in dependency order
and only into an empty database.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from app import audit
from app.auth import accounts
from app.auth.dev import DEV_ADMIN_ID
from app.datamap import Role
from app.feedback import FeedbackForm, Satisfaction, count_feedback, record_feedback
from app.sealed import Sealer
from app.tables import Account, AuditEvent

DEMO_PARTICIPANT_EMAIL = "jordan@example.org"
SECOND_PARTICIPANT_NAME = "Gwen Morgan"
SECOND_PARTICIPANT_EMAIL = "gwen.morgan@example.org"
"""Gwen signs up online in the participation demo, writing in Welsh; her link is printed with
Jordan's and opens her profile in Welsh."""
COORDINATOR_NAME = "Priya Sharma"
COORDINATOR_EMAIL = "priya.sharma@northshire.example"
MARK = audit.Actor(id="demo", role="demo")
"""The audit event ``reciprocity demo`` writes first: append-only, so the mark cannot be lost."""
MARK_GROUP = "demo council"


@dataclass(frozen=True)
class StaffMember:
    """A demo staff account; fixed ids, so the domains' demos can act as these people."""

    name: str
    email: str
    role: Role
    id: UUID


STAFF = (
    StaffMember(
        COORDINATOR_NAME,
        COORDINATOR_EMAIL,
        Role.coordinator,
        UUID("00000000-0000-4000-8000-00000000de7a"),
    ),
    StaffMember(
        "Tom Reilly",
        "tom.reilly@northshire.example",
        Role.organiser,
        UUID("00000000-0000-4000-8000-00000000de71"),
    ),
    StaffMember(
        "Helen Carter",
        "helen.carter@northshire.example",
        Role.finance,
        UUID("00000000-0000-4000-8000-00000000de7f"),
    ),
    StaffMember(
        "Chris Adebayo",
        "chris.adebayo@northshire.example",
        Role.admin,
        UUID("00000000-0000-4000-8000-00000000de70"),
    ),
)
COORDINATOR, ORGANISER, FINANCE, ADMIN = STAFF

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


def sign_ins() -> list[tuple[str, str]]:
    """Who ``reciprocity demo`` prints sign-in links for: (who, in which role; their email)."""
    staff = [(f"{m.name}, {m.role.value}", m.email) for m in STAFF]
    return [
        *staff,
        ("Jordan, participant", DEMO_PARTICIPANT_EMAIL),
        (f"{SECOND_PARTICIPANT_NAME}, participant, in Welsh", SECOND_PARTICIPANT_EMAIL),
    ]


def actor(member: StaffMember) -> audit.Actor:
    """The staff member as the services see them acting."""
    return audit.Actor(id=str(member.id), role=member.role.value)


async def is_empty() -> bool:
    """True when the kernel holds no data: no feedback, no account but the dev admin's."""
    others = await Account.exists().where(Account.id != DEV_ADMIN_ID)
    return await count_feedback() == 0 and not others


async def is_marked() -> bool:
    """True when ``reciprocity demo`` filled this database."""
    return bool(
        await AuditEvent.exists().where(
            (AuditEvent.actor == MARK.id) & (AuditEvent.field_group == MARK_GROUP)
        )
    )


async def populate(sealer: Sealer) -> list[str]:
    """Add the kernel's demo records; returns one line per kind of record for the operator."""
    await audit.record(MARK, audit.Action.change, field_group=MARK_GROUP, purpose="load")
    for satisfaction, comments, came_from in DEMO_FEEDBACK:
        await record_feedback(
            FeedbackForm(satisfaction=satisfaction, comments=comments, came_from=came_from)
        )
    for member in STAFF:
        new = accounts.NewAccount(
            "staff", member.email, member.name, (member.role,), account_id=member.id
        )
        await accounts.create(sealer, new, audit.SYSTEM)
    participant = accounts.NewAccount(
        "participant", DEMO_PARTICIPANT_EMAIL, "Jordan", (Role.participant,)
    )
    await accounts.create(sealer, participant, audit.SYSTEM)
    return [
        f"{len(DEMO_FEEDBACK)} pieces of anonymous service feedback",
        "staff accounts: "
        + ", ".join(f"{m.name} ({m.role.value})" for m in STAFF)
        + "; sign in with the links below",
        f"a participant account: sign in at /sign-in/email as {DEMO_PARTICIPANT_EMAIL}",
    ]
