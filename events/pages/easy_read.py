"""An invitation in Easy Read and large print, as web pages and .docx downloads, in the
reader's language: from "Your events" (signed in: with the help the person asked for) and from
the page behind the emailed reply link (no sign-in, so nothing about their needs). Organisers
and coordinators download a person's .docx to post, in that person's language.

Thin: the words come from ``events.services.easy_read``, the documents from
``app.accessible_docs``, the pages from ``app.web.documents.version_page``.
Someone else's invitation, or a wrong link, is "not found".
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from app import audit, i18n, symbols
from app.auth.access import PARTICIPANT, PUBLIC, Rule, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import NotFound
from app.i18n import gettext as _
from app.sealed import Sealer
from app.web.documents import both, version_download, version_page
from events.pages.replies import _by_link, me
from events.services import easy_read
from events.tables import Invitation
from participation.services.easy_read import Team

AnyRequest = Request[Any, Any, Any]
MINE = "/profile/events"


def team(request: AnyRequest) -> Team:
    settings = request.app.state.settings
    return Team(settings.council_name, settings.contact_phone, settings.contact_email)


async def _mine(request: AnyRequest, sealer: Sealer, invitation: UUID) -> easy_read.Invited:
    """The signed-in person's own invitation, with the help they asked for."""
    found = await Invitation.select(Invitation.subject).where(Invitation.id == invitation)
    if not found or found[0]["subject"] != me(request):
        raise NotFound("There is no such invitation.")
    return await easy_read.invited(sealer, invitation, actor_of(request), personal=True)


async def _linked(
    request: AnyRequest, sealer: Sealer, invitation: UUID, token: str
) -> easy_read.Invited:
    """The invitation behind an emailed reply link (checked as the reply page checks it)."""
    row = await _by_link(request, invitation, token)
    actor = audit.Actor(id=str(row["subject"]), role="reply link")
    return await easy_read.invited(sealer, invitation, actor, personal=False)


async def _sections(kind: str, invited: easy_read.Invited, request: AnyRequest) -> Any:
    """The version's sections in the reader's language; Easy Read lines get their pictures."""
    if kind == "large_print":
        return easy_read.invitation_large_print(invited, team(request))
    return await symbols.illustrate(easy_read.invitation_easy_read(invited, team(request)))


async def _page(kind: str, invited: easy_read.Invited, request: AnyRequest, back: str) -> Template:
    words = _("Back to your events") if back == MINE else _("Back to your invitation")
    sections = await _sections(kind, invited, request)
    docx = f"{request.url.path}.docx"
    return version_page(kind, invited.title, sections, back=back, back_words=words, docx=docx)


async def _docx(kind: str, invited: easy_read.Invited, request: AnyRequest) -> Response[bytes]:
    """The .docx (or its PDF, by the path's ending)."""
    letter = easy_read.letter_of(invited, team(request))
    sections = await _sections(kind, invited, request)
    path = request.url.path
    return await version_download(
        kind, invited.title, sections, path, prefix="invitation-", letter=letter
    )


class MyInvitationVersions(Controller):
    """From "Your events": the signed-in person's own invitation."""

    path = "/profile/events/{invitation:uuid}"
    include_in_schema = False

    @get("/easy-read", name="my-event-easy-read")
    async def easy_page(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], invitation: FromPath[UUID]
    ) -> Template:
        return await _page("easy_read", await _mine(request, sealer, invitation), request, MINE)

    @get(both("/easy-read.docx"), name="my-event-easy-read-docx")
    async def easy_docx(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], invitation: FromPath[UUID]
    ) -> Response[bytes]:
        return await _docx("easy_read", await _mine(request, sealer, invitation), request)

    @get("/large-print", name="my-event-large-print")
    async def print_page(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], invitation: FromPath[UUID]
    ) -> Template:
        return await _page("large_print", await _mine(request, sealer, invitation), request, MINE)

    @get(both("/large-print.docx"), name="my-event-large-print-docx")
    async def print_docx(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], invitation: FromPath[UUID]
    ) -> Response[bytes]:
        return await _docx("large_print", await _mine(request, sealer, invitation), request)


