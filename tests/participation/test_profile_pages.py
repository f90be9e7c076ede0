"""A participant's own profile pages: see, change a page at a time, consent, download, withdraw."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from typing import Any
from uuid import UUID

import httpx
import pytest
from litestar import Litestar

from app import audit
from app.datamap import Role
from app.sealed import Sealer
from participation import schemas
from participation.pages.export_views import Row, Words, downloaded
from participation.services import consent, profiles
from participation.tables import ErasureRecord
from tests.support.auth import form_token, make_account, sign_in

EMAIL = "robin.ash@example.org"
ME = audit.Actor(id="00000000-0000-4000-8000-0000000000ee", role="test")


@pytest.fixture
async def me(running_app: Litestar, client: httpx.AsyncClient, db: Any) -> UUID:
    """A signed-in participant (their profile appears the first time they open /profile)."""
    account = await make_account(running_app, "participant", (Role.participant,), email=EMAIL)
    await sign_in(running_app, client, account)
    return account


async def post(client: httpx.AsyncClient, path: str, data: dict[str, Any]) -> httpx.Response:
    """Post a form the way the page does: with the CSRF token from the page itself."""
    page = path if path not in FORMLESS else "/profile"
    token = form_token((await client.get(page)).text)
    return await client.post(path, data={"_csrf_token": token, **data})


FORMLESS = {"/profile/pause"}


async def stored(sealer: Sealer, subject: UUID) -> dict[str, Any]:
    profile = await profiles.read(sealer, subject, ME, "participant")
    return profile.model_dump(exclude={"updated_at"})


def text_of(response: httpx.Response) -> str:
    """The page's visible words, one space apart (tags dropped, entities decoded)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def summary_links(response: httpx.Response) -> dict[str, str]:
    """The error summary's links: target id -> message."""
    box = response.text.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return {
        target: html.unescape(message)
        for target, message in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', box)
    }


# Pages --------------------------------------------------------------------------------------

PAGES = {
    "/profile": "Your profile",
    "/profile/about": "About you",
    "/profile/contact": "How we contact you",
    "/profile/lived-experience": "Your lived experience",
    "/profile/equality": "Equality questions",
    "/profile/involvement": "What you want to be involved in",
    "/profile/involvement/how": "How you want to take part",
    "/profile/involvement/when": "When you can take part",
    "/profile/access-needs": "Your access needs",
    "/profile/consents": "What you have agreed to",
    "/profile/download": "Everything we hold about you",
    "/profile/withdraw": "Stop taking part and delete your details",
}


@pytest.mark.parametrize(("path", "heading"), PAGES.items())
async def test_each_page_renders_with_its_heading(
    client: httpx.AsyncClient, me: UUID, path: str, heading: str
) -> None:
    response = await client.get(path)

    assert response.status_code == 200
    assert re.search(r'<h1 class="govuk-heading-l">([^<]+)</h1>', response.text).group(1) == heading


async def test_a_new_profile_reads_in_plain_english(client: httpx.AsyncClient, me: UUID) -> None:
    page = text_of(await client.get("/profile"))

    assert "Name Test participant" in page
    assert f"Email {EMAIL}" in page
    assert "Best way to contact you Email" in page
    assert "Days you can never do Flexible" in page
    assert "Times of day Flexible" in page
    assert "How often we contact you Whenever something comes up" in page
    assert "Your sex Not answered" in page
    assert "Pause contact" in page
    raw = await client.get("/profile")
    assert 'href="/profile/consents"' in raw.text
    changes = re.findall(r'>Change<span class="govuk-visually-hidden"> ([^<]+)</span>', raw.text)
    assert changes == [
        "about you",
        "how we contact you",
        "your lived experience",
        "what you want to be involved in",
        "how you want to take part",
        "when you can take part",
        "your access needs",
        "equality questions",
    ]


async def test_only_participants_see_these_pages(
    running_app: Litestar, client: httpx.AsyncClient, db: Any
) -> None:
    for role in (Role.coordinator, Role.organiser):
        staff = await make_account(running_app, "staff", (role,))
        await sign_in(running_app, client, staff)

        assert (await client.get("/profile", headers={"accept": "text/html"})).status_code == 403
        assert (await client.get("/profile/download.json")).status_code == 403
    client.cookies.clear()
    assert (await client.get("/profile")).status_code in {401, 303}


