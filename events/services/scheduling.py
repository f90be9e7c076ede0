"""Venues and events: create, change and cancel. A change people must hear about (time, place,
how to join) or a cancellation bumps the event's SEQUENCE and goes to everyone invited."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from app import audit
from app.db import transaction
from app.errors import Conflict, DomainError, FieldError, NotFound
from events import vocabulary
from events.schemas import EventForm, VenueForm
from events.tables import Event, Invitation, Venue

EVENT_KINDS = vocabulary.KINDS
"""The kinds of event, for other domains (payments prices each kind), codes to labels."""

NOTIFIED_FIELDS = ("starts_at", "ends_at", "mode", "venue", "join_link", "title")
"""Changes to these reach people's calendars (a new SEQUENCE); others do not."""


async def save_venue(form: VenueForm, actor: audit.Actor, venue: UUID | None = None) -> UUID:
    values: dict[Any, Any] = form.model_dump()
    values["features"] = ",".join(form.features)
    async with transaction():
        if venue is None:
            venue = uuid4()
            await Venue.insert(Venue(id=venue, **values))
        else:
            await _venue(venue)
            await Venue.update(values).where(Venue.id == venue)
        await audit.record(actor, audit.Action.change, field_group="venue", purpose="save")
    return venue


async def venues() -> list[dict[str, Any]]:
    return list(await Venue.select().order_by(Venue.name))


async def get(event: UUID) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The event and its venue (None for online events)."""
    row = await Event.select().where(Event.id == event).first()
    if row is None:
        raise NotFound("There is no such event.")
    venue = await Venue.select().where(Venue.id == row["venue"]).first() if row["venue"] else None
    return dict(row), venue


async def save_event(
    form: EventForm, actor: audit.Actor, event: UUID | None = None
) -> tuple[UUID, bool]:
    """Create or change an event; returns its id and whether people must be told (new SEQUENCE)."""
    values: dict[Any, Any] = _columns(form)
    if form.venue is not None:
        await _venue(form.venue)
    async with transaction():
        if event is None:
            event = uuid4()
            organiser = _uuid(actor.id)
            await Event.insert(Event(id=event, organiser=organiser, **values))
            changed = False
        else:
            current, _ = await get(event)
            if current["status"] == "cancelled":
                raise Conflict("A cancelled event cannot be changed.")
            await _capacity_fits(event, form.capacity)
            changed = any(current[name] != values[name] for name in NOTIFIED_FIELDS)
            values["updated_at"] = datetime.now(UTC)
            values["sequence"] = current["sequence"] + (1 if changed else 0)
            await Event.update(values).where(Event.id == event)
        await audit.record(actor, audit.Action.change, field_group="event", purpose="save")
    return event, changed


async def cancel(event: UUID, actor: audit.Actor) -> None:
    """Cancel: a new SEQUENCE, STATUS:CANCELLED; invitations say so (the caller tells people)."""
    async with transaction():
        current, _ = await get(event)
        if current["status"] == "cancelled":
            return
        await Event.update(
            {
                Event.status: "cancelled",
                Event.sequence: current["sequence"] + 1,
                Event.updated_at: datetime.now(UTC),
            }
        ).where(Event.id == event)
        await audit.record(actor, audit.Action.change, field_group="event", purpose="cancel")


def closed_because(row: dict[str, Any]) -> str:
    """Why nobody can act on this event any more: "cancelled", "started", or "" (still open)."""
    if row["status"] == "cancelled":
        return "cancelled"
    if row["starts_at"] <= datetime.now(UTC):
        return "started"
    return ""


async def upcoming(now: datetime | None = None) -> list[dict[str, Any]]:
    moment = now or datetime.now(UTC)
    return list(await Event.select().where(Event.ends_at > moment).order_by(Event.starts_at))


async def of_opportunity(opportunity: UUID) -> list[dict[str, Any]]:
    """Every session of one opportunity, past ones too, not the cancelled: one indexed query."""
    return list(
        await Event.select()
        .where((Event.opportunity == opportunity) & (Event.status != "cancelled"))
        .order_by(Event.starts_at)
    )


async def _capacity_fits(event: UUID, capacity: int) -> None:
    coming = await Invitation.count().where(
        (Invitation.event == event) & (Invitation.reply == "accepted")
    )
    if capacity < coming:
        message = f"{coming} people have said they are coming: the capacity cannot be lower"
        raise DomainError(message, errors=[FieldError("capacity", message)])


async def _venue(venue: UUID) -> dict[str, Any]:
    row = await Venue.select().where(Venue.id == venue).first()
    if row is None:
        message = "Select a venue from the list"
        raise DomainError(message, errors=[FieldError("venue", message)])
    return dict(row)


def _columns(form: EventForm) -> dict[str, Any]:
    values = form.model_dump()
    values["reminder_hours"] = ",".join(str(h) for h in sorted(set(form.reminder_hours)))
    return values


async def ends_of(events: list[UUID]) -> dict[UUID, datetime]:
    """When each of these events ends, in one query per 500 (payments' time-to-pay figures)."""
    ends: dict[UUID, datetime] = {}
    wanted = sorted(set(events), key=str)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for row in await Event.select(Event.id, Event.ends_at).where(Event.id.is_in(chunk)):
            ends[row["id"]] = row["ends_at"]
    return ends


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None
