"""Panel review pages: reviewers score applicants, coordinators set the panel up and rank.

Reviewers may be staff or co-opted participants, so their pages only need someone signed in:
the service answers "not found" to anyone who is not a reviewer of that opportunity. On a
blind review the pages get no name to show (the service never reads it), and no review page
ever shows contact details. Coordinators set the criteria (six slots, no script needed), add
reviewers by email, and see the ranking.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.auth import accounts
from app.auth.access import SIGNED_IN, Rule, current_user, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import DomainError, FieldError, NotFound
from app.i18n import gettext as _
from app.sealed import Sealer
from app.web.pages import page
from participation.pages.export_views import Row
from participation.services import opportunities, review, review_panel

AnyRequest = Request[Any, Any, Any]
TEMPLATES = "participation/recruitment"
SLOTS = range(1, review_panel.MAX_CRITERIA + 1)
BANNERS = {
    "criteria": "The criteria have been saved",
    "added": "The reviewer has been added",
    "already": "They were already a reviewer",
    "removed": "The reviewer has been removed and their scores no longer count",
}


class ReviewerPages(Controller):
    """A reviewer's own pages: what they have been asked to review, and the score form."""

    path = "/reviews"
    include_in_schema = False

    @get("/", name="reviews")
    async def assignments(self, request: AnyRequest) -> Template:
        found = await review.my_reviews(_me(request))
        return page(f"{TEMPLATES}/review_mine.html", _("Your reviews"), reviews=found)

    @get("/{opportunity:uuid}", name="review-applicants")
    async def applicants(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        opportunity: FromPath[UUID],
        saved: FromQuery[str] = "",
    ) -> Template:
        details, criteria, applicants = await review.applicants_for_review(
            sealer, opportunity, _me(request), actor_of(request)
        )
        banner = next(
            (
                _("Your scores for %(applicant)s have been saved") % {"applicant": a.label}
                for a in applicants
                if str(a.expression) == saved
            ),
            "",
        )
        return page(
            f"{TEMPLATES}/review_applicants.html",
            _("Review: %(title)s") % {"title": details["title"]},
            opportunity=details,
            criteria=criteria,
            applicants=[_shown(a) for a in applicants],
            banner=banner,
        )

    @get("/{opportunity:uuid}/{expression:uuid}", name="review-score")
    async def score_form(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        opportunity: FromPath[UUID],
        expression: FromPath[UUID],
    ) -> Template:
        return await _score_page(request, sealer, opportunity, expression)

    @post("/{opportunity:uuid}/{expression:uuid}", name="review-score-submit")
    async def score(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        opportunity: FromPath[UUID],
        expression: FromPath[UUID],
    ) -> Any:
        posted = dict(await request.form())
        given = {key[6:]: value for key, value in posted.items() if key.startswith("score-")}
        try:
            await review.score(
                sealer,
                opportunity,
                _me(request),
                expression,
                given,
                comment=str(posted.get("comment", "")),
                actor=actor_of(request),
            )
        except DomainError as problem:
            if not problem.errors:
                raise
            return await _score_page(
                request, sealer, opportunity, expression, posted=posted, errors=problem.errors
            )
        return Redirect(
            f"/reviews/{opportunity}?saved={expression}", status_code=HTTP_303_SEE_OTHER
        )


class PanelPages(Controller):
    """The coordinator's side of one opportunity's review: criteria, reviewers, ranking."""

    path = "/opportunities/{opportunity:uuid}/review"
    include_in_schema = False

    @get("/", name="review-panel")
    async def panel(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        opportunity: FromPath[UUID],
        saved: FromQuery[str] = "",
    ) -> Template:
        return await _panel_page(request, sealer, opportunity, banner=BANNERS.get(saved, ""))

    @post("/criteria", name="review-criteria")
    async def set_criteria(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], opportunity: FromPath[UUID]
    ) -> Any:
        posted = dict(await request.form())
        wanted = [
            (
                str(posted.get(f"title-{n}", "")),
                str(posted.get(f"description-{n}", "")),
                review.whole_number(posted.get(f"max_score-{n}")) or 0,
            )
            for n in SLOTS
        ]
        try:
            await review_panel.set_criteria(opportunity, wanted, actor_of(request))
        except DomainError as problem:
            if not problem.errors:
                raise
            errors = [_slot_error(error) for error in problem.errors]
            return await _panel_page(request, sealer, opportunity, values=posted, errors=errors)
        return _back(opportunity, "criteria")

    @post("/reviewers", name="review-reviewer-add")
    async def add_reviewer(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], opportunity: FromPath[UUID]
    ) -> Any:
        posted = dict(await request.form())
        email = str(posted.get("email", "")).strip()
        try:
            found = await accounts.find_by_email(sealer, email) if email else None
            if found is None:
                raise DomainError(NO_ACCOUNT, errors=[FieldError("email", NO_ACCOUNT)])
            added = await review_panel.add_reviewer(opportunity, found["id"], actor_of(request))
        except DomainError as problem:
            if not problem.errors:
                raise
            return await _panel_page(
                request, sealer, opportunity, values=posted, errors=problem.errors
            )
        return _back(opportunity, "added" if added else "already")

    @post("/reviewers/{account:uuid}/remove", name="review-reviewer-remove")
    async def remove_reviewer(
        self, request: AnyRequest, opportunity: FromPath[UUID], account: FromPath[UUID]
    ) -> Redirect:
        await review_panel.remove_reviewer(opportunity, account, actor_of(request))
        return _back(opportunity, "removed")


