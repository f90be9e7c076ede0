"""Finance's "Payments" pages: approve proposed payments, lock approved ones into a batch,
download the batch's file, then mark it paid (or void it, with a reason).

Finance sees a payee reference, masked bank details, amounts and any benefit warning (the
warning's words only, never the benefit). Every action is one service call; a refusal comes
back as the GOV.UK error summary on the page it came from, with nothing written.
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Annotated, Any, ClassVar
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Stream, Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import Field, model_validator

from app.auth.access import Rule, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.db import transaction
from app.errors import DomainError, FieldError, NotFound
from app.sealed import Sealer
from app.web.forms import FieldProblem, FormInvalid, StrictForm, parse_form, read_form
from app.web.pages import page
from app.web.templates import NavItem
from events.services import scheduling
from payments import money, vocabulary
from payments.services import batches, benefits, export, ledger

AnyRequest = Request[Any, Any, Any]
FINANCE = roles(Role.finance, Role.admin)
LONDON = ZoneInfo("Europe/London")
KINDS = {"fee": "Fee", "expense": "Expense", "voucher": "Voucher", "reversal": "Reversal"}
STATUSES = {"locked": "Locked", "paid": "Paid", "voided": "Voided"}
STATUS_COLOURS = {"locked": "blue", "paid": "green", "voided": "grey"}
SHOWN = 200
"""Most payments a list shows; the rest wait for the next page load (oldest first)."""


class ApproveForm(StrictForm):
    """One payment (its own "Approve" button) or every ticked one ("Approve selected")."""

    entries: list[UUID] = []
    entry: UUID | None = None

    messages: ClassVar[dict[str, str]] = {
        "entries": "Select at least one payment to approve",
        "entry": "Select at least one payment to approve",
    }

    @model_validator(mode="after")
    def _one_at_least(self) -> ApproveForm:
        if self.entry is None and not self.entries:
            raise FieldProblem("entries", self.messages["entries"])
        return self

    @property
    def chosen(self) -> list[UUID]:
        return [self.entry] if self.entry else self.entries


class LockForm(StrictForm):
    entries: Annotated[list[UUID], Field(min_length=1)]

    messages: ClassVar[dict[str, str]] = {
        "entries": "Select at least one approved payment to put in the batch",
    }


class PaidForm(StrictForm):
    paid_day: str = ""
    paid_month: str = ""
    paid_year: str = ""
    reference: Annotated[str, Field(min_length=1, max_length=100)]

    messages: ClassVar[dict[str, str]] = {
        "paid_on": "Enter the date it was paid, for example 27 11 2026",
        "reference": "Enter the payment reference from the finance system, in 100 characters "
        "or fewer",
    }

    @property
    def paid_on(self) -> date:
        try:
            return date(int(self.paid_year), int(self.paid_month), int(self.paid_day))
        except ValueError as wrong:
            raise FormInvalid([FieldError("paid_on", self.messages["paid_on"])], {}) from wrong


class VoidForm(StrictForm):
    reason: Annotated[str, Field(min_length=1, max_length=300)]

    messages: ClassVar[dict[str, str]] = {
        "reason": "Enter why you are voiding the batch, in 300 characters or fewer",
    }


class FinancePages(Controller):
    path = "/finance"
    include_in_schema = False

    @get("/", name="finance-payments")
    async def payments(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], done: FromQuery[str] = ""
    ) -> Template:
        return await _payments_page(request, sealer, done=done)

    @post("/approve", name="finance-approve")
    async def approve(self, request: AnyRequest, sealer: NamedDependency[Sealer]) -> Any:
        try:
            form = parse_form(ApproveForm, await read_form(request, ApproveForm))
            async with transaction():  # all the chosen payments, or none of them
                for entry in form.chosen:
                    await ledger.approve(entry, actor_of(request))
        except DomainError as problem:
            return await _payments_page(request, sealer, problem=problem)
        return _see(f"/finance?done=approved-{len(form.chosen)}")

    @post("/batches", name="finance-lock")
    async def lock(self, request: AnyRequest, sealer: NamedDependency[Sealer]) -> Any:
        try:
            form = parse_form(LockForm, await read_form(request, LockForm))
            batch = await batches.lock(form.entries, actor_of(request))
        except DomainError as problem:
            return await _payments_page(request, sealer, problem=problem, lock_failed=True)
        return _see(f"/finance/batches/{batch}?done=locked")

    @get("/batches/{batch:uuid}", name="finance-batch")
    async def batch(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        batch: FromPath[UUID],
        done: FromQuery[str] = "",
    ) -> Template:
        return await _batch_page(request, sealer, batch, done=done)

    @get("/batches/{batch:uuid}/file.csv", name="finance-batch-csv")
    async def csv(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], batch: FromPath[UUID]
    ) -> Stream:
        return _sent(await export.download_csv(batch, sealer=sealer, actor=actor_of(request)))

    @get("/batches/{batch:uuid}/file.xlsx", name="finance-batch-xlsx")
    async def xlsx(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], batch: FromPath[UUID]
    ) -> Stream:
        return _sent(await export.download_xlsx(batch, sealer=sealer, actor=actor_of(request)))

    @post("/batches/{batch:uuid}/paid", name="finance-batch-paid")
    async def paid(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], batch: FromPath[UUID]
    ) -> Any:
        data = await read_form(request, PaidForm)
        try:
            form = parse_form(PaidForm, data)
            await batches.mark_paid(batch, form.paid_on, form.reference, actor_of(request))
        except DomainError as problem:
            return await _batch_page(request, sealer, batch, problem=problem, values=data)
        return _see(f"/finance/batches/{batch}?done=paid")

    @post("/batches/{batch:uuid}/void", name="finance-batch-void")
    async def void(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], batch: FromPath[UUID]
    ) -> Any:
        data = await read_form(request, VoidForm)
        try:
            form = parse_form(VoidForm, data)
            await batches.void(batch, form.reason, actor_of(request))
        except DomainError as problem:
            return await _batch_page(request, sealer, batch, problem=problem, values=data)
        return _see(f"/finance/batches/{batch}?done=voided")


# --- Pages ------------------------------------------------------------------------------------


async def _payments_page(
    request: AnyRequest,
    sealer: Sealer,
    *,
    done: str = "",
    problem: DomainError | None = None,
    lock_failed: bool = False,
) -> Template:
    proposed = await ledger.entries(state="proposed", limit=SHOWN)
    approved = await ledger.entries(state="approved", limit=SHOWN)
    cards = await _cards(request, sealer, proposed + approved, warn={e.id for e in proposed})
    group = "lock-entries" if lock_failed else "entries"
    errors = [FieldError(group, e.message) for e in _errors(problem, group)]
    return page(
        "payments/finance/payments.html",
        "Payments",
        status_code=problem.status_code if problem else 200,
        proposed=[cards[e.id] for e in proposed],
        approved=[cards[e.id] for e in approved],
        batches=[_batch_row(b) for b in await batches.batches()],
        done=_done(done),
        errors=errors,
        field_ids={},
        shown=SHOWN,
    )


async def _batch_page(
    request: AnyRequest,
    sealer: Sealer,
    batch: UUID,
    *,
    done: str = "",
    problem: DomainError | None = None,
    values: dict[str, Any] | None = None,
) -> Template:
    found = await batches.view(batch)
    members, count = await export.batch_entries(batch, limit=SHOWN)
    cards = await _cards(request, sealer, members, warn=set())
    return page(
        "payments/finance/batch.html",
        f"Batch {found.reference}",
        status_code=problem.status_code if problem else 200,
        batch=_batch_row(found) | {"void_reason": found.void_reason},
        members=[cards[e.id] for e in members],
        count=count,
        done=_done(done),
        errors=_errors(problem, "reason"),
        field_ids={"paid_on": "paid_day"},
        values=values or {},
        today=datetime.now(LONDON).date(),
    )


async def _cards(
    request: AnyRequest, sealer: Sealer, entries: list[ledger.EntryView], *, warn: set[UUID]
) -> dict[UUID, dict[str, Any]]:
    """What finance reads about each payment; benefit warnings for those awaiting approval."""
    payees = await export.masked_payees(sealer, [e.subject for e in entries], actor_of(request))
    events: dict[UUID, str] = {}
    today = datetime.now(LONDON).date()
    cards = {}
    for entry in entries:
        payee = payees.get(entry.subject)
        warnings = []
        if entry.id in warn and entry.kind in ledger.EARNINGS:
            found = await benefits.warnings_for(
                entry.subject, entry.amount_pence, today, sealer=sealer
            )
            warnings = [w.text for w in found]
        cards[entry.id] = {
            "id": entry.id,
            "payee": payee.reference if payee else "No payee details yet",
            "bank": f"{payee.sort_code} {payee.account}".strip() if payee else "",
            "amount": money.pounds(entry.amount_pence),
            "kind": KINDS.get(entry.kind, entry.kind),
            "method": vocabulary.METHODS.get(entry.method, ""),
            "event": await _event(events, entry.event),
            "date": _day(entry.created_at),
            "description": entry.description,
            "warnings": warnings,
        }
    return cards


async def _event(cache: dict[UUID, str], event: UUID | None) -> str:
    if event is None:
        return ""
    if event not in cache:
        try:
            row, _ = await scheduling.get(event)
        except NotFound:
            cache[event] = ""
        else:
            cache[event] = f"{row['title']}, {_day(row['starts_at'])}"
    return cache[event]


def _batch_row(found: batches.BatchView) -> dict[str, Any]:
    return {
        "id": found.id,
        "reference": found.reference,
        "status": found.status,
        "status_label": STATUSES.get(found.status, found.status),
        "colour": STATUS_COLOURS.get(found.status, "grey"),
        "count": found.entry_count,
        "total": money.pounds(found.total_pence),
        "locked": _day(found.locked_at),
        "paid_on": found.paid_on.strftime("%-d %B %Y") if found.paid_on else "",
        "paid_reference": found.paid_reference,
        "sha256": found.sha256,
    }


def _errors(problem: DomainError | None, field: str) -> list[FieldError]:
    """The problem as the error summary's list: its own fields, or one line about ``field``."""
    if problem is None:
        return []
    return problem.errors or [FieldError(field, problem.message)]


