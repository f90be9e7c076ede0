"""The calendar feed: a person makes (or stops) a secret address their calendar app subscribes
to, and calendar apps fetch it without signing in.

The address is shown once, on the page the button leads to, and never stored in a form we can
read back; making a new one stops the old one. Answers are never cached on the way.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.auth.access import PARTICIPANT, PUBLIC, Rule
from app.auth.flow import actor_of
from app.errors import NotFound
from app.i18n import gettext as _
from app.sealed import Sealer
from events.pages.replies import me, my_events_page
from events.services import feeds
from events.services.invitations import Sender

AnyRequest = Request[Any, Any, Any]
CALENDAR = "text/calendar"  # Litestar adds "; charset=utf-8" to text types
SUFFIX = ".ics"


class CalendarFeed(Controller):
    """What calendar apps fetch."""

    include_in_schema = False

    @get("/calendar/{token:str}", name="calendar-feed")
    async def calendar(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], token: FromPath[str]
    ) -> Response[bytes]:
        token = token.removesuffix(SUFFIX)
        body = await feeds.feed_for(
            sealer, request.app.state.secret_key, token, Sender.of(request.app.state)
        )
        if body is None:
            raise NotFound(_("This calendar address does not work. It may have been stopped."))
        return Response(body, media_type=CALENDAR, headers={"Cache-Control": "no-store"})


class FeedAddress(Controller):
    """Making and stopping a person's feed address, from "Your events"."""

    path = "/profile/events/feed"
    include_in_schema = False

    @post("/", name="my-events-feed")
    async def create(self, request: AnyRequest) -> Template:
        """Shown once, right here: a redirect would have to carry the secret in the address."""
        token = await feeds.create(request.app.state.secret_key, me(request), actor_of(request))
        url = f"{request.app.state.settings.public_url}/calendar/{token}{SUFFIX}"
        shown = await my_events_page(request, feed_url=url)
        shown.headers["Cache-Control"] = "no-store"
        return shown

    @post("/revoke", name="my-events-feed-revoke")
    async def revoke(self, request: AnyRequest) -> Redirect:
        await feeds.revoke(me(request), actor_of(request))
        return Redirect("/profile/events?saved=feed-stopped", status_code=HTTP_303_SEE_OTHER)


ROUTES: list[Any] = [CalendarFeed, FeedAddress]
ACCESS: dict[str, Rule] = {
    "calendar-feed": PUBLIC,
    "my-events-feed": PARTICIPANT,
    "my-events-feed-revoke": PARTICIPANT,
}
NAVIGATION: list[Any] = []
