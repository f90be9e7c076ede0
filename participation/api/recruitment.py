"""Recruitment over JSON: open opportunities for anyone, expressions of interest for
participants (``/me/interest``), and coordinators' routes (``recruitment_staff``).

Expressing interest twice answers the same id (200 instead of 201): a retry or a double
click is never an error and never a second expression of interest.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from app.api import API_PREFIX, problems
from app.auth.access import PARTICIPANT, PUBLIC, Rule, current_user
from app.auth.flow import actor_of
from app.db import is_duplicate
from app.errors import Conflict, NotFound
from app.sealed import Sealer
from participation.api import models as m
from participation.api import recruitment_models as rm
from participation.api import recruitment_staff
from participation.api import recruitment_views as views
from participation.api.support import AnyRequest, JSONObject, body
from participation.schemas.recruitment import Interest
from participation.services import expressions, opportunities, profiles


def _signed_in(request: AnyRequest) -> UUID:
    """The caller's account id, which is their profile id."""
    account_id = current_user(request).account_id
    assert account_id is not None  # the PARTICIPANT rule let only signed-in people in
    return account_id


async def _own_interests(subject: UUID) -> rm.OwnInterests:
    rows = await expressions.mine(subject)
    return rm.OwnInterests(expressions=[rm.OwnInterest.model_validate(r) for r in rows])


async def _own_profile(request: AnyRequest, sealer: Sealer) -> UUID:
    """The caller's profile id, making the profile from their account on first use.

    Two first requests at once (a double click) both try to make it; the one that loses the
    race (a 409 or a unique violation, by engine) finds it made and carries on.
    """
    account_id = _signed_in(request)
    try:
        await profiles.ensure_own_profile(sealer, account_id, actor_of(request))
    except Exception as error:
        lost_race = isinstance(error, Conflict) or is_duplicate(error)
        if not (lost_race and await profiles.exists(account_id)):
            raise
    return account_id


class OpportunitiesApi(Controller):
    path = "/opportunities"
    tags = ["opportunities"]

    @get(
        "/",
        name="api-opportunities",
        summary="Open opportunities to take part",
        description="Every published opportunity whose closing date has not passed, closing "
        "soonest first, with what is paid and the access help offered.",
    )
    async def listing(self) -> rm.OpenOpportunities:
        rows = await opportunities.open_now()
        return rm.OpenOpportunities(opportunities=[views.summary(row) for row in rows])

    @get(
        "/{opportunity:uuid}",
        name="api-opportunity",
        summary="One open opportunity, with its questions",
        description="The opportunity and the questions its expression of interest asks, in "
        "order. Answers 404 once it has closed, and for drafts.",
        responses=problems(400, 404),
    )
    async def one(self, opportunity: FromPath[UUID]) -> rm.OpenOpportunity:
        return views.open_opportunity(await views.open_one(opportunity))

    @post(
        "/{opportunity:uuid}/interest",
        name="api-opportunity-interest",
        summary="Express interest in an opportunity",
        description="Your answers to its questions, keyed by question id: text, one of the "
        "choices, or a list of choices for a choose-any question. Answers 201 with the id of "
        "your expression of interest, or 200 with the same id if you had already expressed "
        "interest (your first answers are kept). 409 once the opportunity has closed.",
        responses=problems(400, 401, 403, 404, 409) | views.ALREADY,
    )
    async def express(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        opportunity: FromPath[UUID],
        data: Annotated[JSONObject, body(Interest, description="Your answers")],
    ) -> Response[m.Created]:
        interest = views.parse_interest(Interest, data)
        row = await opportunities.get(opportunity)
        if row["status"] == "draft":
            raise NotFound("There is no open opportunity with this id.")
        subject = await _own_profile(request, sealer)
        made = await expressions.express(sealer, opportunity, subject, interest, actor_of(request))
        return views.created(*made, location=f"{API_PREFIX}/me/interest")


class OwnInterestApi(Controller):
    path = "/me/interest"
    tags = ["your profile"]

    @get(
        "/",
        name="api-me-interest",
        summary="Your expressions of interest",
        description="Each opportunity you expressed interest in, newest first, with where "
        "it has got to in plain words.",
        responses=problems(401, 403),
    )
    async def mine(self, request: AnyRequest) -> rm.OwnInterests:
        return await _own_interests(_signed_in(request))

    @post(
        "/{expression:uuid}/withdraw",
        name="api-me-interest-withdraw",
        status_code=200,
        summary="Withdraw an expression of interest",
        description="You no longer want to be considered. No reason is asked: send {}. "
        "Answers your expressions of interest as they are now.",
        responses=problems(400, 401, 403, 404),
    )
    async def withdraw(self, request: AnyRequest, expression: FromPath[UUID]) -> rm.OwnInterests:
        subject = _signed_in(request)
        await expressions.withdraw(subject, expression, actor_of(request))
        return await _own_interests(subject)


ROUTES: list[Any] = [OpportunitiesApi, OwnInterestApi, *recruitment_staff.ROUTES]
ACCESS: dict[str, Rule] = (
    dict.fromkeys(("api-opportunities", "api-opportunity"), PUBLIC)
    | dict.fromkeys(
        ("api-opportunity-interest", "api-me-interest", "api-me-interest-withdraw"), PARTICIPANT
    )
    | recruitment_staff.ACCESS
)