async def test_the_menu_links_participants_to_their_profile(
    client: httpx.AsyncClient, me: UUID
) -> None:
    assert 'href="/profile"' in (await client.get("/")).text
    client.cookies.clear()
    assert 'href="/profile"' not in (await client.get("/")).text


# Saving each form -----------------------------------------------------------------------------

GOOD = [
    (
        "/profile/about",
        {
            "preferred_name": "Robin",
            "date_of_birth-day": "7",
            "date_of_birth-month": "3",
            "date_of_birth-year": "1985",
        },
        "about",
        {"preferred_name": "Robin", "date_of_birth": date(1985, 3, 7)},
        ["Name Robin", "Date of birth 7 March 1985"],
    ),
    (
        "/profile/contact",
        {
            "email": "",
            "phone": "07700 900982",
            "address": "",
            "preferred_route": "sms",
            "intermediary_name": "Ali",
            "intermediary_organisation": "Shelter North",
            "intermediary_contact": "0161 496 0000",
            "safe_contact": "yes",
        },
        "contact",
        {
            "email": None,
            "phone": "07700 900982",
            "address": "",
            "preferred_route": "sms",
            "intermediary": {
                "name": "Ali",
                "organisation": "Shelter North",
                "contact": "0161 496 0000",
            },
            "safe_contact": True,
        },
        [
            "Best way to contact you Text message",
            "We will not put your address or the programme name in any message",
            "Shelter North",
        ],
    ),
    (
        "/profile/lived-experience",
        {"lived_experience": ["homelessness", "carer"], "lived_experience_words": "Two years."},
        "lived_experience",
        {"lived_experience": ["homelessness", "carer"], "lived_experience_words": "Two years."},
        ["Homelessness", "Being a carer", "In your own words Two years."],
    ),
    (
        "/profile/equality",
        {"age": "35_49", "sex": "prefer_not_to_say", "disability": "yes"},
        "equality",
        {
            "age": "35_49",
            "sex": "prefer_not_to_say",
            "gender_same_as_birth": "",
            "ethnicity": "",
            "disability": "yes",
            "religion": "",
            "sexual_orientation": "",
        },
        ["Your age 35 to 49", "Your sex Prefer not to say", "Your religion or belief Not answered"],
    ),
    (
        "/profile/involvement",
        {"activities": ["surveys", "market_events"]},
        "involvement",
        {"activities": ["market_events", "surveys"], "formats": [], "never_days": []},
        ["Market events, meeting organisations", "Surveys"],
    ),
    (
        "/profile/involvement/how",
        {"formats": ["online"], "group_sizes": ["one_to_one"], "contact_frequency": "monthly"},
        "involvement",
        {"formats": ["online"], "group_sizes": ["one_to_one"], "contact_frequency": "monthly"},
        ["Online, on a video call", "Group or one-to-one One-to-one", "About once a month at most"],
    ),
    (
        "/profile/involvement/when",
        {"never_days": ["sun", "mon"], "times_of_day": ["evening"], "shorter_sessions": "yes"},
        "involvement",
        {"never_days": ["mon", "sun"], "times_of_day": ["evening"], "shorter_sessions": True},
        ["Monday Sunday", "Times of day Evenings", "Shorter sessions Yes, please"],
    ),
    (
        "/profile/access-needs",
        {
            "adjustments": ["interpreter", "step_free"],
            "interpreter_language": "Polish",
            "dietary": "Halal",
            "travel_help": ["taxi"],
            "other": "I bring my dog.",
        },
        "access_needs",
        {
            "adjustments": ["step_free", "interpreter"],
            "interpreter_language": "Polish",
            "dietary": "Halal",
            "travel_help": ["taxi"],
            "other": "I bring my dog.",
        },
        [
            "An interpreter for a spoken language (Polish)",
            "Food and drink Halal",
            "A taxi booked for me",
            "Anything else I bring my dog.",
        ],
    ),
]


