"""What needs a coordinator today from events (``app.web.today``): follow-ups due, things still
to book for upcoming events, and attendance not yet recorded after an event.

Counts and event titles only: no profile or sealed field is read, so nothing is audited.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from app import audit
from app.sealed import Sealer
from app.web.today import ROUTINE, SOON, URGENT, Attention
from events.services import ics
from events.services.logistics import COMING
from events.tables import Event, FollowUp, Invitation, LogisticsItem

FOLLOW_UPS = "Follow-ups and debriefs"
LOGISTICS = "Bookings for events"
AFTER_EVENTS = "After events"
BOOK_SOON = timedelta(days=7)
"""An unbooked need this close to the event is urgent."""
RECORD_WITHIN = timedelta(days=30)
"""Events that ended longer ago than this are not chased for attendance here."""


async def needs_attention(sealer: Sealer, actor: audit.Actor, now: datetime) -> list[Attention]:
    return [*await follow_ups(now), *await not_booked(now), *await attendance_missing(now)]


async def follow_ups(now: datetime) -> list[Attention]:
    """Follow-ups people asked for: overdue, due by the end of today, and due later."""
    rows = await FollowUp.select(FollowUp.due_at).where(
        (FollowUp.wanted == True) & FollowUp.done_at.is_null()  # noqa: E712 - SQL
    )
    end_of_today = now.astimezone(ics.LONDON).replace(hour=23, minute=59, second=59)
    overdue = sum(1 for r in rows if r["due_at"] is not None and r["due_at"] < now)
    today = sum(1 for r in rows if r["due_at"] is not None and now <= r["due_at"] <= end_of_today)
    found = []
    if overdue:
        found.append(
            Attention(
                FOLLOW_UPS,
                f"{_n(overdue, 'follow-up')} after a sensitive session "
                f"{'is' if overdue == 1 else 'are'} overdue",
                overdue,
                "/follow-ups",
                URGENT,
            )
        )
    if today:
        found.append(
            Attention(
                FOLLOW_UPS,
                f"{_n(today, 'follow-up')} after a sensitive session "
                f"{'is' if today == 1 else 'are'} due today",
                today,
                "/follow-ups",
                SOON,
            )
        )
    later = sorted(
        r["due_at"] for r in rows if r["due_at"] is not None and r["due_at"] > end_of_today
    )
    if later:
        found.append(
            Attention(
                FOLLOW_UPS,
                f"{_n(len(later), 'follow-up')} after a sensitive session "
                f"{'is' if len(later) == 1 else 'are'} waiting; the next is due on "
                f"{ics.when(later[0]).split(' at ')[0]}",
                len(later),
                "/follow-ups",
                ROUTINE,
            )
        )
    return found


async def not_booked(now: datetime) -> list[Attention]:
    """Per upcoming event, the access and travel needs on its list still "to do"."""
    items = await LogisticsItem.select(LogisticsItem.event).where(LogisticsItem.status == "to_do")
    waiting = Counter(row["event"] for row in items)
    found = []
    for event in await _upcoming([*waiting], now):
        count = waiting[event["id"]]
        urgency = URGENT if event["starts_at"] - now <= BOOK_SOON else SOON
        found.append(
            Attention(
                LOGISTICS,
                f"{_n(count, 'access or travel need')} not booked yet for {event['title']} "
                f"on {ics.when(event['starts_at'])}",
                count,
                f"/events/{event['id']}/logistics",
                urgency,
            )
        )
    return found


async def attendance_missing(now: datetime) -> list[Attention]:
    """Per recent past event, people who were coming and whose attendance is not recorded (their
    fee waits on it)."""
    rows = await Invitation.select(Invitation.event).where(
        Invitation.reply.is_in(list(COMING)) & Invitation.attended.is_null()
    )
    waiting = Counter(row["event"] for row in rows)
    if not waiting:
        return []
    events = (
        await Event.select(Event.id, Event.title, Event.ends_at)
        .where(
            Event.id.is_in([*waiting])
            & (Event.status != "cancelled")
            & (Event.ends_at < now)
            & (Event.ends_at >= now - RECORD_WITHIN)
        )
        .order_by(Event.ends_at)
    )
    return [
        Attention(
            AFTER_EVENTS,
            f"Attendance is not recorded for {_n(waiting[e['id']], 'person', 'people')} "
            f"at {e['title']}",
            waiting[e["id"]],
            f"/events/{e['id']}/attendance",
            ROUTINE,
        )
        for e in events
    ]


async def _upcoming(events: list[UUID], now: datetime) -> list[dict[str, Any]]:
    if not events:
        return []
    rows = (
        await Event.select(Event.id, Event.title, Event.starts_at)
        .where(Event.id.is_in(events) & (Event.status != "cancelled") & (Event.starts_at > now))
        .order_by(Event.starts_at)
    )
    return list(rows)


def _n(count: int, one: str, many: str = "") -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"
