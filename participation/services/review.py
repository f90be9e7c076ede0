"""Scored (and optionally blind) panel review of expressions of interest, as reviewers do it.

A coordinator sets the criteria and asks the reviewers (``review_panel``). Each reviewer scores
the answers against the criteria. On a blind review nobody's name reaches a reviewer, and
never does anyone's contact details: applicants are "Applicant N", numbered by when they
expressed interest, so the whole panel (and the coordinator's ranking) talk about the same N.
Anyone who is not a reviewer of the opportunity gets "not found", so a review page does not
even confirm the opportunity exists.

Scores are upserted on ``once`` (expression:reviewer:criterion) with the row id derived from it,
so re-scoring, a double click or concurrent submissions update the one row, and the comment
(sealed under the applicant's key, bound to the row id) still opens after an update.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from app import audit
from app.db import transaction
from app.errors import DomainError, FieldError, Forbidden, NotFound
from app.i18n import N_
from app.i18n import gettext as _
from app.redact import Sensitive
from app.sealed import Sealer
from participation.services import opportunities
from participation.tables import Expression, Participant, ReviewCriterion, Reviewer, Score

MAX_COMMENT = 2000
NOT_A_REVIEWER = N_("There is no such opportunity.")


@dataclass(frozen=True)
class Criterion:
    id: UUID
    position: int
    title: str
    description: str
    max_score: int


@dataclass(frozen=True)
class ForReview:
    """One applicant as a reviewer sees them: ``name`` is None on a blind review."""

    expression: UUID
    label: str
    name: Sensitive[str] | None
    answers: list[tuple[str, str]]
    scores: dict[UUID, int]
    comment: Sensitive[str] | None


async def criteria(opportunity: UUID) -> list[Criterion]:
    rows = (
        await ReviewCriterion.select()
        .where(ReviewCriterion.opportunity == opportunity)
        .order_by(ReviewCriterion.position)
    )
    return [
        Criterion(r["id"], r["position"], r["title"], r["description"], r["max_score"])
        for r in rows
    ]


async def my_reviews(account: UUID) -> list[dict[str, Any]]:
    """Opportunities I review, with how many applicants there are and how many I have scored."""
    rows = await Reviewer.select(Reviewer.opportunity).where(Reviewer.account == account)
    found = []
    for row in rows:
        details = await opportunities.get(row["opportunity"])
        shown = await numbered(row["opportunity"], account)
        marked = await _completed(row["opportunity"], account, [e["id"] for e, _ in shown])
        found.append(details | {"applicants": len(shown), "scored": marked})
    return sorted(found, key=lambda o: o["closes_at"])


async def applicants_for_review(
    sealer: Sealer,
    opportunity: UUID,
    reviewer: UUID,
    actor: audit.Actor,
    *,
    only: UUID | None = None,
) -> tuple[dict[str, Any], list[Criterion], list[ForReview]]:
    """The opportunity, its criteria and the applicants a reviewer scores (all, or ``only``
    one), each with their answers and this reviewer's own scores; audited as views."""
    details = await _reviewed_by(opportunity, reviewer)
    shown = [(e, n) for e, n in await numbered(opportunity, reviewer) if only in (None, e["id"])]
    if only is not None and not shown:
        raise NotFound(_("There is no such applicant to review."))
    prompts = {str(q["id"]): q["prompt"] for q in details["questions"]}
    blind = bool(details["blind_review"])
    names = {} if blind else await names_of(sealer, [e["subject"] for e, _ in shown])
    applicants = []
    for row, number in shown:
        scores, comment = await _mine(sealer, row["id"], reviewer)
        applicants.append(
            ForReview(
                expression=row["id"],
                label=_("Applicant %(number)s") % {"number": number},
                name=names.get(row["subject"]),
                answers=await _answers(sealer, row, prompts),
                scores=scores,
                comment=comment,
            )
        )
    await audit.record_views(
        actor,
        [e["subject"] for e, _ in shown],
        field_group="interest" if blind else "interest,identity",
        purpose=f"panel review {opportunity}"[:200],
    )
    return details, await criteria(opportunity), applicants


async def score(
    sealer: Sealer,
    opportunity: UUID,
    reviewer: UUID,
    expression: UUID,
    given: dict[str, Any],
    *,
    comment: str = "",
    actor: audit.Actor,
) -> None:
    """Score every criterion for one applicant (``given``: criterion id -> score); a second
    call updates the same rows. Refused for a reviewer's own expression of interest."""
    await _reviewed_by(opportunity, reviewer)
    row = await _expression(opportunity, expression)
    if row["subject"] == reviewer:
        raise Forbidden(_("You cannot review your own expression of interest."))
    listed = await criteria(opportunity)
    values = _checked_scores(listed, given, comment.strip())
    note = comment.strip() or None
    now = datetime.now(UTC)
    async with transaction():
        for position, criterion in enumerate(listed):
            once = f"{expression}:{reviewer}:{criterion.id}"
            score_id = uuid5(NAMESPACE_URL, f"reciprocity:score:{once}")
            sealed = await sealer.seal(
                Score, score_id, row["subject"], {"comment": note if position == 0 else None}
            )
            await Score.insert(
                Score(
                    id=score_id,
                    expression=expression,
                    subject=row["subject"],
                    reviewer=reviewer,
                    criterion=criterion.id,
                    once=once,
                    score=values[criterion.id],
                    scored_at=now,
                    **sealed,
                )
            ).on_conflict(action="DO NOTHING")
            # Then the values, whether this call made the row or another one did. A single
            # upsert cannot be race-free here: PostgreSQL takes one conflict target, and a
            # concurrent first score can trip the other unique index (the id is derived from
            # ``once``, so both say the same thing); DO NOTHING without a target guards both.
            await Score.update(
                {
                    Score.score: values[criterion.id],
                    Score.comment: sealed["comment"],
                    Score.scored_at: now,
                    Score.sealed_with: sealed["sealed_with"],
                }
            ).where(Score.id == score_id)
        await audit.record(
            actor,
            audit.Action.change,
            subject=row["subject"],
            field_group="interest",
            purpose="score",
        )


