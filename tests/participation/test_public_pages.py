"""The public opportunity pages, expressing interest (new or signed in), and "your interest"."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from litestar import Litestar

from app import audit
from app.auth.flow import ATTEMPT_COOKIE
from app.datamap import Role
from app.sealed import Sealer
from app.tables import Account, OutboxMessage
from participation.pages.public import closing
from participation.schemas.recruitment import Interest
from participation.services import expressions, opportunities
from participation.tables import Expression, Opportunity, Participant
from tests.participation.conftest import COORDINATOR, add_person
from tests.participation.recruiting import opportunity_form, published
from tests.support.auth import form_token, make_account, sign_in

TITLE = "Help us choose the new housing support provider"


def text_of(response: httpx.Response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def summary_links(response: httpx.Response) -> dict[str, str]:
    """The error summary's links: target id -> message."""
    box = response.text.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return {
        target: html.unescape(message)
        for target, message in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', box)
    }


async def questions(opportunity: UUID) -> tuple[str, str, str]:
    """Input names of the three screener questions: written, choose one, choose any."""
    rows = await opportunities.questions_of(opportunity)
    first, second, third = (f"answers.{row['id']}" for row in rows)
    return first, second, third


async def good_answers(opportunity: UUID) -> dict[str, Any]:
    why, used, days = await questions(opportunity)
    return {why: "I slept rough for a year.", used: "0", days: ["0", "2"]}


NEW_PERSON = {
    "preferred_name": "Kofi",
    "preferred_route": "email",
    "email": "kofi@example.org",
    "safe_contact": "no",
    "consents": ["register", "contact"],
}


async def send(
    client: httpx.AsyncClient, opportunity: UUID, data: dict[str, Any]
) -> httpx.Response:
    token = form_token((await client.get(f"/take-part/{opportunity}/interest")).text)
    return await client.post(
        f"/take-part/{opportunity}/interest", data={"_csrf_token": token, **data}
    )


async def counts() -> tuple[int, int]:
    return await Participant.count(), await Expression.count()


async def closed_by_date(**changes: Any) -> UUID:
    opportunity = await published(**changes)
    await Opportunity.update(
        {Opportunity.closes_at: datetime.now(UTC) - timedelta(minutes=1)}
    ).where(Opportunity.id == opportunity)
    return opportunity


@pytest.fixture
async def participant(running_app: Litestar, client: httpx.AsyncClient, db: Any) -> UUID:
    account = await make_account(
        running_app, "participant", (Role.participant,), email="robin@example.org"
    )
    await sign_in(running_app, client, account)
    return account


# Closing dates, in London time ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (datetime(2026, 12, 3, 17, 0, tzinfo=UTC), "3 December at 5pm"),
        (datetime(2026, 6, 3, 16, 30, tzinfo=UTC), "3 June at 5:30pm"),  # BST
        (datetime(2026, 6, 3, 11, 0, tzinfo=UTC), "3 June at midday"),
        (datetime(2026, 1, 9, 9, 5, tzinfo=UTC), "9 January at 9:05am"),
        (datetime(2027, 1, 9, 0, 0, tzinfo=UTC), "9 January 2027 at midnight"),
    ],
)
def test_closing_dates_read_as_people_say_them(moment: datetime, words: str) -> None:
    assert closing(moment, today=date(2026, 3, 1)) == words


# The listing and one page each ---------------------------------------------------------------


async def test_the_listing_shows_only_open_opportunities(client: httpx.AsyncClient) -> None:
    await published(title="Open: score the bids", access_offer="Step-free venue and a quiet room")
    await opportunities.save(opportunity_form(title="Draft: not yet"), COORDINATOR)
    await closed_by_date(title="Closed: date passed")
    archived = await published(title="Archived: long gone")
    for action in ("close", "archive"):
        await opportunities.move(archived, action, COORDINATOR, rung="co_design")

    response = await client.get("/take-part")

    assert response.status_code == 200
    titles = re.findall(
        r'govuk-summary-card__title"><a class="govuk-link" href="[^"]+">([^<]+)<', response.text
    )
    assert titles == ["Open: score the bids"]
    words = text_of(response)
    assert "What is paid £25 an hour, or a voucher, or nothing if you prefer" in words
    assert "Help to take part Step-free venue and a quiet room" in words
    assert "What you will do Evaluation panels, scoring providers' bids" in words
    assert "How In person" in words
    assert "Closing date Closes on " in words


