"""The recruitment JSON API: open opportunities for anyone, expressions of interest for
participants, and coordinators' drafting, moves, review board and interest taken for someone.
Every refused request is checked to have written nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from litestar import Litestar

from app import audit
from app.auth import tokens
from app.datamap import Role
from app.sealed import Sealer
from app.tables import OutboxMessage
from participation.schemas.recruitment import Interest
from participation.services import expressions, opportunities
from participation.tables import Expression, Opportunity, Participant, ScreenerQuestion
from tests.participation.conftest import COORDINATOR, add_person
from tests.participation.recruiting import opportunity_form, published
from tests.participation.test_api import Headers, coordinator_token, signed_in_participant
from tests.support.auth import make_account
from tests.support.canaries import canary

OPEN = "/api/v1/opportunities"
STAFF = "/api/v1/staff/opportunities"
MINE = "/api/v1/me/interest"
IN_A_WEEK = (datetime.now(UTC) + timedelta(days=7)).isoformat()


async def ids(opportunity: UUID) -> list[str]:
    return [str(q["id"]) for q in await opportunities.questions_of(opportunity)]


async def good_answers(opportunity: UUID) -> dict[str, Any]:
    why, used, days = await ids(opportunity)
    return {why: "I slept rough for a year.", used: "Yes", days: ["Wed", "Mon"]}


async def closed() -> UUID:
    opportunity = await published(title="Closed one")
    await opportunities.move(opportunity, "close", COORDINATOR)
    return opportunity


async def expired() -> UUID:
    opportunity = await published(title="Expired one")
    past = datetime.now(UTC) - timedelta(minutes=1)
    await Opportunity.update({Opportunity.closes_at: past}).where(Opportunity.id == opportunity)
    return opportunity


async def draft(**changes: Any) -> UUID:
    return await opportunities.save(opportunity_form(title="A draft", **changes), COORDINATOR)


async def applied(sealer: Sealer, opportunity: UUID, name: str, email: str) -> UUID:
    """Someone on the register who expressed interest; returns their EOI's id."""
    subject = await add_person(sealer, name, email=email)
    person = audit.Actor(id=str(subject), role="participant")
    answers = Interest(answers=await good_answers(opportunity))
    expression, _ = await expressions.express(sealer, opportunity, subject, answers, person)
    return expression


def form(**changes: Any) -> dict[str, Any]:
    """An opportunity as a script sends it."""
    body: dict[str, Any] = {
        "title": "Mystery shop the housing advice line",
        "description": "Call the line with a made-up problem and tell us how it went.",
        "stage": 5,
        "activity": "mystery_shopping",
        "rung_planned": "co_design",
        "formats": ["phone"],
        "closes_at": IN_A_WEEK,
        "places": 4,
        "payment_offer": "£20 a call",
        "questions": [
            {"kind": "text", "prompt": "What times can you call?", "required": True},
            {"kind": "single", "prompt": "Have you called before?", "choices": ["Yes", "No"]},
        ],
    }
    return body | changes


async def rows() -> tuple[int, int, int]:
    return await Opportunity.count(), await ScreenerQuestion.count(), await Expression.count()


def fields(response: httpx.Response) -> list[str]:
    return [e["field"] for e in response.json().get("errors", [])]


@pytest.fixture
async def me(running_app: Litestar, client: httpx.AsyncClient) -> UUID:
    return await signed_in_participant(running_app, client)


@pytest.fixture
async def staff(running_app: Litestar, db: Any) -> Headers:
    return await coordinator_token(running_app)


# Anyone


async def test_the_listing_shows_open_opportunities_only(client: httpx.AsyncClient) -> None:
    soon = await published(closes_at=datetime.now(UTC) + timedelta(days=2), title="Soon")
    later = await published(title="Later")
    await draft()
    await closed()
    await expired()

    response = await client.get(OPEN)

    assert response.status_code == 200
    listed = response.json()["opportunities"]
    assert [o["id"] for o in listed] == [str(soon), str(later)]
    assert listed[1]["payment_offer"] == "£25 an hour, or a voucher, or nothing if you prefer"
    assert (listed[1]["stage"], listed[1]["stage_label"]) == (3, "Source the supplier")
    assert listed[1]["lived_experience_sought"] == ["homelessness"]
    assert "questions" not in listed[1]
    assert "status" not in listed[1]


