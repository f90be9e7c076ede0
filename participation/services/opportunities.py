"""Opportunities: drafted, published, closed and archived by coordinators; listed for everyone.

An opportunity is open while it is published and its closing time has not passed: nothing
needs to run at the closing time for it to stop taking expressions of interest.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from app import audit
from app.db import transaction
from app.errors import Conflict, DomainError, FieldError, NotFound
from participation import vocabulary as v
from participation.schemas.recruitment import OpportunityForm, Question
from participation.services import lived_experience
from participation.tables import Opportunity, ScreenerQuestion

LIST_FIELDS = ("lived_experience_sought", "formats", "group_sizes")
MOVES = {
    "publish": ({"draft"}, "published"),
    "close": ({"published"}, "closed"),
    "reopen": ({"closed"}, "published"),
    "archive": ({"draft", "closed"}, "archived"),
}


def is_open(row: dict[str, Any], now: datetime | None = None) -> bool:
    return bool(row["status"] == "published" and row["closes_at"] > (now or datetime.now(UTC)))


async def save(
    form: OpportunityForm,
    actor: audit.Actor,
    opportunity: UUID | None = None,
    *,
    blind_review: bool | None = None,
) -> UUID:
    """Create a draft, or replace an existing opportunity's details and questions.

    ``blind_review`` (hide applicants' names on the board) is kept as it is when None."""
    await lived_experience.check_codes(form.lived_experience_sought)
    values: dict[Any, Any] = _columns(form)
    if blind_review is not None:
        values["blind_review"] = blind_review
    async with transaction():
        if opportunity is None:
            opportunity = uuid4()
            await Opportunity.insert(
                Opportunity(id=opportunity, created_by=_uuid(actor.id), **values)
            )
        else:
            row = await _row(opportunity)
            if row["status"] == "archived":
                raise Conflict("An archived opportunity cannot be changed.")
            values["updated_at"] = datetime.now(UTC)
            await Opportunity.update(values).where(Opportunity.id == opportunity)
            await ScreenerQuestion.delete().where(ScreenerQuestion.opportunity == opportunity)
        await _save_questions(opportunity, form.questions)
        await audit.record(actor, audit.Action.change, field_group="opportunity", purpose="save")
    return opportunity


async def move(opportunity: UUID, action: str, actor: audit.Actor, rung: str = "") -> None:
    """Publish, close, reopen or archive; archiving records the rung of the ladder reached."""
    if action not in MOVES:
        raise NotFound("There is no such action.")
    allowed, target = MOVES[action]
    async with transaction():
        row = await _row(opportunity)
        if row["status"] not in allowed:
            raise Conflict(f"This opportunity is {v.OPPORTUNITY_STATUSES[row['status']].lower()}.")
        changes: dict[Any, Any] = {Opportunity.status: target}
        if target == "published" and row["closes_at"] <= datetime.now(UTC):
            message = "Change the closing date to one in the future before publishing"
            raise DomainError(message, errors=[FieldError("closes_at", message)])
        if action == "archive":
            if rung not in v.LADDER:
                message = "Select the rung of the ladder of co-production you reached"
                raise DomainError(message, errors=[FieldError("rung_achieved", message)])
            changes[Opportunity.rung_achieved] = rung
        await Opportunity.update(changes).where(Opportunity.id == opportunity)
        await audit.record(actor, audit.Action.change, field_group="opportunity", purpose=action)


async def get(opportunity: UUID) -> dict[str, Any]:
    """One opportunity with its questions, in order (choices as lists)."""
    row = await _row(opportunity)
    row["questions"] = await questions_of(opportunity)
    for name in LIST_FIELDS:
        row[name] = [code for code in row[name].split(",") if code]
    return row


async def questions_of(opportunity: UUID) -> list[dict[str, Any]]:
    rows = (
        await ScreenerQuestion.select()
        .where(ScreenerQuestion.opportunity == opportunity)
        .order_by(ScreenerQuestion.position)
    )
    for row in rows:
        row["choices"] = json.loads(row["choices"])
    return list(rows)


async def open_now(now: datetime | None = None) -> list[dict[str, Any]]:
    """What anyone may see and express interest in, closing soonest first."""
    moment = now or datetime.now(UTC)
    rows = (
        await Opportunity.select()
        .where((Opportunity.status == "published") & (Opportunity.closes_at > moment))
        .order_by(Opportunity.closes_at)
    )
    return list(rows)


async def for_staff(status: str = "") -> list[dict[str, Any]]:
    """Every opportunity (or those in one status), most recently changed first."""
    query = Opportunity.select().order_by(Opportunity.updated_at, ascending=False)
    if status:
        query = query.where(Opportunity.status == status)
    return list(await query)


async def _row(opportunity: UUID) -> dict[str, Any]:
    row = await Opportunity.select().where(Opportunity.id == opportunity).first()
    if row is None:
        raise NotFound("There is no such opportunity.")
    return dict(row)


async def _save_questions(opportunity: UUID, questions: list[Question]) -> None:
    if questions:
        await ScreenerQuestion.insert(
            *(
                ScreenerQuestion(
                    id=uuid4(),
                    opportunity=opportunity,
                    position=position,
                    kind=question.kind,
                    prompt=question.prompt,
                    choices=json.dumps(question.choices),
                    required=question.required,
                )
                for position, question in enumerate(questions)
            )
        )


def _columns(form: OpportunityForm) -> dict[str, Any]:
    data = form.model_dump(exclude={"questions"})
    return {k: ",".join(data[k]) if k in LIST_FIELDS else data[k] for k in data}


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None
