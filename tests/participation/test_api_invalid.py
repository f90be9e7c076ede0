"""Bad input to every participation API route that takes any: a 4xx naming each field, with the
schema's own message, and nothing written (rows counted and profiles read back before and after).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from litestar import Litestar

from participation import schemas
from participation.api.models import OwnConsent
from tests.participation.test_api import coordinator_token, count_rows, signed_in_participant

TOMORROW = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
LONG_NAME = "x" * 81
ME, STAFF = "me", "staff"
LEE = {"about": {"preferred_name": "Lee"}, "contact": {"email": "lee@example.org"}}


def bad(who: str, route: str, body: Any, *fields: str, status: int = 400) -> Any:
    """One case: ``who`` (me or staff) calls ``route`` ("PUT /path", ``{id}``: a person) with
    ``body``; the answer must be ``status`` naming exactly ``fields``."""
    return pytest.param(
        who, route, body, status, list(fields), id=f"{who} {route} {'+'.join(fields) or status}"
    )


CASES = [
    bad(STAFF, "POST /participants", {}, "about.preferred_name", "contact.email"),
    bad(
        STAFF,
        "POST /participants",
        {**LEE, "about": {"preferred_name": LONG_NAME}},
        "about.preferred_name",
    ),
    bad(
        STAFF,
        "POST /participants",
        {**LEE, "about": {"preferred_name": "Al", "date_of_birth": TOMORROW}},
        "about.date_of_birth",
    ),
    bad(STAFF, "POST /participants", {**LEE, "contact": {"email": "al@"}}, "contact.email"),
    bad(
        STAFF,
        "POST /participants",
        {**LEE, "contact": {"phone": "+1 202 555 0100", "preferred_route": "sms"}},
        "contact.phone",
    ),
    bad(
        STAFF,
        "POST /participants",
        {**LEE, "contact": {"email": "a@example.org", "preferred_route": "fax"}},
        "contact.preferred_route",
    ),
    bad(STAFF, "POST /participants", {**LEE, "consents": ["register", "marketing"]}, "consents"),
    bad(STAFF, "POST /participants", {**LEE, "channel": "pigeon"}, "channel"),
    bad(STAFF, "POST /participants", {**LEE, "nickname": "Al"}, "nickname"),
    bad(STAFF, "POST /participants", {**LEE, "about": "Lee"}, "about"),
    bad(
        STAFF,
        "POST /participants",
        {"about": {"preferred_name": LONG_NAME}, "contact": {"email": "no"}, "consents": ["spam"]},
        "about.preferred_name",
        "contact.email",
        "consents",
    ),
    bad(ME, "PUT /me/profile/about", {"preferred_name": ""}, "preferred_name"),
    bad(
        ME,
        "PUT /me/profile/about",
        {"preferred_name": "Al", "date_of_birth": TOMORROW},
        "date_of_birth",
    ),
    bad(ME, "PUT /me/profile/about", {"preferred_name": "Al", "nickname": "A"}, "nickname"),
    bad(
        ME,
        "PUT /me/profile/contact",
        {"email": "al@", "phone": "+33 1 23 45 67 89"},
        "email",
        "phone",
    ),
    bad(
        ME,
        "PUT /me/profile/contact",
        {"email": "a@example.org", "preferred_route": "fax"},
        "preferred_route",
    ),
    bad(ME, "PUT /me/profile/contact", {"preferred_route": "post"}, "address"),
    bad(
        ME,
        "PUT /me/profile/lived_experience",
        {"lived_experience": ["astronaut"]},
        "lived_experience",
    ),
    bad(
        ME,
        "PUT /me/profile/lived_experience",
        {"lived_experience_words": "x" * 1001},
        "lived_experience_words",
    ),
    bad(ME, "PUT /me/profile/equality", {"age": "ancient"}, "age"),
    bad(
        ME,
        "PUT /me/profile/involvement",
        {"activities": ["juggling"], "formats": ["telepathy"]},
        "activities",
        "formats",
    ),
    bad(
        ME, "PUT /me/profile/access_needs", {"adjustments": ["interpreter"]}, "interpreter_language"
    ),
    bad(ME, "PUT /me/profile/access_needs", {"other": "x" * 1001}, "other"),
    bad(ME, "PUT /me/profile/hobbies", {"fishing": True}, status=404),
    bad(ME, "POST /me/pause", {}, "paused"),
    bad(ME, "POST /me/pause", {"paused": "maybe"}, "paused"),
    bad(ME, "POST /me/consents", {"purpose": "marketing", "granted": True}, "purpose"),
    bad(ME, "POST /me/consents", {"purpose": "contact"}, "granted"),
    bad(
        ME,
        "POST /me/consents",
        {"purpose": "contact", "granted": True, "channel": "web"},
        "channel",
    ),
    bad(ME, "POST /me/withdraw", {}, "confirm"),
    bad(ME, "POST /me/withdraw", {"confirm": False}, "confirm"),
    bad(
        STAFF,
        "PUT /participants/{id}/contact",
        {"email": "lee@example.org", "phone": "12345"},
        "phone",
    ),
    bad(STAFF, "PUT /participants/{id}/about", {"preferred_name": LONG_NAME}, "preferred_name"),
    bad(STAFF, "PUT /participants/{id}/hobbies", {}, status=404),
    bad(
        STAFF,
        "POST /participants/{id}/consents",
        {"purpose": "contact", "granted": True},
        "channel",
    ),
    bad(
        STAFF,
        "POST /participants/{id}/consents",
        {"purpose": "spam", "granted": True, "channel": "fax"},
        "purpose",
        "channel",
    ),
    bad(STAFF, "POST /participants/{id}/erase", {}, "confirm"),
    bad(STAFF, "POST /participants/{id}/erase", {"confirm": "please"}, "confirm"),
    bad(STAFF, "POST /participants/search", {"activities": ["juggling"]}, "activities"),
    bad(STAFF, "POST /participants/search", {"query": "x" * 121}, "query"),
    bad(STAFF, "POST /participants/search", {"page": 0}, "page"),
    bad(STAFF, "POST /participants/search", {"colour": "red"}, "colour"),
    bad(STAFF, "GET /participants?activities=juggling", None, "activities"),
    bad(STAFF, "GET /participants?page=first", None, "page"),
    bad(STAFF, "GET /participants?colour=red", None, "colour"),
    bad(STAFF, "GET /participants?query=Lee", None, "query"),
]


class World:
    """A signed-in participant with a profile, and a coordinator's token and one person."""

    def __init__(self, client: httpx.AsyncClient, staff: dict[str, str], person: str) -> None:
        self.client, self.staff, self.person = client, staff, person

    async def call(self, who: str, method: str, path: str, body: Any) -> httpx.Response:
        headers = self.staff if who == STAFF else {}
        url = "/api/v1" + path.format(id=self.person)
        return await self.client.request(method, url, json=body, headers=headers)

    async def snapshot(self) -> tuple[Any, ...]:
        """Everything a refused request must leave alone."""
        mine = await self.client.get("/api/v1/me/profile")
        theirs = await self.client.get(f"/api/v1/participants/{self.person}", headers=self.staff)
        return await count_rows(), mine.json(), theirs.json()


