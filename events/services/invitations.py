"""Invitations and replies: invite the selection in one step, each person through their route
(email with an iCalendar invite; others listed for a letter or a call), replies by link, on
their pages or recorded by staff, and a waiting list offered in order when someone declines.

Every message is built here and checked by ``participation``'s contact rules: nothing for
people who stopped agreeing to contact, no programme name for safe-contact people, never an
address. A reply link carries a token derived from the invitation id with the service key.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse
from uuid import UUID, uuid4

from app import audit, mail
from app.auth.one_time import digest
from app.db import is_duplicate, transaction
from app.errors import Conflict, DomainError, NotFound
from app.sealed import Sealer
from events.services import ics, scheduling
from events.tables import Invitation
from participation.services import contact, selection

OPEN_REPLIES = ("invited", "accepted", "tentative", "waiting")


@dataclass(frozen=True)
class Sender:
    """What messages need from the settings."""

    mail_from: str
    public_url: str
    secret_key: str
    team_name: str = "Co-production team"

    @classmethod
    def of(cls, state: Any) -> Sender:
        """The running app's sender (``request.app.state``): its settings and service key."""
        return cls(state.settings.mail_from, state.settings.public_url, state.secret_key)

    @property
    def organiser(self) -> ics.Organiser:
        address = self.mail_from.split("<")[-1].rstrip(">").strip()
        host = urlparse(self.public_url).hostname or "localhost"
        return ics.Organiser(email=address, name=self.team_name, uid_domain=host)


@dataclass(frozen=True)
class _Telling:
    """Everything a message about one event needs, whoever it goes to."""

    sealer: Sealer
    row: dict[str, Any]
    venue: dict[str, Any] | None
    actor: audit.Actor
    sender: Sender


@dataclass
class Invited:
    invited: int = 0
    emailed: int = 0
    to_tell: int = 0
    skipped: int = 0


def reply_token(secret_key: str, invitation: UUID) -> str:
    return digest(secret_key, "event-reply", str(invitation))[:32]


def reply_link(sender: Sender, invitation: UUID) -> str:
    token = reply_token(sender.secret_key, invitation)
    return f"{sender.public_url}/events/reply/{invitation}/{token}"


async def invite_selected(
    sealer: Sealer, event: UUID, actor: audit.Actor, sender: Sender
) -> Invited:
    """Everyone selected for the event's opportunity, in one step."""
    row, _ = await scheduling.get(event)
    if row["opportunity"] is None:
        raise DomainError("This event is not linked to an opportunity, so it has no selection.")
    return await invite(sealer, event, await selection.selected(row["opportunity"]), actor, sender)


async def invite(
    sealer: Sealer, event: UUID, subjects: list[UUID], actor: audit.Actor, sender: Sender
) -> Invited:
    """Invite these people; anyone already invited, or no longer agreeing to contact, is
    skipped. Each invitation and its email commit together."""
    row, venue = await scheduling.get(event)
    _still_ahead(row)
    allowed = set(await contact.contactable(subjects))
    telling = _Telling(sealer, row, venue, actor, sender)
    result = Invited()
    for subject in dict.fromkeys(subjects):
        if subject not in allowed or not await _new_invitation(telling, subject, result):
            result.skipped += 1
    return result


async def _new_invitation(telling: _Telling, subject: UUID, result: Invited) -> bool:
    """One invitation and its message; False when they were already invited."""
    row = telling.row
    invitation = uuid4()
    try:
        async with transaction():
            await Invitation.insert(
                Invitation(
                    id=invitation, event=row["id"], subject=subject, once=f"{row['id']}:{subject}"
                )
            )
            emailed = await _tell(telling, invitation, subject)
            if emailed:
                await Invitation.update({Invitation.told_at: datetime.now(UTC)}).where(
                    Invitation.id == invitation
                )
            await audit.record(
                telling.actor,
                audit.Action.change,
                subject=subject,
                field_group="events",
                purpose="invite",
            )
    except Exception as error:
        if is_duplicate(error):
            return False
        raise
    result.invited += 1
    result.emailed += int(emailed)
    result.to_tell += int(not emailed)
    return True


