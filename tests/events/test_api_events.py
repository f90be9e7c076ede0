"""The events JSON API: organisers' venues, events, invitations and staff-recorded replies, and a
participant's own events. Every refused request is checked to have written nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from litestar import Litestar

from app.datamap import Role
from app.sealed import Sealer
from app.tables import OutboxMessage
from events.services import invitations, scheduling
from events.tables import Event, Invitation, Venue
from tests.events.conftest import ORGANISER, SENDER, event_form, panel, venue
from tests.participation.test_api import Headers, coordinator_token, signed_in_participant

VENUES = "/api/v1/venues"
EVENTS = "/api/v1/events"
MINE = "/api/v1/me/events"
START = (datetime.now(UTC) + timedelta(days=30)).replace(hour=9, minute=0, second=0, microsecond=0)
ANN = {"ann": {"email": "ann@example.org"}}
PEOPLE = ANN | {
    "bo": {"email": None, "phone": "07700 900501", "route": "phone"},
    "cy": {"email": "cy@example.org", "safe_contact": True},
}


@pytest.fixture
async def organiser(running_app: Litestar, db: Any) -> Headers:
    return await coordinator_token(running_app, Role.organiser)


def event_body(venue_id: UUID | None, **changes: Any) -> dict[str, Any]:
    """An event as a script sends it."""
    body: dict[str, Any] = {
        "title": "Day services workshop",
        "kind": "workshop",
        "mode": "in_person",
        "venue": str(venue_id) if venue_id else None,
        "starts_at": START.isoformat(),
        "ends_at": (START + timedelta(hours=2)).isoformat(),
        "capacity": 8,
        "reminder_hours": [24, 2],
    }
    return body | changes


def fields(response: httpx.Response) -> list[str]:
    return [e["field"] for e in response.json().get("errors", [])]


async def invitation_of(subject: UUID) -> UUID:
    row = await Invitation.select(Invitation.id).where(Invitation.subject == subject).first()
    assert row is not None
    return UUID(str(row["id"]))


async def make_past(event: UUID) -> None:
    earlier = datetime.now(UTC) - timedelta(minutes=5)
    await Event.update({Event.starts_at: earlier}).where(Event.id == event)


# Venues


async def test_venues_are_added_listed_and_changed(
    client: httpx.AsyncClient, organiser: Headers
) -> None:
    made = await client.post(
        VENUES,
        json={"name": "Library meeting room", "features": ["quiet_room", "step_free"]},
        headers=organiser,
    )
    venue_id = made.json()["id"]
    changed = await client.put(
        f"{VENUES}/{venue_id}",
        json={"name": "Library room 1", "features": ["hearing_loop"], "dial_in": "0300 000 000"},
        headers=organiser,
    )
    listed = await client.get(VENUES, headers=organiser)

    assert (made.status_code, made.headers["location"]) == (201, VENUES)
    assert changed.status_code == 200
    assert changed.json() == {
        "id": venue_id,
        "name": "Library room 1",
        "address": "",
        "directions": "",
        "features": ["hearing_loop"],
        "public_transport": "",
        "join_link": "",
        "dial_in": "0300 000 000",
    }
    assert listed.json() == {"venues": [changed.json()]}


@pytest.mark.parametrize(
    ("body", "wrong"),
    [
        ({"name": "Hall", "features": ["lift"]}, ["features"]),
        ({"name": "Room", "join_link": "http://meet.example/x"}, ["join_link"]),
        ({"name": ""}, ["name"]),
        ({"name": "Hall", "colour": "red"}, ["colour"]),
    ],
    ids=["unknown feature", "bad join link", "no name", "unknown key"],
)
async def test_a_bad_venue_is_400_naming_the_field(
    client: httpx.AsyncClient, organiser: Headers, body: dict[str, Any], wrong: list[str]
) -> None:
    response = await client.post(VENUES, json=body, headers=organiser)

    assert (response.status_code, fields(response)) == (400, wrong)
    assert await Venue.count() == 0


async def test_changing_an_unknown_venue_is_404(
    client: httpx.AsyncClient, organiser: Headers
) -> None:
    response = await client.put(f"{VENUES}/{uuid4()}", json={"name": "Hall"}, headers=organiser)

    assert response.status_code == 404
    assert await Venue.count() == 0


# Events


async def test_an_event_is_scheduled_and_read_back(
    client: httpx.AsyncClient, organiser: Headers
) -> None:
    place = await venue()

    made = await client.post(EVENTS, json=event_body(place), headers=organiser)
    event_id = made.json()["id"]
    one = await client.get(f"{EVENTS}/{event_id}", headers=organiser)
    listed = await client.get(EVENTS, headers=organiser)

    assert (made.status_code, made.headers["location"]) == (201, f"{EVENTS}/{event_id}")
    body = one.json()
    assert one.status_code == 200
    assert {k: body[k] for k in ("title", "kind", "kind_label", "mode", "venue")} == {
        "title": "Day services workshop",
        "kind": "workshop",
        "kind_label": "Workshop",
        "mode": "in_person",
        "venue": str(place),
    }
    assert datetime.fromisoformat(body["starts_at"]) == START
    assert (body["capacity"], body["reminder_hours"], body["sequence"]) == (8, [2, 24], 0)
    assert (body["status"], body["opportunity"], body["sensitive"]) == ("scheduled", None, False)
    assert body["where"] == (
        "County Hall, Committee Room 2. County Hall, Northtown NT1 1AA. "
        "Access: Step-free route from the street to the room; Hearing loop"
    )
    assert listed.json() == {"events": [body]}


BAD_EVENTS = [
    pytest.param(
        {"ends_at": (START - timedelta(hours=1)).isoformat()}, ["ends_at"], id="end before start"
    ),
    pytest.param(
        {"starts_at": (datetime.now(UTC) - timedelta(days=1)).isoformat()},
        ["starts_at"],
        id="start in the past",
    ),
    pytest.param({"kind": "party"}, ["kind"], id="unknown kind"),
    pytest.param({"mode": "telepathy"}, ["mode"], id="unknown mode"),
    pytest.param(
        {"mode": "online", "join_link": "http://meet.example/x"}, ["join_link"], id="bad link"
    ),
    pytest.param({"venue": None}, ["venue"], id="in person with no venue"),
    pytest.param({"venue": str(uuid4())}, ["venue"], id="unknown venue"),
    pytest.param({"capacity": 0}, ["capacity"], id="no places"),
]


@pytest.mark.parametrize(("changes", "wrong"), BAD_EVENTS)
async def test_a_bad_event_is_400_naming_the_field(
    client: httpx.AsyncClient, organiser: Headers, changes: dict[str, Any], wrong: list[str]
) -> None:
    place = await venue()

    response = await client.post(EVENTS, json=event_body(place, **changes), headers=organiser)

    assert (response.status_code, fields(response)) == (400, wrong)
    assert await Event.count() == 0


async def test_unknown_events_are_404(client: httpx.AsyncClient, organiser: Headers) -> None:
    place = await venue()
    unknown = f"{EVENTS}/{uuid4()}"

    statuses = [
        (await client.get(unknown, headers=organiser)).status_code,
        (await client.put(unknown, json=event_body(place), headers=organiser)).status_code,
        (await client.post(f"{unknown}/cancel", json={}, headers=organiser)).status_code,
        (await client.post(f"{unknown}/invite-selection", json={}, headers=organiser)).status_code,
        (await client.get(f"{unknown}/invitations", headers=organiser)).status_code,
        (
            await client.post(
                f"{unknown}/invitations/{uuid4()}/reply",
                json={"answer": "accepted"},
                headers=organiser,
            )
        ).status_code,
    ]

    assert statuses == [404] * 6
    assert await Event.count() == 0


# Inviting, changing, cancelling


async def test_inviting_the_selection_answers_the_counts_once(
    client: httpx.AsyncClient, sealer: Sealer, organiser: Headers
) -> None:
    setup = await panel(sealer, **PEOPLE)
    before = await OutboxMessage.count()

    first = await client.post(
        f"{EVENTS}/{setup.event}/invite-selection", json={}, headers=organiser
    )
    again = await client.post(
        f"{EVENTS}/{setup.event}/invite-selection", json={}, headers=organiser
    )
    listed = await client.get(f"{EVENTS}/{setup.event}/invitations", headers=organiser)

    assert (first.status_code, first.json()) == (
        200,
        {"invited": 3, "emailed": 2, "to_tell": 1, "skipped": 0},
    )
    assert again.json() == {"invited": 0, "emailed": 0, "to_tell": 0, "skipped": 3}
    assert await OutboxMessage.count() == before + 2
    rows = listed.json()["invitations"]
    assert {UUID(r["subject"]): r["told_at"] is not None for r in rows} == {
        setup.people["ann"]: True,
        setup.people["bo"]: False,
        setup.people["cy"]: True,
    }
    assert {(r["reply"], r["reply_label"], r["replied_via"]) for r in rows} == {
        ("invited", "Not replied yet", "")
    }
    assert sorted(rows[0]) == [
        "id",
        "replied_at",
        "replied_via",
        "reply",
        "reply_label",
        "subject",
        "told_at",
    ]


async def test_an_event_with_no_opportunity_has_no_selection_to_invite(
    client: httpx.AsyncClient, organiser: Headers
) -> None:
    event, _ = await scheduling.save_event(event_form(venue=await venue()), ORGANISER)

    response = await client.post(f"{EVENTS}/{event}/invite-selection", json={}, headers=organiser)

    assert response.status_code == 400
    assert "not linked to an opportunity" in response.json()["detail"]
    assert await Invitation.count() == 0


async def test_a_change_that_matters_is_sent_and_one_that_does_not_is_not(
    client: httpx.AsyncClient, sealer: Sealer, organiser: Headers
) -> None:
    setup = await panel(sealer, **ANN)
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    row, _ = await scheduling.get(setup.event)
    same = event_body(
        row["venue"],
        title=row["title"],
        kind=row["kind"],
        opportunity=str(setup.opportunity),
        starts_at=row["starts_at"].isoformat(),
        ends_at=row["ends_at"].isoformat(),
        capacity=2,
        reminder_hours=[48, 2],
    )
    before = await OutboxMessage.count()

    quiet = await client.put(
        f"{EVENTS}/{setup.event}", json=same | {"capacity": 5}, headers=organiser
    )
    later = (row["starts_at"] + timedelta(days=1)).isoformat()
    moved = await client.put(
        f"{EVENTS}/{setup.event}",
        json=same
        | {"starts_at": later, "ends_at": (row["ends_at"] + timedelta(days=1)).isoformat()},
        headers=organiser,
    )

    assert (quiet.status_code, quiet.json()["told"], quiet.json()["event"]["sequence"]) == (
        200,
        0,
        0,
    )
    assert quiet.json()["event"]["capacity"] == 5
    assert (moved.status_code, moved.json()["told"], moved.json()["event"]["sequence"]) == (
        200,
        1,
        1,
    )
    assert datetime.fromisoformat(moved.json()["event"]["starts_at"]) == datetime.fromisoformat(
        later
    )
    assert await OutboxMessage.count() == before + 1


async def test_capacity_below_those_coming_is_400_and_changes_nothing(
    client: httpx.AsyncClient, sealer: Sealer, organiser: Headers
) -> None:
    people = {n: {"email": f"{n}@example.org"} for n in ("ann", "bo")}
    setup = await panel(sealer, **people)
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    for name in people:
        invitation = await invitation_of(setup.people[name])
        await invitations.reply(sealer, invitation, "accepted", ORGANISER, SENDER, via="staff")
    row, _ = await scheduling.get(setup.event)
    body = event_body(row["venue"], opportunity=str(setup.opportunity), capacity=1, title="New")

    response = await client.put(f"{EVENTS}/{setup.event}", json=body, headers=organiser)

    assert (response.status_code, fields(response)) == (400, ["capacity"])
    assert response.json()["errors"][0]["message"] == (
        "2 people have said they are coming: the capacity cannot be lower"
    )
    after, _ = await scheduling.get(setup.event)
    assert (after["capacity"], after["title"], after["sequence"]) == (2, row["title"], 0)


async def test_cancelling_tells_everyone_then_the_event_is_settled(
    client: httpx.AsyncClient, sealer: Sealer, organiser: Headers
) -> None:
    setup = await panel(sealer, **ANN)
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    ann = await invitation_of(setup.people["ann"])
    before = await OutboxMessage.count()
    url = f"{EVENTS}/{setup.event}"

    cancelled = await client.post(f"{url}/cancel", json={}, headers=organiser)
    again = await client.post(f"{url}/cancel", json={}, headers=organiser)
    changed = await client.put(url, json=event_body(await venue()), headers=organiser)
    invited = await client.post(f"{url}/invite-selection", json={}, headers=organiser)
    replied = await client.post(
        f"{url}/invitations/{ann}/reply", json={"answer": "accepted"}, headers=organiser
    )

    assert cancelled.status_code == 200
    assert (cancelled.json()["told"], cancelled.json()["event"]["status"]) == (1, "cancelled")
    assert cancelled.json()["event"]["sequence"] == 1
    assert [r.status_code for r in (again, changed, invited, replied)] == [409] * 4
    assert await OutboxMessage.count() == before + 1
    after, _ = await scheduling.get(setup.event)
    assert (after["sequence"], after["title"]) == (1, "Housing support evaluation panel")
    assert (await Invitation.select(Invitation.reply).first()) == {"reply": "invited"}


async def test_a_started_event_is_409_for_every_change(
    client: httpx.AsyncClient, sealer: Sealer, organiser: Headers
) -> None:
    setup = await panel(sealer, **ANN)
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    ann = await invitation_of(setup.people["ann"])
    await make_past(setup.event)
    url = f"{EVENTS}/{setup.event}"
    row, _ = await scheduling.get(setup.event)

    statuses = [
        (await client.put(url, json=event_body(row["venue"]), headers=organiser)).status_code,
        (await client.post(f"{url}/cancel", json={}, headers=organiser)).status_code,
        (await client.post(f"{url}/invite-selection", json={}, headers=organiser)).status_code,
        (
            await client.post(
                f"{url}/invitations/{ann}/reply", json={"answer": "declined"}, headers=organiser
            )
        ).status_code,
    ]

    assert statuses == [409] * 4
    after, _ = await scheduling.get(setup.event)
    assert (after["status"], after["sequence"], after["title"]) == (
        "scheduled",
        0,
        "Housing support evaluation panel",
    )
    assert (await Invitation.select(Invitation.reply).first()) == {"reply": "invited"}


# Replies


async def test_staff_record_a_reply_with_the_waiting_list(
    client: httpx.AsyncClient, sealer: Sealer, organiser: Headers
) -> None:
    people = {n: {"email": f"{n}@example.org"} for n in ("ann", "bo", "cy")}
    setup = await panel(sealer, **people)
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    ann, bo, cy = [await invitation_of(setup.people[n]) for n in ("ann", "bo", "cy")]
    url = f"{EVENTS}/{setup.event}/invitations"

    answers = [
        (await client.post(f"{url}/{i}/reply", json={"answer": "accepted"}, headers=organiser))
        for i in (ann, bo, cy)
    ]
    listed = await client.get(url, headers=organiser)

    assert [a.json() for a in answers] == [
        {"invitation": str(ann), "reply": "accepted", "reply_label": "Coming"},
        {"invitation": str(bo), "reply": "accepted", "reply_label": "Coming"},
        {"invitation": str(cy), "reply": "waiting", "reply_label": "On the waiting list"},
    ]
    rows = {r["id"]: (r["reply"], r["replied_via"]) for r in listed.json()["invitations"]}
    assert rows == {
        str(ann): ("accepted", "staff"),
        str(bo): ("accepted", "staff"),
        str(cy): ("waiting", "staff"),
    }


async def test_a_staff_reply_must_be_an_answer_to_an_invitation_of_that_event(
    client: httpx.AsyncClient, sealer: Sealer, organiser: Headers
) -> None:
    setup = await panel(sealer, **ANN)
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    ann = await invitation_of(setup.people["ann"])
    other, _ = await scheduling.save_event(event_form(venue=await venue()), ORGANISER)

    bad = await client.post(
        f"{EVENTS}/{setup.event}/invitations/{ann}/reply", json={"answer": "yes"}, headers=organiser
    )
    elsewhere = await client.post(
        f"{EVENTS}/{other}/invitations/{ann}/reply", json={"answer": "declined"}, headers=organiser
    )
    unknown = await client.post(
        f"{EVENTS}/{setup.event}/invitations/{uuid4()}/reply",
        json={"answer": "declined"},
        headers=organiser,
    )

    assert (bad.status_code, fields(bad)) == (400, ["answer"])
    assert (elsewhere.status_code, unknown.status_code) == (404, 404)
    assert (await Invitation.select(Invitation.reply).first()) == {"reply": "invited"}


# Participants


async def test_a_participant_sees_and_answers_only_their_own(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    setup = await panel(sealer, **ANN)
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    theirs = await invitation_of(setup.people["ann"])
    me = await signed_in_participant(running_app, client)
    mine = uuid4()
    await Invitation.insert(
        Invitation(id=mine, event=setup.event, subject=me, once=f"{setup.event}:{me}")
    )

    listed = await client.get(MINE)
    answered = await client.post(f"{MINE}/{mine}/reply", json={"answer": "tentative"})
    not_mine = await client.post(f"{MINE}/{theirs}/reply", json={"answer": "declined"})
    bad = await client.post(f"{MINE}/{mine}/reply", json={"answer": "never"})

    assert listed.status_code == 200
    [event] = listed.json()["events"]
    row, _ = await scheduling.get(setup.event)
    assert event == {
        "invitation": str(mine),
        "event": str(setup.event),
        "title": "Housing support evaluation panel",
        "kind_label": "Evaluation panel",
        "mode": "in_person",
        "starts_at": event["starts_at"],
        "ends_at": event["ends_at"],
        "when": event["when"],
        "where": (
            "County Hall, Committee Room 2. County Hall, Northtown NT1 1AA. "
            "Access: Step-free route from the street to the room; Hearing loop"
        ),
        "join_link": "",
        "status": "scheduled",
        "reply": "invited",
        "reply_label": "Not replied yet",
    }
    assert datetime.fromisoformat(event["starts_at"]) == row["starts_at"]
    assert event["when"].endswith(" at 10:00am") or event["when"].endswith(" at 11:00am")
    assert answered.json() == {
        "invitation": str(mine),
        "reply": "tentative",
        "reply_label": "Might come",
    }
    assert (not_mine.status_code, bad.status_code, fields(bad)) == (404, 400, ["answer"])
    replies = {r["id"]: (r["reply"], r["replied_via"]) for r in await Invitation.select()}
    assert replies == {theirs: ("invited", ""), mine: ("tentative", "web")}
    assert (await client.get(MINE)).json()["events"][0]["reply"] == "tentative"


async def test_a_participant_with_no_invitations_has_an_empty_list(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    await signed_in_participant(running_app, client)

    response = await client.get(MINE)

    assert (response.status_code, response.json()) == (200, {"events": []})


async def test_only_organisers_and_coordinators_reach_the_organiser_routes(
    running_app: Litestar, client: httpx.AsyncClient, organiser: Headers
) -> None:
    finance = await coordinator_token(running_app, Role.finance)
    coordinator = await coordinator_token(running_app, Role.coordinator)
    body = {"name": "Hall"}

    as_finance = await client.post(VENUES, json=body, headers=finance)
    as_coordinator = await client.post(VENUES, json=body, headers=coordinator)
    as_organiser_mine = await client.get(MINE, headers=organiser)
    await signed_in_participant(running_app, client)
    as_participant = await client.post(VENUES, json=body)

    assert [as_finance.status_code, as_participant.status_code] == [403, 403]
    assert as_coordinator.status_code == 201
    assert as_organiser_mine.status_code == 403
    assert await Venue.count() == 1