def whole_number(raw: Any) -> int | None:
    """A whole number from a form ("3") or JSON (3); anything else (3.5, "three", True) None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    text = raw.strip() if isinstance(raw, str) else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 4 else None


def _checked_scores(
    listed: list[Criterion], given: dict[str, Any], comment: str
) -> dict[UUID, int]:
    """Every criterion scored, each a whole number from 0 to its highest; nothing else."""
    if not listed:
        raise DomainError(_("This opportunity has no criteria to score against yet."))
    errors = []
    known = {str(c.id) for c in listed}
    errors += [
        FieldError(f"score-{k}", _("Score only the criteria listed"))
        for k in given
        if k not in known
    ]
    values: dict[UUID, int] = {}
    for criterion in listed:
        raw = given.get(str(criterion.id))
        number = whole_number(raw)
        if number is None or not 0 <= number <= criterion.max_score:
            message = _("Give a score from 0 to %(highest)s for: %(criterion)s") % {
                "highest": criterion.max_score,
                "criterion": criterion.title,
            }
            errors.append(FieldError(f"score-{criterion.id}", message))
        else:
            values[criterion.id] = number
    if len(comment) > MAX_COMMENT:
        errors.append(
            FieldError(
                "comment",
                _("Enter a comment in %(most)s characters or fewer") % {"most": f"{MAX_COMMENT:,}"},
            )
        )
    if errors:
        message = _("Some scores need correcting: see the list of errors.")
        raise DomainError(message, errors=errors)
    return values


# Reading helpers


async def _reviewed_by(opportunity: UUID, reviewer: UUID) -> dict[str, Any]:
    """The opportunity, if this account reviews it; "not found" otherwise, whether or not the
    opportunity exists, so a page reveals nothing to anyone else."""
    found = await Reviewer.select(Reviewer.id).where(
        (Reviewer.opportunity == opportunity) & (Reviewer.account == reviewer)
    )
    if not found:
        raise NotFound(_(NOT_A_REVIEWER))
    return await opportunities.get(opportunity)


async def numbered(
    opportunity: UUID, reviewer: UUID | None = None
) -> list[tuple[dict[str, Any], int]]:
    """EOIs not withdrawn, each with its stable number: numbered over every EOI (withdrawn
    included) by when it came in, so a withdrawal never renumbers anyone. A reviewer's own
    EOI is left out."""
    rows = (
        await Expression.select(
            Expression.id, Expression.subject, Expression.status, Expression.answers
        )
        .where(Expression.opportunity == opportunity)
        .order_by(Expression.created_at)
        .order_by(Expression.id)
    )
    return [
        (row, number)
        for number, row in enumerate(rows, start=1)
        if row["status"] != "withdrawn" and row["subject"] != reviewer
    ]


async def _expression(opportunity: UUID, expression: UUID) -> dict[str, Any]:
    row = (
        await Expression.select(Expression.id, Expression.subject, Expression.status)
        .where((Expression.id == expression) & (Expression.opportunity == opportunity))
        .first()
    )
    if row is None or row["status"] == "withdrawn":
        raise NotFound(_("There is no such applicant to review."))
    return dict(row)


async def _answers(
    sealer: Sealer, row: dict[str, Any], prompts: dict[str, str]
) -> list[tuple[str, str]]:
    """(prompt, answer) in the order of the questions; several choices joined with commas."""
    opened = await sealer.open(Expression, row, ("answers",))
    answers = json.loads(opened["answers"].reveal()) if opened["answers"] else {}
    return [
        (prompt, ", ".join(a) if isinstance(a, list) else str(a))
        for key, prompt in prompts.items()
        if (a := answers.get(key))
    ]


async def _mine(
    sealer: Sealer, expression: UUID, reviewer: UUID
) -> tuple[dict[UUID, int], Sensitive[str] | None]:
    rows = await Score.select(Score.id, Score.criterion, Score.score, Score.comment).where(
        (Score.expression == expression) & (Score.reviewer == reviewer)
    )
    comment = None
    for row in rows:
        if row["comment"] is not None:
            comment = (await sealer.open(Score, row, ("comment",)))["comment"]
    return {row["criterion"]: row["score"] for row in rows}, comment


async def _completed(opportunity: UUID, reviewer: UUID, expressions: list[UUID]) -> int:
    """How many of these applicants the reviewer has scored on every criterion."""
    needed = len(await criteria(opportunity))
    if not expressions or not needed:
        return 0
    rows = await Score.select(Score.expression, Score.criterion).where(
        (Score.reviewer == reviewer) & Score.expression.is_in(expressions)
    )
    counts: dict[UUID, int] = {}
    for row in rows:
        counts[row["expression"]] = counts.get(row["expression"], 0) + 1
    return sum(1 for n in counts.values() if n >= needed)


async def names_of(sealer: Sealer, subjects: list[UUID]) -> dict[UUID, Sensitive[str] | None]:
    if not subjects:
        return {}
    rows = await Participant.select(Participant.id, Participant.preferred_name).where(
        Participant.id.is_in(subjects)
    )
    return {
        row["id"]: (await sealer.open(Participant, row, ("preferred_name",)))["preferred_name"]
        for row in rows
    }
