"""Organisers' venue and event pages: each form and action, bad input (400 naming the field,
nothing written), scheduling help, inviting, phone replies, cancelling, and who may not."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import httpx
import pytest
from litestar import Litestar

from app.datamap import Role
from app.sealed import Sealer
from app.tables import OutboxMessage
from events.services import availability, invitations, scheduling
from events.tables import Event, Invitation, Venue
from participation.services import profiles
from participation.tables import Participant
from tests.events.conftest import ORGANISER, SENDER, event_form, panel, venue
from tests.support.auth import csrf_headers, make_account, sign_in

LONDON = ZoneInfo("Europe/London")
PEOPLE = {
    "ann": {"email": "ann@example.org"},
    "bo": {"email": None, "phone": "07700 900501", "route": "phone"},
    "cy": {"email": "cy@example.org"},
}


@pytest.fixture
async def organiser(running_app: Litestar, client: httpx.AsyncClient) -> dict[str, str]:
    account = await make_account(running_app, "staff", (Role.organiser,))
    await sign_in(running_app, client, account)
    return await csrf_headers(client)


def _event_post(venue_id: UUID | None, day: date | None = None, **changes: Any) -> dict[str, Any]:
    day = day or date.today() + timedelta(days=30)
    return {
        "title": "Market warming for housing support",
        "kind": "market_warming",
        "opportunity": "",
        "description": "Meet the providers.",
        "mode": "in_person",
        "venue": str(venue_id) if venue_id else "",
        "join_link": "",
        "starts_at-day": str(day.day),
        "starts_at-month": str(day.month),
        "starts_at-year": str(day.year),
        "starts_at-time": "10:00",
        "ends_at": "1pm",
        "capacity": "12",
        "providers": "Shelter Northshire",
        "reminder_hours": ["48", "2"],
        "sensitive": "yes",
    } | changes


async def test_an_organiser_adds_and_changes_a_venue(
    client: httpx.AsyncClient, organiser: dict[str, str]
) -> None:
    unnamed = await client.post("/venues/new", data={"name": ""}, headers=organiser)
    bad_link = await client.post(
        "/venues/new", data={"name": "Hub", "join_link": "http://x.example"}, headers=organiser
    )
    assert (unnamed.status_code, bad_link.status_code) == (400, 400)
    assert '<a href="#name">Enter the venue&#39;s name in 150 characters or fewer</a>' in (
        unnamed.text
    )
    assert '<a href="#join_link">Enter a web address starting https://</a>' in bad_link.text
    assert await Venue.count() == 0

    made = await client.post(
        "/venues/new",
        data={"name": "Mill Lane Hub", "features": ["hearing_loop", "step_free"]},
        headers=organiser,
    )
    assert (made.status_code, made.headers["location"]) == (303, "/venues?saved=1")
    row = await Venue.select().first()
    assert row is not None
    assert (row["name"], row["features"]) == ("Mill Lane Hub", "step_free,hearing_loop")

    form = await client.get(f"/venues/{row['id']}/edit")
    assert 'value="Mill Lane Hub"' in form.text
    changed = await client.post(
        f"/venues/{row['id']}/edit",
        data={"name": "Mill Lane Hub", "features": ["quiet_room"], "dial_in": "0300 555 0100"},
        headers=organiser,
    )
    assert changed.status_code == 303
    after = await Venue.select().first()
    assert after is not None
    assert (after["features"], after["dial_in"]) == ("quiet_room", "0300 555 0100")
    listing = await client.get("/venues")
    assert "Mill Lane Hub" in listing.text
    assert "A quiet room" in listing.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title in 150 characters or fewer"),
        ({"kind": "party"}, "kind", "Select what kind of event this is"),
        ({"starts_at-month": "13"}, "starts_at-day", "Enter when the event starts, in the future"),
        ({"ends_at": "9am"}, "ends_at", "Enter an end time after the start time"),
        ({"venue": ""}, "venue", "Select a venue for an event people come to in person"),
        (
            {"mode": "hybrid", "join_link": "http://meet.example"},
            "join_link",
            "Enter the online joining link, starting https://",
        ),
        ({"capacity": "0"}, "capacity", "Enter how many people can come, from 1 to 1,000"),
    ],
)
async def test_bad_event_input_names_the_field_and_saves_nothing(
    client: httpx.AsyncClient,
    organiser: dict[str, str],
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    place = await venue()
    response = await client.post(
        "/events/new", data=_event_post(place, **changes), headers=organiser
    )
    assert response.status_code == 400
    assert f'<a href="#{field}">{message}</a>' in response.text
    assert await Event.count() == 0


async def test_every_problem_with_how_the_fields_fit_is_named_at_once(
    client: httpx.AsyncClient, organiser: dict[str, str]
) -> None:
    """No venue, no joining link, a start in the past and an end before it: all four listed
    in the error summary together, in the form's order, and nothing saved."""
    yesterday = date.today() - timedelta(days=1)
    post = _event_post(None, yesterday, mode="hybrid", join_link="", ends_at="9am")

    response = await client.post("/events/new", data=post, headers=organiser)

    assert response.status_code == 400
    summary = response.text[response.text.index("govuk-error-summary") :]
    links = [
        '<a href="#venue">Select a venue for an event people come to in person</a>',
        '<a href="#join_link">Enter the online joining link, starting https://</a>',
        '<a href="#starts_at-day">Enter when the event starts, in the future</a>',
        '<a href="#ends_at">Enter an end time after the start time</a>',
    ]
    assert all(link in summary for link in links)
    assert [summary.index(link) for link in links] == sorted(summary.index(link) for link in links)
    assert await Event.count() == 0


