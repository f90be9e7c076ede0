"""Payment documents to download: a participant's own statement, benefits-office letter and
"what you will be paid" letters; finance's statement for anyone (by payee reference).

Nothing personal in a URL: a participant's downloads carry only dates (or an opportunity id),
and work on the signed-in person; finance posts the payee reference in a form. Dates come as
YYYY-MM-DD (the browser's date box); wrong ones come back as the GOV.UK error summary, 400.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Template

from app import i18n
from app.auth.access import PARTICIPANT, Rule, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import DomainError, FieldError
from app.i18n import gettext as _
from app.sealed import Sealer
from app.web.pages import attachment, page
from events.services.documents import Team
from payments.pages.choices import Own
from payments.services import choices, documents, offer_letter

AnyRequest = Request[Any, Any, Any]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
Start = Annotated[str, QueryParameter(name="from")]
End = Annotated[str, QueryParameter(name="to")]
FIELD_IDS = {"from": "from", "to": "to", "reference": "reference"}


class MyDocuments(Controller):
    path = "/your-payments"
    include_in_schema = False

    @get("/documents", name="my-payment-documents")
    async def documents_page(
        self, request: AnyRequest, sealer: NamedDependency[Sealer]
    ) -> Template:
        own = await Own(request).ready(sealer)
        return await _mine(own.id, _starting_values())

    @get("/statement", name="my-payment-statement")
    async def statement(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        start: Start = "",
        end: End = "",
    ) -> Any:
        return await _own_download(request, sealer, start, end, letter=False)

    @get("/benefits-letter", name="my-benefits-letter")
    async def benefits_letter(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        start: Start = "",
        end: End = "",
    ) -> Any:
        return await _own_download(request, sealer, start, end, letter=True)

    @get("/{opportunity:uuid}/what-you-will-be-paid", name="my-offer-letter")
    async def offer(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        opportunity: FromPath[UUID],
        easy_read: FromQuery[str] = "",
    ) -> Response[bytes]:
        own = await Own(request).ready(sealer)
        easy = easy_read == "1"
        body = await offer_letter.what_you_will_be_paid(
            sealer, own.id, opportunity, own.actor, team(request), easy_read=easy
        )
        name = "what-you-will-be-paid" + ("-easy-read" if easy else "")
        return attachment(body, DOCX, f"{name}.docx")


class FinanceStatements(Controller):
    path = "/finance/statements"
    include_in_schema = False

    @get("/", name="finance-statements")
    async def form(self) -> Template:
        return _finance({**_starting_values(), "reference": ""})

    @post("/", name="finance-statement", status_code=200)
    async def download(self, request: AnyRequest, sealer: NamedDependency[Sealer]) -> Any:
        posted = await request.form()
        values = {k: str(posted.get(k, "")).strip() for k in ("reference", "from", "to")}
        try:
            within = documents.period(values["from"], values["to"])
            if not values["reference"]:
                message = "Enter the payee reference, like P1A2B3C4D"
                raise DomainError(message, errors=[FieldError("reference", message)])
            subject = await documents.subject_of_reference(values["reference"])
        except DomainError as problem:
            errors = problem.errors or [FieldError("reference", problem.message)]
            return _finance(values, errors, 404 if problem.status_code == 404 else 400)
        found = await documents.statement(
            sealer, subject, within, actor_of(request), "payment statement for finance"
        )
        body = documents.statement_docx(found, team(request))
        return attachment(body, DOCX, f"payment-statement-{found.reference}.docx")


async def _own_download(
    request: AnyRequest, sealer: Sealer, start: str, end: str, *, letter: bool
) -> Any:
    """The signed-in person's statement or benefits letter, or the form again with the problem."""
    own = await Own(request).ready(sealer)
    try:
        within = documents.period(start, end)
    except DomainError as problem:
        return await _mine(own.id, {"from": start, "to": end}, problem.errors)
    if not letter:
        found = await documents.statement(sealer, own.id, within, own.actor, "payment statement")
        return attachment(documents.statement_docx(found, team(request)), DOCX, "statement.docx")
    settings = request.app.state.settings
    today = datetime.now(documents.LONDON).date()
    with i18n.use_locale(documents.letter_language(i18n.current())):
        found = await documents.statement(
            sealer, own.id, within, own.actor, "benefits office letter"
        )
        body = documents.benefits_letter_docx(
            found, team(request), settings.contact_postal_address, today
        )
    return attachment(body, DOCX, "letter-about-payments.docx")


def team(request: AnyRequest) -> Team:
    """The council's name and the team's contact details, from the settings."""
    settings = request.app.state.settings
    return Team(settings.council_name, settings.contact_phone, settings.contact_email)


def _starting_values() -> dict[str, str]:
    tax_year = documents.this_tax_year(datetime.now(documents.LONDON).date())
    return {"from": tax_year.start.isoformat(), "to": tax_year.end.isoformat()}


async def _mine(
    subject: UUID, values: dict[str, str], errors: list[FieldError] | None = None
) -> Template:
    return page(
        "payments/documents/mine.html",
        _("Letters and statements"),
        status_code=400 if errors else 200,
        letter_in_english=documents.letter_language(i18n.current()) != i18n.current(),
        places=await choices.selected_for(subject),
        values=values,
        errors=errors or [],
        field_ids=FIELD_IDS,
    )


def _finance(
    values: dict[str, str], errors: list[FieldError] | None = None, status: int = 400
) -> Template:
    return page(
        "payments/documents/finance.html",
        "Payment statements",
        status_code=status if errors else 200,
        values=values,
        errors=errors or [],
        field_ids=FIELD_IDS,
    )


ROUTES: list[Any] = [MyDocuments, FinanceStatements]
ACCESS: dict[str, Rule] = {
    **dict.fromkeys(
        ("my-payment-documents", "my-payment-statement", "my-benefits-letter", "my-offer-letter"),
        PARTICIPANT,
    ),
    **dict.fromkeys(("finance-statements", "finance-statement"), roles(Role.finance, Role.admin)),
}
NAVIGATION: list[Any] = []