@pytest.mark.parametrize(("path", "form", "section", "expected", "shown"), GOOD)
async def test_each_form_saves_and_reads_back(
    client: httpx.AsyncClient,
    me: UUID,
    sealer: Sealer,
    *,
    path: str,
    form: dict[str, Any],
    section: str,
    expected: dict[str, Any],
    shown: list[str],
) -> None:
    response = await post(client, path, form)

    assert response.status_code == 303
    slug = path.removeprefix("/profile/")
    assert response.headers["location"] == f"/profile?saved={slug}"
    saved = (await stored(sealer, me))[section]
    assert {key: saved[key] for key in expected} == expected
    page = await client.get(response.headers["location"])
    assert "govuk-notification-banner--success" in page.text
    assert all(words in text_of(page) for words in shown), text_of(page)
    again = await client.get(path)  # the form shows what is stored
    for value in (v for v in form.values() if isinstance(v, str) and v not in {"", "yes"}):
        assert f'value="{value}"' in again.text or f">{value}</textarea>" in again.text


async def test_pages_of_one_section_keep_each_others_answers(
    client: httpx.AsyncClient, me: UUID, sealer: Sealer
) -> None:
    await post(client, "/profile/involvement", {"activities": ["surveys"]})
    await post(
        client, "/profile/involvement/when", {"never_days": ["sat"], "shorter_sessions": "no"}
    )

    involvement = (await stored(sealer, me))["involvement"]
    assert involvement["activities"] == ["surveys"]
    assert involvement["never_days"] == ["sat"]


async def test_clearing_a_date_of_birth_saves_no_date(
    client: httpx.AsyncClient, me: UUID, sealer: Sealer
) -> None:
    filled = {"preferred_name": "Robin", "date_of_birth-day": "1", "date_of_birth-month": "2"}
    await post(client, "/profile/about", {**filled, "date_of_birth-year": "1990"})
    await post(client, "/profile/about", {"preferred_name": "Robin"})

    assert (await stored(sealer, me))["about"]["date_of_birth"] is None


# Bad input --------------------------------------------------------------------------------------


def messages(section: str, field: str) -> str:
    return profiles.SECTIONS[section].messages[field]


NAME, BORN = messages("about", "preferred_name"), messages("about", "date_of_birth")
ABOUT = {"preferred_name": "Robin"}
CONTACT = {"email": EMAIL, "preferred_route": "email", "safe_contact": "no"}
BAD = [
    ("/profile/about", {"preferred_name": ""}, "preferred_name", NAME),
    ("/profile/about", {"preferred_name": "R" * 81}, "preferred_name", NAME),
    (
        "/profile/about",
        {
            **ABOUT,
            "date_of_birth-day": "1",
            "date_of_birth-month": "1",
            "date_of_birth-year": "2999",
        },
        "date_of_birth-day",
        BORN,
    ),
    (
        "/profile/about",
        {
            **ABOUT,
            "date_of_birth-day": "31",
            "date_of_birth-month": "2",
            "date_of_birth-year": "2000",
        },
        "date_of_birth-day",
        BORN,
    ),
    (
        "/profile/about",
        {**ABOUT, "date_of_birth-day": "x", "date_of_birth-month": "", "date_of_birth-year": ""},
        "date_of_birth-day",
        BORN,
    ),
    ("/profile/contact", {**CONTACT, "email": "robin@"}, "email", messages("contact", "email")),
    (
        "/profile/contact",
        {**CONTACT, "phone": "+33 1 23 45 67 89"},
        "phone",
        messages("contact", "phone"),
    ),
    (
        "/profile/contact",
        {**CONTACT, "preferred_route": "pigeon"},
        "preferred_route",
        messages("contact", "preferred_route"),
    ),
    (
        "/profile/contact",
        {**CONTACT, "preferred_route": "post", "address": ""},
        "address",
        schemas.ROUTE_MISSING["address"],
    ),
    (
        "/profile/contact",
        {**CONTACT, "preferred_route": "intermediary", "intermediary_name": "Ali"},
        "intermediary_name",
        schemas.ROUTE_MISSING["intermediary"],
    ),
    (
        "/profile/contact",
        {**CONTACT, "address": "a" * 301},
        "address",
        messages("contact", "address"),
    ),
    (
        "/profile/lived-experience",
        {"lived_experience": ["time_travel"]},
        "lived_experience",
        messages("lived_experience", "lived_experience"),
    ),
    (
        "/profile/lived-experience",
        {"lived_experience_words": "w" * 1001},
        "lived_experience_words",
        messages("lived_experience", "lived_experience_words"),
    ),
    ("/profile/equality", {"age": "ancient"}, "age", messages("equality", "age")),
    (
        "/profile/involvement",
        {"activities": ["juggling"]},
        "activities",
        messages("involvement", "activities"),
    ),
    (
        "/profile/involvement/how",
        {"formats": ["telepathy"], "contact_frequency": "any"},
        "formats",
        messages("involvement", "formats"),
    ),
    (
        "/profile/involvement/how",
        {"contact_frequency": "hourly"},
        "contact_frequency",
        messages("involvement", "contact_frequency"),
    ),
    (
        "/profile/involvement/when",
        {"never_days": ["funday"], "shorter_sessions": "no"},
        "never_days",
        messages("involvement", "never_days"),
    ),
    (
        "/profile/involvement/when",
        {"times_of_day": ["midnight"], "shorter_sessions": "no"},
        "times_of_day",
        messages("involvement", "times_of_day"),
    ),
    (
        "/profile/access-needs",
        {"adjustments": ["interpreter"], "interpreter_language": ""},
        "interpreter_language",
        messages("access_needs", "interpreter_language"),
    ),
    (
        "/profile/access-needs",
        {"adjustments": ["jetpack"]},
        "adjustments",
        messages("access_needs", "adjustments"),
    ),
    (
        "/profile/access-needs",
        {"travel_help": ["rocket"]},
        "travel_help",
        messages("access_needs", "travel_help"),
    ),
    (
        "/profile/access-needs",
        {"dietary": "d" * 301},
        "dietary",
        messages("access_needs", "dietary"),
    ),
    ("/profile/access-needs", {"other": "o" * 1001}, "other", messages("access_needs", "other")),
]


