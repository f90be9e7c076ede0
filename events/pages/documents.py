"""Downloads for organisers: the invitation letters to post (each in its reader's language), and
the briefing pack (in English, or in a language chosen with ``?language=cy``: staff pages are
English, but the pack is for participants to read)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from app import i18n
from app.auth.access import Rule, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.sealed import Sealer
from app.web.pages import attachment
from events.services import documents, letters
from events.services.invitations import Sender

AnyRequest = Request[Any, Any, Any]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def team(request: AnyRequest) -> documents.Team:
    settings = request.app.state.settings
    return documents.Team(settings.council_name, settings.contact_phone, settings.contact_email)


class EventDocuments(Controller):
    path = "/events/{event:uuid}"
    include_in_schema = False

    @get("/letters.docx", name="event-letters")
    async def letters_to_post(
        self, request: AnyRequest, event: FromPath[UUID], sealer: NamedDependency[Sealer]
    ) -> Response[bytes]:
        body, _ = await letters.to_post(
            sealer, event, actor_of(request), Sender.of(request.app.state), team(request)
        )
        return attachment(body, DOCX, "invitation-letters.docx")

    @get("/briefing.docx", name="event-briefing")
    async def briefing(
        self, request: AnyRequest, event: FromPath[UUID], language: FromQuery[str] = ""
    ) -> Response[bytes]:
        """An unknown or unoffered ``language`` gives the English pack."""
        offered = {known.code for known in request.app.state.site.languages}
        with i18n.use_locale(language if language in offered else i18n.DEFAULT):
            body = await letters.briefing(event, team(request))
        return attachment(body, DOCX, "briefing-pack.docx")


ROUTES: list[Any] = [EventDocuments]
ACCESS: dict[str, Rule] = {
    "event-letters": roles(Role.organiser, Role.coordinator),
    "event-briefing": roles(Role.organiser, Role.coordinator),
}
NAVIGATION: list[Any] = []
