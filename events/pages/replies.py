"""Replying to an invitation: from the link in the email (no sign-in), or on "Your events".

Mail scanners open every link in a message, so opening the link only shows the event and the
three answers; only pressing a button (a POST) records a reply. Nobody is asked for a reason
and "can't make it" carries no penalty. The page behind the emailed link is discreet for
safe-contact people: it never shows the event's title. Everything is in the reader's language
(the request's); fixed texts are marked ``N_`` here and translated where they are shown.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_409_CONFLICT

from app import audit
from app.auth.access import PARTICIPANT, PUBLIC, Rule, current_user
from app.auth.flow import actor_of
from app.errors import FieldError, NotFound
from app.i18n import N_
from app.i18n import gettext as _
from app.sealed import Sealer
from app.web.forms import FormInvalid, parse_form, read_form
from app.web.pages import page
from events import vocabulary as v
from events.schemas import Reply
from events.services import feeds, ics, invitations, scheduling
from events.services.invitations import Sender
from events.tables import Event, Invitation
from participation.services import contact

AnyRequest = Request[Any, Any, Any]
BROKEN_LINK = invitations.BROKEN_LINK
THANKS = {
    "accepted": N_("Thank you. We look forward to seeing you."),
    "tentative": N_("Thank you. Let us know when you are sure, if you can."),
    "declined": N_("Thank you for letting us know. You do not need to give a reason."),
    "waiting": N_(
        "The event is full, so you are on the waiting list: we will tell you if a place comes up."
    ),
}
BANNERS = THANKS | {
    "feed-stopped": N_(
        "Your calendar address has stopped working. You can make a new one at any time."
    )
}


class ReplyByLink(Controller):
    """The page behind the link in an invitation email."""

    path = "/events/reply/{invitation:uuid}/{token:str}"
    include_in_schema = False

    @get("/", name="event-reply")
    async def show(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        invitation: FromPath[UUID],
        token: FromPath[str],
        replied: FromQuery[str] = "",
    ) -> Template:
        row = await _by_link(request, invitation, token)
        return await _link_page(sealer, row, token, thanks=bool(replied))

    @post("/", name="event-reply-submit")
    async def submit(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        invitation: FromPath[UUID],
        token: FromPath[str],
    ) -> Template | Redirect:
        row = await _by_link(request, invitation, token)
        try:
            answer = parse_form(Reply, await read_form(request, Reply)).answer
        except FormInvalid as invalid:
            return await _link_page(sealer, row, token, errors=invalid.errors)
        actor = audit.Actor(id=str(row["subject"]), role="reply link")
        await invitations.reply(
            sealer, invitation, answer, actor, Sender.of(request.app.state), token=token, via="link"
        )
        return Redirect(
            f"/events/reply/{invitation}/{token}?replied=1", status_code=HTTP_303_SEE_OTHER
        )


class MyEvents(Controller):
    """A signed-in person's invitations, their replies, and their calendar feed address."""

    path = "/profile/events"
    include_in_schema = False

    @get("/", name="my-events")
    async def mine(self, request: AnyRequest, saved: FromQuery[str] = "") -> Template:
        return await my_events_page(request, saved=saved)

    @post("/{invitation:uuid}/reply", name="my-events-reply")
    async def change_reply(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], invitation: FromPath[UUID]
    ) -> Template | Redirect:
        found = await Invitation.select(Invitation.subject).where(Invitation.id == invitation)
        if not found or found[0]["subject"] != me(request):
            raise NotFound(_("There is no such invitation."))
        try:
            answer = parse_form(Reply, await read_form(request, Reply)).answer
        except FormInvalid as invalid:
            return await my_events_page(request, errors=invalid.errors, failed=invitation)
        stored = await invitations.reply(
            sealer, invitation, answer, actor_of(request), Sender.of(request.app.state), via="web"
        )
        return Redirect(f"/profile/events?saved={stored}", status_code=HTTP_303_SEE_OTHER)


def me(request: AnyRequest) -> UUID:
    """The signed-in participant's profile id (their account id)."""
    user = current_user(request)
    if user.account_id is None:
        raise NotFound(_("There is no such page."))
    return user.account_id