@pytest.fixture
async def world(running_app: Litestar, client: httpx.AsyncClient) -> World:
    await signed_in_participant(running_app, client)
    staff = await coordinator_token(running_app)
    created = await client.post("/api/v1/participants", json=LEE, headers=staff)
    return World(client, staff, created.json()["id"])


@pytest.mark.parametrize(("who", "route", "body", "status", "fields"), CASES)
async def test_bad_input_names_each_field_and_writes_nothing(  # noqa: PLR0917 - the case table
    world: World, who: str, route: str, body: Any, status: int, fields: list[str]
) -> None:
    before = await world.snapshot()

    method, path = route.split(" ")
    response = await world.call(who, method, path, body)

    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problems = response.json().get("errors", [])
    assert [problem["field"] for problem in problems] == fields
    assert all(problem["message"] for problem in problems)
    assert await world.snapshot() == before


async def test_messages_are_the_schemas_own(world: World) -> None:
    body = {**LEE, "about": {"preferred_name": "Al", "date_of_birth": TOMORROW}, "x": 1}

    created = await world.call(STAFF, "POST", "/participants", body)
    consent = await world.call(ME, "POST", "/me/consents", {"purpose": "spam", "granted": True})

    assert created.json()["errors"] == [
        {"field": "about.date_of_birth", "message": schemas.AboutYou.messages["date_of_birth"]},
        {"field": "x", "message": "Remove x: it is not one of about, contact, consents, channel"},
    ]
    assert consent.json()["errors"] == [
        {"field": "purpose", "message": OwnConsent.messages["purpose"]}
    ]
    assert "register, contact, share_access_needs" in OwnConsent.messages["purpose"]


@pytest.mark.parametrize("content", [b"[1, 2]", b"not json", b'"text"'])
async def test_a_body_that_is_not_a_json_object_is_refused(world: World, content: bytes) -> None:
    before = await world.snapshot()

    response = await world.client.put(
        "/api/v1/me/profile/about", content=content, headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert await world.snapshot() == before


async def test_a_body_not_declared_as_json_is_refused(world: World) -> None:
    response = await world.client.post("/api/v1/me/pause", data={"paused": "true"})

    assert response.status_code == 415
    assert (await world.client.get("/api/v1/me/profile")).json()["paused"] is False
