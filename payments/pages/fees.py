"""Fees from attendance: the events with hours recorded, how many fees are proposed already, and
a "Propose fees" button per event for organisers and coordinators; then what was proposed,
what was not (with the reason) and what finance must check.

Finance sees the list too, to know what is coming, but approves on its own pages: whoever
proposes a fee cannot approve it (the ledger refuses).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from app.auth.access import Rule, current_user, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import DomainError, FieldError
from app.sealed import Sealer
from app.web.pages import page
from app.web.templates import NavItem
from events.services import logistics
from payments import money, vocabulary
from payments.services import proposals

AnyRequest = Request[Any, Any, Any]
LONDON = ZoneInfo("Europe/London")
PROPOSERS = frozenset({Role.organiser, Role.coordinator})


class FeePages(Controller):
    path = "/finance/fees"
    include_in_schema = False

    @get("/", name="fees")
    async def listing(self, request: AnyRequest) -> Template:
        return await _list_page(request)

    @post("/{event:uuid}", name="fees-propose")
    async def propose(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], event: FromPath[UUID]
    ) -> Template:
        try:
            outcome = await proposals.propose_fees(event, actor_of(request))
        except DomainError as problem:
            return await _list_page(request, problem)
        names = await logistics.names(sealer, outcome.subjects, actor_of(request), "fees")
        return page(
            "payments/fees/result.html",
            f"Fees for {outcome.title}",
            outcome=outcome,
            pounds=money.pounds,
            name_of=lambda subject: names.get(subject) or "Someone who came",
        )


async def _list_page(request: AnyRequest, problem: DomainError | None = None) -> Template:
    rows = await proposals.overview()
    return page(
        "payments/fees/list.html",
        "Fees from attendance",
        status_code=problem.status_code if problem else 200,
        events=[_row(row) for row in rows],
        may_propose=bool(current_user(request).roles & PROPOSERS),
        errors=[FieldError("events", problem.message)] if problem else [],
        field_ids={},
    )


def _row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "title": row["title"],
        "kind": vocabulary.ACTIVITIES.get(row["kind"], row["kind"]),
        "on": f"{row['starts_at'].astimezone(LONDON):%-d %B %Y}",
        "people": row["people"],
        "proposed": row["proposed"],
        "pending": row["pending"],
    }


ROUTES: list[Any] = [FeePages]
ACCESS: dict[str, Rule] = {
    "fees": roles(Role.organiser, Role.coordinator, Role.finance),
    "fees-propose": roles(Role.organiser, Role.coordinator),
}
NAVIGATION: list[Any] = [NavItem("Fees", "/finance/fees", roles=PROPOSERS)]