async def test_a_start_in_the_past_is_refused(
    client: httpx.AsyncClient, organiser: dict[str, str]
) -> None:
    place = await venue()
    yesterday = date.today() - timedelta(days=1)
    response = await client.post(
        "/events/new", data=_event_post(place, yesterday), headers=organiser
    )
    assert response.status_code == 400
    assert "Enter when the event starts, in the future" in response.text
    assert await Event.count() == 0


async def test_an_organiser_schedules_an_event_in_london_time(
    client: httpx.AsyncClient, organiser: dict[str, str]
) -> None:
    place = await venue()
    day = date.today() + timedelta(days=30)
    response = await client.post("/events/new", data=_event_post(place, day), headers=organiser)

    assert response.status_code == 303
    row = await Event.select().first()
    assert row is not None
    assert response.headers["location"] == f"/events/{row['id']}?saved=created"
    starts = datetime(day.year, day.month, day.day, 10, tzinfo=LONDON)
    assert row["starts_at"] == starts
    assert row["ends_at"] == starts + timedelta(hours=3)
    assert (row["reminder_hours"], row["sensitive"], row["capacity"]) == ("2,48", True, 12)
    assert (row["kind"], row["venue"], row["providers"]) == (
        "market_warming",
        place,
        "Shelter Northshire",
    )
    shown = await client.get(response.headers["location"])
    assert "The event has been scheduled." in shown.text
    assert "Step-free route from the street to the room" in shown.text
    listing = await client.get("/events")
    assert "Market warming for housing support" in listing.text
    assert "Nobody invited yet" in listing.text


async def test_inviting_recording_a_reply_and_changing_tell_people(
    client: httpx.AsyncClient, organiser: dict[str, str], sealer: Sealer
) -> None:
    setup = await panel(sealer, **PEOPLE)

    invited = await client.post(f"/events/{setup.event}/invite", headers=organiser)
    assert invited.status_code == 303
    assert invited.headers["location"] == (
        f"/events/{setup.event}?invited=3&emailed=2&to_tell=1&skipped=0"
    )
    shown = await client.get(invited.headers["location"])
    assert "Invited: 3" in shown.text
    assert "To tell by phone or letter: 1" in shown.text
    assert "Not told yet: Phone call" in shown.text
    assert shown.text.count("Not replied yet") == 3

    bo = await Invitation.select().where(Invitation.subject == setup.people["bo"]).first()
    assert bo is not None
    empty = await client.post(f"/events/{setup.event}/reply", data={}, headers=organiser)
    assert empty.status_code == 400
    assert '<a href="#invitation">Select whose reply this is</a>' in empty.text
    assert '<a href="#answer">Select their answer</a>' in empty.text
    replied = await client.post(
        f"/events/{setup.event}/reply",
        data={"invitation": str(bo["id"]), "answer": "accepted"},
        headers=organiser,
    )
    assert replied.headers["location"] == f"/events/{setup.event}?saved=reply"
    after = await Invitation.select().where(Invitation.id == bo["id"]).first()
    assert after is not None
    assert (after["reply"], after["replied_via"]) == ("accepted", "staff")

    row, _ = await scheduling.get(setup.event)
    before = await OutboxMessage.count()
    values = _event_post(row["venue"], date.today() + timedelta(days=40), capacity="1")
    values |= {"opportunity": str(setup.opportunity), "sensitive": ""}
    changed = await client.post(f"/events/{setup.event}/edit", data=values, headers=organiser)
    assert changed.headers["location"] == f"/events/{setup.event}?saved=changed"
    assert await OutboxMessage.count() == before + 2
    page = await client.get(changed.headers["location"])
    assert "Everyone invited has been sent the change." in page.text