@pytest.mark.parametrize(("path", "form", "field_id", "message"), BAD)
async def test_bad_input_names_the_field_and_changes_nothing(
    client: httpx.AsyncClient,
    me: UUID,
    sealer: Sealer,
    *,
    path: str,
    form: dict[str, Any],
    field_id: str,
    message: str,
) -> None:
    await client.get("/profile")
    before = await stored(sealer, me)

    response = await post(client, path, form)

    assert response.status_code == 400
    links = summary_links(response)
    assert list(links) == [field_id]
    assert links[field_id] == message
    assert f'id="{field_id}"' in response.text  # the summary's link lands on an input
    assert response.text.count("govuk-error-message") >= 1
    assert await stored(sealer, me) == before


async def test_bad_input_keeps_what_was_typed(client: httpx.AsyncClient, me: UUID) -> None:
    response = await post(
        client,
        "/profile/about",
        {
            "preferred_name": "Robin",
            "date_of_birth-day": "31",
            "date_of_birth-month": "2",
            "date_of_birth-year": "2000",
        },
    )

    assert 'value="Robin"' in response.text
    assert 'name="date_of_birth-day" type="text" value="31"' in response.text
    assert "<title>Error: About you" in response.text


async def test_another_profiles_email_is_refused_on_the_field(
    running_app: Litestar, client: httpx.AsyncClient, me: UUID, sealer: Sealer
) -> None:
    other = await make_account(
        running_app, "participant", (Role.participant,), email="taken@example.org"
    )
    await profiles.ensure_own_profile(sealer, other, ME)

    response = await post(client, "/profile/contact", {**CONTACT, "email": "taken@example.org"})

    assert response.status_code == 400
    assert list(summary_links(response)) == ["email"]


# Pause, consent, download, withdraw -------------------------------------------------------------


async def test_pause_and_start_again(client: httpx.AsyncClient, me: UUID, sealer: Sealer) -> None:
    paused = await post(client, "/profile/pause", {"paused": "yes"})

    assert paused.headers["location"] == "/profile?saved=paused"
    assert (await stored(sealer, me))["paused"] is True
    page = await client.get("/profile")
    assert "Start contact again" in page.text
    assert "Pause contact" not in page.text

    await post(client, "/profile/pause", {"paused": "no"})
    assert (await stored(sealer, me))["paused"] is False


