""" "You said, we did" in Easy Read and large print, as web pages and .docx downloads: for the
people it was sent to ("What changed", from their profile) and for the coordinator, who also
writes the Easy Read words here.

Thin: the words come from ``participation.services.outcomes_easy_read``, the documents from
``app.accessible_docs``, the pages reuse the advert's templates. Someone who was not sent an
outcome gets "not found"; an outcome without Easy Read words has no Easy Read version.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app import accessible_docs, symbols
from app.auth.access import PARTICIPANT, Rule, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import FieldError, NotFound
from app.i18n import gettext as _
from app.web.documents import both, version_download, version_page
from app.web.forms import FormInvalid, parse_form, read_form
from app.web.pages import page
from participation.pages.easy_read import team
from participation.pages.profile import Own
from participation.services import outcomes_easy_read as words

AnyRequest = Request[Any, Any, Any]
MINE = "/profile/what-changed"


def _reach(opportunity: UUID) -> str:
    return f"/reach/opportunities/{opportunity}/outcomes"


async def _sections(kind: str, row: dict[str, Any], request: AnyRequest) -> Any:
    """The version's sections in the reader's language; Easy Read lines get their pictures.
    Without the coordinator's Easy Read words there is no Easy Read version: not found."""
    if kind == "large_print":
        return words.outcome_large_print(row, team(request))
    try:
        sections = words.outcome_easy_read(row, team(request))
    except accessible_docs.NotEasyRead as problem:
        raise NotFound(_("There is no Easy Read version of this yet.")) from problem
    return await symbols.illustrate(sections)


async def _page(
    kind: str, row: dict[str, Any], request: AnyRequest, back: str, back_words: str
) -> Template:
    sections = await _sections(kind, row, request)
    docx = f"{request.url.path}.docx"
    return version_page(
        kind, words.title_of(row), sections, back=back, back_words=back_words, docx=docx
    )


async def _docx(kind: str, row: dict[str, Any], request: AnyRequest) -> Response[bytes]:
    """The .docx (or its PDF, by the path's ending)."""
    sections = await _sections(kind, row, request)
    letter = words.letter_of(team(request))
    title = words.title_of(row)
    return await version_download(
        kind, title, sections, request.url.path, prefix="what-changed-", letter=letter
    )


class WhatChanged(Controller):
    """The participant's own: every outcome sent back to them, and its two versions."""

    path = MINE
    include_in_schema = False

    @get("/", name="my-outcomes")
    async def mine(self, request: AnyRequest) -> Template:
        return page(
            "participation/outcomes/what_changed.html",
            _("What changed because of what you told us"),
            outcomes=await words.sent_to(Own(request).id),
        )

    @get("/{outcome:uuid}/easy-read", name="my-outcome-easy-read")
    async def easy_page(self, request: AnyRequest, outcome: FromPath[UUID]) -> Template:
        row = await words.for_participant(Own(request).id, outcome)
        return await _page("easy_read", row, request, MINE, _("Back to what changed"))

    @get(both("/{outcome:uuid}/easy-read.docx"), name="my-outcome-easy-read-docx")
    async def easy_docx(self, request: AnyRequest, outcome: FromPath[UUID]) -> Response[bytes]:
        return await _docx(
            "easy_read", await words.for_participant(Own(request).id, outcome), request
        )

    @get("/{outcome:uuid}/large-print", name="my-outcome-large-print")
    async def print_page(self, request: AnyRequest, outcome: FromPath[UUID]) -> Template:
        row = await words.for_participant(Own(request).id, outcome)
        return await _page("large_print", row, request, MINE, _("Back to what changed"))

    @get(both("/{outcome:uuid}/large-print.docx"), name="my-outcome-large-print-docx")
    async def print_docx(self, request: AnyRequest, outcome: FromPath[UUID]) -> Response[bytes]:
        return await _docx(
            "large_print", await words.for_participant(Own(request).id, outcome), request
        )


class OutcomeVersions(Controller):
    """The coordinator's: write the Easy Read words, and see both versions before sending."""

    path = "/reach/opportunities/{opportunity:uuid}/outcomes/{outcome:uuid}"
    include_in_schema = False

    @get("/easy-read-words", name="reach-outcome-easy-words")
    async def words_form(self, opportunity: FromPath[UUID], outcome: FromPath[UUID]) -> Template:
        row = await words.of_opportunity(opportunity, outcome)
        return _words_page(row, {"easy_said": row["easy_said"], "easy_did": row["easy_did"]})

    @post("/easy-read-words", name="reach-outcome-easy-words-submit")
    async def words_save(
        self, request: AnyRequest, opportunity: FromPath[UUID], outcome: FromPath[UUID]
    ) -> Any:
        row = await words.of_opportunity(opportunity, outcome)
        values = await read_form(request, words.EasyReadWords)
        try:
            form = parse_form(words.EasyReadWords, values)
        except FormInvalid as invalid:
            return _words_page(row, values, invalid.errors)
        await words.save_words(opportunity, outcome, form, actor_of(request))
        return Redirect(f"{_reach(opportunity)}?saved=easy-read", status_code=HTTP_303_SEE_OTHER)

    @get("/easy-read", name="reach-outcome-easy-read")
    async def easy_page(
        self, request: AnyRequest, opportunity: FromPath[UUID], outcome: FromPath[UUID]
    ) -> Template:
        row = await words.of_opportunity(opportunity, outcome)
        return await _page(
            "easy_read", row, request, _reach(opportunity), "Back to you said, we did"
        )

    @get(both("/easy-read.docx"), name="reach-outcome-easy-read-docx")
    async def easy_docx(
        self, request: AnyRequest, opportunity: FromPath[UUID], outcome: FromPath[UUID]
    ) -> Response[bytes]:
        return await _docx("easy_read", await words.of_opportunity(opportunity, outcome), request)

    @get("/large-print", name="reach-outcome-large-print")
    async def print_page(
        self, request: AnyRequest, opportunity: FromPath[UUID], outcome: FromPath[UUID]
    ) -> Template:
        row = await words.of_opportunity(opportunity, outcome)
        return await _page(
            "large_print", row, request, _reach(opportunity), "Back to you said, we did"
        )

    @get(both("/large-print.docx"), name="reach-outcome-large-print-docx")
    async def print_docx(
        self, request: AnyRequest, opportunity: FromPath[UUID], outcome: FromPath[UUID]
    ) -> Response[bytes]:
        return await _docx("large_print", await words.of_opportunity(opportunity, outcome), request)


def _words_page(
    row: dict[str, Any], values: dict[str, Any], errors: list[FieldError] | None = None
) -> Template:
    return page(
        "participation/outcomes/easy_words.html",
        "Easy Read words for this outcome",
        status_code=400 if errors else 200,
        row=row,
        values=values,
        errors=errors or [],
    )


ROUTES: list[Any] = [WhatChanged, OutcomeVersions]
ACCESS: dict[str, Rule] = {
    **dict.fromkeys(
        (
            "my-outcomes",
            "my-outcome-easy-read",
            "my-outcome-easy-read-docx",
            "my-outcome-large-print",
            "my-outcome-large-print-docx",
        ),
        PARTICIPANT,
    ),
    **dict.fromkeys(
        (
            "reach-outcome-easy-words",
            "reach-outcome-easy-words-submit",
            "reach-outcome-easy-read",
            "reach-outcome-easy-read-docx",
            "reach-outcome-large-print",
            "reach-outcome-large-print-docx",
        ),
        roles(Role.coordinator),
    ),
}
NAVIGATION: list[Any] = []
