"""The logistics list for organisers: what to arrange for whom, who is doing it, where it is up
to and what it will cost; needs the venue cannot meet are flagged at the top, so the venue can
change before invitations go out. Shows the adjustment, never the reason."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.auth.access import Rule, current_user, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import DomainError, FieldError
from app.sealed import Sealer
from app.web.pages import page
from events.services import logistics, scheduling

AnyRequest = Request[Any, Any, Any]
ORGANISERS = roles(Role.organiser, Role.coordinator)


class LogisticsPages(Controller):
    path = "/events/{event:uuid}/logistics"
    include_in_schema = False

    @get("/", name="event-logistics")
    async def show(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        event: FromPath[UUID],
        saved: FromQuery[str] = "",
    ) -> Template:
        return await _render(request, sealer, event, saved=saved)

    @post("/generate", name="event-logistics-generate")
    async def generate(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], event: FromPath[UUID]
    ) -> Redirect:
        await logistics.generate(sealer, event, actor_of(request))
        return Redirect(f"/events/{event}/logistics?saved=list", status_code=HTTP_303_SEE_OTHER)

    @post("/{item:uuid}", name="event-logistics-item")
    async def update(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        event: FromPath[UUID],
        item: FromPath[UUID],
    ) -> Template | Redirect:
        posted = await request.form()
        values = {k: str(posted.get(k, "")).strip() for k in ("status", "cost", "owner")}
        try:
            await logistics.update(
                event,
                item,
                actor_of(request),
                status=values["status"],
                cost_pence=logistics.parse_cost(values["cost"]),
                owner=_owner(request, values["owner"]),
            )
        except DomainError as problem:
            if not problem.errors:
                raise
            errors = [FieldError(e.field, e.message) for e in problem.errors]
            return await _render(
                request, sealer, event, errors=errors, failed=(item, values), status_code=400
            )
        return Redirect(f"/events/{event}/logistics?saved=item", status_code=HTTP_303_SEE_OTHER)


def _owner(request: AnyRequest, choice: str) -> UUID | bool | None:
    """'me' assigns the item to whoever is signed in, 'nobody' clears it, else no change."""
    if choice == "me":
        return current_user(request).account_id
    return None if choice == "nobody" else False


async def _render(
    request: AnyRequest,
    sealer: Sealer,
    event: UUID,
    *,
    saved: str = "",
    errors: list[FieldError] | None = None,
    failed: tuple[UUID, dict[str, str]] | None = None,
    status_code: int = 200,
) -> Template:
    row, venue = await scheduling.get(event)
    rows = await logistics.items(event)
    actor = actor_of(request)
    subjects = [r["subject"] for r in rows if r["subject"] is not None]
    names = await logistics.names(sealer, subjects, actor, "logistics")
    other = await logistics.other_needs(
        sealer, [r["subject"] for r in rows if r["need"] == "other"], actor
    )
    owners = await logistics.staff_names(sealer, [r["owner"] for r in rows if r["owner"]])
    me = current_user(request).account_id
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r["need"], []).append(
            _item(r, names=names, other=other, owners=owners, me=me, failed=failed)
        )
    field_ids = {e.field: f"{e.field}-{failed[0]}" for e in errors or []} if failed else {}
    return page(
        "events/logistics_list.html",
        "Logistics",
        status_code=status_code,
        event=row,
        venue=venue,
        groups=[(logistics.NEEDS.get(need, need), group) for need, group in groups.items()],
        gaps=sorted({logistics.NEEDS[r["need"]] for r in rows if r["venue_gap"]}),
        not_shared=await logistics.not_shared(event),
        total=sum(r["cost_pence"] for r in rows if r["status"] != "not_needed"),
        statuses=logistics.STATUSES,
        saved=saved,
        errors=errors or [],
        field_ids=field_ids,
    )


def _item(
    r: dict[str, Any],
    *,
    names: dict[UUID, str],
    other: dict[UUID, str],
    owners: dict[UUID, str],
    me: UUID | None,
    failed: tuple[UUID, dict[str, str]] | None,
) -> dict[str, Any]:
    detail = other.get(r["subject"], "") if r["need"] == "other" else r["detail"]
    posted = failed[1] if failed and failed[0] == r["id"] else {}
    return {
        "id": r["id"],
        "name": names.get(r["subject"], ""),
        "detail": detail,
        "owner": "You" if me and r["owner"] == me else owners.get(r["owner"], ""),
        "mine": me is not None and r["owner"] == me,
        "status": posted.get("status", r["status"]),
        "cost": posted.get("cost", pounds(r["cost_pence"])),
        "venue_gap": r["venue_gap"],
        "failed": bool(posted),
    }


def pounds(pence: int) -> str:
    """1250 -> '12.50'; nothing yet -> ''."""
    return f"{pence // 100}.{pence % 100:02d}" if pence else ""


ROUTES: list[Any] = [LogisticsPages]
ACCESS: dict[str, Rule] = {
    "event-logistics": ORGANISERS,
    "event-logistics-generate": ORGANISERS,
    "event-logistics-item": ORGANISERS,
}
NAVIGATION: list[Any] = []
