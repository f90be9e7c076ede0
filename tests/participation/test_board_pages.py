"""The review board pages: bulk moves, marking people told, notes, a blind board, and adding
someone's interest for them. Driven through HTTP; refusals name the field and write nothing."""

from __future__ import annotations

import html
import re
from typing import Any
from uuid import UUID

import httpx
import pytest
from litestar import Litestar

from app import audit
from app.datamap import Role
from app.sealed import Sealer
from app.tables import OutboxMessage
from participation.schemas.recruitment import Interest
from participation.services import expressions, opportunities, selection
from participation.tables import Expression, Opportunity
from tests.participation.conftest import add_person
from tests.participation.recruiting import published
from tests.support.auth import csrf_headers, make_account, sign_in
from tests.support.canaries import canary


@pytest.fixture
async def coordinator(running_app: Litestar, client: httpx.AsyncClient) -> UUID:
    account = await make_account(running_app, "staff", (Role.coordinator,))
    await sign_in(running_app, client, account)
    return account


async def send(client: httpx.AsyncClient, url: str, data: dict[str, Any]) -> httpx.Response:
    return await client.post(url, data=data, headers=await csrf_headers(client))


def summary_links(response: httpx.Response) -> list[str]:
    summary = response.text.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="#([^"]+)">', summary)


async def applied(sealer: Sealer, opportunity: UUID, name: str, **contact: Any) -> UUID:
    """Someone who expressed interest themselves; returns their EOI's id."""
    subject = await add_person(sealer, name, **contact)
    first = (await opportunities.questions_of(opportunity))[0]
    expression, _ = await expressions.express(
        sealer,
        opportunity,
        subject,
        Interest(answers={str(first["id"]): "Because I know the service"}),
        audit.Actor(id=str(subject), role="participant"),
    )
    return expression


async def statuses() -> dict[UUID, str]:
    return {
        row["id"]: row["status"]
        for row in await Expression.select(Expression.id, Expression.status)
    }


async def test_the_board_shows_names_answers_and_who_needs_telling(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer
) -> None:
    opportunity = await published()
    await applied(sealer, opportunity, "Ada Lovelace", email="ada@example.org")

    board = await client.get(f"/opportunities/{opportunity}/board")

    assert board.status_code == 200
    assert "Ada Lovelace" in board.text
    assert "Why do you want to take part?" in board.text
    assert "Because I know the service" in board.text
    assert "Received" in board.text
    assert "Not told yet" not in board.text


async def test_the_bulk_move_moves_exactly_the_chosen_and_emails_only_email_people(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer
) -> None:
    opportunity = await published()
    ada = await applied(sealer, opportunity, "Ada", email="ada@example.org")
    bo = await applied(sealer, opportunity, "Bo", email=None, phone="07700 900401", route="phone")
    cy = await applied(sealer, opportunity, "Cy", email="cy@example.org")

    moved = await send(
        client,
        f"/opportunities/{opportunity}/board",
        {"expressions": [str(ada), str(bo)], "status": "shortlisted"},
    )

    assert moved.status_code == 303
    assert moved.headers["location"] == f"/opportunities/{opportunity}/board?saved=moved"
    assert await statuses() == {ada: "shortlisted", bo: "shortlisted", cy: "received"}
    owners = [row["owner"] for row in await OutboxMessage.select(OutboxMessage.owner)]
    ada_subject = await Expression.select(Expression.subject).where(Expression.id == ada).first()
    assert ada_subject is not None
    assert owners == [ada_subject["subject"]]
    board = await client.get(moved.headers["location"])
    assert "The people you chose have been moved" in board.text
    assert board.text.count("Not told yet (Phone call)") == 1

    told = await send(client, f"/opportunities/{opportunity}/board/{bo}/told", {})
    assert told.headers["location"] == f"/opportunities/{opportunity}/board?saved=told"
    assert "Not told yet" not in (await client.get(told.headers["location"])).text

    shortlisted = await client.get(f"/opportunities/{opportunity}/board?status=shortlisted")
    assert "Ada" in shortlisted.text
    assert "Bo" in shortlisted.text
    assert ">Cy</label>" not in shortlisted.text


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "shortlisted"}, "expressions"),
        ({"status": "withdrawn", "expressions": "CHOSEN"}, "status"),
        ({"status": "promoted", "expressions": "CHOSEN"}, "status"),
        ({"expressions": "CHOSEN"}, "status"),
    ],
)
async def test_a_bad_bulk_move_names_the_field_and_moves_nobody(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer, data: dict[str, Any], field: str
) -> None:
    opportunity = await published()
    ada = await applied(sealer, opportunity, "Ada", email="ada@example.org")
    if data.get("expressions") == "CHOSEN":
        data = data | {"expressions": [str(ada)]}

    refused = await send(client, f"/opportunities/{opportunity}/board", data)

    assert refused.status_code == 400
    assert summary_links(refused) == [f"expression-{ada}" if field == "expressions" else field]
    assert await statuses() == {ada: "received"}
    assert await OutboxMessage.count() == 0


