"""Reminders before an event, at the hours the organiser set (48 and 2 by default), through
each person's route: an email when email is their route; a list for staff to ring or text
otherwise. Each (invitation, hour) is sent once, however often the job runs and on however
many machines: the invitation row records the hours already sent, updated with a condition.
Each reminder is written in the language the person chose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from app import audit, i18n, mail
from app.db import transaction
from app.i18n import gettext as _
from app.sealed import Sealer
from events.services import ics
from events.services.invitations import Sender
from events.tables import Event, Invitation, Venue
from participation.services import contact

COMING = ("accepted", "tentative")
REMINDER_ACTOR = audit.Actor(id="reminders", role="system")


@dataclass
class Reminded:
    emailed: int = 0
    to_tell: int = 0


async def send_due(sealer: Sealer, sender: Sender, now: datetime | None = None) -> Reminded:
    """Every reminder whose time has come and that has not gone yet."""
    moment = now or datetime.now(UTC)
    result = Reminded()
    for event in await _events_soon(moment):
        venue = (
            await Venue.select().where(Venue.id == event["venue"]).first()
            if event["venue"]
            else None
        )
        for hours in _hours(event):
            if moment < event["starts_at"] - timedelta(hours=hours):
                continue
            for invitation in await _not_yet_reminded(event["id"], hours):
                told = await _remind(
                    sealer, sender, event=event, venue=venue, invitation=invitation, hours=hours
                )
                if told is None:
                    continue
                result.emailed += int(told)
                result.to_tell += int(not told)
    return result


async def _events_soon(moment: datetime) -> list[dict[str, Any]]:
    horizon = moment + timedelta(days=15)
    rows = await Event.select().where(
        (Event.status == "scheduled") & (Event.starts_at > moment) & (Event.starts_at < horizon)
    )
    return list(rows)


def _hours(event: dict[str, Any]) -> list[int]:
    return sorted({int(h) for h in event["reminder_hours"].split(",") if h.strip().isdigit()})


async def _not_yet_reminded(event: UUID, hours: int) -> list[dict[str, Any]]:
    rows = await Invitation.select().where(
        (Invitation.event == event) & Invitation.reply.is_in(list(COMING))
    )
    return [row for row in rows if str(hours) not in row["reminded"].split(",")]


async def _remind(
    sealer: Sealer,
    sender: Sender,
    *,
    event: dict[str, Any],
    venue: dict[str, Any] | None,
    invitation: dict[str, Any],
    hours: int,
) -> bool | None:
    """Claim this reminder (None if another run did), then email it or leave it to staff."""
    sent = ",".join(filter(None, [invitation["reminded"], str(hours)]))
    async with transaction():
        claimed = (
            await Invitation.update({Invitation.reminded: sent})
            .where(
                (Invitation.id == invitation["id"])
                & (Invitation.reminded == invitation["reminded"])
            )
            .returning(Invitation.id)
        )
        if not claimed:
            return None
        route = await contact.route_for(sealer, invitation["subject"], REMINDER_ACTOR)
        if route.route != "email" or route.email is None:
            return False
        with i18n.use_locale(route.language):
            email = _reminder(route, event, venue)
        await mail.queue(sealer, invitation["subject"], email, sender.mail_from)
    return True


def _reminder(
    route: contact.Route, event: dict[str, Any], venue: dict[str, Any] | None
) -> mail.Email:
    """The reminder email in the current language, checked by the contact rules."""
    details = ics.describe(event, venue, discreet=route.safe_contact)
    fine = _("If you can't make it now, that is fine.")
    paragraphs = (_("Hello,"), _("A reminder:"), details, fine)
    text = "\n\n".join(paragraphs) + "\n"
    contact.check_discreet(route, text, (event["title"],) if route.safe_contact else ())
    what = _(ics.DISCREET_TITLE) if route.safe_contact else event["title"]
    address = route.email.reveal() if route.email else ""
    return mail.Email(to=address, subject=_("Reminder: %(what)s") % {"what": what}, text=text)
