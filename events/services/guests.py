"""Who is invited to an event and how they replied: the organiser's lists and counts."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from events.tables import Invitation


async def of_event(event: UUID) -> list[dict[str, Any]]:
    """Every invitation to ``event``, oldest first (the order people were invited in)."""
    rows = (
        await Invitation.select().where(Invitation.event == event).order_by(Invitation.created_at)
    )
    return list(rows)


async def reply_counts(events: list[UUID]) -> dict[UUID, dict[str, int]]:
    """For each event, how many invitations have each reply code."""
    if not events:
        return {}
    rows = await Invitation.select(Invitation.event, Invitation.reply).where(
        Invitation.event.is_in(events)
    )
    found: dict[UUID, dict[str, int]] = {}
    for row in rows:
        counts = found.setdefault(row["event"], {})
        counts[row["reply"]] = counts.get(row["reply"], 0) + 1
    return found


async def invitation_of(event: UUID, invitation: UUID) -> dict[str, Any] | None:
    """One invitation, only if it belongs to ``event`` (a form cannot reach another event's)."""
    row = (
        await Invitation.select()
        .where((Invitation.id == invitation) & (Invitation.event == event))
        .first()
    )
    return dict(row) if row else None
