"""Every .ics the app makes (invite, update, cancel, feed) read by two independent parsers,
icalendar and vobject; and the calendar feed: exactly one person's events, revocable."""

from __future__ import annotations

import email
from datetime import timedelta
from email.policy import default
from typing import Any
from urllib.parse import urlparse
from uuid import UUID

import httpx
import vobject
from icalendar import Calendar
from litestar import Litestar

from app.auth import accounts
from app.datamap import Role
from app.factory import provide_sealer
from app.sealed import Sealer
from app.tables import AuditEvent, OutboxMessage
from events.schemas import VenueForm
from events.services import feeds, ics, invitations, scheduling
from events.tables import FeedToken, Invitation
from tests.conftest import TEST_SECRET
from tests.events.conftest import ORGANISER, SENDER, event_form, panel
from tests.support.auth import csrf_headers, sign_in

UID_DOMAIN = "reciprocity.northshire.example"


async def _sent_calendars(sealer: Sealer, to: str) -> list[tuple[str, str]]:
    """(subject line, text/calendar part) of every message to ``to``, oldest first."""
    found = []
    for row in await OutboxMessage.select().order_by(OutboxMessage.created_at):
        raw = (await sealer.open(OutboxMessage, row))["message"]
        assert raw is not None
        message = email.message_from_string(raw.reveal(), policy=default)
        if to not in str(message["To"]):
            continue
        parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        if parts:  # being selected comes as a plain email first
            found.append((str(message["Subject"]), parts[0].get_content()))
    return found


def _both(text: str) -> tuple[Calendar, Any]:
    """The same document through both parsers (vobject validates as it reads)."""
    return Calendar.from_ical(text), vobject.readOne(text, validate=True)


def _assert_itip(text: str, method: str, sequence: int, rsvp: str, event: UUID) -> None:
    """The RFC 5545/5546 properties, asserted one by one in each parser."""
    ours, theirs = _both(text)
    first, other = ours.events[0], theirs.vevent
    assert str(ours["METHOD"]) == method
    assert theirs.method.value == method
    assert str(first["UID"]) == f"{event}@{UID_DOMAIN}"
    assert other.uid.value == f"{event}@{UID_DOMAIN}"
    assert int(first["SEQUENCE"]) == sequence
    assert int(other.sequence.value) == sequence
    assert str(first["ORGANIZER"]) == "mailto:team@northshire.example"
    assert other.organizer.value == "mailto:team@northshire.example"
    assert str(first["ATTENDEE"]) == "mailto:ann@example.org"
    assert other.attendee.value == "mailto:ann@example.org"
    assert first["ATTENDEE"].params["RSVP"] == rsvp
    assert other.attendee.params["RSVP"] == [rsvp]
    assert ours.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"
    assert theirs.vtimezone.tzid.value == "Europe/London"
    assert str(first["DTSTART"].params["TZID"]) == "Europe/London"
    assert other.dtstart.value.utcoffset() in {timedelta(0), timedelta(hours=1)}


async def test_invite_update_and_cancel_read_the_same_in_both_parsers(sealer: Sealer) -> None:
    setup = await panel(sealer, ann={"email": "ann@example.org"})
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    row, _ = await scheduling.get(setup.event)
    moved = event_form(
        opportunity=setup.opportunity,
        venue=row["venue"],
        starts_at=row["starts_at"] + timedelta(days=1),
        ends_at=row["ends_at"] + timedelta(days=1),
    )
    await scheduling.save_event(moved, ORGANISER, setup.event)
    await invitations.tell_everyone(sealer, setup.event, ORGANISER, SENDER)
    await scheduling.cancel(setup.event, ORGANISER)
    await invitations.tell_everyone(sealer, setup.event, ORGANISER, SENDER)

    sent = await _sent_calendars(sealer, "ann@example.org")

    assert [subject.split(":")[0] for subject, _ in sent] == ["Invitation", "Changed", "Cancelled"]
    (_, invite), (_, update), (_, cancel) = sent
    _assert_itip(invite, "REQUEST", 0, "TRUE", setup.event)
    _assert_itip(update, "REQUEST", 1, "TRUE", setup.event)
    _assert_itip(cancel, "CANCEL", 2, "FALSE", setup.event)
    for text in (invite, update):
        ours, theirs = _both(text)
        assert ours.events[0].walk("VALARM")[0]["TRIGGER"].dt == -timedelta(hours=2)
        assert theirs.vevent.valarm.trigger.value == -timedelta(hours=2)
        assert theirs.vevent.status.value == "CONFIRMED"
    ours, theirs = _both(cancel)
    assert ours.events[0].walk("VALARM") == []
    assert theirs.vevent.status.value == "CANCELLED"
    moved_start = _both(update)[1].vevent.dtstart.value
    first_start = _both(invite)[1].vevent.dtstart.value
    assert moved_start - first_start == timedelta(days=1)


