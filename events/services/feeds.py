"""A person's calendar feed: a secret address their calendar app subscribes to, listing the
events they are invited to, kept up to date by the app polling it.

The address carries a random token shown once; only its digest is stored, so a copy of the
database cannot rebuild anyone's feed address. Making a new address revokes the old one, and
revoking stops the feed at once. Calendar apps fetch without signing in, so the feed for a
safe-contact person never names the programme, and every fetch is audited as a view. The feed
is written in the person's chosen language, whatever language their calendar app asks in.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

from app import audit, i18n
from app.auth import one_time
from app.db import transaction
from app.sealed import Sealer
from events.services import ics
from events.services.invitations import Sender
from events.tables import Event, FeedToken, Invitation, Venue
from participation.services import contact

PURPOSE = one_time.Purpose.CALENDAR_FEED.value
IN_FEED = ("accepted", "tentative", "invited", "waiting")
"""Replies that keep an event in the feed; "can't make it" takes it out."""


async def create(secret_key: str, subject: UUID, actor: audit.Actor | None = None) -> str:
    """A new feed address token for the person (returned once); any older address stops."""
    token = one_time.new_link_token()
    async with transaction():
        await _revoke_all(subject)
        await FeedToken.insert(
            FeedToken(
                id=uuid4(),
                subject=subject,
                token_hash=one_time.digest(secret_key, PURPOSE, token),
            )
        )
        await _audit_change(actor, subject, "calendar feed created")
    return token


async def revoke(subject: UUID, actor: audit.Actor | None = None) -> None:
    """Stop the person's feed address; their calendar app gets "not found" from now on."""
    async with transaction():
        await _revoke_all(subject)
        await _audit_change(actor, subject, "calendar feed revoked")


async def active_since(subject: UUID) -> datetime | None:
    """When the person's current feed address was made, or None if they have none."""
    row = (
        await FeedToken.select(FeedToken.created_at)
        .where((FeedToken.subject == subject) & FeedToken.revoked_at.is_null())
        .first()
    )
    return row["created_at"] if row else None


async def feed_for(sealer: Sealer, secret_key: str, token: str, sender: Sender) -> bytes | None:
    """The iCalendar feed behind this token, or None when the token is unknown or revoked."""
    found = (
        await FeedToken.select(FeedToken.subject)
        .where(
            (FeedToken.token_hash == one_time.digest(secret_key, PURPOSE, token))
            & FeedToken.revoked_at.is_null()
        )
        .first()
    )
    if found is None:
        return None
    subject = found["subject"]
    actor = audit.Actor(id=str(subject), role="calendar feed")
    route = await contact.route_for(sealer, subject, actor)
    await audit.record(
        actor, audit.Action.view, subject=subject, field_group="events", purpose="calendar feed"
    )
    entries = await _events_of(subject)
    with i18n.use_locale(route.language):
        return ics.feed(entries, sender.organiser, discreet=route.safe_contact)


async def _events_of(subject: UUID) -> list[ics.FeedEntry]:
    """The person's events still in their calendar, with venues, earliest first (3 queries)."""
    invited = await Invitation.select(Invitation.event).where(
        (Invitation.subject == subject) & Invitation.reply.is_in(list(IN_FEED))
    )
    if not invited:
        return []
    ids = [row["event"] for row in invited]
    events = await Event.select().where(Event.id.is_in(ids)).order_by(Event.starts_at)
    venue_ids = list({row["venue"] for row in events if row["venue"] is not None})
    venues = (
        {row["id"]: row for row in await Venue.select().where(Venue.id.is_in(venue_ids))}
        if venue_ids
        else {}
    )
    return [ics.FeedEntry(dict(row), venues.get(row["venue"])) for row in events]


async def _revoke_all(subject: UUID) -> None:
    await FeedToken.update({FeedToken.revoked_at: datetime.now(UTC)}).where(
        (FeedToken.subject == subject) & FeedToken.revoked_at.is_null()
    )


async def _audit_change(actor: audit.Actor | None, subject: UUID, purpose: str) -> None:
    who = actor or audit.Actor(id=str(subject), role="participant")
    await audit.record(
        who, audit.Action.change, subject=subject, field_group="events", purpose=purpose
    )
