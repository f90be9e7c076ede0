"""Demo recruitment: three pieces of commissioning work at different stages, opportunities in
every state, and expressions of interest from the demo people, moved along the review board.

Runs after ``participation.demo`` (it needs the demo people and their coordinator).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from app import audit
from app.demo import DEMO_PARTICIPANT_EMAIL
from app.sealed import Sealer
from participation.schemas import SearchFilters
from participation.schemas.recruitment import Interest, OpportunityForm, Question, StatusChange
from participation.services import (
    expressions,
    opportunities,
    outcomes,
    outcomes_easy_read,
    profiles,
    search,
    selection,
)
from participation.tables import CommissioningWork, Opportunity

DEMO_ACTOR = audit.Actor(id="demo", role="coordinator")
SENDER = selection.Sender(
    mail_from="Northshire County Council <noreply@northshire.example>",
    public_url="http://127.0.0.1:8000",
)

WORKS = (
    ("Housing support for people leaving homelessness", 3),
    ("Domestic abuse safe accommodation", 1),
    ("Carers' breaks service", 5),
)
OUTCOME = outcomes.OutcomeForm(
    said="Breaks were too short to rest, and booking by phone only was hard.",
    did="Breaks now last at least four hours and can be booked online or by text.",
    changed="yes",
)
EASY_OUTCOME = outcomes_easy_read.EasyReadWords(
    easy_said="You said the breaks were too short.\nYou said booking by phone was hard.",
    easy_did="Breaks are now at least four hours long.\nYou can book online or by text now.",
)


def soon(days: int) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(
        hour=17, minute=0, second=0, microsecond=0
    )


OPPORTUNITIES: tuple[dict[str, Any], ...] = (
    {
        "work": 0,
        "title": "Help us choose the new housing support provider",
        "description": "Three organisations want to run housing support in Northshire. Read "
        "their answers with us and score them. We will explain everything on the first day.",
        "easy_read": "Three groups want to run housing support.\n"
        "We want you to help us choose one.\n"
        "You read what they say and give them marks.\n"
        "We explain everything on the first day.\n"
        "We pay you for your time.",
        "stage": 3,
        "activity": "evaluation_panels",
        "rung_planned": "co_production",
        "lived_experience_sought": ["homelessness", "multiple_disadvantage"],
        "formats": ["in_person"],
        "starts_on": date.today() + timedelta(days=30),
        "ends_on": date.today() + timedelta(days=32),
        "time_commitment": "Three mornings, 10am to 1pm, with breaks",
        "payment_offer": "£25 an hour, or a shopping voucher, or nothing if you prefer. "
        "Travel paid in advance.",
        "access_offer": "Step-free venue with a quiet room and a hearing loop. Lunch provided.",
        "closes_at": soon(14),
        "places": 6,
        "questions": [
            Question(
                kind="text",
                prompt="What would make a housing support service good for you?",
                required=True,
            ),
            Question(
                kind="single",
                prompt="Have you used housing support in Northshire?",
                choices=["Yes", "No", "I am not sure"],
            ),
        ],
    },
    {
        "work": 1,
        "title": "Write the questions we ask providers about safe accommodation",
        "description": "Help us write the questions organisations must answer when they bid to "
        "run safe accommodation. Online or by phone, in a small group or one-to-one.",
        "stage": 1,
        "activity": "method_statements",
        "rung_planned": "co_design",
        "lived_experience_sought": ["domestic_abuse"],
        "formats": ["online", "phone"],
        "time_commitment": "Two sessions of 90 minutes",
        "payment_offer": "£20 an hour or a voucher; or choose not to be paid",
        "access_offer": "We can arrange an interpreter and a safe way to join",
        "closes_at": soon(21),
        "places": 5,
        "questions": [],
    },
    {
        "work": 2,
        "title": "Carers' breaks: tell us what worked",
        "description": "A listening event about the carers' breaks service.",
        "stage": 5,
        "activity": "listening_events",
        "rung_planned": "consultation",
        "formats": ["in_person"],
        "closes_at": soon(2),
        "places": 12,
        "questions": [],
    },
)


async def is_empty() -> bool:
    return bool(await Opportunity.count() == 0)


async def populate(sealer: Sealer) -> list[str]:
    works = [await _work(title, stage) for title, stage in WORKS]
    made = []
    for spec in OPPORTUNITIES:
        values = {k: v for k, v in spec.items() if k != "work"}
        form = OpportunityForm(work=works[spec["work"]], **values)
        opportunity = await opportunities.save(form, DEMO_ACTOR)
        await opportunities.move(opportunity, "publish", DEMO_ACTOR)
        made.append(opportunity)
    interested = await interest(sealer, made[0], "evaluation_panels")
    await interest(sealer, made[2], "listening_events")
    await interest(sealer, made[1], "method_statements")  # new: nobody has looked yet
    await _review(sealer, made[0])
    await _close_and_archive(sealer, made[2])
    return [
        f"{len(WORKS)} pieces of commissioning work and {len(made)} opportunities "
        "(2 open to the public at /take-part, 1 archived with the rung of the ladder it reached)",
        f"{interested} expressions of interest in the housing panel, shortlisted and selected "
        "on its review board",
        f"{DEMO_PARTICIPANT_EMAIL} took part in the carers' breaks listening event and was "
        "sent what changed, with Easy Read words, at /profile/what-changed",
    ]


async def _work(title: str, stage: int) -> UUID:
    work = uuid4()
    await CommissioningWork.insert(CommissioningWork(id=work, title=title, stage=stage))
    return work


async def interest(sealer: Sealer, opportunity: UUID, activity: str) -> int:
    """Everyone on the register who wants this activity expresses interest, as themselves."""
    people = await search.search(sealer, SearchFilters(activities=[activity]), DEMO_ACTOR)
    questions = await opportunities.questions_of(opportunity)
    answers = {
        str(q["id"]): q["choices"][0]
        if q["choices"]
        else "I know what it is like and want it to be better for the next person."
        for q in questions
    }
    for person in people.people:
        me = audit.Actor(id=str(person.id), role="participant")
        await expressions.express(sealer, opportunity, person.id, Interest(answers=answers), me)
    return len(people.people)


async def _review(sealer: Sealer, opportunity: UUID) -> None:
    board = await selection.board(sealer, opportunity, DEMO_ACTOR)
    if len(board) >= 2:
        first, *rest = [a.expression for a in board]
        await selection.set_status(
            sealer,
            opportunity,
            StatusChange(expressions=[first], status="selected"),
            DEMO_ACTOR,
            SENDER,
        )
        await selection.set_status(
            sealer,
            opportunity,
            StatusChange(expressions=rest, status="shortlisted"),
            DEMO_ACTOR,
            SENDER,
        )


async def _close_and_archive(sealer: Sealer, opportunity: UUID) -> None:
    """Jordan had a place; the work ended; "you said, we did" went back to them, with the
    Easy Read words a coordinator wrote, so the demo shows the loop closed."""
    jordan = await _jordan_selected(sealer, opportunity)
    await opportunities.move(opportunity, "close", DEMO_ACTOR)
    await opportunities.move(opportunity, "archive", DEMO_ACTOR, rung="co_design")
    outcome = await outcomes.record(opportunity, OUTCOME, DEMO_ACTOR)
    await outcomes_easy_read.save_words(opportunity, outcome, EASY_OUTCOME, DEMO_ACTOR)
    if jordan:
        await outcomes.send(sealer, opportunity, outcome, DEMO_ACTOR, SENDER)


async def _jordan_selected(sealer: Sealer, opportunity: UUID) -> bool:
    jordan = await profiles.find_by_email(sealer, DEMO_PARTICIPANT_EMAIL)
    if jordan is None:
        return False
    me = audit.Actor(id=str(jordan), role="participant")
    said = Interest(answers={})
    expression, _ = await expressions.express(sealer, opportunity, jordan, said, me)
    change = StatusChange(expressions=[expression], status="selected")
    await selection.set_status(sealer, opportunity, change, DEMO_ACTOR, SENDER)
    return True
