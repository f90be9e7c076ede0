"""Debrief and wellbeing follow-ups after sensitive sessions, as the Plymouth toolkit asks.

After an event marked sensitive, each person who was invited may ask for a follow-up, choosing
when and how (phone, video call, in person or email). Until a coordinator marks it done, it sits
on their list, oldest due first. Saying no is recorded too, so nobody is asked twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from app import audit
from app.db import transaction
from app.errors import Conflict, NotFound
from app.i18n import N_
from app.i18n import gettext as _
from events.tables import Event, FollowUp, Invitation

CHANNELS = {
    "phone": N_("A phone call"),
    "video": N_("A video call"),
    "in_person": N_("In person"),
    "email": N_("By email"),
}
"""How a person can be checked in with (labels translated where a participant sees them)."""
DUE_AFTER = timedelta(days=2)
"""A follow-up is due this long after the event ends, unless the person asked for a later time."""


async def offer_for(invitation: UUID, subject: UUID) -> dict[str, Any]:
    """The event a person may ask a follow-up for: theirs, sensitive, and already started."""
    row = await Invitation.select().where(Invitation.id == invitation).first()
    if row is None or row["subject"] != subject:
        raise NotFound(_("There is no such event."))
    event = await Event.select().where(Event.id == row["event"]).first()
    if event is None or not event["sensitive"]:
        raise NotFound(_("There is no such event."))
    if event["starts_at"] > datetime.now(UTC):
        raise Conflict(_("You can ask for a follow-up once the session has taken place."))
    existing = (
        await FollowUp.select()
        .where((FollowUp.event == event["id"]) & (FollowUp.subject == subject))
        .first()
    )
    return {"event": dict(event), "existing": existing}


async def ask(
    invitation: UUID,
    subject: UUID,
    actor: audit.Actor,
    *,
    wanted: bool,
    preferred_time: str = "",
    channel: str = "phone",
) -> None:
    """Record their choice (once; asking again changes it until it is done)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel}")
    offer = await offer_for(invitation, subject)
    event = offer["event"]
    values: dict[Any, Any] = {
        FollowUp.wanted: wanted,
        FollowUp.preferred_time: preferred_time[:100],
        FollowUp.channel: channel,
        FollowUp.due_at: event["ends_at"] + DUE_AFTER if wanted else None,
    }
    async with transaction():
        if offer["existing"] is None:
            await FollowUp.insert(
                FollowUp(id=uuid4(), event=event["id"], subject=subject, **_named(values))
            )
        elif offer["existing"]["done_at"] is None:
            await FollowUp.update(values).where(FollowUp.id == offer["existing"]["id"])
        await audit.record(
            actor, audit.Action.change, subject=subject, field_group="events", purpose="debrief"
        )


async def due(now: datetime | None = None) -> list[dict[str, Any]]:
    """Follow-ups people asked for and nobody has done yet, oldest due first."""
    rows = (
        await FollowUp.select()
        .where((FollowUp.wanted == True) & FollowUp.done_at.is_null())  # noqa: E712 - SQL
        .order_by(FollowUp.due_at)
    )
    moment = now or datetime.now(UTC)
    for row in rows:
        row["overdue"] = row["due_at"] is not None and row["due_at"] < moment
    return list(rows)


async def mark_done(follow_up: UUID, actor: audit.Actor) -> None:
    async with transaction():
        done = (
            await FollowUp.update({FollowUp.done_at: datetime.now(UTC)})
            .where((FollowUp.id == follow_up) & FollowUp.done_at.is_null())
            .returning(FollowUp.subject)
        )
        if not done:
            raise NotFound("There is no such follow-up waiting.")
        await audit.record(
            actor,
            audit.Action.change,
            subject=done[0]["subject"],
            field_group="events",
            purpose="debrief done",
        )


def _named(values: dict[Any, Any]) -> dict[str, Any]:
    return {column._meta.name: value for column, value in values.items()}
