"""Expressions of interest: answers checked, one per person whatever the concurrency."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from app import audit
from app.errors import Conflict, DomainError
from app.sealed import Sealer
from participation import schemas
from participation.schemas.recruitment import Interest, NewPersonInterest
from participation.services import expressions, opportunities, profiles
from participation.tables import Expression, Opportunity, Participant
from tests.participation.conftest import COORDINATOR, add_person
from tests.participation.recruiting import opportunity_form, published


async def _answers(opportunity: UUID) -> dict[str, object]:
    first, second, third = await opportunities.questions_of(opportunity)
    return {
        str(first["id"]): "I slept rough for a year.",
        str(second["id"]): "Yes",
        str(third["id"]): ["Wed", "Mon"],
    }


async def test_fifty_concurrent_submissions_leave_exactly_one(sealer: Sealer) -> None:
    opportunity = await published()
    subject = await add_person(sealer)
    me = audit.Actor(id=str(subject), role="participant")
    interest = Interest(answers=await _answers(opportunity))

    results = await asyncio.gather(
        *(expressions.express(sealer, opportunity, subject, interest, me) for _ in range(50))
    )

    assert await Expression.count() == 1
    assert len({eoi for eoi, _ in results}) == 1
    assert sorted(created for _, created in results) == [False] * 49 + [True]


async def test_answers_are_checked_against_the_questions(sealer: Sealer) -> None:
    opportunity = await published()
    subject = await add_person(sealer)
    first, second, third = await opportunities.questions_of(opportunity)
    me = audit.Actor(id=str(subject), role="participant")
    bad = {
        str(first["id"]): "",
        str(second["id"]): "Maybe",
        str(third["id"]): "Sun",
        "not-a-question": "x",
    }

    with pytest.raises(DomainError) as invalid:
        await expressions.express(sealer, opportunity, subject, Interest(answers=bad), me)

    assert [e.field for e in invalid.value.errors] == [
        "answers.not-a-question",
        f"answers.{first['id']}",
        f"answers.{second['id']}",
        f"answers.{third['id']}",
    ]
    assert await Expression.count() == 0


async def test_no_interest_after_closing_or_before_publishing(sealer: Sealer) -> None:
    opportunity = await published()
    draft = await opportunities.save(opportunity_form(), COORDINATOR)
    subject = await add_person(sealer)
    me = audit.Actor(id=str(subject), role="participant")
    await Opportunity.update(
        {Opportunity.closes_at: datetime.now(UTC) - timedelta(minutes=1)}
    ).where(Opportunity.id == opportunity)

    for closed in (opportunity, draft):
        with pytest.raises(Conflict, match="no longer taking"):
            await expressions.express(
                sealer, closed, subject, Interest(answers=await _answers(closed)), me
            )
    assert await Expression.count() == 0


async def test_someone_new_gets_a_profile_consents_and_their_interest(sealer: Sealer) -> None:
    opportunity = await published()
    form = NewPersonInterest(
        about=schemas.AboutYou(preferred_name="Kofi"),
        contact=schemas.ContactDetails(phone="07700 900777", preferred_route="sms"),
        answers=await _answers(opportunity),
    )

    subject = await expressions.express_as_new_person(
        sealer, opportunity, form, audit.Actor("anonymous", "public")
    )

    profile = await profiles.read(sealer, subject, COORDINATOR, "coordinator")
    assert profile.about is not None
    assert profile.about.preferred_name == "Kofi"
    assert profile.consents["register"]
    assert profile.consents["contact"]
    mine = await expressions.mine(subject)
    assert [(m["title"], m["status"]) for m in mine] == [
        ("Help us choose the new housing support provider", "received")
    ]


async def test_a_failed_new_person_leaves_nothing_behind(sealer: Sealer) -> None:
    opportunity = await published()
    await add_person(sealer, phone="07700 900777")
    form = NewPersonInterest(
        about=schemas.AboutYou(preferred_name="Kofi"),
        contact=schemas.ContactDetails(phone="07700 900777", preferred_route="sms"),
        answers=await _answers(opportunity),
    )

    with pytest.raises(Conflict):
        await expressions.express_as_new_person(
            sealer, opportunity, form, audit.Actor("anonymous", "public")
        )

    assert (await Participant.count(), await Expression.count()) == (1, 0)


async def test_withdrawing_an_interest(sealer: Sealer) -> None:
    opportunity = await published()
    subject = await add_person(sealer)
    me = audit.Actor(id=str(subject), role="participant")
    eoi, _ = await expressions.express(
        sealer, opportunity, subject, Interest(answers=await _answers(opportunity)), me
    )
    other = await add_person(sealer, "Other", email="other@example.org")

    with pytest.raises(Exception, match="no such"):
        await expressions.withdraw(other, eoi, me)
    await expressions.withdraw(subject, eoi, me)

    assert [m["status"] for m in await expressions.mine(subject)] == ["withdrawn"]
