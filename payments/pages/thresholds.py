"""The benefit figures admins keep: see every figure with its source and how sure we are of it,
correct one, and start next tax year's figures when April uprating is announced. Thin: read the
form, call ``payments.services.thresholds``, render."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.auth.access import Rule, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import DomainError, FieldError
from app.web.pages import page
from app.web.templates import NavItem
from payments import money
from payments.services import thresholds

AnyRequest = Request[Any, Any, Any]
ADMINS = roles(Role.admin)
FIELDS = ("amount", "status", "effective_from", "effective_to", "source", "notes")
DATE_PARTS = ("day", "month", "year")
BANNERS = {
    "changed": "The figure has been changed.",
    "started": "Next tax year's figures have been started. Check and change each one.",
}


class ThresholdPages(Controller):
    path = "/benefit-figures"
    include_in_schema = False

    @get("/", name="benefit-figures")
    async def listing(self, saved: FromQuery[str] = "") -> Template:
        rows = await thresholds.every()
        years: dict[str, list[thresholds.ThresholdView]] = {}
        for row in rows:
            years.setdefault(row.tax_year, []).append(row)
        return page(
            "payments/thresholds/list.html",
            "Benefit and tax figures",
            years=years,
            version=await thresholds.version(),
            statuses=thresholds.STATUSES,
            periods=thresholds.PERIODS,
            banner=BANNERS.get(saved, ""),
        )

    @get("/{threshold:uuid}", name="benefit-figure")
    async def show(self, threshold: FromPath[UUID]) -> Template:
        figure = await thresholds.get(threshold)
        return _form(figure, _values_of(figure))

    @post("/{threshold:uuid}", name="benefit-figure-submit")
    async def change(self, request: AnyRequest, threshold: FromPath[UUID]) -> Any:
        figure = await thresholds.get(threshold)
        posted = dict((await request.form()).items())
        values = {k: str(v).strip() for k, v in posted.items() if k != "_csrf_token"}
        try:
            await thresholds.change(threshold, _parsed(figure, values), actor_of(request))
        except DomainError as problem:
            if not problem.errors:
                raise
            return _form(figure, values, problem.errors)
        return Redirect("/benefit-figures?saved=changed", status_code=HTTP_303_SEE_OTHER)

    @post("/next-year", name="benefit-figures-next-year")
    async def next_year(self, request: AnyRequest) -> Redirect:
        await thresholds.start_next_tax_year(actor_of(request))
        return Redirect("/benefit-figures?saved=started", status_code=HTTP_303_SEE_OTHER)


def _parsed(figure: thresholds.ThresholdView, values: dict[str, str]) -> thresholds.Change:
    """The form as a change, or one DomainError listing every wrong answer in form order."""
    problems: list[FieldError] = []
    amount = _amount(figure, values.get("amount", ""), problems)
    starts = _date(values, "effective_from", "Enter the date it starts, like 6 4 2027", problems)
    ends = _date(values, "effective_to", "Enter the date it ends, or leave it empty", problems)
    status = values.get("status", "")
    if status not in thresholds.STATUSES:
        problems.append(FieldError("status", "Select how sure we are of this figure"))
    if problems:
        order = {name: n for n, name in enumerate(FIELDS)}
        problems.sort(key=lambda p: order.get(p.field, 99))
        raise DomainError(problems[0].message, errors=problems)
    assert starts is not None
    assert amount is not None
    return thresholds.Change(
        amount=amount,
        status=status,
        effective_from=starts,
        effective_to=ends,
        source=values.get("source", "")[:500],
        notes=values.get("notes", "")[:2000],
    )


def _amount(figure: thresholds.ThresholdView, typed: str, problems: list[FieldError]) -> int | None:
    if figure.unit == "percent":
        if typed.isdigit() and 0 <= int(typed) <= 100:
            return int(typed)
        problems.append(FieldError("amount", "Enter the percentage as a whole number, like 55"))
        return None
    try:
        return money.parse_pounds(typed, "amount", "the amount")
    except DomainError as wrong:
        problems.extend(wrong.errors)
        return None


def _date(
    values: dict[str, str], name: str, message: str, problems: list[FieldError]
) -> date | None:
    """A GOV.UK date input's three boxes; all empty is None (required: a problem)."""
    parts = [values.get(f"{name}-{part}", "") for part in DATE_PARTS]
    if not any(parts) and name == "effective_to":
        return None
    try:
        day, month, year = (int(part) for part in parts)
        return date(year, month, day)
    except ValueError:
        problems.append(FieldError(name, message))
        return None


def _values_of(figure: thresholds.ThresholdView) -> dict[str, str]:
    values = {
        "amount": figure.typed,
        "status": figure.status,
        "source": figure.source,
        "notes": figure.notes,
    }
    for name in ("effective_from", "effective_to"):
        day = getattr(figure, name)
        if day is not None:
            values |= {f"{name}-day": str(day.day), f"{name}-month": str(day.month)}
            values[f"{name}-year"] = str(day.year)
    return values


def _form(
    figure: thresholds.ThresholdView,
    values: dict[str, str],
    errors: list[FieldError] | None = None,
) -> Template:
    return page(
        "payments/thresholds/form.html",
        f"Change: {figure.label}, {figure.tax_year}",
        status_code=400 if errors else 200,
        figure=figure,
        values=values,
        errors=errors or [],
        field_ids={name: f"{name}-day" for name in ("effective_from", "effective_to")},
        statuses=thresholds.STATUSES,
        periods=thresholds.PERIODS,
    )


ROUTES: list[Any] = [ThresholdPages]
ACCESS: dict[str, Rule] = {
    "benefit-figures": ADMINS,
    "benefit-figure": ADMINS,
    "benefit-figure-submit": ADMINS,
    "benefit-figures-next-year": ADMINS,
}
NAVIGATION: list[Any] = [
    NavItem("Benefit figures", "/benefit-figures", roles=frozenset({Role.admin}))
]
