"""Invitations and replies: invite the selection in one step, each person through their route
(email with an iCalendar invite; others listed for a letter or a call), replies by link, on
their pages or recorded by staff, and a waiting list offered in order when someone declines.

Every message is built here and checked by ``participation``'s contact rules: nothing for
people who stopped agreeing to contact, no programme name for safe-contact people, never an
address. A reply link carries a token derived from the invitation id with the service key.
Each email (and its calendar part) is written in the language the person chose.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse
from uuid import UUID, uuid4

from app import audit, i18n, mail
from app.auth.one_time import digest
from app.db import is_duplicate, transaction
from app.errors import Conflict, DomainError, NotFound
from app.i18n import N_
from app.i18n import gettext as _
from app.sealed import Sealer
from events.services import ics, scheduling
from events.tables import Invitation
from participation.services import contact, selection

OPEN_REPLIES = ("invited", "accepted", "tentative", "waiting")
BROKEN_LINK = N_("This link does not work. Ask the co-production team for a new one.")
BATCH = 50
"""Invitations per transaction: one commit (an fsync on SQLite) for fifty people, not one each,
while holding the write lock only briefly."""


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
    skipped. Each invitation commits together with its email and audit row, ``BATCH`` people
    to a transaction: a failure rolls back whole people, never half of one."""
    row, venue = await scheduling.get(event)
    _still_ahead(row)
    wanted = list(dict.fromkeys(subjects))
    allowed = set(await contact.contactable(wanted))
    already = await _invited_already(event, wanted)
    fresh = [subject for subject in wanted if subject in allowed and subject not in already]
    routes = await contact.routes_for(sealer, fresh, actor)
    telling = _Telling(sealer, row, venue, actor, sender)
    result = Invited(skipped=len(wanted) - len(routes))
    people = [routes[subject] for subject in fresh if subject in routes]
    for start in range(0, len(people), BATCH):
        await _invite_batch(telling, people[start : start + BATCH], result)
    return result


async def _invited_already(event: UUID, subjects: list[UUID]) -> set[UUID]:
    if not subjects:
        return set()
    rows = await Invitation.select(Invitation.subject).where(Invitation.event == event)
    return {row["subject"] for row in rows}


@dataclass(frozen=True)
class _New:
    """One invitation ready to write: its row and, when email is their route, the email."""

    invitation: Invitation
    email: mail.Email | None


async def _invite_batch(telling: _Telling, routes: list[contact.Route], result: Invited) -> None:
    """Write a batch in one transaction. If someone else invited one of them meanwhile (the
    unique ``once`` refuses the batch), write them one by one, skipping that person."""
    batch = [_new_invitation(telling, route) for route in routes]
    try:
        async with transaction():
            await _write(telling, batch)
    except Exception as error:
        if not is_duplicate(error):
            raise
        for new in batch:
            await _write_alone(telling, new, result)
        return
    _count(result, batch)


async def _write_alone(telling: _Telling, new: _New, result: Invited) -> None:
    try:
        async with transaction():
            await _write(telling, [new])
    except Exception as error:
        if not is_duplicate(error):
            raise
        result.skipped += 1
        return
    _count(result, [new])


async def _write(telling: _Telling, batch: list[_New]) -> None:
    """The invitation rows, then each email and audit row, inside the caller's transaction."""
    await Invitation.insert(*(new.invitation for new in batch))
    for new in batch:
        subject = new.invitation.subject
        if new.email is not None:
            await mail.queue(telling.sealer, subject, new.email, telling.sender.mail_from)
        await audit.record(
            telling.actor,
            audit.Action.change,
            subject=subject,
            field_group="events",
            purpose="invite",
        )


def _count(result: Invited, batch: list[_New]) -> None:
    emailed = sum(new.email is not None for new in batch)
    result.invited += len(batch)
    result.emailed += emailed
    result.to_tell += len(batch) - emailed


def _new_invitation(telling: _Telling, route: contact.Route) -> _New:
    """The invitation row and its email (None when a letter or a call is needed instead)."""
    row, invitation = telling.row, uuid4()
    email = _email(telling, invitation, route)
    return _New(
        Invitation(
            id=invitation,
            event=row["id"],
            subject=route.subject,
            once=f"{row['id']}:{route.subject}",
            told_at=datetime.now(UTC) if email is not None else None,
        ),
        email,
    )


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
        raise NotFound(_(BROKEN_LINK))
    async with transaction():
        current = await Invitation.select().where(Invitation.id == invitation).first()
        if current is None:
            raise NotFound(_(BROKEN_LINK))
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
    "cancelled": N_("This event was cancelled."),
    "started": N_("This event has already started, so replies are closed."),
}


def _still_ahead(row: dict[str, Any]) -> None:
    reason = scheduling.closed_because(row)
    if reason:
        raise Conflict(_(CLOSED[reason]))


async def _tell(
    telling: _Telling,
    invitation: UUID,
    subject: UUID,
    *,
    method: str = "REQUEST",
    reply: str = "invited",
) -> bool:
    """Email about the invitation (with its calendar part) when email is their route; False
    when a letter or a call is needed instead."""
    route = await contact.route_for(telling.sealer, subject, telling.actor)
    email = _email(telling, invitation, route, method=method, reply=reply)
    if email is None:
        return False
    await mail.queue(telling.sealer, subject, email, telling.sender.mail_from)
    return True


def _email(
    telling: _Telling,
    invitation: UUID,
    route: contact.Route,
    *,
    method: str = "REQUEST",
    reply: str = "invited",
) -> mail.Email | None:
    """The email with its calendar part, in the person's language, checked by the contact
    rules; None unless email is their route."""
    if route.route != "email" or route.email is None:
        return None
    name = route.name.reveal() if route.name else ""
    attendee = ics.Attendee(route.email.reveal(), name, reply, discreet=route.safe_contact)
    with i18n.use_locale(route.language):
        return _composed(telling, invitation, route, attendee, method)


def _composed(
    telling: _Telling, invitation: UUID, route: contact.Route, attendee: ics.Attendee, method: str
) -> mail.Email:
    row, organiser = telling.row, telling.sender.organiser
    calendar = ics.invitation(row, telling.venue, organiser, attendee, method=method)
    text = _body(telling, invitation, attendee, method)
    contact.check_discreet(route, text, (row["title"],) if route.safe_contact else ())
    return mail.Email(
        to=attendee.email,
        subject=_subject_line(row, method, attendee.discreet),
        text=text,
        calendar=mail.CalendarPart(content=calendar, method=method),
    )


def _subject_line(row: dict[str, Any], method: str, discreet: bool) -> str:
    what = {"what": _(ics.DISCREET_TITLE) if discreet else row["title"]}
    if method == "CANCEL":
        return _("Cancelled: %(what)s") % what
    return (_("Invitation: %(what)s") if row["sequence"] == 0 else _("Changed: %(what)s")) % what


def _body(telling: _Telling, invitation: UUID, attendee: ics.Attendee, method: str) -> str:
    details = ics.describe(telling.row, telling.venue, discreet=attendee.discreet)
    if method == "CANCEL":
        sorry = _("This has been cancelled. We are sorry.")
        return "\n\n".join((_("Hello,"), sorry, details)) + "\n"
    paragraphs = (
        _("Hello %(name)s,") % {"name": attendee.name},
        _("You are invited."),
        details,
        _("Tell us if you can come:") + "\n" + reply_link(telling.sender, invitation),
        _(NO_REASON),
    )
    return "\n\n".join(paragraphs) + "\n"


NO_REASON = N_("If you can't make it, that is fine: you do not need to give a reason.")