async def test_nothing_open_says_so_kindly(client: httpx.AsyncClient) -> None:
    response = await client.get("/take-part")

    assert response.status_code == 200
    assert "There is nothing open right now" in text_of(response)


async def test_an_opportunity_page_puts_pay_and_access_first(client: httpx.AsyncClient) -> None:
    opportunity = await published(
        easy_read="We want your help.\n\nYou will be paid.", access_offer="We pay for taxis"
    )

    response = await client.get(f"/take-part/{opportunity}")

    words = text_of(response)
    assert response.status_code == 200
    assert words.index("What is paid £25 an hour") < words.index("What it is about")
    assert words.index("Help to take part We pay for taxis") < words.index("What it is about")
    assert "Read this in Easy Read We want your help. You will be paid." in words
    assert "We especially want to hear from people with experience of: Homelessness" in words
    assert f'href="/take-part/{opportunity}/interest"' in response.text


async def test_drafts_are_not_found_and_closed_ones_say_so(client: httpx.AsyncClient) -> None:
    draft = await opportunities.save(opportunity_form(), COORDINATOR)
    closed = await closed_by_date()

    for path in (f"/take-part/{draft}", f"/take-part/{uuid4()}", f"/take-part/{draft}/interest"):
        assert (await client.get(path)).status_code == 404
    for path in (f"/take-part/{closed}", f"/take-part/{closed}/interest"):
        response = await client.get(path)
        assert response.status_code == 410
        assert "This opportunity has closed" in text_of(response)


# Someone new ---------------------------------------------------------------------------------


async def test_someone_new_expresses_interest_and_is_sent_a_sign_in_link(
    client: httpx.AsyncClient, sealer: Sealer
) -> None:
    opportunity = await published()

    response = await send(client, opportunity, await good_answers(opportunity) | NEW_PERSON)

    assert response.status_code == 303
    assert response.headers["location"] == f"/take-part/{opportunity}/interest/done?sent=emailed"
    assert await counts() == (1, 1)
    eoi = await Expression.select().first()
    assert eoi is not None
    assert (eoi["channel"], eoi["assisted_by"]) == ("web", None)
    assert await Account.exists().where(Account.id == eoi["subject"])
    assert await OutboxMessage.count().where(OutboxMessage.owner == eoi["subject"]) == 1
    assert ATTEMPT_COOKIE in response.cookies
    stored = await opportunities.questions_of(opportunity)
    kept = await sealer.open(Expression, eoi, ("answers",))
    assert kept["answers"] is not None
    assert f'"{stored[1]["id"]}": "Yes"' in kept["answers"].reveal()
    done = await client.get(response.headers["location"])
    assert "We have your interest" in text_of(done)
    assert "Check your email" in text_of(done)


async def test_someone_new_without_email_gets_no_account(client: httpx.AsyncClient) -> None:
    opportunity = await published()
    person = NEW_PERSON | {"email": "", "phone": "07700 900982", "preferred_route": "sms"}

    response = await send(client, opportunity, await good_answers(opportunity) | person)

    assert response.headers["location"].endswith("/interest/done?sent=saved")
    assert await counts() == (1, 1)
    assert (await Account.count(), await OutboxMessage.count()) == (0, 0)


async def test_the_consents_are_not_ticked_for_them(client: httpx.AsyncClient) -> None:
    opportunity = await published()

    response = await client.get(f"/take-part/{opportunity}/interest")

    assert " checked" not in response.text
    assert "We keep your profile so we can invite you to help shape services." in response.text


