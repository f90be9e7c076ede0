"""Response models of the events JSON API, and the functions that fill them from rows.

Request bodies are the shared ``events.schemas`` (VenueForm, EventForm, Reply), so the API and
the organisers' forms refuse the same things with the same words. Responses carry codes and
their labels; invitations name people by their profile id only, never by name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from events import vocabulary as v
from events.services import ics, invitations


class VenueView(BaseModel):
    id: UUID
    name: str
    address: str
    directions: str
    features: list[str]
    public_transport: str
    join_link: str
    dial_in: str


class Venues(BaseModel):
    venues: list[VenueView]


class EventView(BaseModel):
    """An event as organisers see it; ``sequence`` is its calendar version (RFC 5545)."""

    id: UUID
    title: str
    kind: str
    kind_label: str
    description: str
    opportunity: UUID | None
    mode: str
    venue: UUID | None
    join_link: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    providers: str
    reminder_hours: list[int]
    sensitive: bool
    sequence: int
    status: str
    where: str


class Events(BaseModel):
    events: list[EventView]


class Changed(BaseModel):
    """The event as saved, and how many people were sent the change."""

    event: EventView
    told: int


class InvitedCounts(BaseModel):
    """Invited in this step: emailed (with a calendar invite), to tell by letter or phone, and
    skipped (already invited, or no longer agreeing to be contacted)."""

    invited: int
    emailed: int
    to_tell: int
    skipped: int


class InvitationView(BaseModel):
    id: UUID
    subject: UUID
    reply: str
    reply_label: str
    replied_at: datetime | None
    replied_via: str
    told_at: datetime | None


class Invitations(BaseModel):
    invitations: list[InvitationView]


class MyEvent(BaseModel):
    """One event a participant is invited to, with their reply."""

    invitation: UUID
    event: UUID
    title: str
    kind_label: str
    mode: str
    starts_at: datetime
    ends_at: datetime
    when: str
    where: str
    join_link: str
    status: str
    reply: str
    reply_label: str


class MyEvents(BaseModel):
    events: list[MyEvent]


class Replied(BaseModel):
    """The reply stored: "waiting" when someone accepted a full event."""

    invitation: UUID
    reply: str
    reply_label: str


def venue_view(row: dict[str, Any]) -> VenueView:
    fields = {name: row[name] for name in VenueView.model_fields if name != "features"}
    return VenueView(**fields, features=[f for f in row["features"].split(",") if f])


def event_view(row: dict[str, Any], venue: dict[str, Any] | None) -> EventView:
    skip = {"kind_label", "reminder_hours", "where"}
    fields = {name: row[name] for name in EventView.model_fields if name not in skip}
    return EventView(
        **fields,
        kind_label=v.KINDS.get(row["kind"], row["kind"]),
        reminder_hours=[int(h) for h in str(row["reminder_hours"]).split(",") if h.isdigit()],
        where=ics.where(row, venue),
    )


def invited_counts(result: invitations.Invited) -> InvitedCounts:
    return InvitedCounts(
        invited=result.invited,
        emailed=result.emailed,
        to_tell=result.to_tell,
        skipped=result.skipped,
    )


def invitation_view(row: dict[str, Any]) -> InvitationView:
    fields = {name: row[name] for name in InvitationView.model_fields if name != "reply_label"}
    return InvitationView(**fields, reply_label=v.REPLIES[row["reply"]])


def my_event(
    invitation: dict[str, Any], row: dict[str, Any], venue: dict[str, Any] | None
) -> MyEvent:
    return MyEvent(
        invitation=invitation["id"],
        event=row["id"],
        title=row["title"],
        kind_label=v.KINDS.get(row["kind"], row["kind"]),
        mode=row["mode"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        when=ics.when(row["starts_at"]),
        where=ics.where(row, venue),
        join_link=row["join_link"],
        status=row["status"],
        reply=invitation["reply"],
        reply_label=v.REPLIES[invitation["reply"]],
    )


def replied(invitation: UUID, stored: str) -> Replied:
    return Replied(invitation=invitation, reply=stored, reply_label=v.REPLIES[stored])