async def test_one_open_opportunity_has_its_questions(client: httpx.AsyncClient) -> None:
    opportunity = await published()

    response = await client.get(f"{OPEN}/{opportunity}")

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Help us choose the new housing support provider"
    assert body["activity"] == "evaluation_panels"
    assert [(q["id"], q["kind"], q["choices"], q["required"]) for q in body["questions"]] == [
        (qid, kind, choices, required)
        for qid, (kind, choices, required) in zip(
            await ids(opportunity),
            [
                ("text", [], True),
                ("single", ["Yes", "No"], False),
                ("multiple", ["Mon", "Tue", "Wed"], False),
            ],
            strict=True,
        )
    ]


async def test_drafts_closed_and_unknown_opportunities_are_not_found(
    client: httpx.AsyncClient,
) -> None:
    hidden = [await draft(), await closed(), await expired(), uuid4()]

    statuses = [(await client.get(f"{OPEN}/{o}")).status_code for o in hidden]

    assert statuses == [404, 404, 404, 404]


# Participants


async def test_interest_is_201_then_200_with_the_same_id(
    client: httpx.AsyncClient, sealer: Sealer, staff: Headers, me: UUID
) -> None:
    opportunity = await published()
    answers = await good_answers(opportunity)

    first = await client.post(f"{OPEN}/{opportunity}/interest", json={"answers": answers})
    retry = answers | {next(iter(answers)): "Changed my mind"}  # the first answers are kept
    again = await client.post(f"{OPEN}/{opportunity}/interest", json={"answers": retry})

    assert first.status_code == 201
    assert first.headers["location"] == MINE
    assert (again.status_code, again.json()) == (200, first.json())
    assert await Expression.count() == 1
    board = (await client.get(f"{STAFF}/{opportunity}/board", headers=staff)).json()
    assert [(a["expression"], a["person"]) for a in board["applicants"]] == [
        (first.json()["id"], str(me))
    ]
    why, used, days = await ids(opportunity)
    assert board["applicants"][0]["answers"] == {
        why: "I slept rough for a year.",
        used: "Yes",
        days: ["Mon", "Wed"],
    }


async def test_fifty_concurrent_posts_leave_exactly_one(
    client: httpx.AsyncClient, me: UUID
) -> None:
    opportunity = await published()
    body = {"answers": await good_answers(opportunity)}

    responses = await asyncio.gather(
        *(client.post(f"{OPEN}/{opportunity}/interest", json=body) for _ in range(50))
    )

    assert sorted(r.status_code for r in responses) == [200] * 49 + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert await Expression.count() == 1
    assert await Participant.count() == 1  # their profile, made once from their account


BAD_ANSWERS = [
    pytest.param(lambda q: {q[0]: 42}, [0], id="number for text"),
    pytest.param(lambda q: {q[0]: "ok", q[2]: ["Mon", 3]}, [2], id="number in a list"),
    pytest.param(lambda q: {q[0]: ["a", "b"]}, [0], id="list for text"),
    pytest.param(lambda q: {q[0]: "ok", q[1]: "Maybe"}, [1], id="not a choice"),
    pytest.param(lambda q: {q[0]: "ok", q[2]: ["Sun"]}, [2], id="not among the choices"),
    pytest.param(lambda q: {q[0]: "x" * 2001}, [0], id="too long"),
    pytest.param(lambda q: {q[1]: "Yes"}, [0], id="required missing"),
]


@pytest.mark.parametrize(("answers", "wrong"), BAD_ANSWERS)
async def test_bad_answers_are_named_and_nothing_is_written(
    client: httpx.AsyncClient, me: UUID, answers: Any, wrong: list[int]
) -> None:
    opportunity = await published()
    questions = await ids(opportunity)

    response = await client.post(
        f"{OPEN}/{opportunity}/interest", json={"answers": answers(questions)}
    )

    assert response.status_code == 400
    assert fields(response) == [f"answers.{questions[n]}" for n in wrong]
    assert await Expression.count() == 0


async def test_unknown_questions_and_keys_are_refused(client: httpx.AsyncClient, me: UUID) -> None:
    opportunity = await published()
    answers = await good_answers(opportunity)

    stray = await client.post(
        f"{OPEN}/{opportunity}/interest", json={"answers": answers | {"q9": "x"}}
    )
    extra = await client.post(f"{OPEN}/{opportunity}/interest", json={"answers": answers, "x": 1})
    listed = await client.post(f"{OPEN}/{opportunity}/interest", json=[answers])

    assert (stray.status_code, fields(stray)) == (400, ["answers.q9"])
    assert (extra.status_code, fields(extra)) == (400, ["x"])
    assert (listed.status_code, fields(listed)) == (400, ["data"])
    assert await Expression.count() == 0