async def reply(
    sealer: Sealer,
    invitation: UUID,
    answer: str,
    actor: audit.Actor,
    sender: Sender,
    *,
    token: str | None = None,
    via: str = "link",
) -> str:
    """Record a reply; returns the reply stored ("waiting" when the event is full).

    ``token`` is checked when the reply comes from an emailed link. No reason is asked and no
    penalty follows "can't make it". A place given up goes to the first on the waiting list.
    """
    if token is not None and not hmac.compare_digest(
        token, reply_token(sender.secret_key, invitation)
    ):
        raise NotFound("This link does not work. Ask the co-production team for a new one.")
    async with transaction():
        current = await Invitation.select().where(Invitation.id == invitation).first()
        if current is None:
            raise NotFound("This link does not work. Ask the co-production team for a new one.")
        row, venue = await scheduling.get(current["event"])
        _still_ahead(row)
        stored = answer
        if answer == "accepted" and current["reply"] != "accepted" and await _full(row):
            stored = "waiting"
        now = datetime.now(UTC)
        await Invitation.update(
            {
                Invitation.reply: stored,
                Invitation.replied_at: now,
                Invitation.replied_via: via,
                Invitation.waiting_since: now if stored == "waiting" else None,
            }
        ).where(Invitation.id == invitation)
        if current["reply"] == "accepted" and stored != "accepted":
            await _offer_place(_Telling(sealer, row, venue, actor, sender))
        await audit.record(
            actor,
            audit.Action.change,
            subject=current["subject"],
            field_group="events",
            purpose=f"reply {stored}",
        )
    return stored


async def tell_everyone(sealer: Sealer, event: UUID, actor: audit.Actor, sender: Sender) -> int:
    """After a change or a cancellation: a new REQUEST (or CANCEL) to everyone still invited."""
    row, venue = await scheduling.get(event)
    telling = _Telling(sealer, row, venue, actor, sender)
    method = "CANCEL" if row["status"] == "cancelled" else "REQUEST"
    rows = await Invitation.select().where(
        (Invitation.event == event) & Invitation.reply.is_in(list(OPEN_REPLIES))
    )
    told = 0
    for invitation in rows:
        async with transaction():
            told += await _tell(
                telling,
                invitation["id"],
                invitation["subject"],
                method=method,
                reply=invitation["reply"],
            )
    return told


async def _offer_place(telling: _Telling) -> None:
    """The first person waiting gets the place and is told."""
    first = (
        await Invitation.select()
        .where((Invitation.event == telling.row["id"]) & (Invitation.reply == "waiting"))
        .order_by(Invitation.waiting_since)
        .first()
    )
    if first is None:
        return
    await Invitation.update({Invitation.reply: "accepted", Invitation.waiting_since: None}).where(
        Invitation.id == first["id"]
    )
    await _tell(telling, first["id"], first["subject"], reply="accepted")


async def _full(row: dict[str, Any]) -> bool:
    coming = await Invitation.count().where(
        (Invitation.event == row["id"]) & (Invitation.reply == "accepted")
    )
    return bool(coming >= row["capacity"])


CLOSED = {
    "cancelled": "This event was cancelled.",
    "started": "This event has already started, so replies are closed.",
}


def _still_ahead(row: dict[str, Any]) -> None:
    reason = scheduling.closed_because(row)
    if reason:
        raise Conflict(CLOSED[reason])


async def _tell(
    telling: _Telling,
    invitation: UUID,
    subject: UUID,
    *,
    method: str = "REQUEST",
    reply: str = "invited",
) -> bool:
    """Email the invitation (with its calendar part) when email is their route; False when a
    letter or a call is needed instead."""
    route = await contact.route_for(telling.sealer, subject, telling.actor)
    if route.route != "email" or route.email is None:
        return False
    name = route.name.reveal() if route.name else ""
    attendee = ics.Attendee(route.email.reveal(), name, reply, discreet=route.safe_contact)
    row, organiser = telling.row, telling.sender.organiser
    calendar = ics.invitation(row, telling.venue, organiser, attendee, method=method)
    text = _body(telling, invitation, attendee, method)
    contact.check_discreet(route, text, (row["title"],) if route.safe_contact else ())
    email = mail.Email(
        to=attendee.email,
        subject=_subject_line(row, method, attendee.discreet),
        text=text,
        calendar=mail.CalendarPart(content=calendar, method=method),
    )
    await mail.queue(telling.sealer, subject, email, telling.sender.mail_from)
    return True


def _subject_line(row: dict[str, Any], method: str, discreet: bool) -> str:
    what = ics.DISCREET_TITLE if discreet else row["title"]
    if method == "CANCEL":
        return f"Cancelled: {what}"
    return f"Invitation: {what}" if row["sequence"] == 0 else f"Changed: {what}"


def _body(telling: _Telling, invitation: UUID, attendee: ics.Attendee, method: str) -> str:
    details = ics.describe(telling.row, telling.venue, discreet=attendee.discreet)
    if method == "CANCEL":
        return f"Hello,\n\nThis has been cancelled. We are sorry.\n\n{details}\n"
    link = reply_link(telling.sender, invitation)
    return (
        f"Hello {attendee.name},\n\nYou are invited.\n\n{details}\n\n"
        f"Tell us if you can come:\n{link}\n\n"
        "If you can't make it, that is fine: you do not need to give a reason.\n"
    )
