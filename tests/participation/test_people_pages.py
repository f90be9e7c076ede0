"""Coordinators' people pages: add someone, find them, see and change their profile, rights.

Every form is driven through HTTP as a browser would (CSRF token, form encoding), and every
answer is checked exactly: which people a search returns, which field an error names, that a
refused form creates nothing.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from litestar import Litestar

from app import audit
from app.datamap import Role
from app.sealed import Sealer
from app.tables import AuditEvent
from participation import schemas
from participation.services import consent, lived_experience, profiles, rights, search
from participation.tables import ErasureRecord, Participant
from tests.participation.conftest import COORDINATOR, add_person
from tests.support.auth import csrf_headers, make_account, sign_in
from tests.support.canaries import canary

PERSON_LINK = re.compile(r'href="/people/([0-9a-f-]{36})"')


@pytest.fixture
async def coordinator(running_app: Litestar, client: httpx.AsyncClient) -> UUID:
    account = await make_account(running_app, "staff", (Role.coordinator,))
    await sign_in(running_app, client, account)
    return account


async def send(client: httpx.AsyncClient, url: str, data: dict[str, Any]) -> httpx.Response:
    return await client.post(url, data=data, headers=await csrf_headers(client))


def valid_form(**changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "preferred_name": "Rosa Okafor",
        "date_of_birth-day": "4",
        "date_of_birth-month": "11",
        "date_of_birth-year": "1979",
        "email": "",
        "phone": "07700900982",
        "address": "",
        "preferred_route": "phone",
        "intermediary_name": "",
        "intermediary_organisation": "",
        "intermediary_contact": "",
        "safe_contact": "no",
        "consents": ["register", "contact"],
        "channel": "phone",
    }
    return form | changes


def found(response: httpx.Response) -> set[UUID]:
    """The people a results page links to."""
    assert response.status_code == 200, response.text
    return {UUID(match) for match in PERSON_LINK.findall(response.text)}


def summary_links(response: httpx.Response) -> list[str]:
    summary = response.text.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="#([^"]+)">', summary)


async def participants() -> int:
    return await Participant.count()


async def test_a_profile_made_on_the_form_is_found_by_phone_email_and_name(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer
) -> None:
    name, email = f"Rosa {canary('surname')}", f"{canary('mail')}@example.org"
    other = await add_person(sealer, "Rosa Smith", email="rosa.smith@example.org")

    made = await send(client, "/people/new", valid_form(preferred_name=name, email=email))

    assert made.status_code == 303
    subject = UUID(made.headers["location"].split("/")[2].split("?")[0])
    assert made.headers["location"] == f"/people/{subject}?saved=created"
    shown = await client.get(made.headers["location"])
    assert "Their profile has been created" in shown.text
    assert name in shown.text
    assert await consent.current(subject) == {
        p: p in ("register", "contact") for p in consent.CURRENT
    }
    history = await consent.history(subject)
    assert {(row["channel"], row["assisted_by"]) for row in history} == {("phone", coordinator)}

    by_phone = await send(client, "/people/search", {"query": "+44 7700 900 982"})
    assert found(by_phone) == {subject}
    assert "1 person" in by_phone.text
    assert found(await send(client, "/people/search", {"query": email.upper()})) == {subject}
    assert found(await send(client, "/people/search", {"query": "rosa"})) == {subject, other}
    assert found(await send(client, "/people/search", {"query": name.split()[1]})) == {subject}


async def _seed(sealer: Sealer) -> dict[str, UUID]:
    setups = {
        "amal": (
            schemas.Involvement(activities=["evaluation_panels"], formats=["online"]),
            schemas.AccessNeeds(adjustments=["bsl", "step_free"]),
        ),
        "bea": (
            schemas.Involvement(
                activities=["evaluation_panels", "surveys"],
                never_days=["tue"],
                times_of_day=["morning"],
            ),
            schemas.AccessNeeds(travel_help=["taxi"]),
        ),
        "cal": (
            schemas.Involvement(
                activities=["surveys"], formats=["in_person"], group_sizes=["group"]
            ),
            schemas.AccessNeeds(adjustments=["step_free"]),
        ),
        "dee": (schemas.Involvement(group_sizes=["one_to_one"]), schemas.AccessNeeds()),
    }
    ids = {}
    for number, (name, (involvement, needs)) in enumerate(setups.items()):
        subject = await add_person(
            sealer,
            f"{name.title()} Jones",
            email=f"{name}@example.org",
            phone=f"0770090030{number}",
        )
        await profiles.update(sealer, subject, involvement, COORDINATOR)
        await profiles.update(sealer, subject, needs, COORDINATOR)
        ids[name] = subject
    return ids


async def test_filters_narrow_the_list_to_exactly_the_people_who_match(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer
) -> None:
    ids = await _seed(sealer)
    amal, bea, cal, dee = ids["amal"], ids["bea"], ids["cal"], ids["dee"]
    await profiles.set_paused(dee, True, COORDINATOR)

    assert found(await client.get("/people")) == {amal, bea, cal}
    assert found(await client.get("/people?include_paused=yes")) == {amal, bea, cal, dee}
    assert found(await client.get("/people?activities=evaluation_panels")) == {amal, bea}
    listing = await client.get("/people?activities=evaluation_panels&activities=surveys")
    assert found(listing) == {bea}
    assert "1 person" in listing.text
    assert found(await client.get("/people?formats=online")) == {amal, bea}
    assert found(await client.get("/people?available_on=tue")) == {amal, cal}
    assert found(await client.get("/people?times_of_day=afternoon")) == {amal, cal}
    assert found(await client.get("/people?adjustments=step_free")) == {amal, cal}
    assert found(await client.get("/people?adjustments=step_free&formats=in_person")) == {cal}
    assert found(await client.get("/people?travel_help=taxi")) == {bea}
    paused = await client.get("/people?group_sizes=one_to_one&include_paused=yes")
    assert found(paused) == {amal, bea, dee}
    assert "Paused" in paused.text
    posted = await send(client, "/people/search", {"query": "jones", "adjustments": ["bsl"]})
    assert found(posted) == {amal}
    assert "British Sign Language" in posted.text


async def test_results_come_a_page_at_a_time(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    ids = await _seed(sealer)

    first, second = await client.get("/people"), await client.get("/people?page=2")
    by_name = await send(client, "/people/search", {"query": "jones", "page": "2"})

    assert found(first) | found(second) == set(ids.values())
    assert (len(found(first)), len(found(second)), len(found(by_name))) == (2, 2, 2)
    assert 'href="/people?page=2"' in first.text
    assert "4 people" in by_name.text
    assert 'form="people-search" name="page" value="1"' in by_name.text


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"preferred_name": ""}, "preferred_name", "Enter the name they want us to use"),
        ({"preferred_name": "x" * 81}, "preferred_name", "80 characters or fewer"),
        ({"email": "rosa at example"}, "email", "Enter an email address in the right format"),
        ({"phone": "+1 202 555 0100"}, "phone", "Enter a UK phone number"),
        ({"address": "x" * 301}, "address", "300 characters or fewer"),
        (
            {"date_of_birth-year": str(datetime.now(UTC).year + 1)},
            "date_of_birth-day",
            "in the past",
        ),
        (
            {"date_of_birth-day": "31", "date_of_birth-month": "2"},
            "date_of_birth-day",
            "in the past",
        ),
        ({"consents": ["contact"]}, "consents", "Being on the involvement register"),
        ({"consents": ["register", "spam"]}, "consents", "Select from the list"),
        ({"channel": "web"}, "channel", "Select how they gave their consent"),
        ({"preferred_route": "post"}, "address", "Enter their address"),
        ({"preferred_route": "email"}, "email", "Enter their email address"),
        ({"preferred_route": "intermediary"}, "intermediary_name", "passes messages on"),
        ({"preferred_route": "pigeon"}, "preferred_route", "Select how they want us to contact"),
        ({"safe_contact": ""}, "safe_contact", "extra care"),
    ],
)
async def test_a_wrong_answer_names_its_field_and_creates_nobody(
    client: httpx.AsyncClient,
    coordinator: UUID,
    changes: dict[str, Any],
    field_id: str,
    message: str,
) -> None:
    before = await participants()

    response = await send(client, "/people/new", valid_form(**changes))

    assert response.status_code == 400
    assert summary_links(response) == [field_id]
    assert message in response.text
    assert "<title>Error: Add a person" in response.text
    assert await participants() == before


async def test_answers_left_out_of_the_post_are_missing_not_empty(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer
) -> None:
    subject = await add_person(sealer)
    form = {k: val for k, val in valid_form().items() if k not in ("channel", "consents")}

    new = await send(client, "/people/new", form)
    change = await send(client, f"/people/{subject}/consents", {"granted": "no"})

    assert (new.status_code, summary_links(new)) == (400, ["consents", "channel"])
    assert (change.status_code, summary_links(change)) == (400, ["purpose", "channel"])


async def test_every_problem_is_listed_at_once(
    client: httpx.AsyncClient, coordinator: UUID
) -> None:
    form = valid_form(preferred_name="", phone="12", consents=[], channel="")

    response = await send(client, "/people/new", form)

    assert response.status_code == 400
    assert summary_links(response) == ["preferred_name", "phone", "consents", "channel"]


async def test_a_phone_number_already_on_a_profile_is_refused(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer
) -> None:
    await add_person(sealer, "Rosa Smith", email=None, phone="07700 900 982", route="phone")
    before = await participants()

    response = await send(client, "/people/new", valid_form(phone="+447700900982"))

    assert response.status_code == 409
    assert summary_links(response) == ["phone"]
    assert "Another profile already has this phone number" in response.text
    assert await participants() == before


@pytest.mark.parametrize(
    ("url", "field_id"),
    [
        ("/people?activities=knitting", "activities"),
        ("/people?available_on=someday", "available_on"),
        ("/people?adjustments=step_free&travel_help=rocket", "travel_help"),
        ("/people?page=0", "page"),
    ],
)
async def test_a_filter_that_is_not_on_the_list_is_a_400(
    client: httpx.AsyncClient, coordinator: UUID, url: str, field_id: str
) -> None:
    response = await client.get(url)

    assert response.status_code == 400
    assert summary_links(response) == [field_id]


async def test_an_over_long_search_is_a_400(client: httpx.AsyncClient, coordinator: UUID) -> None:
    response = await send(client, "/people/search", {"query": "x" * 121})

    assert response.status_code == 400
    assert summary_links(response) == ["query"]
    assert "120 characters or fewer" in response.text


async def test_safe_contact_is_unmissable_and_viewing_is_audited(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer
) -> None:
    careful = await add_person(sealer, "Nadia Care", safe_contact=True)
    plain = await add_person(sealer, "Pat Plain", email="pat@example.org")

    listing = await client.get("/people")
    shown = await client.get(f"/people/{careful}")
    other = await client.get(f"/people/{plain}")

    row = listing.text.split(f'href="/people/{careful}"')[1].split("</tr>")[0]
    assert "Take care: safe contact" in row
    assert (
        "Take care: safe contact"
        not in listing.text.split(f'href="/people/{plain}"')[1].split("</tr>")[0]
    )
    assert "Do not send letters to any previous address" in shown.text
    assert "Do not send letters to any previous address" not in other.text
    views = await AuditEvent.select().where(
        (AuditEvent.subject == careful) & (AuditEvent.purpose == "view profile")
    )
    assert [(e["action"], e["actor"], e["actor_role"]) for e in views] == [
        ("view", str(coordinator), "coordinator")
    ]
    assert "equality" not in views[0]["field_group"]


async def test_an_unknown_person_is_a_404(client: httpx.AsyncClient, coordinator: UUID) -> None:
    missing = uuid4()
    for url in (f"/people/{missing}", f"/people/{missing}/about", f"/people/{missing}/erase"):
        assert (await client.get(url)).status_code == 404
    assert (await send(client, f"/people/{missing}/consents", {"purpose": ""})).status_code == 404


async def test_a_section_is_changed_for_them_and_audited_as_the_coordinator(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer
) -> None:
    subject = await add_person(sealer, "Omar Said")
    form = {
        "activities": ["surveys", "peer_research"],
        "never_days": ["sat"],
        "shorter_sessions": "yes",
        "contact_frequency": "monthly",
    }

    page = await client.get(f"/people/{subject}/involvement")
    saved = await send(client, f"/people/{subject}/involvement", form)

    assert page.status_code == 200
    assert f'action="/people/{subject}/involvement"' in page.text
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/people/{subject}?saved=involvement"
    involvement = (await profiles.read(sealer, subject, COORDINATOR, "coordinator")).involvement
    assert involvement is not None
    assert (involvement.activities, involvement.never_days) == (
        ["peer_research", "surveys"],
        ["sat"],
    )
    assert involvement.shorter_sessions is True
    shown = await client.get(saved.headers["location"])
    assert "Peer research, talking with other people who use services" in shown.text
    changes = await AuditEvent.select().where(
        (AuditEvent.subject == subject) & (AuditEvent.field_group == "involvement")
    )
    assert [(e["action"], e["actor"]) for e in changes] == [("change", str(coordinator))]


@pytest.mark.parametrize(
    "case",
    [
        ("about", {"preferred_name": ""}, "preferred_name"),
        ("contact", {"preferred_route": "sms", "safe_contact": "no"}, "phone"),
        ("access-needs", {"adjustments": ["interpreter"]}, "interpreter_language"),
        ("involvement", {"activities": ["juggling"], "contact_frequency": "any"}, "activities"),
        ("lived-experience", {"lived_experience": ["not_a_code"]}, "lived_experience"),
    ],
)
async def test_a_wrong_answer_in_a_section_changes_nothing(
    client: httpx.AsyncClient,
    coordinator: UUID,
    sealer: Sealer,
    case: tuple[str, dict[str, Any], str],
) -> None:
    section, form, field_id = case
    subject = await add_person(sealer, "Omar Said", email=None, phone="07700900444", route="phone")
    before = await Participant.select().where(Participant.id == subject).first()

    response = await send(client, f"/people/{subject}/{section}", form)

    assert response.status_code == 400
    assert summary_links(response)[0] in (field_id, f"{field_id}-day")
    assert await Participant.select().where(Participant.id == subject).first() == before


async def test_an_unknown_section_is_a_404(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer
) -> None:
    subject = await add_person(sealer)

    assert (await client.get(f"/people/{subject}/equality")).status_code == 404
    assert (await send(client, f"/people/{subject}/equality", {"age": "18_24"})).status_code == 404


async def test_a_consent_change_is_recorded_on_their_behalf(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer
) -> None:
    subject = await add_person(sealer)
    change = {"purpose": "contact", "granted": "no", "channel": "paper"}

    refused = await send(client, f"/people/{subject}/consents", change | {"channel": "web"})
    unsaid = await send(client, f"/people/{subject}/consents", change | {"granted": ""})
    unchanged = (await consent.current(subject))["contact"]
    recorded = await send(client, f"/people/{subject}/consents", change)

    assert refused.status_code == 400
    assert summary_links(refused) == ["channel"]
    assert (unsaid.status_code, summary_links(unsaid)) == (400, ["granted"])
    assert unchanged is True
    assert recorded.headers["location"] == f"/people/{subject}?saved=consent"
    assert (await consent.current(subject))["contact"] is False
    latest = (await consent.history(subject))[-1]
    assert (latest["purpose"], latest["granted"], latest["channel"]) == ("contact", False, "paper")
    assert latest["assisted_by"] == coordinator
    shown = await client.get(recorded.headers["location"])
    assert "On paper, recorded by staff" in shown.text


async def test_their_data_can_be_downloaded_for_them(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer
) -> None:
    subject = await add_person(sealer, "Lena Park", email="lena@example.org")

    readable = await client.get(f"/people/{subject}/download")
    file = await client.get(f"/people/{subject}/download.json")

    assert readable.status_code == 200
    assert "lena@example.org" in readable.text
    assert file.headers["content-disposition"] == 'attachment; filename="their-data.json"'
    assert json.loads(file.content)["subject"] == str(subject)
    exports = await AuditEvent.select().where(
        (AuditEvent.subject == subject) & (AuditEvent.action == "export")
    )
    assert len(exports) == 2


async def test_erasure_needs_the_box_ticked_then_deletes_them(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer
) -> None:
    subject = await add_person(sealer, "Zara Gone")

    confirm = await client.get(f"/people/{subject}/erase")
    unticked = await send(client, f"/people/{subject}/erase", {"confirm": ""})
    assert await profiles.exists(subject)
    erased = await send(client, f"/people/{subject}/erase", {"confirm": "yes"})

    assert rights.KEPT_FOR_FINANCE.replace("'", "&#39;") in confirm.text
    assert unticked.status_code == 400
    assert summary_links(unticked) == ["confirm"]
    assert erased.status_code == 303
    assert erased.headers["location"] == "/people?saved=erased"
    assert not await profiles.exists(subject)
    records = await ErasureRecord.select().where(ErasureRecord.subject == subject)
    assert [(r["requested_by"], r["actor"]) for r in records] == [("staff", str(coordinator))]
    assert "Their details have been deleted" in (await client.get(erased.headers["location"])).text
    assert (await client.get(f"/people/{subject}")).status_code == 404


@pytest.mark.parametrize("persona", ["organiser", "finance", "participant"])
async def test_only_coordinators_reach_peoples_profiles(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer, persona: str
) -> None:
    subject = await add_person(sealer)
    kind, roles = (
        ("participant", (Role.participant,))
        if persona == "participant"
        else ("staff", (Role(persona),))
    )
    await sign_in(running_app, client, await make_account(running_app, kind, roles))

    for url in (
        "/people",
        "/people/new",
        f"/people/{subject}",
        f"/people/{subject}/lived-experience",
        f"/people/{subject}/download.json",
    ):
        assert (await client.get(url)).status_code == 403, url
    for url in ("/people/search", f"/people/{subject}/erase", f"/people/{subject}/contact"):
        assert (await send(client, url, {"confirm": "yes"})).status_code == 403, url
    assert await profiles.exists(subject)


async def test_administrators_keep_the_lived_experience_list(
    running_app: Litestar, client: httpx.AsyncClient, db: Any, coordinator: UUID
) -> None:
    assert (await client.get("/people/lived-experience-list")).status_code == 403
    await sign_in(running_app, client, await make_account(running_app, "staff", (Role.admin,)))
    url = "/people/lived-experience-list"

    listed = await client.get(url)
    added = await send(client, url, {"action": "add", "label": "Leaving prison"})
    retired = await send(client, url, {"action": "retire", "code": "leaving_prison"})
    empty = await send(client, url, {"action": "add", "label": ""})
    unknown = await send(client, url, {"action": "retire", "code": "nope"})

    assert "Homelessness" in listed.text
    assert added.headers["location"] == f"{url}?saved=added"
    assert retired.headers["location"] == f"{url}?saved=retired"
    assert "leaving_prison" in await lived_experience.options(include_retired=True)
    assert "leaving_prison" not in await lived_experience.options()
    assert (empty.status_code, summary_links(empty)) == (400, ["label"])
    assert unknown.status_code == 400
    restored = await send(client, url, {"action": "restore", "code": "leaving_prison"})
    assert restored.headers["location"] == f"{url}?saved=restored"
    assert "leaving_prison" in await lived_experience.options()


async def test_the_people_link_is_shown_to_coordinators(
    client: httpx.AsyncClient, coordinator: UUID
) -> None:
    home = await client.get("/")

    assert 'href="/people"' in home.text


async def test_their_history_says_what_changed_and_who_did_it_in_plain_words(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer
) -> None:
    person = await add_person(sealer, "Tomas")
    themselves = audit.Actor(id=str(person), role="participant")
    await profiles.update(sealer, person, schemas.Involvement(activities=["surveys"]), themselves)
    await rights.download(sealer, person, COORDINATOR)

    page = await client.get(f"/people/{person}")

    cell = r'<td class="govuk-table__cell">([^<]*)</td>\s*'
    table = page.text.split("Their history", 1)[1].split("</table>", 1)[0]
    rows = re.findall(cell + cell + "</tr>", table)
    assert rows == [
        ("Downloaded all their information", "Staff (coordinator)"),
        ("Changed what, how and when", "They did"),
        ("Changed consent", "Staff (coordinator)"),
        ("Changed consent", "Staff (coordinator)"),
        ("Changed profile", "Staff (coordinator)"),
    ]