async def test_withdrawing_consent_takes_one_button_and_shows_in_the_history(
    client: httpx.AsyncClient, me: UUID
) -> None:
    await client.get("/profile")
    page = await client.get("/profile/consents")
    for wording in consent.CURRENT.values():
        assert html.escape(wording.text, quote=False) in page.text.replace("&#39;", "'")

    granted = await post(client, "/profile/consents", {"purpose": "contact", "granted": "yes"})
    assert granted.status_code == 303
    assert (await consent.current(me))["contact"] is True

    withdrawn = await post(client, "/profile/consents", {"purpose": "contact", "granted": "no"})

    assert withdrawn.headers["location"] == "/profile/consents?saved=consent"
    assert (await consent.current(me))["contact"] is False
    history = text_of(await client.get("/profile/consents"))
    assert "Being contacted about opportunities Withdrew (online)" in history
    assert "Being contacted about opportunities Agreed (online)" in history


async def test_an_unknown_consent_purpose_is_refused(client: httpx.AsyncClient, me: UUID) -> None:
    response = await post(client, "/profile/consents", {"purpose": "sell_data", "granted": "yes"})

    assert response.status_code == 400
    assert list(summary_links(response)) == ["consents"]
    assert set((await consent.current(me)).values()) == {False}


async def test_download_shows_and_attaches_everything_held(
    client: httpx.AsyncClient, me: UUID
) -> None:
    await post(client, "/profile/access-needs", {"adjustments": ["bsl"], "dietary": "Vegan"})

    page = text_of(await client.get("/profile/download"))
    attachment = await client.get("/profile/download.json")

    assert "Your profile Name Test participant" in page
    assert "Things we should arrange A British Sign Language (BSL) interpreter" in page
    assert "Access needs in your words Food and drink: Vegan" in page
    assert "bsl" not in page
    assert attachment.headers["content-disposition"] == 'attachment; filename="my-data.json"'
    data = json.loads(attachment.content)
    assert data["subject"] == str(me)
    assert data["tables"]["participant"][0]["adjustments"] == "bsl"


async def test_withdrawing_erases_and_ends_the_session(client: httpx.AsyncClient, me: UUID) -> None:
    await client.get("/profile")

    response = await post(client, "/profile/withdraw", {})

    assert response.status_code == 303
    assert response.headers["location"] == "/profile/withdrawn"
    assert "session=" in response.headers["set-cookie"]
    assert await profiles.exists(me) is False
    record = await ErasureRecord.select().where(ErasureRecord.subject == me).first()
    assert record is not None
    assert record["requested_by"] == "self"
    done = await client.get("/profile/withdrawn")
    assert done.status_code == 200
    assert "Your details have been deleted" in done.text
    assert (await client.get("/profile", headers={"accept": "text/html"})).status_code != 200


async def test_an_old_session_cookie_no_longer_works_after_withdrawing(
    running_app: Litestar, client: httpx.AsyncClient, me: UUID
) -> None:
    await client.get("/profile")
    session = client.cookies["session"]
    await post(client, "/profile/withdraw", {})

    client.cookies.clear()
    client.cookies.set("session", session)
    response = await client.get("/profile", headers={"accept": "text/html"})

    assert response.status_code in {401, 303}


def test_tables_added_later_are_shown_without_a_crash() -> None:
    later = {
        "ledger_entry": [{"amount_pence": 2500, "paid_at": "2026-01-02T10:00:00+00:00"}],
        "event_invitation": [
            {"event": "Market day", "answer": "yes", "notes": '{"seat": "aisle", "x": null}'}
            for _ in range(4)
        ],
    }

    groups = downloaded(later, words=Words(labels={"answer": {"yes": "Coming"}}))

    assert [group.heading for group in groups] == ["Ledger entry", "Event invitation"]
    assert groups[1].folded is True
    assert groups[1].records[0][0] == Row(
        "1", items=("Event: Market day", "Answer: Coming", "Notes: Seat: aisle")
    )
    assert groups[0].records == [
        [Row("Amount pence", "2500"), Row("Paid at", "2 January 2026 at 10:00am")]
    ]
