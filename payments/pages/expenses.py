"""Expense claim pages: a participant claims back what taking part cost them (with a photo or
scan of the receipt where the policy needs one) and sees how each claim is going; finance checks
submitted claims, views receipts, and approves or turns them down with a reason.

No ids of people in these URLs: the participant pages work on the signed-in person, the finance
pages on claim ids. Thin: read the form, call one service, render.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app import i18n
from app.auth.access import PARTICIPANT, Rule, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import DomainError, FieldError
from app.i18n import N_
from app.i18n import gettext as _
from app.sealed import Sealer
from app.web.pages import attachment, page
from app.web.templates import NavItem
from payments import money
from payments.pages.choices import Own
from payments.services import expenses, export

AnyRequest = Request[Any, Any, Any]
FINANCE = roles(Role.finance, Role.admin)
LONDON = ZoneInfo("Europe/London")
FIELDS = ("event", "category", "amount", "miles", "details", "in_advance")
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
DONE = {
    "approved": "Claim approved. It is now waiting in Payments for someone else to approve.",
    "rejected": "Claim turned down. The person will see your reason.",
}


class ExpensePages(Controller):
    path = "/your-payments/expenses"
    include_in_schema = False

    @get("/", name="my-expenses")
    async def mine(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], saved: FromQuery[str] = ""
    ) -> Template:
        own = await Own(request).ready(sealer)
        return page(
            "payments/expenses/mine.html",
            _("Your expenses"),
            claims=[_row(c) for c in await expenses.claims(subject=own.id)],
            banner=_("Your claim has been sent. Finance will check it.") if saved else "",
        )

    @get("/new", name="my-expense-new")
    async def form(self, request: AnyRequest, sealer: NamedDependency[Sealer]) -> Template:
        own = await Own(request).ready(sealer)
        return await _claim_page(own.id, {})

    @post("/new", name="my-expense-submit")
    async def submit(self, request: AnyRequest, sealer: NamedDependency[Sealer]) -> Any:
        own = await Own(request).ready(sealer)
        posted = await request.form()
        values = {name: str(posted.get(name, "")).strip() for name in FIELDS}
        try:
            claim = await _claim(own.id, values, posted.get("receipt"))
            await expenses.submit(sealer, claim, own.actor)
        except DomainError as problem:
            if not problem.errors:
                raise
            return await _claim_page(own.id, values, problem.errors, problem.status_code)
        return Redirect("/your-payments/expenses?saved=1", status_code=HTTP_303_SEE_OTHER)


class FinanceExpensePages(Controller):
    path = "/finance/expenses"
    include_in_schema = False

    @get("/", name="finance-expenses")
    async def submitted(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], done: FromQuery[str] = ""
    ) -> Template:
        return await _finance_page(request, sealer, done=DONE.get(done, ""))

    @post("/{claim:uuid}/approve", name="finance-expense-approve")
    async def approve(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], claim: FromPath[UUID]
    ) -> Any:
        try:
            await expenses.approve(claim, actor_of(request))
        except DomainError as problem:
            return await _finance_page(request, sealer, problem=problem, failed=claim)
        return Redirect("/finance/expenses?done=approved", status_code=HTTP_303_SEE_OTHER)

    @post("/{claim:uuid}/reject", name="finance-expense-reject")
    async def reject(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], claim: FromPath[UUID]
    ) -> Any:
        reason = str((await request.form()).get("reason", ""))
        try:
            await expenses.reject(claim, reason, actor_of(request))
        except DomainError as problem:
            return await _finance_page(request, sealer, problem=problem, failed=claim)
        return Redirect("/finance/expenses?done=rejected", status_code=HTTP_303_SEE_OTHER)

    @get("/{claim:uuid}/receipt", name="finance-expense-receipt")
    async def receipt(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], claim: FromPath[UUID]
    ) -> Response[bytes]:
        found = await expenses.receipt_of(sealer, claim, actor_of(request))
        extension = EXTENSIONS.get(found.media_type, "bin")
        return attachment(found.content, found.media_type, f"receipt-{claim}.{extension}")


async def _claim(subject: UUID, values: dict[str, str], upload: Any) -> expenses.Claim:
    """The form as a claim; every problem with what was typed is named at once."""
    problems: list[FieldError] = []
    amount = miles = None
    if values["amount"]:
        try:
            amount = money.parse_pounds(values["amount"], "amount", N_("how much it cost"))
        except DomainError as wrong:
            problems += wrong.errors
    if values["miles"]:
        miles = int(values["miles"]) if values["miles"].isdigit() else None
        if miles is None:
            problems.append(FieldError("miles", _("Enter the miles as a whole number, like 12")))
    event = _uuid(values["event"])
    if event is None:
        problems.append(FieldError("event", _(expenses.EVENT_NEEDED)))
    receipt, status = None, 400
    if isinstance(upload, UploadFile) and upload.filename:
        try:
            receipt = expenses.receipt_from(await upload.read())
        except DomainError as wrong:
            problems, status = problems + wrong.errors, wrong.status_code
    if problems:
        raise DomainError(problems[0].message, errors=problems, status_code=status)
    return expenses.Claim(
        subject=subject,
        category=values["category"],
        details=values["details"],
        event=event,
        amount_pence=amount,
        miles=miles,
        in_advance=values["in_advance"] == "yes",
        receipt=receipt,
    )


async def _claim_page(
    subject: UUID,
    values: dict[str, str],
    errors: list[FieldError] | None = None,
    status: int = 400,
) -> Template:
    rules = await expenses.rules_in_force()
    return page(
        "payments/expenses/new.html",
        _("Claim expenses"),
        status_code=status if errors else 200,
        values=values,
        errors=errors or [],
        field_ids={"event": "event", "category": "category"},
        events={str(k): v for k, v in (await expenses.claimable_events(subject)).items()},
        categories={
            code: (expenses.category_words(code), expenses.what_it_pays(rule))
            for code, rule in rules.items()
        },
        advance=any(rule.advance_allowed for rule in rules.values()),
        advance_words=_(expenses.ADVANCE_WORDS),
    )


async def _finance_page(
    request: AnyRequest,
    sealer: Sealer,
    *,
    done: str = "",
    problem: DomainError | None = None,
    failed: UUID | None = None,
) -> Template:
    actor = actor_of(request)
    waiting = await expenses.claims(status="submitted")
    details = await expenses.details_of(sealer, waiting, actor)
    payees = await export.masked_payees(sealer, [c.subject for c in waiting], actor)
    errors = []
    if problem is not None:
        field = "reason" if any(e.field == "reason" for e in problem.errors) else "claims"
        errors = [FieldError(f"{field}-{failed}" if failed else field, problem.message)]
    return page(
        "payments/expenses/finance.html",
        "Expense claims",
        status_code=problem.status_code if problem else 200,
        claims=[
            _row(c)
            | {
                "details": details.get(c.id, ""),
                "payee": payees[c.subject].reference if c.subject in payees else "",
            }
            for c in waiting
        ],
        done=done,
        errors=errors,
        field_ids={},
    )


def _row(claim: expenses.ClaimView) -> dict[str, Any]:
    return {
        "id": claim.id,
        "when": i18n.day(claim.submitted_at.astimezone(LONDON).date()),
        "what": claim.category_words,
        "amount": claim.amount,
        "miles": claim.miles,
        "status": claim.status,
        "status_words": claim.status_words,
        "reason": claim.reason,
        "agree_first": claim.agree_first,
        "in_advance": claim.in_advance,
        "has_receipt": claim.has_receipt,
        "on_behalf": claim.submitted_by not in (None, claim.subject),
    }


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None


ROUTES: list[Any] = [ExpensePages, FinanceExpensePages]
ACCESS: dict[str, Rule] = dict.fromkeys(
    ("my-expenses", "my-expense-new", "my-expense-submit"), PARTICIPANT
) | dict.fromkeys(
    (
        "finance-expenses",
        "finance-expense-approve",
        "finance-expense-reject",
        "finance-expense-receipt",
    ),
    FINANCE,
)
NAVIGATION: list[Any] = [
    NavItem(N_("Expenses"), "/your-payments/expenses", roles=frozenset({Role.participant})),
    NavItem("Expense claims", "/finance/expenses", roles=frozenset({Role.finance})),
]