async def _bad(opportunity: UUID, case: str) -> tuple[dict[str, Any], str, str]:
    """A posted form with one thing wrong, the field it is about and the message."""
    why, used, days = await questions(opportunity)
    good = await good_answers(opportunity) | NEW_PERSON
    cases: dict[str, tuple[dict[str, Any], str, str]] = {
        "two answers to a one-answer question": (
            {used: ["0", "1"]},
            used,
            "Give one answer to: Have you used this service?",
        ),
        "a required answer missing": (
            {why: ""},
            why,
            "Answer the question: Why do you want to take part?",
        ),
        "over-long text": (
            {why: "x" * 2001},
            why,
            "Answer in 2,000 characters or fewer: Why do you want to take part?",
        ),
        "an unknown choice": (
            {used: "7"},
            used,
            "Choose from the list for: Have you used this service?",
        ),
        "an unknown tick": (
            {days: ["0", "9"]},
            days,
            "Choose from the list for: Which days suit you?",
        ),
        "no name": (
            {"preferred_name": ""},
            "preferred_name",
            "Enter the name you want us to call you, in 80 characters or fewer",
        ),
        "a bad email": (
            {"email": "kofi-at-example"},
            "email",
            "Enter an email address in the right format, like name@example.com",
        ),
        "a phone that is not UK": (
            {"phone": "+1 202 555 0143"},
            "phone",
            "Enter a UK phone number, like 07700 900 982 or 01632 960 001",
        ),
        "no register consent": (
            {"consents": ["contact"]},
            "consents",
            "Agree to us keeping your details, so we can tell you what happens next",
        ),
    }
    change, field, message = cases[case]
    return good | change, field, message


@pytest.mark.parametrize(
    "case",
    [
        "two answers to a one-answer question",
        "a required answer missing",
        "over-long text",
        "an unknown choice",
        "an unknown tick",
        "no name",
        "a bad email",
        "a phone that is not UK",
        "no register consent",
    ],
)
async def test_bad_input_is_refused_and_nothing_is_written(
    client: httpx.AsyncClient, case: str
) -> None:
    opportunity = await published()
    data, field, message = await _bad(opportunity, case)

    response = await send(client, opportunity, data)

    assert response.status_code == 400
    assert summary_links(response) == {field: message}
    assert await counts() == (0, 0)
    assert await Account.count() == 0


async def test_every_problem_is_listed_at_once(client: httpx.AsyncClient) -> None:
    opportunity = await published()
    why, _, _ = await questions(opportunity)

    response = await send(client, opportunity, {"_unused": ""})

    assert response.status_code == 400
    assert list(summary_links(response)) == [
        why,
        "preferred_name",
        "preferred_route",
        "safe_contact",
        "consents",
    ]
    assert await counts() == (0, 0)


async def test_interest_after_closing_is_refused_kindly(client: httpx.AsyncClient) -> None:
    opportunity = await published()
    token = form_token((await client.get(f"/take-part/{opportunity}/interest")).text)
    await Opportunity.update(
        {Opportunity.closes_at: datetime.now(UTC) - timedelta(minutes=1)}
    ).where(Opportunity.id == opportunity)
    data = await good_answers(opportunity) | NEW_PERSON

    response = await client.post(
        f"/take-part/{opportunity}/interest", data={"_csrf_token": token, **data}
    )

    assert response.status_code == 410
    assert "We have not kept the answers you sent" in text_of(response)
    assert await counts() == (0, 0)


@pytest.mark.parametrize("already", ["profile", "account"])
async def test_someone_already_registered_sees_what_anyone_sees_and_gets_a_sign_in_email(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer, already: str
) -> None:
    """The answer must not tell a visitor whether an email is registered (an abuser checking
    on someone); the real owner of the address gets a sign-in link and continues from there."""
    opportunity = await published()
    if already == "profile":
        await add_person(sealer, email=NEW_PERSON["email"])
    else:
        await make_account(
            running_app, "participant", (Role.participant,), email="KOFI@example.org"
        )
    before = await counts()

    response = await send(client, opportunity, await good_answers(opportunity) | NEW_PERSON)

    assert response.status_code == 303
    assert response.headers["location"] == f"/take-part/{opportunity}/interest/done?sent=emailed"
    assert await counts() == before
    assert await Account.count() == 1
    assert await OutboxMessage.count() == 1


# Signed in -----------------------------------------------------------------------------------


