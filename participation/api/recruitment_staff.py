"""Coordinators' recruitment over JSON, under ``/api/v1/staff/opportunities``.

Drafting, publishing, closing, reopening and archiving opportunities; the review board; and
expressions of interest taken by phone, on paper or in person. A blind board names nobody:
reviewers judge the answers, not the person.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, Parameter

from app.api import API_PREFIX, problems
from app.auth.access import Rule, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import DomainError, FieldError, NotFound
from app.sealed import Sealer
from participation import vocabulary as v
from participation.api import models as m
from participation.api import recruitment_models as rm
from participation.api import recruitment_views as views
from participation.api.support import AnyRequest, JSONObject, body, parse
from participation.schemas.recruitment import OpportunityForm, StatusChange
from participation.services import expressions, opportunities, selection

PATH = "/staff/opportunities"
ACTIONS = ", ".join(opportunities.MOVES)
STATUSES = ", ".join(v.OPPORTUNITY_STATUSES)


def _status_filter(status: str | None) -> str:
    if status and status not in v.OPPORTUNITY_STATUSES:
        message = f"Filter by one of: {STATUSES}"
        raise DomainError(message, errors=[FieldError("status", message)])
    return status or ""


def _sender(request: AnyRequest) -> selection.Sender:
    settings = request.app.state.settings
    return selection.Sender(mail_from=settings.mail_from, public_url=settings.public_url)


async def _staff_view(opportunity: UUID) -> rm.StaffOpportunity:
    return views.staff_opportunity(await opportunities.get(opportunity))


class StaffOpportunitiesApi(Controller):
    path = PATH
    tags = ["opportunities (coordinators)"]

    @get(
        "/",
        name="api-staff-opportunities",
        summary="Every opportunity, in any state",
        description="Drafts, published, closed and archived opportunities, most recently "
        f"changed first. status filters to one state: {STATUSES}.",
        responses=problems(400, 401, 403),
    )
    async def listing(
        self,
        status: Annotated[str | None, Parameter(description=f"One of: {STATUSES}")] = None,
    ) -> rm.StaffOpportunities:
        rows = await opportunities.for_staff(_status_filter(status))
        return rm.StaffOpportunities(opportunities=[views.staff_summary(row) for row in rows])

    @post(
        "/",
        name="api-staff-opportunities-create",
        summary="Draft an opportunity",
        description="A new draft with its questions (text, single or multiple choice). "
        "Nobody sees it until it is published. Answers 201 with its id.",
        responses=problems(400, 401, 403),
    )
    async def create(
        self,
        request: AnyRequest,
        data: Annotated[JSONObject, body(OpportunityForm, description="The opportunity")],
    ) -> Response[m.Created]:
        opportunity = await views.save(views.parse_opportunity(data), actor_of(request))
        return Response(
            m.Created(id=opportunity),
            status_code=201,
            headers={"Location": f"{API_PREFIX}{PATH}/{opportunity}"},
        )

    @get(
        "/{opportunity:uuid}",
        name="api-staff-opportunity",
        summary="One opportunity, in any state, with its questions",
        description="Everything about it, with whether it is open for interest now.",
        responses=problems(400, 401, 403, 404),
    )
    async def one(self, opportunity: FromPath[UUID]) -> rm.StaffOpportunity:
        return await _staff_view(opportunity)

    @put(
        "/{opportunity:uuid}",
        name="api-staff-opportunity-change",
        summary="Change an opportunity",
        description="Replace its details and questions with the body. Expressions of "
        "interest already made keep their answers. 409 once it is archived.",
        responses=problems(400, 401, 403, 404, 409),
    )
    async def change(
        self,
        request: AnyRequest,
        opportunity: FromPath[UUID],
        data: Annotated[JSONObject, body(OpportunityForm, description="The opportunity")],
    ) -> rm.StaffOpportunity:
        form = views.parse_opportunity(data)
        await views.save(form, actor_of(request), opportunity)
        return await _staff_view(opportunity)

    @post(
        "/{opportunity:uuid}/{action:str}",
        name="api-staff-opportunity-move",
        status_code=200,
        summary="Publish, close, reopen or archive an opportunity",
        description=f"action is one of: {ACTIONS}. A draft is published; a published one "
        "closed; a closed one reopened; a draft or closed one archived, with the body "
        '{"rung_achieved": ...}, the rung of the ladder of co-production reached (send {} '
        "for the others). Any other move answers 409.",
        responses=problems(400, 401, 403, 404, 409),
    )
    async def move(
        self,
        request: AnyRequest,
        opportunity: FromPath[UUID],
        action: FromPath[str],
        data: Annotated[JSONObject, body(rm.Archive, description="For archive: the rung")],
    ) -> rm.StaffOpportunity:
        if action not in opportunities.MOVES:
            raise NotFound(f"There is no such action. Use one of: {ACTIONS}")
        rung = parse(rm.Archive, data).rung_achieved if action == "archive" else ""
        await opportunities.move(opportunity, action, actor_of(request), rung)
        return await _staff_view(opportunity)

    @get(
        "/{opportunity:uuid}/board",
        name="api-staff-opportunity-board",
        summary="The review board: everyone who expressed interest",
        description="Each expression of interest, oldest first, with its status, answers and "
        "whether the person has been told of the last change. On a blind-review opportunity "
        "person and name are null. Every view is audited.",
        responses=problems(400, 401, 403, 404),
    )
    async def board(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], opportunity: FromPath[UUID]
    ) -> rm.Board:
        row = await opportunities.get(opportunity)
        blind = bool(row["blind_review"])
        applicants = await selection.board(sealer, opportunity, actor_of(request), blind=blind)
        return views.board(row, applicants, blind)

    @post(
        "/{opportunity:uuid}/board",
        name="api-staff-opportunity-board-change",
        status_code=200,
        summary="Move people on the review board",
        description="Give expressions (ids from the board) and a status: received, "
        "shortlisted, selected, reserve, not_selected or withdrawn. Those who chose email are "
        "told at once, in kind words; the board shows who still needs telling another way.",
        responses=problems(400, 401, 403, 404),
    )
    async def change_board(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        opportunity: FromPath[UUID],
        data: Annotated[JSONObject, body(StatusChange, description="Who, and their status")],
    ) -> rm.Moved:
        change = parse(StatusChange, data)
        moved = await selection.set_status(
            sealer, opportunity, change, actor_of(request), _sender(request)
        )
        return rm.Moved(moved=moved)

    @post(
        "/{opportunity:uuid}/interest",
        name="api-staff-opportunity-interest",
        summary="Express interest on someone's behalf",
        description="Interest someone gave you by phone, on paper or in person: their "
        "profile id, answers keyed by question id, and the channel. Recorded as assisted by "
        "you. 201 with its id, or 200 with the same id if they had already expressed interest.",
        responses=problems(400, 401, 403, 404, 409) | views.ALREADY,
    )
    async def on_behalf(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        opportunity: FromPath[UUID],
        data: Annotated[JSONObject, body(rm.OnBehalf, description="Whose, and their answers")],
    ) -> Response[m.Created]:
        form = views.parse_interest(rm.OnBehalf, data)
        expression, is_new = await expressions.express(
            sealer, opportunity, form.person, form, actor_of(request), channel=form.channel
        )
        return views.created(expression, is_new, location=f"{API_PREFIX}{PATH}/{opportunity}/board")


ROUTES: list[Any] = [StaffOpportunitiesApi]
ACCESS: dict[str, Rule] = dict.fromkeys(
    (
        "api-staff-opportunities",
        "api-staff-opportunities-create",
        "api-staff-opportunity",
        "api-staff-opportunity-change",
        "api-staff-opportunity-move",
        "api-staff-opportunity-board",
        "api-staff-opportunity-board-change",
        "api-staff-opportunity-interest",
    ),
    roles(Role.coordinator),
)
