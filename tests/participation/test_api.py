"""The participation JSON API, a participant's own routes (``/api/v1/me``); and the helpers the
other ``test_api_*`` files share: a coordinator's API token, a signed-in participant."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from litestar import Litestar

from app import audit
from app.auth import tokens
from app.datamap import Role
from participation.services import consent
from participation.tables import ConsentEvent, ErasureRecord, Participant
from tests.support.auth import make_account, sign_in

Headers = dict[str, str]
SECTION_ANSWERS: dict[str, dict[str, Any]] = {
    "about": {"preferred_name": "Robin Ash", "date_of_birth": "1984-03-27"},
    "contact": {
        "email": "robin.ash@example.org",
        "phone": "07700 900 982",
        "address": "1 High Street, Northtown",
        "preferred_route": "sms",
        "intermediary": {"name": "Jo", "organisation": "Shelter North", "contact": "01632 960001"},
        "safe_contact": True,
        "language": "cy",
    },
    "lived_experience": {
        "lived_experience": ["homelessness", "mental_health"],
        "lived_experience_words": "Two years in hostels.",
    },
    "equality": {
        "age": "35_49",
        "sex": "prefer_not_to_say",
        "gender_same_as_birth": "",
        "ethnicity": "mixed",
        "disability": "yes",
        "religion": "",
        "sexual_orientation": "",
    },
    "involvement": {
        "activities": ["market_events", "peer_research"],
        "formats": ["online"],
        "group_sizes": ["one_to_one"],
        "never_days": ["sat", "sun"],
        "times_of_day": ["morning"],
        "shorter_sessions": True,
        "contact_frequency": "monthly",
    },
    "access_needs": {
        "adjustments": ["step_free", "interpreter"],
        "travel_help": ["taxi"],
        "interpreter_language": "Tigrinya",
        "dietary": "Halal",
        "other": "Please send papers a week before.",
    },
}
"""A valid answer for every section, written as the API returns it (so it reads back equal)."""


async def coordinator_token(app: Litestar, *staff_roles: str) -> Headers:
    """Bearer headers of an API token for a new staff account with ``staff_roles``."""
    held = staff_roles or (Role.coordinator,)
    account = await make_account(app, "staff", held)
    token = await tokens.create(app.state.secret_key, account, "script", held, 30, audit.SYSTEM)
    return {"authorization": f"Bearer {token}"}


async def signed_in_participant(app: Litestar, client: httpx.AsyncClient) -> UUID:
    account = await make_account(app, "participant", (Role.participant,))
    await sign_in(app, client, account)
    return account


async def count_rows() -> tuple[int, int]:
    """Profiles and consent events: the same before and after a refused request."""
    return await Participant.count(), await ConsentEvent.count()


@pytest.fixture
async def me(running_app: Litestar, client: httpx.AsyncClient) -> UUID:
    return await signed_in_participant(running_app, client)


async def test_own_profile_is_made_from_the_account_on_first_read(
    client: httpx.AsyncClient, me: UUID
) -> None:
    response = await client.get("/api/v1/me/profile")

    assert response.status_code == 200
    profile = response.json()
    assert profile["id"] == str(me)
    assert profile["about"] == {"preferred_name": "Test participant", "date_of_birth": None}
    assert profile["contact"]["preferred_route"] == "post"
    assert profile["paused"] is False
    assert profile["consents"] == dict.fromkeys(consent.CURRENT, False)
    assert await Participant.count() == 1


@pytest.mark.parametrize("section", list(SECTION_ANSWERS))
async def test_each_section_written_reads_back_equal(
    client: httpx.AsyncClient, me: UUID, section: str
) -> None:
    answers = SECTION_ANSWERS[section]

    saved = await client.put(f"/api/v1/me/profile/{section}", json=answers)
    read = await client.get("/api/v1/me/profile")

    assert saved.status_code == 200
    assert saved.json()[section] == answers
    assert read.json()[section] == answers


async def test_pause_and_resume(client: httpx.AsyncClient, me: UUID) -> None:
    paused = await client.post("/api/v1/me/pause", json={"paused": True})
    while_paused = (await client.get("/api/v1/me/profile")).json()["paused"]
    resumed = await client.post("/api/v1/me/pause", json={"paused": False})

    assert (paused.status_code, paused.json()) == (200, {"paused": True})
    assert while_paused is True
    assert (resumed.status_code, resumed.json()) == (200, {"paused": False})
    assert (await client.get("/api/v1/me/profile")).json()["paused"] is False


async def test_consents_change_and_show_their_history(client: httpx.AsyncClient, me: UUID) -> None:
    granted = await client.post("/api/v1/me/consents", json={"purpose": "contact", "granted": True})
    await client.post("/api/v1/me/consents", json={"purpose": "register", "granted": True})
    await client.post("/api/v1/me/consents", json={"purpose": "contact", "granted": False})
    shown = await client.get("/api/v1/me/consents")

    assert granted.status_code == 200
    assert granted.json()["consents"]["contact"] is True
    body = shown.json()
    assert body["consents"] == {**dict.fromkeys(consent.CURRENT, False), "register": True}
    assert [(e["purpose"], e["granted"], e["channel"]) for e in body["history"]] == [
        ("contact", True, "web"),
        ("register", True, "web"),
        ("contact", False, "web"),
    ]
    assert body["history"][0]["title"] == consent.CURRENT["contact"].title
    assert body["history"][0]["assisted_by"] is None
    assert [w["purpose"] for w in body["wordings"]] == list(consent.CURRENT)
    assert body["wordings"][0]["sha256"] == consent.CURRENT["register"].sha256


async def test_export_holds_what_was_written(client: httpx.AsyncClient, me: UUID) -> None:
    await client.put("/api/v1/me/profile/about", json=SECTION_ANSWERS["about"])

    response = await client.get("/api/v1/me/export")

    assert response.status_code == 200
    export = response.json()
    assert export["subject"] == str(me)
    [row] = export["tables"]["participant"]
    assert row["preferred_name"] == "Robin Ash"
    assert row["date_of_birth"] == "1984-03-27"
    assert set(export["consent_wordings"]) == set(consent.CURRENT)


async def test_withdraw_needs_confirming_then_erases_and_signs_out(
    client: httpx.AsyncClient, me: UUID
) -> None:
    await client.get("/api/v1/me/profile")

    unconfirmed = await client.post("/api/v1/me/withdraw", json={"confirm": False})
    assert unconfirmed.status_code == 400
    assert [e["field"] for e in unconfirmed.json()["errors"]] == ["confirm"]
    assert await Participant.count() == 1

    done = await client.post("/api/v1/me/withdraw", json={"confirm": True})

    assert done.status_code == 200
    assert done.json()["erased"] == str(me)
    assert "participant: 1" in done.json()["deleted"]
    assert await Participant.count() == 0
    assert await ErasureRecord.count() == 1
    assert (await client.get("/api/v1/me/profile")).status_code == 401


async def test_a_participant_cannot_reach_anyone_else(
    running_app: Litestar, client: httpx.AsyncClient, me: UUID
) -> None:
    await client.get("/api/v1/me/profile")
    staff = await coordinator_token(running_app)
    other = (
        await client.post(
            "/api/v1/participants",
            json={"about": {"preferred_name": "Kim"}, "contact": {"email": "kim@example.org"}},
            headers=staff,
        )
    ).json()["id"]

    for method, path in (
        ("GET", f"/api/v1/participants/{other}"),
        ("GET", f"/api/v1/participants/{other}/export"),
        ("GET", "/api/v1/participants"),
        ("POST", f"/api/v1/participants/{other}/erase"),
    ):
        response = await client.request(method, path, json={"confirm": True})
        assert response.status_code == 403, path
    assert await Participant.count() == 2  # theirs (made on first use) and Kim's, untouched


async def test_staff_tokens_cannot_use_the_participant_routes(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    staff = await coordinator_token(running_app)

    response = await client.get("/api/v1/me/profile", headers=staff)

    assert response.status_code == 403


async def test_an_unknown_section_is_not_found(client: httpx.AsyncClient, me: UUID) -> None:
    response = await client.put(f"/api/v1/me/profile/{uuid4()}", json={})

    assert response.status_code == 404
    assert "about, contact, lived_experience" in response.json()["detail"]


async def test_someone_elses_email_is_a_conflict_naming_the_field(
    running_app: Litestar, client: httpx.AsyncClient, me: UUID
) -> None:
    staff = await coordinator_token(running_app)
    kim = {"about": {"preferred_name": "Kim"}, "contact": {"email": "kim@example.org"}}
    await client.post("/api/v1/participants", json=kim, headers=staff)
    before = (await client.get("/api/v1/me/profile")).json()["contact"]

    response = await client.put("/api/v1/me/profile/contact", json={"email": "Kim@example.org"})

    assert response.status_code == 409
    assert response.json()["errors"] == [
        {"field": "email", "message": "Another profile already has this email address"}
    ]
    assert (await client.get("/api/v1/me/profile")).json()["contact"] == before