async def test_no_interest_in_closed_draft_or_unknown_opportunities(
    client: httpx.AsyncClient, me: UUID
) -> None:
    cases = {await closed(): 409, await expired(): 409, await draft(): 404, uuid4(): 404}

    statuses = {
        o: (await client.post(f"{OPEN}/{o}/interest", json={"answers": {}})).status_code
        for o in cases
    }

    assert statuses == cases
    assert await Expression.count() == 0


async def test_own_interest_in_kind_words_and_withdrawing(
    client: httpx.AsyncClient, sealer: Sealer, me: UUID
) -> None:
    opportunity = await published()
    mine = await client.post(
        f"{OPEN}/{opportunity}/interest", json={"answers": await good_answers(opportunity)}
    )
    someone_elses = await applied(sealer, opportunity, "Kit", "kit@example.org")

    before = await client.get(MINE)
    withdrawn = await client.post(f"{MINE}/{mine.json()['id']}/withdraw", json={})
    not_theirs = await client.post(f"{MINE}/{someone_elses}/withdraw", json={})
    unknown = await client.post(f"{MINE}/{uuid4()}/withdraw", json={})

    assert before.status_code == 200
    [listed] = before.json()["expressions"]
    assert (listed["id"], listed["opportunity"], listed["title"]) == (
        mine.json()["id"],
        str(opportunity),
        "Help us choose the new housing support provider",
    )
    assert (listed["status"], listed["status_words"]) == (
        "received",
        "We have your interest and will be in touch",
    )
    assert withdrawn.status_code == 200
    assert [(e["status"], e["status_words"]) for e in withdrawn.json()["expressions"]] == [
        ("withdrawn", "You withdrew")
    ]
    assert (not_theirs.status_code, unknown.status_code) == (404, 404)
    still = await Expression.select(Expression.status).where(Expression.id == someone_elses)
    assert still == [{"status": "received"}]


async def test_participant_routes_are_for_participants_only(
    running_app: Litestar, client: httpx.AsyncClient, staff: Headers
) -> None:
    opportunity = await published()
    calls = [("POST", f"{OPEN}/{opportunity}/interest"), ("GET", MINE)]
    calls.append(("POST", f"{MINE}/{uuid4()}/withdraw"))

    as_staff = [(await client.request(m, u, headers=staff, json={})).status_code for m, u in calls]
    anonymous = [(await client.request(m, u, json={})).status_code for m, u in calls]

    assert (as_staff, anonymous) == ([403] * 3, [401] * 3)
    assert await Expression.count() == 0


# Coordinators: opportunities


async def test_a_draft_is_created_and_reads_back(client: httpx.AsyncClient, staff: Headers) -> None:
    created = await client.post(STAFF, json=form(), headers=staff)

    assert created.status_code == 201
    opportunity = created.json()["id"]
    assert created.headers["location"] == f"{STAFF}/{opportunity}"
    body = (await client.get(f"{STAFF}/{opportunity}", headers=staff)).json()
    assert (body["status"], body["status_label"], body["open"]) == ("draft", "Draft", False)
    assert (body["title"], body["formats"], body["rung_planned"]) == (
        "Mystery shop the housing advice line",
        ["phone"],
        "co_design",
    )
    assert [(q["kind"], q["prompt"], q["choices"]) for q in body["questions"]] == [
        ("text", "What times can you call?", []),
        ("single", "Have you called before?", ["Yes", "No"]),
    ]
    assert (await client.get(OPEN)).json() == {"opportunities": []}


YESTERDAY = (datetime.now(UTC) - timedelta(days=1)).isoformat()
ONE_CHOICE = {"kind": "single", "prompt": "Pick", "choices": ["Only"]}
CHOICES_ON_TEXT = {"kind": "text", "prompt": "Why?", "choices": ["A", "B"]}
BAD_FORMS = [
    pytest.param({"closes_at": YESTERDAY}, ["closes_at"], id="closing date in the past"),
    pytest.param({"activity": "juggling"}, ["activity"], id="unknown activity"),
    pytest.param({"formats": ["carrier_pigeon"]}, ["formats"], id="unknown format"),
    pytest.param(
        {"lived_experience_sought": ["astronaut"]},
        ["lived_experience_sought"],
        id="unknown lived experience",
    ),
    pytest.param({"title": "t" * 151}, ["title"], id="title too long"),
    pytest.param({"questions": [ONE_CHOICE]}, ["questions.0.choices"], id="one choice"),
    pytest.param(
        {"title": "", "questions": [{"kind": "text", "prompt": "Ok"}, CHOICES_ON_TEXT]},
        ["title", "questions.1.choices"],
        id="every problem at once",
    ),
    pytest.param({"questions": [{"kind": "essay", "prompt": "?"}]}, ["questions.0.kind"]),
    pytest.param({"colour": "red"}, ["colour"], id="unknown key"),
]


