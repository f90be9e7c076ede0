"""Easy Read and large-print versions, as web pages and .docx downloads: an opportunity's
advert (public, like the advert) and what happens when you withdraw (the signed-in
participant, and coordinators who explain it to someone).

Thin: the words come from ``participation.services.easy_read``, the documents from
``app.accessible_docs``. An opportunity without valid Easy Read words has no Easy Read version
("not found"), so a visitor never sees a half-made one; the link is shown only when it exists.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get
from litestar.params import FromPath
from litestar.response import Template

from app import accessible_docs, symbols
from app.auth.access import PUBLIC, Rule, roles
from app.datamap import Role
from app.errors import NotFound
from app.i18n import gettext as _
from app.web.documents import both, version_download, version_page
from participation import vocabulary as v
from participation.pages.public import closed_page, closing, describe, published
from participation.services import easy_read, lived_experience, opportunities

AnyRequest = Request[Any, Any, Any]
WITHDRAW = "/profile/withdraw"


def team(request: AnyRequest) -> easy_read.Team:
    settings = request.app.state.settings
    return easy_read.Team(settings.council_name, settings.contact_phone, settings.contact_email)


async def _open(opportunity: UUID) -> dict[str, Any] | Template:
    row = await published(opportunity)
    return row if opportunities.is_open(row) else closed_page(row)


async def _advert_easy(row: dict[str, Any], request: AnyRequest) -> list[accessible_docs.Section]:
    try:
        sections = easy_read.advert_easy_read(row, closing(row["closes_at"]), team(request))
    except accessible_docs.NotEasyRead as problem:
        raise NotFound(_("There is no Easy Read version of this opportunity yet.")) from problem
    return await symbols.illustrate(sections)


async def _advert_print(row: dict[str, Any], request: AnyRequest) -> list[accessible_docs.Section]:
    lived = await lived_experience.options(include_retired=True)
    facts = [(fact.key, fact.value or ". ".join(fact.items)) for fact in describe(row)]
    sought = v.labels(lived, row["lived_experience_sought"])
    return easy_read.advert_large_print(row, facts, sought, team(request))


def _page(kind: str, title: str, sections: Any, back: str, download: str) -> Template:
    words = _("Back to the advert") if back.startswith("/take-part") else _("Back to stopping")
    return version_page(kind, title, sections, back=back, back_words=words, docx=download)


class AdvertVersions(Controller):
    path = "/take-part/{opportunity:uuid}"
    include_in_schema = False

    @get("/easy-read", name="take-part-easy-read")
    async def easy_page(self, request: AnyRequest, opportunity: FromPath[UUID]) -> Template:
        row = await _open(opportunity)
        if isinstance(row, Template):
            return row
        sections = await _advert_easy(row, request)
        here = f"/take-part/{opportunity}"
        return _page("easy_read", row["title"], sections, here, f"{here}/easy-read.docx")

    @get(both("/easy-read.docx"), name="take-part-easy-read-docx")
    async def easy_docx(self, request: AnyRequest, opportunity: FromPath[UUID]) -> Any:
        row = await _open(opportunity)
        if isinstance(row, Template):
            return row
        sections = await _advert_easy(row, request)
        return await version_download("easy_read", row["title"], sections, request.url.path)

    @get("/large-print", name="take-part-large-print")
    async def print_page(self, request: AnyRequest, opportunity: FromPath[UUID]) -> Template:
        row = await _open(opportunity)
        if isinstance(row, Template):
            return row
        sections = await _advert_print(row, request)
        here = f"/take-part/{opportunity}"
        return _page("large_print", row["title"], sections, here, f"{here}/large-print.docx")

    @get(both("/large-print.docx"), name="take-part-large-print-docx")
    async def print_docx(self, request: AnyRequest, opportunity: FromPath[UUID]) -> Any:
        row = await _open(opportunity)
        if isinstance(row, Template):
            return row
        sections = await _advert_print(row, request)
        return await version_download("large_print", row["title"], sections, request.url.path)


class WithdrawalVersions(Controller):
    path = WITHDRAW
    include_in_schema = False

    @get("/easy-read", name="withdraw-easy-read")
    async def easy_page(self, request: AnyRequest) -> Template:
        sections = await symbols.illustrate(easy_read.withdrawal_easy_read(team(request)))
        title = _(easy_read.WITHDRAW_TITLE)
        return _page("easy_read", title, sections, WITHDRAW, f"{WITHDRAW}/easy-read.docx")

    @get(both("/easy-read.docx"), name="withdraw-easy-read-docx")
    async def easy_docx(self, request: AnyRequest) -> Response[bytes]:
        sections = await symbols.illustrate(easy_read.withdrawal_easy_read(team(request)))
        title = _(easy_read.WITHDRAW_TITLE)
        return await version_download(
            "easy_read", title, sections, request.url.path, prefix="stopping-"
        )

    @get("/large-print", name="withdraw-large-print")
    async def print_page(self, request: AnyRequest) -> Template:
        sections = easy_read.withdrawal_large_print(team(request))
        title = _(easy_read.WITHDRAW_TITLE)
        return _page("large_print", title, sections, WITHDRAW, f"{WITHDRAW}/large-print.docx")

    @get(both("/large-print.docx"), name="withdraw-large-print-docx")
    async def print_docx(self, request: AnyRequest) -> Response[bytes]:
        sections = easy_read.withdrawal_large_print(team(request))
        title = _(easy_read.WITHDRAW_TITLE)
        return await version_download(
            "large_print", title, sections, request.url.path, prefix="stopping-"
        )


ROUTES: list[Any] = [AdvertVersions, WithdrawalVersions]
ACCESS: dict[str, Rule] = {
    **dict.fromkeys(
        (
            "take-part-easy-read",
            "take-part-easy-read-docx",
            "take-part-large-print",
            "take-part-large-print-docx",
        ),
        PUBLIC,
    ),
    **dict.fromkeys(
        (
            "withdraw-easy-read",
            "withdraw-easy-read-docx",
            "withdraw-large-print",
            "withdraw-large-print-docx",
        ),
        roles(Role.participant, Role.coordinator),
    ),
}
NAVIGATION: list[Any] = []
