"""Expressions of interest (EOIs): one per person per opportunity, whoever submits it.

A person signed in, someone new (a profile and consents are made from the form), or a
coordinator on someone's behalf (recorded as assisted). The ``once`` column is unique, so a
double click, a retry or 50 concurrent submissions leave exactly one EOI; the losers get the
one that won.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from app import audit, i18n
from app.db import is_duplicate, transaction
from app.errors import Conflict, DomainError, FieldError, NotFound
from app.i18n import N_
from app.i18n import gettext as _
from app.sealed import Sealer
from participation import vocabulary as v
from participation.schemas import NewProfile
from participation.schemas.recruitment import Answer, Interest, NewPersonInterest
from participation.services import opportunities, profiles
from participation.tables import Expression, Opportunity

MAX_ANSWER = 2000
CLOSED = N_("This opportunity is no longer taking expressions of interest.")


async def express(
    sealer: Sealer,
    opportunity: UUID,
    subject: UUID,
    interest: Interest,
    actor: audit.Actor,
    *,
    channel: str = "web",
) -> tuple[UUID, bool]:
    """Record interest; returns the EOI's id and whether this call created it."""
    row = await opportunities.get(opportunity)
    if not opportunities.is_open(row):
        raise Conflict(_(CLOSED))
    answers = check_answers(row["questions"], interest.answers)
    if not await profiles.exists(subject):
        raise NotFound("There is no profile for this person.")
    once = f"{opportunity}:{subject}"
    expression = uuid4()
    try:
        async with transaction():
            sealed = await sealer.seal(
                Expression, expression, subject, {"answers": json.dumps(answers)}
            )
            await Expression.insert(
                Expression(
                    id=expression,
                    opportunity=opportunity,
                    subject=subject,
                    once=once,
                    channel=channel,
                    assisted_by=_assistant(actor, subject),
                    **sealed,
                )
            )
            await audit.record(
                actor, audit.Action.change, subject=subject, field_group="interest", purpose="new"
            )
    except Exception as error:
        if not is_duplicate(error):
            raise
        existing = await Expression.select(Expression.id).where(Expression.once == once).first()
        assert existing is not None
        return existing["id"], False
    return expression, True


async def express_as_new_person(
    sealer: Sealer, opportunity: UUID, form: NewPersonInterest, actor: audit.Actor
) -> UUID:
    """Someone without an account: their profile (with the consents they gave) and their EOI,
    in one transaction. Returns their new subject id (for the sign-in link)."""
    row = await opportunities.get(opportunity)
    if not opportunities.is_open(row):
        raise Conflict(_(CLOSED))
    check_answers(row["questions"], form.answers)
    new = NewProfile(about=form.about, contact=form.contact, consents=form.consents, channel="web")
    async with transaction():
        subject = await profiles.create(sealer, new, actor)
        person = audit.Actor(id=str(subject), role="participant")
        await express(sealer, opportunity, subject, form, person)
    return subject


def check_answers(questions: list[dict[str, Any]], answers: dict[str, Answer]) -> dict[str, Answer]:
    """Answers keyed by question id, each of the right type and from the choices offered."""
    errors = []
    kept: dict[str, Answer] = {}
    known = {str(q["id"]) for q in questions}
    for key in answers:
        if key not in known:
            errors.append(FieldError(f"answers.{key}", _("Answer only the questions asked")))
    for question in questions:
        key = str(question["id"])
        problem, value = _answer_problem(question, answers.get(key))
        if problem:
            errors.append(FieldError(f"answers.{key}", problem))
        elif value:
            kept[key] = value
    if errors:
        message = _("Some answers need correcting: see the list of errors.")
        raise DomainError(message, errors=errors)
    return kept


def _answer_problem(question: dict[str, Any], answer: Answer | None) -> tuple[str, Answer]:
    """What is wrong with one answer ("" if nothing) and the answer to keep, in the current
    language (the question itself stays in the coordinator's words)."""
    if question["kind"] == "multiple":
        return _choices_problem(question, answer)
    prompt = {"question": i18n.isolated(question["prompt"])}
    if answer is not None and not isinstance(answer, str):
        return _("Give one answer to: %(question)s") % prompt, ""
    text = (answer or "").strip()
    problem = ""
    if question["kind"] == "single" and text and text not in question["choices"]:
        problem = _("Choose from the list for: %(question)s") % prompt
    elif len(text) > MAX_ANSWER:
        problem = _("Answer in 2,000 characters or fewer: %(question)s") % prompt
    elif question["required"] and not text:
        problem = _("Answer the question: %(question)s") % prompt
    return problem, "" if problem else text


def _choices_problem(question: dict[str, Any], answer: Answer | None) -> tuple[str, Answer]:
    chosen = answer if isinstance(answer, list) else ([answer] if answer else [])
    prompt = {"question": i18n.isolated(question["prompt"])}
    if not all(isinstance(c, str) and c in question["choices"] for c in chosen):
        return _("Choose from the list for: %(question)s") % prompt, []
    if question["required"] and not chosen:
        return _("Choose at least one answer to: %(question)s") % prompt, []
    return "", [c for c in question["choices"] if c in chosen]


async def mine(subject: UUID) -> list[dict[str, Any]]:
    """A person's EOIs, newest first, with the opportunity's title and the kind status words."""
    rows = (
        await Expression.select(
            Expression.id, Expression.opportunity, Expression.status, Expression.created_at
        )
        .where(Expression.subject == subject)
        .order_by(Expression.created_at, ascending=False)
    )
    titles = await _titles([row["opportunity"] for row in rows])
    for row in rows:
        row["title"] = titles.get(row["opportunity"], "")
        row["status_words"] = v.EOI_STATUS_FOR_PEOPLE[row["status"]]
    return list(rows)


async def withdraw(subject: UUID, expression: UUID, actor: audit.Actor) -> None:
    """The person (or a coordinator for them) withdraws one EOI; no reason asked."""
    async with transaction():
        row = (
            await Expression.select(Expression.subject, Expression.status)
            .where(Expression.id == expression)
            .first()
        )
        if row is None or row["subject"] != subject:
            raise NotFound("There is no such expression of interest.")
        await Expression.update(
            {Expression.status: "withdrawn", Expression.updated_at: datetime.now(UTC)}
        ).where(Expression.id == expression)
        await audit.record(
            actor, audit.Action.change, subject=subject, field_group="interest", purpose="withdraw"
        )


async def _titles(opportunity_ids: list[UUID]) -> dict[UUID, str]:
    if not opportunity_ids:
        return {}
    rows = await Opportunity.select(Opportunity.id, Opportunity.title).where(
        Opportunity.id.is_in(list(set(opportunity_ids)))
    )
    return {row["id"]: row["title"] for row in rows}


def _assistant(actor: audit.Actor, subject: UUID) -> UUID | None:
    if actor.id == str(subject) and not actor.assisted_by:
        return None
    try:
        return UUID(actor.assisted_by or actor.id)
    except ValueError:
        return None
