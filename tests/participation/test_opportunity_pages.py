"""Coordinators' opportunity pages: the form (with its question slots), the list by status, and
the buttons that publish, close, reopen and archive.

Driven through HTTP as a browser would; a refused form names the field and writes nothing.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import httpx
import pytest
from litestar import Litestar

from app.datamap import Role
from participation.services import opportunities
from participation.tables import Opportunity, ScreenerQuestion
from tests.participation.recruiting import published
from tests.support.auth import csrf_headers, make_account, sign_in

LONDON = ZoneInfo("Europe/London")
CLOSES = date.today() + timedelta(days=30)


@pytest.fixture
async def coordinator(running_app: Litestar, client: httpx.AsyncClient) -> UUID:
    account = await make_account(running_app, "staff", (Role.coordinator,))
    await sign_in(running_app, client, account)
    return account


async def send(client: httpx.AsyncClient, url: str, data: dict[str, Any]) -> httpx.Response:
    return await client.post(url, data=data, headers=await csrf_headers(client))


def valid_form(**changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "title": "Choose the new housing support provider",
        "description": "Read three bids and score them with us.",
        "easy_read": "",
        "stage": "3",
        "activity": "evaluation_panels",
        "rung_planned": "co_design",
        "lived_experience_sought": ["homelessness"],
        "formats": ["in_person", "online"],
        "group_sizes": ["group"],
        "starts_on-day": "",
        "starts_on-month": "",
        "starts_on-year": "",
        "ends_on-day": "",
        "ends_on-month": "",
        "ends_on-year": "",
        "time_commitment": "Two afternoons",
        "payment_offer": "£25 an hour",
        "access_offer": "Step-free venue",
        "closes_at-day": str(CLOSES.day),
        "closes_at-month": str(CLOSES.month),
        "closes_at-year": str(CLOSES.year),
        "closes_at-time": "17:00",
        "places": "6",
        "blind_review": "yes",
        "q1-kind": "single",
        "q1-prompt": "Have you used this service?",
        "q1-choices": "Yes\nNo\n",
        "q1-required": "yes",
        "q2-kind": "text",
        "q2-prompt": "",
        "q2-choices": "",
    }
    return form | changes


def summary_links(response: httpx.Response) -> list[str]:
    summary = response.text.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="#([^"]+)">', summary)


async def rows() -> tuple[int, int]:
    return await Opportunity.count(), await ScreenerQuestion.count()


async def test_a_coordinator_creates_a_draft_with_its_questions(
    client: httpx.AsyncClient, coordinator: UUID
) -> None:
    made = await send(client, "/opportunities/new", valid_form())

    assert made.status_code == 303
    opportunity = UUID(made.headers["location"].split("/")[2].split("?")[0])
    assert made.headers["location"] == f"/opportunities/{opportunity}?saved=created"
    row = await opportunities.get(opportunity)
    assert (row["status"], row["stage"], row["activity"], row["rung_planned"]) == (
        "draft",
        3,
        "evaluation_panels",
        "co_design",
    )
    assert (row["formats"], row["group_sizes"], row["places"]) == (
        ["in_person", "online"],
        ["group"],
        6,
    )
    assert row["blind_review"] is True
    assert row["closes_at"] == datetime(CLOSES.year, CLOSES.month, CLOSES.day, 17, tzinfo=LONDON)
    assert [(q["kind"], q["prompt"], q["choices"], q["required"]) for q in row["questions"]] == [
        ("single", "Have you used this service?", ["Yes", "No"], True)
    ]
    shown = await client.get(made.headers["location"])
    assert "The opportunity has been saved as a draft" in shown.text
    assert "Yes: names are hidden on the board" in shown.text
    assert ">Publish</button>" in shown.text
    assert ">Close</button>" not in shown.text


async def test_editing_shows_what_is_stored_and_replaces_it(
    client: httpx.AsyncClient, coordinator: UUID
) -> None:
    opportunity = await published()
    form = await client.get(f"/opportunities/{opportunity}/edit")
    assert form.status_code == 200
    assert 'value="Why do you want to take part?"' in form.text
    assert "Mon\nTue\nWed</textarea>" in form.text

    saved = await send(
        client,
        f"/opportunities/{opportunity}/edit",
        valid_form(title="A new title", blind_review="no"),
    )

    assert saved.headers["location"] == f"/opportunities/{opportunity}?saved=saved"
    row = await opportunities.get(opportunity)
    assert (row["title"], row["blind_review"], len(row["questions"])) == ("A new title", False, 1)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"closes_at-year": str(date.today().year - 1)},
            "closes_at-day",
            "Enter a closing date and time in the future",
        ),
        ({"title": "x" * 151}, "title", "Enter a title in 150 characters or fewer"),
        ({"activity": "juggling"}, "activity", "Select what people will do"),
        ({"stage": "9"}, "stage", "Select the commissioning stage, from 1 to 5"),
        ({"formats": ["carrier_pigeon"]}, "formats", "Select in person, online or by phone"),
        (
            {"lived_experience_sought": ["no_such_code"]},
            "lived_experience_sought",
            "Select from the list, or leave them all unticked",
        ),
        (
            {"q1-choices": "Only one"},
            "q1-choices",
            "Question 1: Give between 2 and 12 choices, each in 100 characters or fewer",
        ),
        (
            {"q2-kind": "sometimes", "q2-prompt": "Anything else?"},
            "q2-kind",
            "Question 2: Select the kind of answer: written, choose one or choose any",
        ),
        ({"blind_review": ""}, "blind_review", "Select whether to hide applicants' names"),
    ],
)
async def test_bad_input_names_the_field_and_writes_nothing(
    client: httpx.AsyncClient, coordinator: UUID, changes: dict[str, Any], field: str, message: str
) -> None:
    refused = await send(client, "/opportunities/new", valid_form(**changes))

    assert refused.status_code == 400
    assert summary_links(refused) == [field]
    assert message in html.unescape(refused.text)
    assert await rows() == (0, 0)


async def test_every_problem_is_listed_at_once(
    client: httpx.AsyncClient, coordinator: UUID
) -> None:
    refused = await send(
        client,
        "/opportunities/new",
        valid_form(title="", **{"closes_at-day": "31", "closes_at-month": "2", "q1-choices": ""}),
    )

    assert refused.status_code == 400
    assert summary_links(refused) == ["title", "closes_at-day", "q1-choices"]
    assert await rows() == (0, 0)


async def test_the_list_groups_by_status_with_counts_and_filters(
    client: httpx.AsyncClient, coordinator: UUID
) -> None:
    await published(title="An open one")
    await send(client, "/opportunities/new", valid_form(title="A draft one"))

    everything = await client.get("/opportunities")
    drafts = await client.get("/opportunities?status=draft")
    nonsense = await client.get("/opportunities?status=nonsense")

    assert everything.status_code == 200
    assert "Draft (1)" in everything.text
    assert "Open (1)" in everything.text
    assert "An open one" in everything.text
    assert "A draft one" in everything.text
    assert "A draft one" in drafts.text
    assert "An open one" not in drafts.text
    assert "Open (" not in drafts.text
    assert "Open (1)" in nonsense.text


async def test_publish_close_reopen_and_archive_with_the_rung(
    client: httpx.AsyncClient, coordinator: UUID
) -> None:
    made = await send(client, "/opportunities/new", valid_form())
    opportunity = made.headers["location"].split("?")[0]

    async def move(action: str, **extra: str) -> httpx.Response:
        return await send(client, f"{opportunity}/move", {"action": action, **extra})

    assert (await move("publish")).headers["location"] == f"{opportunity}?saved=publish"
    again = await move("publish")
    assert again.status_code == 409
    assert "This opportunity is open." in again.text
    assert (await move("close")).status_code == 303
    assert (await move("reopen")).status_code == 303
    assert (await move("close")).status_code == 303

    no_rung = await move("archive")
    assert no_rung.status_code == 400
    assert summary_links(no_rung) == ["rung_achieved"]
    assert (await Opportunity.select(Opportunity.status).first()) == {"status": "closed"}

    assert (await move("archive", rung_achieved="co_design")).status_code == 303
    row = await Opportunity.select(Opportunity.status, Opportunity.rung_achieved).first()
    assert row == {"status": "archived", "rung_achieved": "co_design"}


async def test_publishing_after_the_closing_date_names_the_closing_date(
    client: httpx.AsyncClient, coordinator: UUID
) -> None:
    made = await send(client, "/opportunities/new", valid_form())
    opportunity = UUID(made.headers["location"].split("/")[2].split("?")[0])
    await Opportunity.update({Opportunity.closes_at: datetime.now(UTC) - timedelta(hours=1)}).where(
        Opportunity.id == opportunity
    )

    refused = await send(client, f"/opportunities/{opportunity}/move", {"action": "publish"})

    assert refused.status_code == 400
    assert "Change the closing date to one in the future before publishing" in refused.text
    assert (await Opportunity.select(Opportunity.status).first()) == {"status": "draft"}


@pytest.mark.parametrize("persona", ["organiser", "finance", "participant"])
async def test_other_people_are_refused(
    running_app: Litestar, client: httpx.AsyncClient, persona: str
) -> None:
    opportunity = await published()
    if persona == "participant":
        account = await make_account(running_app, "participant", ())
    else:
        account = await make_account(running_app, "staff", (getattr(Role, persona),))
    await sign_in(running_app, client, account)

    for url in ("/opportunities", "/opportunities/new", f"/opportunities/{opportunity}"):
        assert (await client.get(url)).status_code == 403
    created = await send(client, "/opportunities/new", valid_form())
    assert created.status_code == 403
    assert await Opportunity.count() == 1


async def test_a_past_closing_date_is_listed_with_other_problems(
    client: httpx.AsyncClient, coordinator: UUID
) -> None:
    past = str(date.today().year - 1)
    refused = await send(
        client,
        "/opportunities/new",
        valid_form(
            title="",
            **{
                "closes_at-year": past,
                "ends_on-day": "1",
                "ends_on-month": "1",
                "ends_on-year": "2030",
                "starts_on-day": "2",
                "starts_on-month": "1",
                "starts_on-year": "2030",
            },
        ),
    )

    assert refused.status_code == 400
    assert summary_links(refused) == ["title", "ends_on-day", "closes_at-day"]
    assert await rows() == (0, 0)
