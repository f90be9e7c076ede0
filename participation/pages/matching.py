"""Matching suggestions for one opportunity: who might want it, why, and inviting them.

Coordinators only. The page lists the best fits (``matching.suggest``, which audits each
person shown) with a sentence explaining each, and a box to tick per person; posting the ticked
boxes invites them (``matching.invite``) and comes back with a banner saying how many were
emailed and how many a coordinator still needs to tell another way.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import Field

from app.auth.access import Rule, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import FieldError
from app.sealed import Sealer
from app.web.forms import FormInvalid, FormModel, parse_form, read_form
from app.web.pages import page
from participation import vocabulary as v
from participation.services import matching, opportunities, selection

AnyRequest = Request[Any, Any, Any]
TEMPLATE = "participation/recruitment/matching_suggestions.html"
MAX_CHOSEN = 100


class Chosen(FormModel):
    """The people ticked on the suggestions page."""

    people: Annotated[list[UUID], Field(min_length=1, max_length=MAX_CHOSEN)] = []

    messages: ClassVar[dict[str, str]] = {"people": "Select the people you want to invite"}


class MatchingPages(Controller):
    path = "/opportunities/{opportunity:uuid}/suggestions"
    include_in_schema = False

    @get("/", name="matching")
    async def suggestions(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        opportunity: FromPath[UUID],
        emailed: FromQuery[int] = -1,
        to_tell: FromQuery[int] = 0,
    ) -> Template:
        return await _page(request, sealer, opportunity, banner=_banner(emailed, to_tell))

    @post("/", name="matching-invite")
    async def invite(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], opportunity: FromPath[UUID]
    ) -> Any:
        """Invite the ticked people; back to the list (without them) with what happened."""
        values = await read_form(request, Chosen)
        try:
            chosen = parse_form(Chosen, values)
        except FormInvalid as invalid:
            return await _page(request, sealer, opportunity, errors=invalid.errors)
        settings = request.app.state.settings
        sender = selection.Sender(mail_from=settings.mail_from, public_url=settings.public_url)
        done = await matching.invite(sealer, opportunity, chosen.people, actor_of(request), sender)
        where = f"/opportunities/{opportunity}/suggestions"
        return Redirect(
            f"{where}?emailed={done.emailed}&to_tell={done.to_tell}", status_code=HTTP_303_SEE_OTHER
        )


def _banner(emailed: int, to_tell: int) -> str:
    """Counts only (never anyone's name), from the redirect after inviting."""
    if emailed < 0:
        return ""
    parts = [f"{_people(emailed)} invited by email"] if emailed else []
    if to_tell > 0:
        parts.append(f"{_people(to_tell)} to tell another way: see their contact route")
    return "; ".join(parts) or "Nobody new was invited: they were already invited or cannot be"


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


async def _page(
    request: AnyRequest,
    sealer: Sealer,
    opportunity: UUID,
    *,
    banner: str = "",
    errors: list[FieldError] | None = None,
) -> Template:
    details = await opportunities.get(opportunity)
    found = await matching.suggest(sealer, opportunity, actor_of(request))
    return page(
        TEMPLATE,
        "Suggested people",
        status_code=400 if errors else 200,
        opportunity=details,
        is_open=opportunities.is_open(details),
        status=v.OPPORTUNITY_STATUSES.get(details["status"], details["status"]),
        suggestions=[_shown(suggestion) for suggestion in found],
        routes=v.CONTACT_ROUTES,
        limit=matching.CONTACT_LIMIT,
        window=matching.CONTACT_WINDOW.days,
        banner=banner,
        errors=errors or [],
        values={},
    )


def _shown(suggestion: matching.Suggestion) -> dict[str, Any]:
    """What the page shows of one suggestion: the name opened for this page only."""
    name = suggestion.name.reveal() if suggestion.name else ""
    return {
        "subject": suggestion.subject,
        "name": name,
        "explanation": suggestion.explanation,
        "route": suggestion.route,
        "safe_contact": suggestion.safe_contact,
    }


ROUTES: list[Any] = [MatchingPages]
ACCESS: dict[str, Rule] = {
    "matching": roles(Role.coordinator),
    "matching-invite": roles(Role.coordinator),
}
NAVIGATION: list[Any] = []
