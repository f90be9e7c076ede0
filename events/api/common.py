"""What the events API handlers share: the message sender, the rule that a cancelled or started
event is settled, and the invitation reads the lists are made from."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from app.errors import Conflict
from events.services import scheduling
from events.tables import Event, Invitation, Venue


def still_ahead(row: dict[str, Any]) -> None:
    """Refuse (409) to change an event people can no longer act on, before anything is written."""
    reason = scheduling.closed_because(row)
    if reason:
        raise Conflict(CLOSED[reason])


CLOSED = {
    "cancelled": "This event was cancelled, so it cannot be changed.",
    "started": "This event has already started, so it cannot be changed.",
}


async def invitations_of(event: UUID) -> list[dict[str, Any]]:
    """Everyone invited to the event, in the order they were invited."""
    rows = (
        await Invitation.select().where(Invitation.event == event).order_by(Invitation.created_at)
    )
    return list(rows)


async def invitation(invitation: UUID) -> dict[str, Any] | None:
    row = await Invitation.select().where(Invitation.id == invitation).first()
    return dict(row) if row else None


async def events_of(
    subject: UUID,
) -> list[tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]]:
    """A person's invitations with their events and venues, soonest first, in three queries."""
    mine = {
        row["event"]: row for row in await Invitation.select().where(Invitation.subject == subject)
    }
    if not mine:
        return []
    rows = await Event.select().where(Event.id.is_in(list(mine))).order_by(Event.starts_at)
    places = {row["venue"] for row in rows if row["venue"]}
    venues = (
        {v["id"]: v for v in await Venue.select().where(Venue.id.is_in(list(places)))}
        if places
        else {}
    )
    return [(mine[row["id"]], row, venues.get(row["venue"])) for row in rows]