NO_ACCOUNT = (
    "Enter the email address of someone with an account: a member of staff, or a participant "
    "who has signed in at least once"
)


def _me(request: AnyRequest) -> UUID:
    account = current_user(request).account_id
    if account is None:  # the guard lets nobody in without one; this keeps the type honest
        raise NotFound("There is no such page.")
    return account


def _shown(applicant: review.ForReview) -> dict[str, Any]:
    """What a template may show: the label, a name only when the review is not blind."""
    return {
        "expression": applicant.expression,
        "label": applicant.label,
        "name": applicant.name.reveal() if applicant.name else "",
        "answers": [Row(prompt, answer) for prompt, answer in applicant.answers],
        "scores": applicant.scores,
        "comment": applicant.comment.reveal() if applicant.comment else "",
    }


async def _score_page(
    request: AnyRequest,
    sealer: Sealer,
    opportunity: UUID,
    expression: UUID,
    *,
    posted: dict[str, Any] | None = None,
    errors: list[FieldError] | None = None,
) -> Template:
    details, criteria, found = await review.applicants_for_review(
        sealer, opportunity, _me(request), actor_of(request), only=expression
    )
    applicant = _shown(found[0])
    stored = {f"score-{c}": str(s) for c, s in applicant["scores"].items()}
    values = posted if posted is not None else stored | {"comment": applicant["comment"]}
    return page(
        f"{TEMPLATES}/review_score.html",
        _("Score %(applicant)s") % {"applicant": applicant["label"]},
        status_code=400 if errors else 200,
        opportunity=details,
        criteria=criteria,
        applicant=applicant,
        values=values,
        errors=errors or [],
    )


async def _panel_page(
    request: AnyRequest,
    sealer: Sealer,
    opportunity: UUID,
    *,
    values: dict[str, Any] | None = None,
    errors: list[FieldError] | None = None,
    banner: str = "",
) -> Template:
    details = await opportunities.get(opportunity)
    criteria = await review.criteria(opportunity)
    ranked = await review_panel.ranking(sealer, opportunity, actor_of(request))
    panel = await review_panel.reviewers(sealer, opportunity)
    return page(
        f"{TEMPLATES}/review_panel.html",
        f"Panel review: {details['title']}",
        status_code=400 if errors else 200,
        opportunity=details,
        criteria=criteria,
        slots=SLOTS,
        reviewers=[(account, name.reveal() if name else "", kind) for account, name, kind in panel],
        ranking=[_ranked(r, criteria) for r in ranked],
        values=values if values is not None else _criteria_values(criteria),
        errors=errors or [],
        banner=banner,
    )


def _ranked(row: review_panel.Ranked, criteria: list[review.Criterion]) -> dict[str, Any]:
    """One ranking row in words: means to two places, "not scored yet" where none."""
    return {
        "rank": row.rank,
        "label": row.label,
        "name": row.name.reveal() if row.name else "",
        "mean_total": f"{float(row.mean_total):.2f}"
        if row.mean_total is not None
        else "Not scored yet",
        "means": [
            (
                c.title,
                f"{float(row.means[c.id]):.2f} out of {c.max_score}"
                if c.id in row.means
                else "not scored yet",
            )
            for c in criteria
        ],
        "reviewers": row.reviewers,
        "missing": row.missing,
    }


def _criteria_values(criteria: list[review.Criterion]) -> dict[str, str]:
    """The saved criteria in their slots; empty slots offer 5 as the highest score."""
    values = {f"max_score-{n}": "5" for n in SLOTS}
    for criterion in criteria:
        n = criterion.position + 1
        values |= {
            f"title-{n}": criterion.title,
            f"description-{n}": criterion.description,
            f"max_score-{n}": str(criterion.max_score),
        }
    return values


def _slot_error(error: FieldError) -> FieldError:
    """The service names ``criteria.<slot>.<part>`` from 0; the form's fields are ``<part>-<n>``
    from 1."""
    parts = error.field.split(".")
    if len(parts) == 3 and parts[1].isdigit():
        return FieldError(f"{parts[2]}-{int(parts[1]) + 1}", error.message)
    return FieldError("title-1", error.message)


def _back(opportunity: UUID, what: str) -> Redirect:
    return Redirect(
        f"/opportunities/{opportunity}/review?saved={what}", status_code=HTTP_303_SEE_OTHER
    )


COORDINATOR = roles(Role.coordinator)
ROUTES: list[Any] = [ReviewerPages, PanelPages]
ACCESS: dict[str, Rule] = {
    "reviews": SIGNED_IN,
    "review-applicants": SIGNED_IN,
    "review-score": SIGNED_IN,
    "review-score-submit": SIGNED_IN,
    "review-panel": COORDINATOR,
    "review-criteria": COORDINATOR,
    "review-reviewer-add": COORDINATOR,
    "review-reviewer-remove": COORDINATOR,
}
NAVIGATION: list[Any] = []
