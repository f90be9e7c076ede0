"""The demo council's market events: one three weeks ago, with replies and attendance recorded
(five came, one did not, no blame), and a second afternoon in a fortnight, invitations out and
replies coming in (some yes, some can't make it, some not answered yet).

Runs after ``participation.demo_programme`` (the people selected for the market event) and the
events demo (its venues). Events are scheduled ahead through the services, as staff would; the
past one is then moved back in time, since no form schedules an event that has already ended.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from app import audit
from app import demo as kernel_demo
from app.sealed import Sealer
from events import demo as events_demo
from events.schemas import EventForm
from events.services import attendance, invitations, scheduling
from events.tables import Event, Invitation
from participation.services import opportunities

ORGANISER = kernel_demo.actor(kernel_demo.ORGANISER)
MARKET = "Meet the providers: housing support market event"
PAST_REPLIES = ("accepted",) * 6 + ("declined",)
"""The eighth person never replied: that is allowed, and nobody chases them for it."""
COMING_REPLIES = ("accepted", "accepted", "accepted", "tentative", "declined", "declined")


async def is_empty() -> bool:
    return not await Event.exists().where(Event.kind == "market_event")


async def populate(sealer: Sealer) -> list[str]:
    market = next(
        (row for row in await opportunities.for_staff("closed") if row["title"] == MARKET), None
    )
    venues = await scheduling.venues()
    if market is None or not venues:
        return []
    sender = events_demo.sender()
    past = await _market_event(market["id"], venues[0]["id"], 2, "afternoon one")
    rows = await _invite_and_reply(sealer, past, PAST_REPLIES, sender)
    ended = (datetime.now(UTC) - timedelta(days=21)).replace(
        hour=13, minute=0, second=0, microsecond=0
    )
    await Event.update({Event.starts_at: ended, Event.ends_at: ended + timedelta(hours=3)}).where(
        Event.id == past
    )
    came = [row for row, said in zip(rows, PAST_REPLIES, strict=False) if said == "accepted"]
    for row in came[:-1]:
        await attendance.check_in(past, row["id"], ORGANISER)
    await attendance.mark_absent(past, came[-1]["id"], ORGANISER)
    coming = await _market_event(market["id"], venues[0]["id"], 14, "afternoon two")
    await _invite_and_reply(sealer, coming, COMING_REPLIES, sender)
    return [
        f"a market event three weeks ago: {len(rows)} invited, {len(came) - 1} came (hours "
        "recorded), 1 did not",
        f"its second afternoon in a fortnight: {len(rows)} invited, "
        f"{COMING_REPLIES.count('accepted')} coming, {COMING_REPLIES.count('tentative')} might, "
        f"{COMING_REPLIES.count('declined')} can't, {len(rows) - len(COMING_REPLIES)} not "
        "replied yet",
    ]


async def _market_event(opportunity: UUID, venue: UUID, days: int, which: str) -> UUID:
    start = (datetime.now(UTC) + timedelta(days=days)).replace(
        hour=13, minute=0, second=0, microsecond=0
    )
    event, _ = await scheduling.save_event(
        EventForm(
            title=f"Housing support market event: {which}",
            kind="market_event",
            opportunity=opportunity,
            venue=venue,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            capacity=12,
            providers="Northshire Housing Trust\nHomes First CIC\nSt Anne's Housing Association",
            description="Three organisations tell us how they would run housing support. "
            "Ask them anything.",
            reminder_hours=[48],
        ),
        ORGANISER,
    )
    return event


async def _invite_and_reply(
    sealer: Sealer, event: UUID, replies: tuple[str, ...], sender: invitations.Sender
) -> list[dict[str, Any]]:
    """Invite everyone selected; the first few reply (by phone to staff, or by their link)."""
    await invitations.invite_selected(sealer, event, ORGANISER, sender)
    rows = (
        await Invitation.select(Invitation.id, Invitation.subject)
        .where(Invitation.event == event)
        .order_by(Invitation.created_at)
        .order_by(Invitation.id)
    )
    for index, (row, answer) in enumerate(zip(rows, replies, strict=False)):
        if index % 2:  # told the organiser on the phone
            await invitations.reply(sealer, row["id"], answer, ORGANISER, sender, via="staff")
        else:  # pressed the reply link in their email
            themselves = audit.Actor(id=str(row["subject"]), role="participant")
            await invitations.reply(sealer, row["id"], answer, themselves, sender)
    return list(rows)
