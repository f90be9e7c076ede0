"""A review panel as the coordinator runs it: the criteria, who reviews, and the ranking.

Criteria change position by position, so scores given to a criterion that stays keep
counting. Reviewers are staff, or participants co-opted for this one opportunity (any live
account). In the ranking each criterion's mean is taken over the reviewers who scored it, and
the mean total is the sum of those means, so an applicant is not pushed down because one
reviewer has not got to them yet; the number of missing scores is shown and breaks ties
instead. Means are exact fractions: rounding is for display only, never for ordering.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any
from uuid import UUID, uuid4

from app import audit
from app.db import is_duplicate, transaction
from app.errors import DomainError, FieldError, NotFound
from app.redact import Sensitive
from app.sealed import Sealer
from app.tables import Account
from participation.services import opportunities
from participation.services.review import Criterion, criteria, names_of, numbered
from participation.tables import Expression, ReviewCriterion, Reviewer, Score

MAX_CRITERIA = 6
TOP_SCORE = 10
MAX_TITLE = 150
MAX_DESCRIPTION = 1000
FIX_CRITERIA = "Some criteria need correcting: see the list of errors."


# Criteria and reviewers


async def set_criteria(
    opportunity: UUID, wanted: list[tuple[str, str, int]], actor: audit.Actor
) -> None:
    """Set the criteria slot by slot: ``wanted[i]`` is slot ``i``, and a slot with neither a
    title nor a description is empty. A criterion that stays in its slot keeps its scores (its
    wording may be corrected); one whose slot is emptied takes its scores with it."""
    await opportunities.get(opportunity)
    cleaned = [(title.strip(), description.strip(), top) for title, description, top in wanted]
    _check_criteria(cleaned)
    async with transaction():
        current = {c.position: c for c in await criteria(opportunity)}
        await _check_highest_given(current, cleaned)
        for position, (title, description, top) in enumerate(cleaned):
            existing = current.pop(position, None)
            if not (title or description):
                if existing:
                    current[position] = existing  # dropped below
                continue
            values: dict[Any, Any] = {
                ReviewCriterion.title: title,
                ReviewCriterion.description: description,
                ReviewCriterion.max_score: top,
            }
            if existing:
                await ReviewCriterion.update(values).where(ReviewCriterion.id == existing.id)
            else:
                await ReviewCriterion.insert(
                    ReviewCriterion(values, id=uuid4(), opportunity=opportunity, position=position)
                )
        dropped = [c.id for c in current.values()]
        if dropped:
            await Score.delete().where(Score.criterion.is_in(dropped))
            await ReviewCriterion.delete().where(ReviewCriterion.id.is_in(dropped))
        await audit.record(
            actor, audit.Action.change, field_group="opportunity", purpose="criteria"
        )


def _check_criteria(wanted: list[tuple[str, str, int]]) -> None:
    """Field names are ``criteria.<slot>.<part>`` so a form can point at its own inputs."""
    errors = []
    if len(wanted) > MAX_CRITERIA:
        errors.append(FieldError("criteria", f"Enter {MAX_CRITERIA} criteria or fewer"))
    elif not any(title or description for title, description, _ in wanted):
        errors.append(FieldError("criteria.0.title", "Enter at least one criterion"))
    for index, (title, description, top) in enumerate(wanted):
        if not (title or description):
            continue
        if not title:
            errors.append(FieldError(f"criteria.{index}.title", "Enter a title for the criterion"))
        elif len(title) > MAX_TITLE:
            message = f"Enter a title in {MAX_TITLE} characters or fewer"
            errors.append(FieldError(f"criteria.{index}.title", message))
        if len(description) > MAX_DESCRIPTION:
            message = f"Enter a description in {MAX_DESCRIPTION:,} characters or fewer"
            errors.append(FieldError(f"criteria.{index}.description", message))
        if not 1 <= top <= TOP_SCORE:
            message = f"Enter a highest score from 1 to {TOP_SCORE}"
            errors.append(FieldError(f"criteria.{index}.max_score", message))
    if errors:
        raise DomainError(FIX_CRITERIA, errors=errors)


async def _check_highest_given(
    current: dict[int, Criterion], wanted: list[tuple[str, str, int]]
) -> None:
    """A criterion's highest score cannot drop below a score a reviewer already gave."""
    errors = []
    for index, (title, description, top) in enumerate(wanted):
        if index not in current or not (title or description):
            continue
        given = await Score.select(Score.score).where(Score.criterion == current[index].id)
        highest = max((row["score"] for row in given), default=0)
        if highest > top:
            message = f"Reviewers have already given {highest}: enter {highest} or more"
            errors.append(FieldError(f"criteria.{index}.max_score", message))
    if errors:
        raise DomainError(FIX_CRITERIA, errors=errors)


async def add_reviewer(opportunity: UUID, account: UUID, actor: audit.Actor) -> bool:
    """Ask a staff member or a participant to review; True if they were not one already."""
    await opportunities.get(opportunity)
    found = await Account.select(Account.id).where(
        (Account.id == account) & Account.disabled_at.is_null()
    )
    if not found:
        message = "There is no account with this email address"
        raise DomainError(message, errors=[FieldError("email", message)])
    try:
        async with transaction():
            await Reviewer.insert(
                Reviewer(
                    id=uuid4(),
                    opportunity=opportunity,
                    account=account,
                    once=f"{opportunity}:{account}",
                    added_by=_uuid(actor.id),
                )
            )
            await audit.record(
                actor,
                audit.Action.change,
                subject=account,
                field_group="interest",
                purpose="reviewer",
            )
    except Exception as error:
        if not is_duplicate(error):
            raise
        return False
    return True