DONE = {
    "locked": "The batch is locked. Download its file for the finance system.",
    "paid": "The batch is marked as paid.",
    "voided": "The batch is voided. Its payments are proposed again, ready to approve.",
}


def _done(done: str) -> str:
    if done.startswith("approved-") and done.removeprefix("approved-").isdigit():
        count = int(done.removeprefix("approved-"))
        return "1 payment approved." if count == 1 else f"{count} payments approved."
    return DONE.get(done, "")


def _day(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%-d %B %Y")


def _see(path: str) -> Redirect:
    return Redirect(path, status_code=HTTP_303_SEE_OTHER)


def _sent(download: export.Download) -> Stream:
    """The checked file, streamed, with its SHA-256 for finance to compare (RFC 9530)."""
    return Stream(
        download.chunks(),
        media_type=download.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{download.filename}"',
            "Cache-Control": "no-store",
            "Repr-Digest": f"sha-256=:{_base64(download.sha256)}:",
            "X-Content-SHA256": download.sha256,
        },
    )


def _base64(hex_digest: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_digest)).decode()


ROUTES: list[Any] = [FinancePages]
ACCESS: dict[str, Rule] = dict.fromkeys(
    (
        "finance-payments",
        "finance-approve",
        "finance-lock",
        "finance-batch",
        "finance-batch-csv",
        "finance-batch-xlsx",
        "finance-batch-paid",
        "finance-batch-void",
    ),
    FINANCE,
)
NAVIGATION: list[Any] = [NavItem("Payments", "/finance", roles=frozenset({Role.finance}))]
