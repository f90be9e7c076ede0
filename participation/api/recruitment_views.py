"""What the recruitment API reads from bodies and answers, built from what the services use.

Two bodies need more than ``support.parse``: an opportunity's questions are checked one by
one, so a bad choice list is named ``questions.2.choices`` rather than a bare ``choices``; and
answers of the wrong JSON type are named by their question id before the model sees them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, TypeVar
from uuid import UUID

from litestar import Response
from litestar.openapi import ResponseSpec

from app import audit
from app.errors import DomainError, FieldError, NotFound
from app.web.forms import FormInvalid
from participation import vocabulary as v
from participation.api import models as m
from participation.api import recruitment_models as rm
from participation.api.support import parse
from participation.schemas.recruitment import Interest, OpportunityForm, Question
from participation.services import opportunities, selection

InterestT = TypeVar("InterestT", bound=Interest)
ALREADY = {
    200: ResponseSpec(
        data_container=m.Created,
        description="Interest was already expressed: the same id, the first answers kept",
        generate_examples=False,
    )
}
"""The OpenAPI entry for a repeated expression of interest (a retry, a second click)."""
WRONG_TYPE = "Answer with text, or with a list of the choices for a choose-any question"


def parse_opportunity(data: Any) -> OpportunityForm:
    """The form, every question checked, so one answer lists every problem in the body."""
    questions = data.get("questions") if isinstance(data, Mapping) else None
    if not isinstance(questions, list):
        return parse(OpportunityForm, data)
    errors: list[FieldError] = []
    for number, question in enumerate(questions):
        try:
            parse(Question, question, prefix=f"questions.{number}")
        except FormInvalid as invalid:
            errors += invalid.errors
    if not errors:
        return parse(OpportunityForm, data)
    try:
        parse(OpportunityForm, {**data, "questions": []})
    except FormInvalid as invalid:
        errors = [*invalid.errors, *errors]
    raise FormInvalid(errors, {})


def parse_interest(model: type[InterestT], data: Any) -> InterestT:
    """Answers of the wrong type are named by question id; the rest is the model's to check."""
    answers = data.get("answers") if isinstance(data, Mapping) else None
    if isinstance(answers, Mapping):
        wrong = [key for key, value in answers.items() if not _is_answer(value)]
        if wrong:
            raise FormInvalid([FieldError(f"answers.{key}", WRONG_TYPE) for key in wrong], {})
    return parse(model, data)


def _is_answer(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(item, str) for item in value)
    )


def created(expression: UUID, is_new: bool, location: str) -> Response[m.Created]:
    """201 for a new expression of interest; 200 with the same id when it already existed."""
    return Response(
        m.Created(id=expression), status_code=201 if is_new else 200, headers={"Location": location}
    )


async def save(form: OpportunityForm, actor: audit.Actor, opportunity: UUID | None = None) -> UUID:
    """``opportunities.save``, with an unknown lived experience named as the body's field."""
    try:
        return await opportunities.save(form, actor, opportunity)
    except DomainError as error:
        if not any(e.field == "lived_experience" for e in error.errors):
            raise
        fields = [
            replace(e, field="lived_experience_sought") if e.field == "lived_experience" else e
            for e in error.errors
        ]
        raise replace(error, errors=fields) from None


async def open_one(opportunity: UUID) -> dict[str, Any]:
    """An opportunity anyone may see; drafts, closed and archived ones are not there for them."""
    row = await opportunities.get(opportunity)
    if not opportunities.is_open(row):
        raise NotFound("There is no open opportunity with this id.")
    return row


def _lists(row: Mapping[str, Any]) -> dict[str, Any]:
    """Rows straight from the table keep their code lists comma-separated."""
    values = dict(row)
    for name in opportunities.LIST_FIELDS:
        if isinstance(values[name], str):
            values[name] = [code for code in values[name].split(",") if code]
    return values


def _labelled(row: Mapping[str, Any]) -> dict[str, Any]:
    values = _lists(row)
    values["stage_label"] = v.STAGES.get(values["stage"], "")
    values["activity_label"] = v.ACTIVITIES.get(values["activity"], "")
    return values


def summary(row: Mapping[str, Any]) -> rm.OpportunitySummary:
    return rm.OpportunitySummary.model_validate(_labelled(row))


def open_opportunity(row: Mapping[str, Any]) -> rm.OpenOpportunity:
    return rm.OpenOpportunity.model_validate(_labelled(row))


def _staff_values(row: Mapping[str, Any]) -> dict[str, Any]:
    values = _labelled(row)
    values["status_label"] = v.OPPORTUNITY_STATUSES[values["status"]]
    values["open"] = opportunities.is_open(values)
    return values


def staff_summary(row: Mapping[str, Any]) -> rm.StaffSummary:
    return rm.StaffSummary.model_validate(_staff_values(row))


def staff_opportunity(row: Mapping[str, Any]) -> rm.StaffOpportunity:
    return rm.StaffOpportunity.model_validate(_staff_values(row))


def board(row: Mapping[str, Any], applicants: list[selection.Applicant], blind: bool) -> rm.Board:
    """The board; on a blind one nobody is named, nor linked to their profile."""
    return rm.Board(
        opportunity=row["id"],
        title=row["title"],
        blind=blind,
        applicants=[
            rm.Applicant(
                expression=a.expression,
                person=None if blind else a.subject,
                name=None if blind or a.name is None else a.name.reveal(),
                status=a.status,
                status_label=v.EOI_STATUSES[a.status],
                answers=a.answers,
                created_at=a.created_at,
                told=a.told,
                route=a.route,
            )
            for a in applicants
        ],
    )