@pytest.mark.parametrize(("changes", "named"), BAD_FORMS)
async def test_bad_opportunities_are_named_and_nothing_is_written(
    client: httpx.AsyncClient, staff: Headers, changes: dict[str, Any], named: list[str]
) -> None:
    existing = await draft()
    before = await opportunities.get(existing)

    created = await client.post(STAFF, json=form(**changes), headers=staff)
    changed = await client.put(f"{STAFF}/{existing}", json=form(**changes), headers=staff)

    assert (created.status_code, fields(created)) == (400, named)
    assert (changed.status_code, fields(changed)) == (400, named)
    assert await rows() == (1, 3, 0)
    assert await opportunities.get(existing) == before


async def test_changing_replaces_details_and_questions(
    client: httpx.AsyncClient, staff: Headers
) -> None:
    opportunity = await draft()
    new_questions = [{"kind": "multiple", "prompt": "Which?", "choices": ["A", "B", "C"]}]

    changed = await client.put(
        f"{STAFF}/{opportunity}", json=form(places=9, questions=new_questions), headers=staff
    )
    unknown = await client.put(f"{STAFF}/{uuid4()}", json=form(), headers=staff)

    assert changed.status_code == 200
    assert (changed.json()["places"], changed.json()["title"]) == (
        9,
        "Mystery shop the housing advice line",
    )
    assert [(q["prompt"], q["choices"]) for q in changed.json()["questions"]] == [
        ("Which?", ["A", "B", "C"])
    ]
    assert await ScreenerQuestion.count() == 1
    assert unknown.status_code == 404
    assert await Opportunity.count() == 1


async def test_moves_through_the_life_of_an_opportunity(
    client: httpx.AsyncClient, staff: Headers
) -> None:
    opportunity = await draft()
    at = f"{STAFF}/{opportunity}"

    steps = [
        await client.post(f"{at}/publish", json={}, headers=staff),
        await client.post(f"{at}/publish", json={}, headers=staff),
        await client.post(f"{at}/close", json={}, headers=staff),
        await client.post(f"{at}/reopen", json={}, headers=staff),
        await client.post(f"{at}/close", json={}, headers=staff),
        await client.post(f"{at}/archive", json={}, headers=staff),
        await client.post(f"{at}/archive", json={"rung_achieved": "top"}, headers=staff),
        await client.post(f"{at}/archive", json={"rung_achieved": "co_design"}, headers=staff),
        await client.put(at, json=form(), headers=staff),
        await client.post(f"{at}/reopen", json={}, headers=staff),
    ]

    assert [r.status_code for r in steps] == [200, 409, 200, 200, 200, 400, 400, 200, 409, 409]
    assert [r.json().get("status") for r in steps if r.status_code == 200] == [
        "published",
        "closed",
        "published",
        "closed",
        "archived",
    ]
    assert fields(steps[5]) == fields(steps[6]) == ["rung_achieved"]
    assert (steps[7].json()["rung_achieved"], steps[7].json()["rung_planned"]) == (
        "co_design",
        "co_production",
    )


async def test_moves_that_cannot_happen(client: httpx.AsyncClient, staff: Headers) -> None:
    stale = await draft()
    past = datetime.now(UTC) - timedelta(hours=1)
    await Opportunity.update({Opportunity.closes_at: past}).where(Opportunity.id == stale)

    out_of_date = await client.post(f"{STAFF}/{stale}/publish", json={}, headers=staff)
    unknown_action = await client.post(f"{STAFF}/{stale}/delete", json={}, headers=staff)
    unknown_id = await client.post(f"{STAFF}/{uuid4()}/publish", json={}, headers=staff)

    assert (out_of_date.status_code, fields(out_of_date)) == (400, ["closes_at"])
    assert unknown_action.status_code == 404
    assert "publish, close, reopen, archive" in unknown_action.json()["detail"]
    assert unknown_id.status_code == 404
    assert (await opportunities.get(stale))["status"] == "draft"