async def my_events_page(
    request: AnyRequest,
    *,
    saved: str = "",
    errors: list[FieldError] | None = None,
    failed: UUID | None = None,
    feed_url: str = "",
) -> Template:
    """ "Your events": upcoming then past, each with its reply; and the feed section."""
    subject = me(request)
    upcoming: list[dict[str, Any]] = []
    past: list[dict[str, Any]] = []
    now = datetime.now(UTC)
    for item in await _invitations_of(subject):
        (upcoming if item["ends_at"] > now else past).append(item)
    return page(
        "events/replies_mine.html",
        _("Your events"),
        status_code=400 if errors else 200,
        upcoming=upcoming,
        past=past,
        answers=v.ANSWERS,
        thanks=_(BANNERS[saved]) if saved in BANNERS else "",
        errors=errors or [],
        failed=failed,
        field_ids={"answer": f"answer-{failed}"},
        feed_since=await feeds.active_since(subject),
        feed_url=feed_url,
    )


async def _invitations_of(subject: UUID) -> list[dict[str, Any]]:
    """The person's invitations with what each event is, when and whether they can still reply."""
    rows = await Invitation.select().where(Invitation.subject == subject)
    by_id = {row["event"]: row for row in rows}
    if not by_id:
        return []
    events = await Event.select().where(Event.id.is_in(list(by_id))).order_by(Event.starts_at)
    now = datetime.now(UTC)
    return [_item(event, by_id[event["id"]], now) for event in events]


def _item(event: dict[str, Any], invitation: dict[str, Any], now: datetime) -> dict[str, Any]:
    cancelled = event["status"] == "cancelled"
    label = v.REPLIES["cancelled" if cancelled else invitation["reply"]]
    answer = _(label)
    when = ics.when(event["starts_at"])
    return {
        "invitation": invitation["id"],
        "title": event["title"],
        "when": when,
        "ends_at": event["ends_at"],
        "reply": answer,
        "replied": invitation["reply"] != "invited",
        "open": not cancelled and event["starts_at"] > now,
        "row": [event["title"], when, answer],
    }


async def _by_link(request: AnyRequest, invitation: UUID, token: str) -> dict[str, Any]:
    """The invitation behind a reply link; 404 for a wrong token or an unknown invitation."""
    expected = invitations.reply_token(request.app.state.secret_key, invitation)
    if not hmac.compare_digest(token.encode(), expected.encode()):
        raise NotFound(_(BROKEN_LINK))
    row = await Invitation.select().where(Invitation.id == invitation).first()
    if row is None:
        raise NotFound(_(BROKEN_LINK))
    return dict(row)


async def _link_page(
    sealer: Sealer,
    row: dict[str, Any],
    token: str,
    *,
    thanks: bool = False,
    errors: list[FieldError] | None = None,
) -> Template:
    """The event in plain words and the three answers; a closed event says why (409)."""
    event, venue = await scheduling.get(row["event"])
    actor = audit.Actor(id=str(row["subject"]), role="reply link")
    route = await contact.route_for(sealer, row["subject"], actor)
    closed = _closed(event)
    status = HTTP_409_CONFLICT if closed else (400 if errors else 200)
    return page(
        "events/replies_link.html",
        _("Can you come?"),
        status_code=status,
        details=ics.describe(event, venue, discreet=route.safe_contact).splitlines(),
        action=f"/events/reply/{row['id']}/{token}",
        answers=v.ANSWERS,
        current=row["reply"],
        thanks=_thanks(row["reply"]) if thanks else "",
        closed=closed,
        errors=errors or [],
    )


def _thanks(reply: str) -> str:
    """The thanks for the reply just stored, in the reader's language."""
    label = THANKS.get(reply, "")
    return _(label) if label else ""


def _closed(event: dict[str, Any]) -> str:
    """Why replies are closed for this event (in the reader's language), or "" when open."""
    reason = scheduling.closed_because(event)
    return _(CLOSED[reason]) if reason in CLOSED else ""


CLOSED = {
    "cancelled": N_(
        "This event has been cancelled, so there is nothing to reply to. We are sorry."
    ),
    "started": N_("This event has already started, so replies are closed."),
}


ROUTES: list[Any] = [ReplyByLink, MyEvents]
ACCESS: dict[str, Rule] = {
    "event-reply": PUBLIC,
    "event-reply-submit": PUBLIC,
    "my-events": PARTICIPANT,
    "my-events-reply": PARTICIPANT,
}
NAVIGATION: list[Any] = []