async def test_a_note_is_sealed_shown_and_limited(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer
) -> None:
    opportunity = await published()
    ada = await applied(sealer, opportunity, "Ada", email="ada@example.org")
    note = canary("note")

    saved = await send(client, f"/opportunities/{opportunity}/board/{ada}/note", {"note": note})
    too_long = await send(
        client, f"/opportunities/{opportunity}/board/{ada}/note", {"note": "x" * 1001}
    )

    assert saved.headers["location"] == f"/opportunities/{opportunity}/board?saved=note"
    stored = await Expression.select(Expression.notes).first()
    assert stored is not None
    assert note.encode() not in bytes(stored["notes"])
    assert (await selection.notes_of(sealer, opportunity))[ada].reveal() == note
    assert too_long.status_code == 400
    assert summary_links(too_long) == [f"note-{ada}"]
    assert "Write the note in 1,000 characters or fewer" in too_long.text
    assert (await selection.notes_of(sealer, opportunity))[ada].reveal() == note
    assert note in (await client.get(f"/opportunities/{opportunity}/board")).text


async def test_a_blind_board_has_no_name_email_or_phone(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer
) -> None:
    opportunity = await published()
    await Opportunity.update({Opportunity.blind_review: True}).where(Opportunity.id == opportunity)
    name, email = canary("name"), f"{canary('mail')}@example.org"
    await applied(sealer, opportunity, name, email=email)
    await applied(
        sealer, opportunity, canary("other"), email=None, phone="07700 900123", route="phone"
    )

    board = await client.get(f"/opportunities/{opportunity}/board")

    assert board.status_code == 200
    assert ">Applicant 1</label>" in board.text
    assert ">Applicant 2</label>" in board.text
    for secret in (name, email, "canary-other", "07700", "900123"):
        assert secret not in board.text


async def test_a_coordinator_adds_someones_interest_for_them(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer
) -> None:
    opportunity = await published()
    subject = await add_person(
        sealer, "Rosa Okafor", email=None, phone="07700 900982", route="phone"
    )
    questions = await opportunities.questions_of(opportunity)
    text, single, multiple = (f"answers.{q['id']}" for q in questions)

    found = await send(
        client, f"/opportunities/{opportunity}/board/add/search", {"query": "07700900982"}
    )
    assert found.status_code == 200
    assert f'value="{subject}"' in found.text
    assert "Rosa Okafor" in found.text

    missing = await send(
        client,
        f"/opportunities/{opportunity}/board/add",
        {"person": str(subject), "channel": "phone", single: "Maybe"},
    )
    assert missing.status_code == 400
    assert summary_links(missing) == [text, single]
    assert await Expression.count() == 0

    added = await send(
        client,
        f"/opportunities/{opportunity}/board/add",
        {"person": str(subject), "channel": "phone", text: "I use it", multiple: ["Mon", "Wed"]},
    )

    assert added.headers["location"] == f"/opportunities/{opportunity}/board?saved=added"
    row = await Expression.select(
        Expression.subject, Expression.channel, Expression.assisted_by
    ).first()
    assert row == {"subject": subject, "channel": "phone", "assisted_by": coordinator}
    board = html.unescape((await client.get(added.headers["location"])).text)
    assert "Their interest has been recorded" in board
    assert "Mon, Wed" in board


async def test_adding_interest_needs_a_person_and_a_channel(
    client: httpx.AsyncClient, coordinator: UUID
) -> None:
    opportunity = await published(questions=[])

    empty_search = await send(
        client, f"/opportunities/{opportunity}/board/add/search", {"query": ""}
    )
    refused = await send(client, f"/opportunities/{opportunity}/board/add", {"channel": "pigeon"})

    assert empty_search.status_code == 400
    assert summary_links(empty_search) == ["query"]
    assert refused.status_code == 400
    assert summary_links(refused) == ["person", "channel"]
    assert await Expression.count() == 0


@pytest.mark.parametrize("persona", ["organiser", "finance", "participant"])
async def test_other_people_are_refused(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer, persona: str
) -> None:
    opportunity = await published()
    ada = await applied(sealer, opportunity, "Ada", email="ada@example.org")
    if persona == "participant":
        account = await make_account(running_app, "participant", ())
    else:
        account = await make_account(running_app, "staff", (getattr(Role, persona),))
    await sign_in(running_app, client, account)

    assert (await client.get(f"/opportunities/{opportunity}/board")).status_code == 403
    assert (await client.get(f"/opportunities/{opportunity}/board/add")).status_code == 403
    moved = await send(
        client,
        f"/opportunities/{opportunity}/board",
        {"expressions": [str(ada)], "status": "selected"},
    )
    assert moved.status_code == 403
    assert await statuses() == {ada: "received"}
