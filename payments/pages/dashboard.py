"""Finance's dashboard: what each person (by payee reference) has had this tax year and this
benefit week, how quickly people are paid after an event, and the payments already late.

Read-only and thin: one call per figure to ``payments.services.reports``, then render.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, get
from litestar.response import Template

from app.auth.access import Rule, roles
from app.datamap import Role
from app.web.pages import page
from payments.money import pounds
from payments.services import reports

LONDON = ZoneInfo("Europe/London")
FINANCE = roles(Role.finance, Role.admin)
STATES = {"proposed": "Waiting for approval", "approved": "Approved", "batched": "In a batch"}


class DashboardPages(Controller):
    path = "/finance/dashboard"
    include_in_schema = False

    @get("/", name="finance-dashboard")
    async def dashboard(self) -> Template:
        today = datetime.now(UTC).astimezone(LONDON).date()
        year, week = reports.tax_year(today), reports.this_week(today)
        timing = await reports.timeliness(year, today)
        return page(
            "payments/dashboard/dashboard.html",
            "Payments dashboard",
            year=_span(year.start, year.end),
            week=_span(week.start, week.end),
            year_totals=[_total(t) for t in await reports.totals(year)],
            week_totals=[_total(t) for t in await reports.totals(week)],
            paid=timing.paid,
            median=_days(timing.median_days),
            on_time=timing.on_time,
            on_time_percent=timing.on_time_percent,
            overdue=[_late(o) for o in await reports.overdue(today)],
        )


def _total(total: reports.PersonTotal) -> dict[str, str]:
    return {
        "payee": total.payee_reference,
        "earnings": pounds(total.earnings_pence),
        "expenses": pounds(total.expenses_pence),
    }


def _late(late: reports.Overdue) -> dict[str, str]:
    return {
        "payee": late.payee_reference,
        "amount": pounds(late.amount_pence),
        "state": STATES.get(late.state, late.state),
        "ended": _day(late.event_ended),
        "due": _day(late.due),
        "late": f"{late.days_late} working day{'s' if late.days_late != 1 else ''}",
    }


def _days(median: float | None) -> str:
    if median is None:
        return ""
    shown = f"{median:g}"
    return f"{shown} working day{'' if shown == '1' else 's'}"


def _day(day: date) -> str:
    return day.strftime("%-d %B %Y")


def _span(start: date, end: date) -> str:
    return f"{_day(start)} to {_day(end)}"


ROUTES: list[Any] = [DashboardPages]
ACCESS: dict[str, Rule] = {"finance-dashboard": FINANCE}
NAVIGATION: list[Any] = []
