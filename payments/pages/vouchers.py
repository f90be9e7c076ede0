"""Voucher pages for finance: issue a voucher for each approved voucher payment, see vouchers
issued (serials masked), record one as handed over, and show a full serial (a POST, audited).

No ids of people in these URLs: entries and vouchers only. Thin: read the form, call one
service, render.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.auth.access import Rule, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import DomainError, FieldError
from app.sealed import Sealer
from app.web.pages import page
from payments.money import pounds
from payments.services import ledger, vouchers
from payments.tables import Payee, Voucher

AnyRequest = Request[Any, Any, Any]
FINANCE = roles(Role.finance, Role.admin)
LONDON = ZoneInfo("Europe/London")
FIELDS = ("provider", "serial", "expires-day", "expires-month", "expires-year")
DONE = {
    "issued": "Voucher issued. Give it to the person, then mark it handed over.",
    "handed": "Voucher marked as handed over.",
}
EXPIRY = "Enter the date the voucher expires, for example 31 12 2027"


class VoucherPages(Controller):
    path = "/finance/vouchers"
    include_in_schema = False

    @get("/", name="finance-vouchers")
    async def listing(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], done: FromQuery[str] = ""
    ) -> Template:
        return await _vouchers_page(request, sealer, done=DONE.get(done, ""))

    @post("/{entry:uuid}/issue", name="finance-voucher-issue")
    async def issue(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], entry: FromPath[UUID]
    ) -> Any:
        posted = await request.form()
        values = {name: str(posted.get(name, "")).strip() for name in FIELDS}
        try:
            new = vouchers.NewVoucher(
                entry=entry,
                provider=values["provider"],
                serial=values["serial"],
                expires_on=_expiry(values),
            )
            await vouchers.issue(sealer, new, actor_of(request), _today())
        except DomainError as problem:
            return await _vouchers_page(
                request, sealer, problem=problem, entry=entry, values=values
            )
        return Redirect("/finance/vouchers?done=issued", status_code=HTTP_303_SEE_OTHER)

    @post("/{voucher:uuid}/handed-over", name="finance-voucher-handed-over")
    async def handed_over(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], voucher: FromPath[UUID]
    ) -> Any:
        try:
            await vouchers.hand_over(voucher, actor_of(request))
        except DomainError as problem:
            return await _vouchers_page(request, sealer, problem=problem)
        return Redirect("/finance/vouchers?done=handed", status_code=HTTP_303_SEE_OTHER)

    @post("/{voucher:uuid}/serial", name="finance-voucher-serial")
    async def serial(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], voucher: FromPath[UUID]
    ) -> Template:
        shown = await vouchers.reveal(sealer, voucher, actor_of(request))
        row = await Voucher.select(Voucher.provider, Voucher.value_pence).where(
            Voucher.id == voucher
        )
        return page(
            "payments/vouchers/serial.html",
            "Voucher serial",
            serial=shown,
            provider=row[0]["provider"],
            value=pounds(row[0]["value_pence"]),
        )


async def _vouchers_page(
    request: AnyRequest,
    sealer: Sealer,
    *,
    done: str = "",
    problem: DomainError | None = None,
    entry: UUID | None = None,
    values: dict[str, str] | None = None,
) -> Template:
    actor = actor_of(request)
    issued = await vouchers.listed(sealer, actor)
    waiting = await _waiting()
    errors: list[FieldError] = []
    if problem is not None:
        found = problem.errors or [FieldError("entry" if entry else "vouchers", problem.message)]
        errors = [FieldError(f"{e.field}-{entry}" if entry else e.field, e.message) for e in found]
    return page(
        "payments/vouchers/list.html",
        "Vouchers",
        status_code=problem.status_code if problem else 200,
        done=done,
        errors=errors,
        field_ids={f"expires_on-{entry}": f"expires-day-{entry}"} if entry else {},
        failed=entry,
        values=values or {},
        providers=vouchers.PROVIDERS,
        waiting=waiting,
        issued=[_row(v) for v in issued],
    )


async def _waiting() -> list[dict[str, Any]]:
    """Approved voucher payments with no voucher yet, oldest first."""
    approved = await ledger.entries(state="approved", limit=1000)
    wanted = [e for e in approved if e.kind == "voucher"]
    ids = [e.id for e in wanted]
    taken: set[Any] = set()
    if ids:
        query = Voucher.select(Voucher.entry).where(Voucher.entry.is_in(ids))
        taken = {row["entry"] for row in await query}
    shown = [e for e in wanted if e.id not in taken]
    references = await _references([e.subject for e in shown])
    return [
        {
            "id": e.id,
            "amount": pounds(e.amount_pence),
            "when": _day(e.created_at),
            "payee": references.get(e.subject, "someone with no payee reference yet"),
        }
        for e in shown
    ]


async def _references(subjects: list[UUID]) -> dict[UUID, str]:
    """Payee references (pseudonymous, never sealed) of these people, in one query."""
    if not subjects:
        return {}
    rows = await Payee.select(Payee.subject, Payee.reference).where(Payee.subject.is_in(subjects))
    return {row["subject"]: row["reference"] for row in rows}


def _row(voucher: vouchers.VoucherView) -> dict[str, Any]:
    return {
        "id": voucher.id,
        "payee": voucher.payee_reference or "No payee reference yet",
        "provider": voucher.provider,
        "serial": voucher.masked_serial,
        "value": voucher.value,
        "expires": voucher.expires_on.strftime("%-d %B %Y") if voucher.expires_on else "",
        "issued": _day(voucher.issued_at),
        "handed_over": _day(voucher.handed_over_at) if voucher.handed_over_at else "",
    }


def _expiry(values: dict[str, str]) -> date | None:
    parts = (values["expires-year"], values["expires-month"], values["expires-day"])
    if not any(parts):
        return None
    try:
        return date(*(int(part) for part in parts))
    except ValueError as wrong:
        raise DomainError(EXPIRY, errors=[FieldError("expires_on", EXPIRY)]) from wrong


def _today() -> date:
    return datetime.now(UTC).astimezone(LONDON).date()


def _day(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%-d %B %Y")


ROUTES: list[Any] = [VoucherPages]
ACCESS: dict[str, Rule] = dict.fromkeys(
    (
        "finance-vouchers",
        "finance-voucher-issue",
        "finance-voucher-handed-over",
        "finance-voucher-serial",
    ),
    FINANCE,
)
NAVIGATION: list[Any] = []
