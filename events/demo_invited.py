"""Jordan and Gwen Morgan invited to the housing panel's first session, and both coming, so
their events page shows an invitation with its Easy Read and large print versions, and the
organiser's list shows what to arrange for them.

Before replying Jordan told us they now need Easy Read papers and a taxi; both share their
access needs with organisers (they agreed on their profiles), so the list is made from them and
Jordan's taxi is already booked. Gwen's invitation email is composed in Welsh, the language on
her profile. Runs after ``participation.demo_places`` (their places on the panel).
"""

from __future__ import annotations

from uuid import UUID

from app import audit
from app import demo as kernel_demo
from app.sealed import Sealer
from events import demo as events_demo
from events.services import invitations, logistics
from events.tables import Event, Invitation, LogisticsItem
from participation import schemas
from participation.services import profiles

ORGANISER = kernel_demo.actor(kernel_demo.ORGANISER)
DAY_ONE = "Housing support panel: day 1"
JORDANS_NEEDS = schemas.AccessNeeds(adjustments=["quiet_room", "easy_read"], travel_help=["taxi"])
TAXI_PENCE = 1800


async def is_empty() -> bool:
    return not await LogisticsItem.exists()


async def populate(sealer: Sealer) -> list[str]:
    event = await Event.select(Event.id).where(Event.title == DAY_ONE).first()
    jordan = await profiles.find_by_email(sealer, kernel_demo.DEMO_PARTICIPANT_EMAIL)
    gwen = await profiles.find_by_email(sealer, kernel_demo.SECOND_PARTICIPANT_EMAIL)
    if event is None or jordan is None or gwen is None:
        return []
    await profiles.update(sealer, jordan, JORDANS_NEEDS, _self(jordan))
    telling = events_demo.sender()
    invited = await invitations.invite(sealer, event["id"], [jordan, gwen], ORGANISER, telling)
    rows = await Invitation.select(Invitation.id, Invitation.subject).where(
        (Invitation.event == event["id"]) & Invitation.subject.is_in([jordan, gwen])
    )
    for row in rows:  # each pressed "I can come" in their email
        await invitations.reply(sealer, row["id"], "accepted", _self(row["subject"]), telling)
    made = await logistics.generate(sealer, event["id"], ORGANISER)
    await _book_taxi(event["id"], jordan)
    return [
        f"{kernel_demo.DEMO_PARTICIPANT_EMAIL} and {kernel_demo.SECOND_PARTICIPANT_EMAIL} "
        f"invited to {DAY_ONE} ({invited.emailed} emails, Gwen's in Welsh) and both coming; "
        f"{made.added} things to arrange from their shared access needs, Jordan's taxi booked",
    ]


async def _book_taxi(event: UUID, jordan: UUID) -> None:
    """The organiser booked Jordan's taxi and noted its estimated cost."""
    items = await logistics.items(event)
    taxi = next(i for i in items if i["subject"] == jordan and i["need"] == "taxi")
    await logistics.update(
        event,
        taxi["id"],
        ORGANISER,
        status="booked",
        cost_pence=TAXI_PENCE,
        owner=kernel_demo.ORGANISER.id,
    )


def _self(subject: UUID) -> audit.Actor:
    return audit.Actor(id=str(subject), role="participant")
