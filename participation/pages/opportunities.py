"""Coordinators' opportunity pages: the list by status, the form to create or change one, and
one opportunity with the buttons that move it (publish, close, reopen, archive).

Coordinators only. Thin handlers: ``recruitment_views`` maps the flat form onto
``OpportunityForm``; ``services.opportunities`` saves and moves, and its Conflict or
DomainError is shown as an error summary on the page rather than an error page.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.auth.access import Rule, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import Conflict, DomainError, FieldError
from app.web.pages import page
from app.web.templates import NavItem
from participation import vocabulary as v
from participation.pages import recruitment_views as views
from participation.pages.profile_views import Values
from participation.services import lived_experience, opportunities, selection

AnyRequest = Request[Any, Any, Any]
TEMPLATES = "participation/recruitment"
RUNG_MESSAGE = "Select the rung of the ladder of co-production you reached"


class OpportunityPages(Controller):
    path = "/opportunities"
    include_in_schema = False

    @get("/", name="opportunities")
    async def list_opportunities(
        self, status: FromQuery[str] = "", saved: FromQuery[str] = ""
    ) -> Template:
        """Filtered by a status code from a fixed list (an unknown one shows them all)."""
        wanted = status if status in v.OPPORTUNITY_STATUSES else ""
        rows = await opportunities.for_staff(wanted)
        counts = await selection.counts([row["id"] for row in rows])
        groups = [
            (
                code,
                label,
                [(row, counts.get(row["id"], {})) for row in rows if row["status"] == code],
            )
            for code, label in v.OPPORTUNITY_STATUSES.items()
            if not wanted or code == wanted
        ]
        return page(
            f"{TEMPLATES}/opportunities_list.html",
            "Opportunities",
            groups=groups,
            wanted=wanted,
            banner=views.BANNERS.get(saved, ""),
            vocabulary=v,
        )

    @get("/new", name="opportunity-new")
    async def new_form(self) -> Template:
        return await _form_page(None, views.blank_values(), [])

    @post("/new", name="opportunity-new-submit")
    async def create(self, request: AnyRequest) -> Any:
        return await _save(request, None)

    @get("/{opportunity:uuid}", name="opportunity")
    async def show(self, opportunity: FromPath[UUID], saved: FromQuery[str] = "") -> Template:
        return await _opportunity_page(opportunity, views.BANNERS.get(saved, ""), [])

    @get("/{opportunity:uuid}/edit", name="opportunity-edit")
    async def edit_form(self, opportunity: FromPath[UUID]) -> Template:
        row = await opportunities.get(opportunity)
        return await _form_page(opportunity, views.form_values(row), [])

    @post("/{opportunity:uuid}/edit", name="opportunity-edit-submit")
    async def edit(self, request: AnyRequest, opportunity: FromPath[UUID]) -> Any:
        await opportunities.get(opportunity)
        return await _save(request, opportunity)

    @post("/{opportunity:uuid}/move", name="opportunity-move")
    async def move(self, request: AnyRequest, opportunity: FromPath[UUID]) -> Any:
        """One form per button; archiving also sends the rung reached (required)."""
        posted = await request.form()
        action, rung = str(posted.get("action", "")), str(posted.get("rung_achieved", ""))
        await opportunities.get(opportunity)
        try:
            if action == "archive" and rung not in v.LADDER:
                raise DomainError(RUNG_MESSAGE, errors=[FieldError("rung_achieved", RUNG_MESSAGE)])
            await opportunities.move(opportunity, action, actor_of(request), rung)
        except (Conflict, DomainError) as problem:
            errors = problem.errors or [FieldError("action", problem.message)]
            values = {"rung_achieved": rung}
            return await _opportunity_page(
                opportunity, "", errors, values, status_code=problem.status_code
            )
        return _saved(f"/opportunities/{opportunity}", action)


async def _save(request: AnyRequest, opportunity: UUID | None) -> Any:
    values = views.posted_values(await request.form())
    try:
        form, blind = views.read_opportunity(values)
        saved = await opportunities.save(form, actor_of(request), opportunity, blind_review=blind)
    except DomainError as problem:
        errors = problem.errors or [FieldError("title", problem.message)]
        return await _form_page(opportunity, values, views.renamed(errors), problem.status_code)
    return _saved(f"/opportunities/{saved}", "saved" if opportunity else "created")


async def _form_page(
    opportunity: UUID | None, values: Values, errors: list[FieldError], status_code: int = 200
) -> Template:
    lived = await lived_experience.options()
    chosen = values.get("lived_experience_sought", [])
    every = await lived_experience.options(include_retired=True)
    return page(
        f"{TEMPLATES}/opportunities_form.html",
        "Change the opportunity" if opportunity else "Create an opportunity",
        status_code=status_code if errors else 200,
        opportunity=opportunity,
        action=f"/opportunities/{opportunity}/edit" if opportunity else "/opportunities/new",
        values=values,
        errors=errors,
        field_ids=views.FIELD_IDS | {f"q{n}-kind": f"q{n}-kind" for n in range(1, views.SLOTS + 1)},
        lived_choices={c: label for c, label in every.items() if c in lived or c in chosen},
        slots=range(1, views.SLOTS + 1),
        stages=views.STAGE_CHOICES,
        ladder=views.LADDER_BOTTOM_FIRST,
        ladder_hint=views.LADDER_HINT,
        yes_no=views.YES_NO,
        vocabulary=v,
    )


async def _opportunity_page(
    opportunity: UUID,
    banner: str,
    errors: list[FieldError],
    values: Values | None = None,
    *,
    status_code: int = 200,
) -> Template:
    row = await opportunities.get(opportunity)
    lived = await lived_experience.options(include_retired=True)
    counts = (await selection.counts([opportunity])).get(opportunity, {})
    return page(
        f"{TEMPLATES}/opportunities_show.html",
        row["title"],
        status_code=status_code,
        opportunity=row,
        rows=views.summary_rows(row, lived),
        counts=counts,
        banner=banner,
        errors=errors,
        values=values or {},
        field_ids={"closes_at": "change-link", "action": "actions"},
        ladder=views.LADDER_BOTTOM_FIRST,
        vocabulary=v,
        moves=opportunities.MOVES,
    )


def _saved(path: str, word: str) -> Redirect:
    return Redirect(path=f"{path}?saved={word}", status_code=HTTP_303_SEE_OTHER)


OPPORTUNITY_ROUTES = (
    "opportunities",
    "opportunity-new",
    "opportunity-new-submit",
    "opportunity",
    "opportunity-edit",
    "opportunity-edit-submit",
    "opportunity-move",
)

ROUTES: list[Any] = [OpportunityPages]
ACCESS: dict[str, Rule] = dict.fromkeys(OPPORTUNITY_ROUTES, roles(Role.coordinator))
NAVIGATION: list[Any] = [
    NavItem("Opportunities", "/opportunities", roles=frozenset({Role.coordinator}))
]