async def test_staff_list_every_opportunity_or_one_status(
    client: httpx.AsyncClient, staff: Headers
) -> None:
    first = await draft()
    second = await published()
    third = await closed()

    every = await client.get(STAFF, headers=staff)
    drafts = await client.get(STAFF, params={"status": "draft"}, headers=staff)
    wrong = await client.get(STAFF, params={"status": "deleted"}, headers=staff)

    assert sorted(o["id"] for o in every.json()["opportunities"]) == sorted(
        str(o) for o in (first, second, third)
    )
    assert {o["id"]: o["open"] for o in every.json()["opportunities"]} == {
        str(first): False,
        str(second): True,
        str(third): False,
    }
    assert [o["id"] for o in drafts.json()["opportunities"]] == [str(first)]
    assert (wrong.status_code, fields(wrong)) == (400, ["status"])


# Coordinators: the review board


async def test_the_board_names_people_unless_blind(
    client: httpx.AsyncClient, sealer: Sealer, staff: Headers
) -> None:
    opportunity = await published()
    planted = [(canary("name-a"), canary("email-a")), (canary("name-b"), canary("email-b"))]
    for name, email in planted:
        await applied(sealer, opportunity, name, f"{email}@example.org")

    named = await client.get(f"{STAFF}/{opportunity}/board", headers=staff)
    await Opportunity.update({Opportunity.blind_review: True}).where(Opportunity.id == opportunity)
    blind = await client.get(f"{STAFF}/{opportunity}/board", headers=staff)

    assert [a["name"] for a in named.json()["applicants"]] == [n for n, _ in planted]
    assert blind.status_code == 200
    assert blind.json()["blind"] is True
    assert [(a["person"], a["name"]) for a in blind.json()["applicants"]] == [(None, None)] * 2
    assert [a["answers"] for a in blind.json()["applicants"]] == [
        a["answers"] for a in named.json()["applicants"]
    ]
    leaked = [value for pair in planted for value in pair if value in blind.text]
    assert leaked == []


async def test_board_changes_move_people_and_email_those_who_chose_email(
    client: httpx.AsyncClient, sealer: Sealer, staff: Headers
) -> None:
    opportunity = await published()
    ada = await applied(sealer, opportunity, "Ada", "ada@example.org")
    bo = await applied(sealer, opportunity, "Bo", "bo@example.org")
    board = f"{STAFF}/{opportunity}/board"

    moved = await client.post(
        board, json={"expressions": [str(ada), str(bo)], "status": "shortlisted"}, headers=staff
    )
    again = await client.post(
        board, json={"expressions": [str(ada)], "status": "shortlisted"}, headers=staff
    )

    assert (moved.status_code, moved.json(), again.json()) == (200, {"moved": 2}, {"moved": 0})
    after = (await client.get(board, headers=staff)).json()["applicants"]
    assert [(a["status"], a["status_label"], a["told"]) for a in after] == [
        ("shortlisted", "Shortlisted", True)
    ] * 2
    assert await OutboxMessage.count() == 2


async def test_bad_board_changes_change_nothing(
    client: httpx.AsyncClient, sealer: Sealer, staff: Headers
) -> None:
    opportunity = await published()
    other = await published(title="Another")
    ada = await applied(sealer, opportunity, "Ada", "ada@example.org")
    elsewhere = await applied(sealer, other, "Cy", "cy@example.org")
    board = f"{STAFF}/{opportunity}/board"

    cases = [
        ({"expressions": [str(ada)], "status": "rejected"}, 400, ["status"]),
        ({"expressions": [], "status": "selected"}, 400, ["expressions"]),
        ({"expressions": ["not-an-id"], "status": "selected"}, 400, ["expressions"]),
        ({"expressions": [str(ada), str(elsewhere)], "status": "selected"}, 404, []),
    ]
    answers = [await client.post(board, json=body, headers=staff) for body, _, _ in cases]
    unknown = await client.post(
        f"{STAFF}/{uuid4()}/board",
        json={"expressions": [str(ada)], "status": "selected"},
        headers=staff,
    )

    assert [(r.status_code, fields(r)) for r in answers] == [(s, f) for _, s, f in cases]
    assert unknown.status_code == 404
    assert (await client.get(f"{STAFF}/{uuid4()}/board", headers=staff)).status_code == 404
    statuses = await Expression.select(Expression.status)
    assert statuses == [{"status": "received"}] * 2
    assert await OutboxMessage.count() == 0


# Coordinators: interest on someone's behalf


