"""The participation JSON API for coordinators (``/api/v1/participants``), with an API token."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import httpx
import pytest
from litestar import Litestar

from app.datamap import Role
from participation.api import ACCESS
from participation.api import people as api_people
from participation.api import recruitment as api_recruitment
from participation.services import consent, search
from participation.tables import ConsentEvent, ErasureRecord, Participant
from tests.participation.test_api import SECTION_ANSWERS, Headers, coordinator_token, count_rows

PEOPLE = "/api/v1/participants"


@pytest.fixture
async def staff(running_app: Litestar, db: Any) -> Headers:
    return await coordinator_token(running_app)


def new(name: str, email: str | None = None, **extra: Any) -> dict[str, Any]:
    contact = {"email": email or f"{name.lower().replace(' ', '.')}@example.org"}
    return {
        "about": {"preferred_name": name},
        "contact": contact,
        "consents": ["register", "contact"],
        **extra,
    }


async def add(client: httpx.AsyncClient, staff: Headers, name: str, **kwargs: Any) -> str:
    response = await client.post(PEOPLE, json=new(name, **kwargs), headers=staff)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_creating_someone_answers_201_and_reads_back(
    client: httpx.AsyncClient, staff: Headers
) -> None:
    body = {
        "about": {"preferred_name": "Ada Brook", "date_of_birth": "1990-05-01"},
        "contact": {"phone": "01632 960 001", "preferred_route": "phone", "safe_contact": True},
        "consents": ["register", "share_access_needs"],
        "channel": "paper",
    }

    created = await client.post(PEOPLE, json=body, headers=staff)

    assert created.status_code == 201
    subject = created.json()["id"]
    assert created.headers["location"] == f"{PEOPLE}/{subject}"
    profile = (await client.get(f"{PEOPLE}/{subject}", headers=staff)).json()
    assert profile["about"] == body["about"]
    assert profile["contact"] == {
        "email": None,
        "phone": "01632 960 001",
        "address": "",
        "preferred_route": "phone",
        "intermediary": {"name": "", "organisation": "", "contact": ""},
        "safe_contact": True,
        "language": "en",
    }
    assert profile["equality"] is None  # coordinators never see the equality answers
    assert profile["consents"] == {
        **dict.fromkeys(consent.CURRENT, False),
        "register": True,
        "share_access_needs": True,
    }
    channels = await ConsentEvent.select(ConsentEvent.channel, ConsentEvent.purpose)
    assert sorted((r["purpose"], r["channel"]) for r in channels) == [
        ("register", "paper"),
        ("share_access_needs", "paper"),
    ]


@pytest.mark.parametrize(
    ("contact", "field"),
    [
        ({"email": "SAM@example.org"}, "contact.email"),
        ({"phone": "+44 7700 900982", "preferred_route": "sms"}, "contact.phone"),
    ],
)
async def test_a_second_profile_with_the_same_email_or_phone_is_a_conflict(
    client: httpx.AsyncClient, staff: Headers, contact: dict[str, Any], field: str
) -> None:
    sam = await add(client, staff, "Sam", email="sam@example.org")
    both = {"email": "sam@example.org", "phone": "07700 900 982"}
    assert (await client.put(f"{PEOPLE}/{sam}/contact", json=both, headers=staff)).is_success
    before = await count_rows()

    response = await client.post(
        PEOPLE, json={"about": {"preferred_name": "Other"}, "contact": contact}, headers=staff
    )

    assert response.status_code == 409
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert await count_rows() == before


async def test_search_by_filters_finds_exactly_the_matching_people(
    client: httpx.AsyncClient, staff: Headers
) -> None:
    online = await add(client, staff, "Online Person")
    both = await add(client, staff, "Both Person")
    paused = await add(client, staff, "Paused Person")
    await add(client, staff, "Unrelated Person")
    involvement = SECTION_ANSWERS["involvement"]
    for subject, activities in ((online, ["surveys"]), (both, ["surveys", "peer_research"])):
        await client.put(
            f"{PEOPLE}/{subject}/involvement",
            json={**involvement, "activities": activities},
            headers=staff,
        )
    await client.put(
        f"{PEOPLE}/{paused}/involvement", json={"activities": ["surveys"]}, headers=staff
    )
    await Participant.update({Participant.paused_at: Participant.created_at}).where(
        Participant.id == paused
    )

    surveys = await client.get(PEOPLE, params={"activities": "surveys"}, headers=staff)
    two = await client.get(
        PEOPLE, params=[("activities", "surveys"), ("activities", "peer_research")], headers=staff
    )
    with_paused = await client.get(
        PEOPLE, params={"activities": "surveys", "include_paused": "true"}, headers=staff
    )

    assert surveys.status_code == 200
    assert {p["id"] for p in surveys.json()["people"]} == {online, both}
    assert [p["id"] for p in two.json()["people"]] == [both]
    assert {p["id"] for p in with_paused.json()["people"]} == {online, both, paused}
    assert (surveys.json()["total"], surveys.json()["page"], surveys.json()["pages"]) == (2, 1, 1)
    [found] = two.json()["people"]
    assert found == {
        "id": both,
        "name": "Both Person",
        "safe_contact": False,
        "paused": False,
        "preferred_route": "email",
        "adjustments": [],
        "travel_help": [],
    }


async def test_search_pages(client: httpx.AsyncClient, staff: Headers) -> None:
    for number in range(search.PAGE_SIZE + 1):
        await add(client, staff, f"Person {number}")

    first = (await client.get(PEOPLE, headers=staff)).json()
    second = (await client.get(PEOPLE, params={"page": "2"}, headers=staff)).json()

    assert (first["total"], first["pages"], len(first["people"])) == (26, 2, search.PAGE_SIZE)
    assert (second["page"], len(second["people"])) == (2, 1)
    assert {p["id"] for p in first["people"]}.isdisjoint({p["id"] for p in second["people"]})


async def test_search_by_name_or_email_is_a_post(client: httpx.AsyncClient, staff: Headers) -> None:
    river = await add(client, staff, "River Stone")
    await add(client, staff, "Lake Stone")

    by_name = await client.post(f"{PEOPLE}/search", json={"query": "river"}, headers=staff)
    by_email = await client.post(
        f"{PEOPLE}/search", json={"query": "lake.stone@example.org"}, headers=staff
    )
    refused = await client.get(PEOPLE, params={"query": "river"}, headers=staff)

    assert by_name.status_code == 200
    assert [p["id"] for p in by_name.json()["people"]] == [river]
    assert [p["name"] for p in by_email.json()["people"]] == ["Lake Stone"]
    assert refused.status_code == 400
    assert "POST /api/v1/participants/search" in refused.json()["detail"]
    assert [e["field"] for e in refused.json()["errors"]] == ["query"]


@pytest.mark.parametrize("section", ["about", "contact", "lived_experience", "access_needs"])
async def test_a_coordinator_changes_a_section_and_reads_it_back(
    client: httpx.AsyncClient, staff: Headers, section: str
) -> None:
    subject = await add(client, staff, "Lee")

    saved = await client.put(
        f"{PEOPLE}/{subject}/{section}", json=SECTION_ANSWERS[section], headers=staff
    )
    read = await client.get(f"{PEOPLE}/{subject}", headers=staff)

    assert saved.status_code == 200
    assert read.json()[section] == SECTION_ANSWERS[section]


async def test_only_the_person_answers_the_equality_questions(
    client: httpx.AsyncClient, staff: Headers
) -> None:
    subject = await add(client, staff, "Lee")

    response = await client.put(
        f"{PEOPLE}/{subject}/equality", json=SECTION_ANSWERS["equality"], headers=staff
    )

    assert response.status_code == 403
    assert (await Participant.select(Participant.equality).first())["equality"] is None


async def test_consents_recorded_for_someone_say_how_and_who(
    running_app: Litestar, client: httpx.AsyncClient, staff: Headers
) -> None:
    subject = await add(client, staff, "Lee")
    me = (await client.get("/api/v1/me", headers=staff)).json()["account_id"]

    changed = await client.post(
        f"{PEOPLE}/{subject}/consents",
        json={"purpose": "contact", "granted": False, "channel": "phone"},
        headers=staff,
    )
    shown = await client.get(f"{PEOPLE}/{subject}/consents", headers=staff)

    assert changed.status_code == 200
    assert changed.json()["consents"] == {
        **dict.fromkeys(consent.CURRENT, False),
        "register": True,
    }
    last = shown.json()["history"][-1]
    assert (last["purpose"], last["granted"], last["channel"], last["assisted_by"]) == (
        "contact",
        False,
        "phone",
        me,
    )
    assert len(shown.json()["history"]) == 3


async def test_export_and_erasure(client: httpx.AsyncClient, staff: Headers) -> None:
    subject = await add(client, staff, "Lee")

    export = await client.get(f"{PEOPLE}/{subject}/export", headers=staff)
    unconfirmed = await client.post(f"{PEOPLE}/{subject}/erase", json={}, headers=staff)
    erased = await client.post(f"{PEOPLE}/{subject}/erase", json={"confirm": True}, headers=staff)

    assert export.status_code == 200
    assert export.json()["tables"]["participant"][0]["preferred_name"] == "Lee"
    assert unconfirmed.status_code == 400
    assert [e["field"] for e in unconfirmed.json()["errors"]] == ["confirm"]
    assert erased.status_code == 200
    assert erased.json()["erased"] == subject
    assert await Participant.count() == 0
    assert (await ErasureRecord.select(ErasureRecord.requested_by).first()) == {
        "requested_by": "staff"
    }
    assert (await client.get(f"{PEOPLE}/{subject}", headers=staff)).status_code == 404


ID_ROUTES = [
    ("GET", "/{id}", None),
    ("PUT", "/{id}/about", {"preferred_name": "Al"}),
    ("GET", "/{id}/consents", None),
    ("POST", "/{id}/consents", {"purpose": "contact", "granted": True, "channel": "web"}),
    ("GET", "/{id}/export", None),
    ("POST", "/{id}/erase", {"confirm": True}),
]


@pytest.mark.parametrize(("method", "path", "body"), ID_ROUTES)
async def test_unknown_ids_are_not_found(
    client: httpx.AsyncClient, staff: Headers, method: str, path: str, body: Any
) -> None:
    url = PEOPLE + path.format(id=uuid4())

    response = await client.request(method, url, json=body, headers=staff)

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith("There is no profile")


async def test_an_unknown_section_is_not_found(client: httpx.AsyncClient, staff: Headers) -> None:
    subject = await add(client, staff, "Lee")

    response = await client.put(f"{PEOPLE}/{subject}/hobbies", json={}, headers=staff)

    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.organiser, Role.finance])
async def test_organisers_and_finance_are_refused_everything(
    running_app: Litestar, client: httpx.AsyncClient, staff: Headers, role: Role
) -> None:
    subject = await add(client, staff, "Lee")
    other = await coordinator_token(running_app, role)
    routes = [
        ("GET", PEOPLE, None),
        ("POST", PEOPLE, new("Someone")),
        ("POST", f"{PEOPLE}/search", {"query": "Lee"}),
        *((m, PEOPLE + p.format(id=subject), b) for m, p, b in ID_ROUTES),
        ("GET", "/api/v1/me/profile", None),
    ]

    statuses = [
        (await client.request(m, url, json=b, headers=other)).status_code for m, url, b in routes
    ]

    assert statuses == [403] * len(routes)
    assert await Participant.count() == 1
    assert len(routes) == len(api_people.ACCESS) + 1  # every coordinator route, and /me


async def test_the_openapi_document_describes_every_route(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/schema/openapi.json")).json()["paths"]

    described = {
        (method.upper(), path)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if path.startswith(("/api/v1/me/", PEOPLE))
        and not path.startswith(("/api/v1/me/interest", "/api/v1/me/events"))  # other files
        and operation.get("description")
    }

    assert described == {
        ("GET", "/api/v1/me/profile"),
        ("PUT", "/api/v1/me/profile/{section}"),
        ("POST", "/api/v1/me/pause"),
        ("GET", "/api/v1/me/consents"),
        ("POST", "/api/v1/me/consents"),
        ("GET", "/api/v1/me/export"),
        ("POST", "/api/v1/me/withdraw"),
        ("GET", PEOPLE),
        ("POST", PEOPLE),
        ("POST", f"{PEOPLE}/search"),
        ("GET", f"{PEOPLE}/{{subject}}"),
        ("PUT", f"{PEOPLE}/{{subject}}/{{section}}"),
        ("GET", f"{PEOPLE}/{{subject}}/consents"),
        ("POST", f"{PEOPLE}/{{subject}}/consents"),
        ("GET", f"{PEOPLE}/{{subject}}/export"),
        ("POST", f"{PEOPLE}/{{subject}}/erase"),
    }
    assert len(described) == len(ACCESS) - len(api_recruitment.ACCESS)
    body = paths[PEOPLE]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["about", "contact"]
    assert paths[PEOPLE]["post"]["responses"]["409"]["content"]["application/problem+json"]