async def remove_reviewer(opportunity: UUID, account: UUID, actor: audit.Actor) -> None:
    """They stop reviewing, and their scores stop counting (they are deleted with them)."""
    async with transaction():
        gone = (
            await Reviewer.delete()
            .where((Reviewer.opportunity == opportunity) & (Reviewer.account == account))
            .returning(Reviewer.id)
        )
        if not gone:
            raise NotFound("They are not a reviewer of this opportunity.")
        applied = await Expression.select(Expression.id).where(
            Expression.opportunity == opportunity
        )
        if applied:
            await Score.delete().where(
                (Score.reviewer == account) & Score.expression.is_in([e["id"] for e in applied])
            )
        await audit.record(
            actor,
            audit.Action.change,
            subject=account,
            field_group="interest",
            purpose="reviewer removed",
        )


async def reviewers(
    sealer: Sealer, opportunity: UUID
) -> list[tuple[UUID, Sensitive[str] | None, str]]:
    """Who reviews this opportunity: account id, display name and kind (staff or participant)."""
    rows = await Reviewer.select(Reviewer.account).where(Reviewer.opportunity == opportunity)
    if not rows:
        return []
    accounts = await Account.select(Account.id, Account.display_name, Account.kind).where(
        Account.id.is_in([row["account"] for row in rows])
    )
    named = []
    for row in accounts:
        opened = await sealer.open(Account, row, ("display_name",))
        named.append((row["id"], opened["display_name"], row["kind"]))
    return named


# The ranking


@dataclass(frozen=True)
class Ranked:
    """One applicant in the ranking; ``name`` is None on a blind review."""

    expression: UUID
    label: str
    name: Sensitive[str] | None
    rank: int
    totals: dict[UUID, int]
    means: dict[UUID, Fraction]
    mean_total: Fraction | None
    reviewers: int
    missing: int


@dataclass(frozen=True)
class Panel:
    """What every applicant is tallied against: the criteria and who is on the panel."""

    criteria: list[Criterion]
    reviewers: list[UUID]


async def ranking(sealer: Sealer, opportunity: UUID, actor: audit.Actor) -> list[Ranked]:
    """Everyone not withdrawn, best first: by mean total (nobody scored yet: last), then by
    fewer missing scores; equal on both share a rank. Audited as a view of each person."""
    details = await opportunities.get(opportunity)
    shown = await numbered(opportunity)
    on_panel = await Reviewer.select(Reviewer.account).where(Reviewer.opportunity == opportunity)
    panel = Panel(await criteria(opportunity), [row["account"] for row in on_panel])
    blind = bool(details["blind_review"])
    names = {} if blind else await names_of(sealer, [e["subject"] for e, _ in shown])
    scores = await _scores([e["id"] for e, _ in shown])
    unranked = [
        _tally(row, f"Applicant {number}", panel, scores.get(row["id"], []))
        for row, number in shown
    ]
    await audit.record_views(
        actor,
        [e["subject"] for e, _ in shown],
        field_group="interest" if blind else "interest,identity",
        purpose=f"panel ranking {opportunity}"[:200],
    )
    named = [
        replace(r, name=names.get(row["subject"]))
        for r, (row, _) in zip(unranked, shown, strict=True)
    ]
    return _ranked(named)


def _tally(row: dict[str, Any], label: str, panel: Panel, given: list[dict[str, Any]]) -> Ranked:
    """Totals and means per criterion, how many reviewers scored, and how many scores are
    still to come (a reviewer never scores their own expression of interest)."""
    totals = {
        c.id: sum(g["score"] for g in given if g["criterion"] == c.id) for c in panel.criteria
    }
    counts = {c.id: sum(1 for g in given if g["criterion"] == c.id) for c in panel.criteria}
    means = {c: Fraction(totals[c], counts[c]) for c in totals if counts[c]}
    scored = {(g["reviewer"], g["criterion"]) for g in given}
    expected = [(r, c.id) for r in panel.reviewers if r != row["subject"] for c in panel.criteria]
    return Ranked(
        expression=row["id"],
        label=label,
        name=None,
        rank=0,
        totals=totals,
        means=means,
        mean_total=sum(means.values(), Fraction(0)) if means else None,
        reviewers=len({g["reviewer"] for g in given}),
        missing=sum(1 for pair in expected if pair not in scored),
    )


def _ranked(unranked: list[Ranked]) -> list[Ranked]:
    """Sorted (stable, so equal keys keep the order they came in) and ranked 1, 2, 2, 4."""

    def key(r: Ranked) -> tuple[bool, Fraction, int]:
        return (r.mean_total is None, -(r.mean_total or Fraction(0)), r.missing)

    ranked: list[Ranked] = []
    for position, applicant in enumerate(sorted(unranked, key=key), start=1):
        tied = bool(ranked) and key(ranked[-1]) == key(applicant)
        ranked.append(replace(applicant, rank=ranked[-1].rank if tied else position))
    return ranked


async def _scores(expressions: list[UUID]) -> dict[UUID, list[dict[str, Any]]]:
    if not expressions:
        return {}
    rows = await Score.select(Score.expression, Score.reviewer, Score.criterion, Score.score).where(
        Score.expression.is_in(expressions)
    )
    grouped: dict[UUID, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["expression"], []).append(row)
    return grouped


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None