class LinkedInvitationVersions(Controller):
    """From the page behind the emailed reply link: no sign-in, nothing about needs."""

    path = "/events/reply/{invitation:uuid}/{token:str}"
    include_in_schema = False

    @get("/easy-read", name="event-reply-easy-read")
    async def easy_page(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        invitation: FromPath[UUID],
        token: FromPath[str],
    ) -> Template:
        invited = await _linked(request, sealer, invitation, token)
        return await _page("easy_read", invited, request, f"/events/reply/{invitation}/{token}")

    @get(both("/easy-read.docx"), name="event-reply-easy-read-docx")
    async def easy_docx(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        invitation: FromPath[UUID],
        token: FromPath[str],
    ) -> Response[bytes]:
        return await _docx("easy_read", await _linked(request, sealer, invitation, token), request)

    @get("/large-print", name="event-reply-large-print")
    async def print_page(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        invitation: FromPath[UUID],
        token: FromPath[str],
    ) -> Template:
        invited = await _linked(request, sealer, invitation, token)
        return await _page("large_print", invited, request, f"/events/reply/{invitation}/{token}")

    @get(both("/large-print.docx"), name="event-reply-large-print-docx")
    async def print_docx(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        invitation: FromPath[UUID],
        token: FromPath[str],
    ) -> Response[bytes]:
        return await _docx(
            "large_print", await _linked(request, sealer, invitation, token), request
        )


class StaffInvitationVersions(Controller):
    """For organisers and coordinators to print and post, in the person's own language, to
    someone who needs Easy Read or large print and reads on paper."""

    path = "/events/{event:uuid}/invitations/{invitation:uuid}"
    include_in_schema = False

    @get(both("/easy-read.docx"), name="event-invitation-easy-read-docx")
    async def easy_docx(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        event: FromPath[UUID],
        invitation: FromPath[UUID],
    ) -> Response[bytes]:
        invited = await _for_staff(request, sealer, event, invitation)
        with i18n.use_locale(invited.language):
            return await _docx("easy_read", invited, request)

    @get(both("/large-print.docx"), name="event-invitation-large-print-docx")
    async def print_docx(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        event: FromPath[UUID],
        invitation: FromPath[UUID],
    ) -> Response[bytes]:
        invited = await _for_staff(request, sealer, event, invitation)
        with i18n.use_locale(invited.language):
            return await _docx("large_print", invited, request)


async def _for_staff(
    request: AnyRequest, sealer: Sealer, event: UUID, invitation: UUID
) -> easy_read.Invited:
    """An invitation of this event, with the needs organisers may see (only while shared)."""
    found = await Invitation.select(Invitation.event).where(Invitation.id == invitation)
    if not found or found[0]["event"] != event:
        raise NotFound("There is no such invitation to this event.")
    actor = actor_of(request)
    return await easy_read.invited(sealer, invitation, actor, personal=True, viewer="organiser")


ROUTES: list[Any] = [MyInvitationVersions, LinkedInvitationVersions, StaffInvitationVersions]
ACCESS: dict[str, Rule] = {
    **dict.fromkeys(
        (
            "my-event-easy-read",
            "my-event-easy-read-docx",
            "my-event-large-print",
            "my-event-large-print-docx",
        ),
        PARTICIPANT,
    ),
    **dict.fromkeys(
        (
            "event-reply-easy-read",
            "event-reply-easy-read-docx",
            "event-reply-large-print",
            "event-reply-large-print-docx",
        ),
        PUBLIC,
    ),
    **dict.fromkeys(
        ("event-invitation-easy-read-docx", "event-invitation-large-print-docx"),
        roles(Role.organiser, Role.coordinator),
    ),
}
NAVIGATION: list[Any] = []