async def test_capacity_below_those_coming_is_refused(
    client: httpx.AsyncClient, organiser: dict[str, str], sealer: Sealer
) -> None:
    setup = await panel(sealer, **PEOPLE)
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    for row in await Invitation.select().limit(2):
        await invitations.reply(sealer, row["id"], "accepted", ORGANISER, SENDER, via="staff")
    row, _ = await scheduling.get(setup.event)
    values = _event_post(row["venue"], capacity="1", opportunity=str(setup.opportunity))

    response = await client.post(f"/events/{setup.event}/edit", data=values, headers=organiser)

    assert response.status_code == 400
    message = "2 people have said they are coming: the capacity cannot be lower"
    assert f'<a href="#capacity">{message}</a>' in response.text
    assert (await scheduling.get(setup.event))[0]["capacity"] == 2


async def test_scheduling_help_counts_who_can_make_it_and_warns_of_clashes(
    client: httpx.AsyncClient, organiser: dict[str, str], sealer: Sealer
) -> None:
    setup = await panel(sealer, **PEOPLE)
    row, _ = await scheduling.get(setup.event)
    day = availability.day_code(row["starts_at"])
    await Participant.update({Participant.never_days: day}).where(
        Participant.id == setup.people["ann"]
    )
    await Participant.update({Participant.times_of_day: "evening"}).where(
        Participant.id == setup.people["bo"]
    )
    other, _ = await scheduling.save_event(
        event_form(title="Steering group", mode="online", join_link="https://meet.example/a"),
        ORGANISER,
    )
    await invitations.invite(sealer, other, [setup.people["cy"]], ORGANISER, SENDER)
    cy = await Invitation.select().where(Invitation.event == other).first()
    assert cy is not None
    await invitations.reply(sealer, cy["id"], "accepted", ORGANISER, SENDER, via="staff")

    stated = await profiles.availability(list(setup.people.values()))
    shown = await client.get(f"/events/{setup.event}")

    assert stated[setup.people["ann"]] == ([day], [])
    assert stated[setup.people["bo"]] == ([], ["evening"])
    assert "1 of 3 selected people can usually make" in shown.text
    assert "1 person has already said yes to another event at this time: Steering group" in (
        shown.text
    )


async def test_cancelling_asks_first_then_tells_everyone(
    client: httpx.AsyncClient, organiser: dict[str, str], sealer: Sealer
) -> None:
    setup = await panel(sealer, ann={"email": "ann@example.org"})
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    before = await OutboxMessage.count()

    confirm = await client.get(f"/events/{setup.event}/cancel")
    assert "Yes, cancel the event" in confirm.text
    assert (await scheduling.get(setup.event))[0]["status"] == "scheduled"
    done = await client.post(f"/events/{setup.event}/cancel", headers=organiser)

    assert done.headers["location"] == f"/events/{setup.event}?saved=cancelled"
    row, _ = await scheduling.get(setup.event)
    assert (row["status"], row["sequence"]) == ("cancelled", 1)
    assert await OutboxMessage.count() == before + 1


async def test_an_event_without_an_opportunity_has_nobody_to_invite(
    client: httpx.AsyncClient, organiser: dict[str, str]
) -> None:
    event, _ = await scheduling.save_event(event_form(venue=await venue()), ORGANISER)
    response = await client.post(f"/events/{event}/invite", headers=organiser)
    assert response.status_code == 400
    assert "This event is not linked to an opportunity" in response.text
    assert await Invitation.count() == 0


@pytest.mark.parametrize("role", [Role.participant, Role.finance])
async def test_participants_and_finance_may_not(
    running_app: Litestar, client: httpx.AsyncClient, role: str
) -> None:
    kind = "participant" if role == Role.participant else "staff"
    account = await make_account(running_app, kind, (role,))
    await sign_in(running_app, client, account)
    headers = await csrf_headers(client)
    for path in ("/events", "/venues", "/events/new"):
        assert (await client.get(path)).status_code == 403
    posted = await client.post("/venues/new", data={"name": "Mine"}, headers=headers)
    assert posted.status_code == 403
    assert await Venue.count() == 0
