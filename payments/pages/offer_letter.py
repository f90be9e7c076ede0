"""The "what you will be paid" letter in Easy Read and large print, for the participant who
has the place: each a web page, a .docx and (where LibreOffice is installed) a PDF. The
standard-print .docx stays at ``/your-payments/<opportunity>/what-you-will-be-paid``.

Thin: ``payments.services.offer_letter`` writes the words in the person's language and
lays them out; the addresses carry only the opportunity's id, never anything personal.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from app.auth.access import PARTICIPANT, Rule
from app.sealed import Sealer
from app.web.documents import both, download, pdf_of
from app.web.pages import page
from payments.pages.choices import Own
from payments.pages.documents import team
from payments.services import offer_letter

AnyRequest = Request[Any, Any, Any]
HERE = "/your-payments/{opportunity:uuid}/what-you-will-be-paid"


async def _letter(request: AnyRequest, sealer: Sealer, opportunity: UUID) -> offer_letter.Letter:
    own = await Own(request).ready(sealer)
    return await offer_letter.compose(sealer, own.id, opportunity, own.actor, team(request))


def _page(kind: str, letter: offer_letter.Letter, opportunity: UUID, **context: Any) -> Template:
    here = f"/your-payments/{opportunity}/what-you-will-be-paid"
    docx = f"{here}/{kind.replace('_', '-')}.docx"
    return page(
        f"payments/offer/{kind}.html",
        letter.title,
        letter=letter,
        download=docx,
        pdf=pdf_of(docx),
        **context,
    )


class OfferVersions(Controller):
    path = HERE
    include_in_schema = False

    @get("/easy-read", name="my-offer-easy-read")
    async def easy_page(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], opportunity: FromPath[UUID]
    ) -> Template:
        letter = await _letter(request, sealer, opportunity)
        sections = await offer_letter.easy_read_sections(letter)
        return _page("easy_read", letter, opportunity, sections=sections)

    @get(both("/easy-read.docx"), name="my-offer-easy-read-docx")
    async def easy_docx(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], opportunity: FromPath[UUID]
    ) -> Response[bytes]:
        letter = await _letter(request, sealer, opportunity)
        body = offer_letter.easy_read_docx(letter, await offer_letter.easy_read_sections(letter))
        return await download(body, request.url.path, "what-you-will-be-paid-easy-read")

    @get("/large-print", name="my-offer-large-print")
    async def print_page(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], opportunity: FromPath[UUID]
    ) -> Template:
        letter = await _letter(request, sealer, opportunity)
        sections = offer_letter.large_print_sections(letter)
        return _page("large_print", letter, opportunity, sections=sections)

    @get(both("/large-print.docx"), name="my-offer-large-print-docx")
    async def print_docx(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], opportunity: FromPath[UUID]
    ) -> Response[bytes]:
        letter = await _letter(request, sealer, opportunity)
        body = offer_letter.large_print_docx(letter)
        return await download(body, request.url.path, "what-you-will-be-paid-large-print")


ROUTES: list[Any] = [OfferVersions]
ACCESS: dict[str, Rule] = dict.fromkeys(
    (
        "my-offer-easy-read",
        "my-offer-easy-read-docx",
        "my-offer-large-print",
        "my-offer-large-print-docx",
    ),
    PARTICIPANT,
)
NAVIGATION: list[Any] = []