async def test_interest_on_someones_behalf_is_recorded_as_assisted(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    account = await make_account(running_app, "staff", (Role.coordinator,))
    token = await tokens.create(
        running_app.state.secret_key, account, "script", (Role.coordinator,), 30, audit.SYSTEM
    )
    staff = {"authorization": f"Bearer {token}"}
    opportunity = await published()
    person = await add_person(sealer, "Dee", email=None, phone="07700 900123", route="phone")
    body = {"person": str(person), "answers": await good_answers(opportunity), "channel": "phone"}

    first = await client.post(f"{STAFF}/{opportunity}/interest", json=body, headers=staff)
    again = await client.post(f"{STAFF}/{opportunity}/interest", json=body, headers=staff)

    assert first.status_code == 201
    assert first.headers["location"] == f"{STAFF}/{opportunity}/board"
    assert (again.status_code, again.json()) == (200, first.json())
    saved = await Expression.select(
        Expression.id, Expression.subject, Expression.channel, Expression.assisted_by
    )
    assert saved == [
        {
            "id": UUID(first.json()["id"]),
            "subject": person,
            "channel": "phone",
            "assisted_by": account,
        }
    ]


async def test_bad_interest_on_someones_behalf_writes_nothing(
    client: httpx.AsyncClient, sealer: Sealer, staff: Headers
) -> None:
    opportunity = await published()
    person = str(await add_person(sealer, "Dee"))
    answers = await good_answers(opportunity)
    why = next(iter(answers))
    ok = {"person": person, "answers": answers, "channel": "paper"}

    cases = [
        (opportunity, {**ok, "channel": "carrier_pigeon"}, 400, ["channel"]),
        (opportunity, {"answers": answers, "channel": "paper"}, 400, ["person"]),
        (opportunity, {**ok, "answers": {**answers, why: 7}}, 400, [f"answers.{why}"]),
        (opportunity, {**ok, "person": str(uuid4())}, 404, []),
        (uuid4(), ok, 404, []),
        (await closed(), ok, 409, []),
    ]
    answered = [
        await client.post(f"{STAFF}/{o}/interest", json=body, headers=staff)
        for o, body, _, _ in cases
    ]

    assert [(r.status_code, fields(r)) for r in answered] == [(s, f) for _, _, s, f in cases]
    assert await Expression.count() == 0


STAFF_CALLS = [
    ("GET", ""),
    ("POST", ""),
    ("GET", "/{id}"),
    ("PUT", "/{id}"),
    ("POST", "/{id}/publish"),
    ("GET", "/{id}/board"),
    ("POST", "/{id}/board"),
    ("POST", "/{id}/interest"),
]


@pytest.mark.parametrize("role", [Role.organiser, Role.finance])
async def test_organisers_and_finance_cannot_recruit(
    running_app: Litestar, client: httpx.AsyncClient, role: Role
) -> None:
    headers = await coordinator_token(running_app, role)
    opportunity = await draft()
    body = form()

    answers = [
        await client.request(
            method, STAFF + path.format(id=opportunity), json=body, headers=headers
        )
        for method, path in STAFF_CALLS
    ]

    assert [r.status_code for r in answers] == [403] * len(STAFF_CALLS)
    assert await rows() == (1, 3, 0)
    assert (await opportunities.get(opportunity))["status"] == "draft"


async def test_the_openapi_document_describes_every_recruitment_route(
    client: httpx.AsyncClient,
) -> None:
    paths = (await client.get("/schema/openapi.json")).json()["paths"]

    described = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, operations in paths.items()
        for method, operation in operations.items()
        if path.startswith((OPEN, STAFF, MINE))
        and operation.get("summary")
        and operation.get("description")
    }

    assert described == {
        ("GET", "/opportunities"),
        ("GET", "/opportunities/{opportunity}"),
        ("POST", "/opportunities/{opportunity}/interest"),
        ("GET", "/me/interest"),
        ("POST", "/me/interest/{expression}/withdraw"),
        ("GET", "/staff/opportunities"),
        ("POST", "/staff/opportunities"),
        ("GET", "/staff/opportunities/{opportunity}"),
        ("PUT", "/staff/opportunities/{opportunity}"),
        ("POST", "/staff/opportunities/{opportunity}/{action}"),
        ("GET", "/staff/opportunities/{opportunity}/board"),
        ("POST", "/staff/opportunities/{opportunity}/board"),
        ("POST", "/staff/opportunities/{opportunity}/interest"),
    }
    interest = paths[f"{OPEN}/{{opportunity}}/interest"]["post"]
    assert set(interest["responses"]) == {"200", "201", "400", "401", "403", "404", "409"}