async def test_a_participant_answers_only_the_questions(
    client: httpx.AsyncClient, participant: UUID
) -> None:
    opportunity = await published()

    form = await client.get(f"/take-part/{opportunity}/interest")
    first = await send(client, opportunity, await good_answers(opportunity))
    again = await send(client, opportunity, await good_answers(opportunity))

    words = text_of(form)
    assert "We will use your profile Name Test participant How we contact you Email" in words
    assert 'name="preferred_name"' not in form.text
    assert first.headers["location"].endswith("/interest/done?sent=saved")
    assert again.headers["location"].endswith("/interest/done?sent=already")
    assert await Expression.count() == 1
    eoi = await Expression.select().first()
    assert eoi is not None
    assert eoi["subject"] == participant
    done = await client.get(again.headers["location"])
    assert "We already have your interest" in text_of(done)
    assert "You have already told us you are interested" in text_of(
        await client.get(f"/take-part/{opportunity}/interest")
    )


async def test_a_participant_with_a_wrong_answer_sees_it(
    client: httpx.AsyncClient, participant: UUID
) -> None:
    opportunity = await published()
    why, _, _ = await questions(opportunity)

    response = await send(client, opportunity, await good_answers(opportunity) | {why: ""})

    assert response.status_code == 400
    assert summary_links(response) == {why: "Answer the question: Why do you want to take part?"}
    assert await Expression.count() == 0


async def test_staff_are_sent_to_the_review_board(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    opportunity = await published()
    staff = await make_account(running_app, "staff", (Role.coordinator,))
    await sign_in(running_app, client, staff)

    form = await client.get(f"/take-part/{opportunity}/interest")
    response = await send(client, opportunity, await good_answers(opportunity) | NEW_PERSON)

    assert "Use the review board" in text_of(form)
    assert response.status_code == 409
    assert await counts() == (0, 0)


# Your interest -------------------------------------------------------------------------------


async def test_a_participant_sees_and_withdraws_their_interest(
    client: httpx.AsyncClient, participant: UUID
) -> None:
    opportunity = await published()
    await send(client, opportunity, await good_answers(opportunity))
    eoi = await Expression.select().first()
    assert eoi is not None

    listing = await client.get("/profile/interest")
    token = form_token(listing.text)
    response = await client.post(
        f"/profile/interest/{eoi['id']}/withdraw", data={"_csrf_token": token}
    )
    after = await client.get(response.headers["location"])

    assert f"{TITLE} Where it is up to We have your interest and will be in touch" in text_of(
        listing
    )
    assert (response.status_code, response.headers["location"]) == (
        303,
        "/profile/interest?saved=withdrawn",
    )
    assert [e["status"] for e in await expressions.mine(participant)] == ["withdrawn"]
    assert "You have withdrawn your interest" in text_of(after)
    assert "Where it is up to You withdrew" in text_of(after)
    assert "/withdraw" not in after.text


async def test_nobody_can_withdraw_someone_elses_interest(
    client: httpx.AsyncClient, participant: UUID, sealer: Sealer
) -> None:
    opportunity = await published()
    other = await add_person(sealer, "Jo", email="jo@example.org")
    why, used, days = (str(q["id"]) for q in await opportunities.questions_of(opportunity))
    answers = Interest(answers={why: "I want to help.", used: "No", days: ["Tue"]})
    eoi, _ = await expressions.express(
        sealer, opportunity, other, answers, audit.Actor(id=str(other), role="participant")
    )
    token = form_token((await client.get("/profile/interest")).text)

    response = await client.post(f"/profile/interest/{eoi}/withdraw", data={"_csrf_token": token})

    assert response.status_code == 404
    assert [e["status"] for e in await expressions.mine(other)] == ["received"]


async def test_the_profile_and_home_pages_point_the_way(
    client: httpx.AsyncClient, participant: UUID
) -> None:
    profile = await client.get("/profile")
    home = await client.get("/")

    assert (
        '<a class="govuk-link" href="/profile/interest">Things you have asked to take part in</a>'
        in profile.text
    )
    assert 'href="/take-part" role="button"' in home.text
    assert 'href="/take-part"' in (await client.get("/take-part")).text