async def _participant(app: Litestar, client: httpx.AsyncClient, subject: UUID) -> None:
    new = accounts.NewAccount("participant", None, "Ann", (Role.participant,), account_id=subject)
    await accounts.create(provide_sealer(app.state), new, ORGANISER)
    await sign_in(app, client, subject)


async def _feed_address(client: httpx.AsyncClient) -> str:
    """Make a feed address on "Your events" and read it off the page, as a person would."""
    made = await client.post("/profile/events/feed", headers=await csrf_headers(client))
    assert made.status_code == 200
    assert made.headers["cache-control"] == "no-store"
    start = made.text.index('value="http://') + len('value="')
    url = made.text[start : made.text.index('"', start)]
    assert url.endswith(".ics")
    return url.split("/calendar/")[1]


async def test_the_feed_lists_exactly_ones_own_events(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    setup = await panel(sealer, ann={"email": "ann@example.org"}, bo={"email": "bo@example.org"})
    venue = (await scheduling.get(setup.event))[0]["venue"]
    second, _ = await scheduling.save_event(
        event_form(opportunity=setup.opportunity, venue=venue, title="Second panel"), ORGANISER
    )
    declined, _ = await scheduling.save_event(
        event_form(opportunity=setup.opportunity, venue=venue, title="Declined one"), ORGANISER
    )
    for event in (setup.event, second, declined):
        await invitations.invite_selected(sealer, event, ORGANISER, SENDER)
    ann = setup.people["ann"]
    mine = {r["event"]: r["id"] for r in await Invitation.select().where(Invitation.subject == ann)}
    await invitations.reply(sealer, mine[declined], "declined", ORGANISER, SENDER, via="staff")
    await invitations.reply(sealer, mine[second], "accepted", ORGANISER, SENDER, via="staff")
    await scheduling.cancel(second, ORGANISER)
    await _participant(running_app, client, ann)

    token = await _feed_address(client)
    response = await client.get(f"/calendar/{token}")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    host = urlparse(running_app.state.settings.public_url).hostname
    ours, theirs = _both(response.text)
    assert str(ours["METHOD"]) == "PUBLISH"
    assert theirs.method.value == "PUBLISH"
    uids = {str(e["UID"]): e for e in ours.events}
    assert set(uids) == {f"{setup.event}@{host}", f"{second}@{host}"}
    assert {e.uid.value for e in theirs.vevent_list} == set(uids)
    assert str(uids[f"{second}@{host}"]["STATUS"]) == "CANCELLED"
    assert int(uids[f"{second}@{host}"]["SEQUENCE"]) == 1
    assert str(uids[f"{setup.event}@{host}"]["STATUS"]) == "CONFIRMED"
    assert str(uids[f"{setup.event}@{host}"]["SUMMARY"]) == "Housing support evaluation panel"
    assert [e.get("ATTENDEE") for e in ours.events] == [None, None]  # RFC 5546: none in PUBLISH
    assert "ann@example.org" not in response.text
    assert "bo@example.org" not in response.text
    assert theirs.vtimezone.tzid.value == "Europe/London"
    assert uids[f"{setup.event}@{host}"].walk("VALARM")[0]["TRIGGER"].dt == -timedelta(hours=2)
    views = await AuditEvent.count().where(
        (AuditEvent.subject == ann) & (AuditEvent.purpose == "calendar feed")
    )
    assert views == 1


async def test_a_safe_contact_feed_never_names_the_programme(sealer: Sealer) -> None:
    setup = await panel(sealer, cy={"email": "cy@example.org", "safe_contact": True})
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    token = await feeds.create(TEST_SECRET, setup.people["cy"])

    body = await feeds.feed_for(sealer, TEST_SECRET, token, SENDER)

    assert body is not None
    ours, theirs = _both(body.decode())
    assert str(ours.events[0]["SUMMARY"]) == "Meeting"
    assert theirs.vevent.summary.value == "Meeting"
    assert str(ours["X-WR-CALNAME"]) == "Taking part"
    assert "Housing support" not in body.decode()


async def test_a_new_or_revoked_address_stops_the_old_one(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    setup = await panel(sealer, ann={"email": "ann@example.org"})
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    await _participant(running_app, client, setup.people["ann"])

    first = await _feed_address(client)
    second = await _feed_address(client)
    old = await client.get(f"/calendar/{first}")
    current = await client.get(f"/calendar/{second}")
    stopped = await client.post("/profile/events/feed/revoke", headers=await csrf_headers(client))
    after = await client.get(f"/calendar/{second}")
    unknown = await client.get("/calendar/not-a-token.ics")

    assert (old.status_code, current.status_code) == (404, 200)
    assert stopped.status_code == 303
    assert stopped.headers["location"] == "/profile/events?saved=feed-stopped"
    assert (after.status_code, unknown.status_code) == (404, 404)
    assert await FeedToken.count().where(FeedToken.revoked_at.is_null()) == 0
    assert await FeedToken.count() == 2
    assert first not in (await client.get("/profile/events")).text


async def _feed_of(sealer: Sealer, subject: UUID) -> tuple[Calendar, Any, str]:
    token = await feeds.create(TEST_SECRET, subject)
    body = await feeds.feed_for(sealer, TEST_SECRET, token, SENDER)
    assert body is not None
    return *_both(body.decode()), body.decode()


async def test_the_feed_lists_every_event_not_declined_and_names_nobody(sealer: Sealer) -> None:
    setup = await panel(sealer, ann={"email": "ann@example.org"})
    venue = (await scheduling.get(setup.event))[0]["venue"]
    events = {"invited": setup.event}
    for reply in ("accepted", "tentative", "waiting", "declined"):
        events[reply], _ = await scheduling.save_event(
            event_form(opportunity=setup.opportunity, venue=venue, title=f"Panel {reply}"),
            ORGANISER,
        )
    for reply, event in events.items():
        await invitations.invite_selected(sealer, event, ORGANISER, SENDER)
        if reply != "invited":
            await Invitation.update({Invitation.reply: reply}).where(Invitation.event == event)

    ours, theirs, text = await _feed_of(sealer, setup.people["ann"])

    expected = {
        f"{events[r]}@{UID_DOMAIN}" for r in ("invited", "accepted", "tentative", "waiting")
    }
    assert {str(e["UID"]) for e in ours.events} == expected
    assert {e.uid.value for e in theirs.vevent_list} == expected
    assert not any(hasattr(e, "attendee") for e in theirs.vevent_list)
    assert "ATTENDEE" not in text
    assert text.count("mailto:") == len(expected)  # the organiser of each event only


async def test_a_person_without_email_gets_their_feed_too(sealer: Sealer) -> None:
    setup = await panel(sealer, bo={"email": None, "phone": "07700 900501", "route": "phone"})
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)

    ours, theirs, _ = await _feed_of(sealer, setup.people["bo"])

    assert [str(e["UID"]) for e in ours.events] == [f"{setup.event}@{UID_DOMAIN}"]
    assert theirs.vevent.uid.value == f"{setup.event}@{UID_DOMAIN}"
    assert str(ours.events[0]["ORGANIZER"]) == "mailto:team@northshire.example"


async def test_a_changed_event_or_venue_is_never_served_stale(sealer: Sealer) -> None:
    """Each VEVENT's text is cached per process; a higher SEQUENCE, a new description (same
    SEQUENCE) and new directions at the venue all show at the next fetch."""
    setup = await panel(sealer, ann={"email": "ann@example.org"})
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    ann = setup.people["ann"]
    row, venue = await scheduling.get(setup.event)
    assert venue is not None
    ics._event_text.cache_clear()
    cold = (await _feed_of(sealer, ann))[2]
    warm = (await _feed_of(sealer, ann))[2]
    assert ics._event_text.cache_info().hits >= 1

    moved = event_form(
        opportunity=setup.opportunity,
        venue=row["venue"],
        starts_at=row["starts_at"] + timedelta(days=1),
        ends_at=row["ends_at"] + timedelta(days=1),
    )
    await scheduling.save_event(moved, ORGANISER, setup.event)
    after_move = (await _feed_of(sealer, ann))[1].vevent
    reworded = moved.model_copy(update={"description": "Bring your reading glasses."})
    await scheduling.save_event(reworded, ORGANISER, setup.event)
    after_words = (await _feed_of(sealer, ann))[1].vevent
    new_directions = VenueForm(
        name=venue["name"], address=venue["address"], directions="Use the front door on Mill Lane"
    )
    await scheduling.save_venue(new_directions, ORGANISER, venue["id"])
    after_venue = (await _feed_of(sealer, ann))[1].vevent

    def unstamped(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.startswith("DTSTAMP")]

    assert unstamped(cold) == unstamped(warm)
    assert int(after_move.sequence.value) == 1
    assert after_move.dtstart.value - _both(cold)[1].vevent.dtstart.value == timedelta(days=1)
    assert int(after_words.sequence.value) == 1
    assert "Bring your reading glasses." in after_words.description.value
    assert "Use the front door on Mill Lane" in after_venue.description.value
    assert "side entrance" not in after_venue.description.value
