"""Events: inviting 500 people to one event, and the calendar feed of a person with 200 events.

INVITE: ``invitations.invite_selected`` on a fresh event for an opportunity with 500 selected
people, each a real sealed profile whose route is email and who agrees to contact. Per person
the service reads and decrypts their route, builds the iCalendar invitation with
``events.services.ics``, writes the invitation row, the sealed outbox message (MIME with the
calendar part) and an audit row in one transaction. The baseline builds the same 500 .ics
documents (METHOD:REQUEST, UID, SEQUENCE, ORGANIZER, ATTENDEE with RSVP, LOCATION, DESCRIPTION,
VALARM, Europe/London VTIMEZONE) with raw ``icalendar`` calls alone, from values already in
memory: no database, no decryption, no MIME, no sealing. Target: <= 3x the raw time.

FEED: ``feeds.feed_for`` with the person's secret token (token lookup, their route decrypted,
an audit row, the three reads of their 200 events and venues, ``ics.feed`` joining the cached
text of each VEVENT with a fresh DTSTAMP), against the same 200 VEVENTs in
one calendar built with raw ``icalendar`` calls from rows already in memory. The two are checked
equal (DTSTAMP aside) first; the first fetch with an empty cache is timed and printed too.
Targets: under 50 ms each, and the ratio is printed.

Embedded SQLite only (the default deployment), to keep the run under two minutes.
"""

from __future__ import annotations

import asyncio
import secrets
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from icalendar import Alarm, Calendar, vCalAddress
from icalendar import Event as VEvent
from pydantic import SecretStr

from app import audit
from app.factory import create_app, provide_sealer
from app.keyring import new_keyring_json
from app.migrations import migrate
from app.sealed import Sealer
from app.settings import Environment, Settings
from benchmarks import harness
from benchmarks.bench_http import _access_log_to_devnull
from events.schemas import EventForm, VenueForm
from events.services import feeds, ics, invitations, scheduling
from events.tables import Invitation
from participation import schemas
from participation.services import profiles
from participation.tables import Expression

PEOPLE, FEED_EVENTS = 500, 200
FEED_REPLIES = feeds.IN_FEED
COLD_FEED_MS: list[float] = []
"""The one fetch made with an empty VEVENT cache (not part of the timed rounds)."""
ROUNDS, FEEDS, FEED_WARMUP = 4, 20, 10
INVITE_LIMIT, FEED_MS = 3.0, 50.0
ORGANISER = audit.Actor(id="00000000-0000-4000-8000-00000000be0e", role="organiser")
RAW_INVITES, INVITES = "500 invitations, raw icalendar", "500 invitations, invite_selected()"
RAW_FEED, FEED = "feed of 200, raw icalendar", "feed of 200, feeds.feed_for()"


def main() -> bool:
    """Both targets: inviting 500 <= 3x raw icalendar; a 200-event feed under 50 ms."""
    return asyncio.run(_run())


async def _run() -> bool:
    with tempfile.TemporaryDirectory(prefix="reciprocity-bench-") as tmp:
        app = create_app(_settings(Path(tmp)))
        with _access_log_to_devnull():
            async with app.lifespan():
                await migrate()
                sealer = provide_sealer(app.state)
                sender = invitations.Sender(
                    mail_from=app.state.settings.mail_from,
                    public_url=app.state.settings.public_url,
                    secret_key=app.state.secret_key,
                )
                started = time.perf_counter()
                people = await _seed_people(sealer)
                place = await scheduling.save_venue(_venue_form(), ORGANISER)
                opportunity = await _select(people)
                events = [await _event(opportunity, place, 0) for _ in range(ROUNDS + 1)]
                token = await _feed_of(app.state.secret_key, people[0], place)
                seeded_s = time.perf_counter() - started
                groups = [
                    await _invite_group(sealer, sender, events, people),
                    await _feed_group(sealer, sender, app.state.secret_key, token, people[0]),
                ]
                results = await harness.alternate_groups(groups, rounds=ROUNDS)
                await _check_invited(events)
    return _report(results, seeded_s)


def _settings(tmp: Path) -> Settings:
    return Settings(
        environment=Environment.test,
        secret_key=SecretStr(secrets.token_urlsafe(40)),
        keyring=SecretStr(new_keyring_json(key_id="bench")),
        database_url=f"sqlite:///{tmp}/events.sqlite",
        var_dir=tmp,
        outbox_poll_s=0,  # no background sender competing with the measured invitations
    )


# --- Seeding ------------------------------------------------------------------------------------


async def _seed_people(sealer: Sealer) -> list[UUID]:
    """Real sealed profiles, email their route, agreeing to the register and to contact."""
    people = []
    for number in range(PEOPLE):
        profile = schemas.NewProfile(
            about=schemas.AboutYou(preferred_name=f"Person {number}"),
            contact=schemas.ContactDetails(
                email=f"person{number}@example.org", preferred_route="email"
            ),
            consents=["register", "contact"],
        )
        people.append(await profiles.create(sealer, profile, ORGANISER))
    return people


async def _select(people: list[UUID]) -> UUID:
    """An opportunity with everyone selected (expression rows as the review board leaves them)."""
    opportunity = uuid4()
    await Expression.insert(
        *[
            Expression(
                id=uuid4(),
                opportunity=opportunity,
                subject=subject,
                once=f"{opportunity}:{subject}",
                status="selected",
            )
            for subject in people
        ]
    )
    return opportunity


def _venue_form() -> VenueForm:
    return VenueForm(
        name="County Hall, Committee Room 2",
        address="County Hall\nNorthtown NT1 1AA",
        features=["step_free", "hearing_loop", "accessible_toilet"],
        directions="Use the side entrance on Mill Lane",
        public_transport="Buses 4 and 12 stop outside",
    )


async def _event(opportunity: UUID | None, place: UUID, day: int) -> UUID:
    start = (datetime.now(UTC) + timedelta(days=10 + day)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    form = EventForm(
        title=f"Housing support evaluation panel {day}",
        kind="evaluation_panel",
        description="Read three bids and score them with us. Lunch is provided.",
        opportunity=opportunity,
        venue=place,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=600,
        reminder_hours=[48, 2],
    )
    event, _ = await scheduling.save_event(form, ORGANISER)
    return event


async def _feed_of(secret_key: str, subject: UUID, place: UUID) -> str:
    """200 events the person is invited to, with every kind of reply kept in a feed, and their
    feed token."""
    for day in range(FEED_EVENTS):
        event = await _event(None, place, day)
        reply = FEED_REPLIES[day % len(FEED_REPLIES)]
        await Invitation.insert(
            Invitation(
                id=uuid4(), event=event, subject=subject, once=f"{event}:{subject}", reply=reply
            )
        )
    return await feeds.create(secret_key, subject, ORGANISER)


# --- Inviting 500 -------------------------------------------------------------------------------


def _raw_invitation(
    row: dict[str, Any], texts: tuple[str, str], organiser: ics.Organiser, who: tuple[str, str]
) -> bytes:
    """One invitation with icalendar's own calls; the words (description, location) given."""
    calendar = Calendar()
    calendar.add("PRODID", ics.PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("METHOD", "REQUEST")
    calendar.add_component(_raw_event(row, texts, organiser, who))
    calendar.add_missing_timezones(
        first_date=date(row["starts_at"].year - 1, 1, 1),
        last_date=date(row["ends_at"].year + 1, 12, 31),
    )
    payload: bytes = calendar.to_ical()
    return payload


def _raw_event(
    row: dict[str, Any],
    texts: tuple[str, str],
    organiser: ics.Organiser,
    who: tuple[str, str] | None,
) -> VEvent:
    """One VEVENT; ``who`` is the invited person (none in a feed: PUBLISH has no ATTENDEE)."""
    event = VEvent()
    event.add("UID", f"{row['id']}@{organiser.uid_domain}")
    event.add("SEQUENCE", row["sequence"])
    event.add("DTSTAMP", datetime.now(UTC))
    event.add("DTSTART", row["starts_at"].astimezone(ics.LONDON))
    event.add("DTEND", row["ends_at"].astimezone(ics.LONDON))
    event.add("SUMMARY", row["title"])
    event.add("DESCRIPTION", texts[0])
    event.add("LOCATION", texts[1])
    chair = vCalAddress(f"mailto:{organiser.email}")
    chair.params["CN"], chair.params["ROLE"] = organiser.name, "CHAIR"
    event.add("ORGANIZER", chair)
    if who is not None:
        person = vCalAddress(f"mailto:{who[0]}")
        person.params.update(
            {
                "CN": who[1],
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": "NEEDS-ACTION",
                "CUTYPE": "INDIVIDUAL",
                "RSVP": "TRUE",
            }
        )
        event.add("ATTENDEE", person)
    event.add("STATUS", "CONFIRMED")
    alarm = Alarm()
    alarm.add("ACTION", "DISPLAY")
    alarm.add("DESCRIPTION", "Reminder")
    alarm.add("TRIGGER", -timedelta(hours=2))
    event.add_component(alarm)
    return event


async def _invite_group(
    sealer: Sealer, sender: invitations.Sender, events: list[UUID], people: list[UUID]
) -> harness.Group:
    """Each service run invites everyone to the next fresh event; raw builds the 500 .ics."""
    row, place = await scheduling.get(events[0])
    texts = (ics.describe(row, place, discreet=False), ics.where(row, place))
    who = [(f"person{n}@example.org", f"Person {n}") for n in range(len(people))]
    organiser = sender.organiser
    _check_same_invitation(row, place, texts, organiser, who[0])
    fresh: Iterator[UUID] = iter(events)

    async def raw(n: int) -> None:
        for _ in range(n):
            for person in who:
                _raw_invitation(row, texts, organiser, person)

    async def ours(n: int) -> None:
        for _ in range(n):
            result = await invitations.invite_selected(sealer, next(fresh), ORGANISER, sender)
            if result.emailed != PEOPLE:
                raise RuntimeError(f"only {result.emailed} of {PEOPLE} were emailed")

    return harness.Group({RAW_INVITES: raw, INVITES: ours}, ops=1, warmup=1)


def _check_same_invitation(
    row: dict[str, Any],
    place: dict[str, Any] | None,
    texts: tuple[str, str],
    organiser: ics.Organiser,
    who: tuple[str, str],
) -> None:
    """Refuse to time a baseline that does not build the same document (DTSTAMP aside)."""
    ours = ics.invitation(row, place, organiser, ics.Attendee(who[0], who[1]))
    raw = _raw_invitation(row, texts, organiser, who)
    if _without_stamp(ours) != _without_stamp(raw):
        raise RuntimeError("the raw icalendar invitation differs from ics.invitation()")


def _without_stamp(payload: bytes) -> list[str]:
    unfolded = Calendar.from_ical(payload).to_ical().decode().replace("\r\n ", "")
    lines = unfolded.splitlines()
    return sorted(line for line in lines if not line.startswith("DTSTAMP"))


async def _check_invited(events: list[UUID]) -> None:
    counted = await Invitation.count().where(Invitation.event.is_in(events))
    if counted != PEOPLE * len(events):
        raise RuntimeError(f"{counted} invitations written, not {PEOPLE * len(events)}")


# --- The feed of 200 ----------------------------------------------------------------------------


async def _feed_group(
    sealer: Sealer, sender: invitations.Sender, secret_key: str, token: str, subject: UUID
) -> harness.Group:
    """The service fetches the feed from its token; raw builds the same 200 VEVENTs from rows
    and words already in memory (no cache: built every time)."""
    entries = await feeds._events_of(subject)
    if len(entries) != FEED_EVENTS:
        raise RuntimeError(f"the person has {len(entries)} events, not {FEED_EVENTS}")
    texts = [(ics.describe(e, p, discreet=False), ics.where(e, p)) for e, p in entries]
    organiser = sender.organiser

    def build_raw() -> bytes:
        calendar = Calendar()
        calendar.add("PRODID", ics.PRODID)
        calendar.add("VERSION", "2.0")
        calendar.add("METHOD", "PUBLISH")
        calendar.add("X-WR-CALNAME", "Co-production events")
        for (row, _), words in zip(entries, texts, strict=True):
            calendar.add_component(_raw_event(row, words, organiser, None))
        calendar.add_missing_timezones(
            first_date=date(entries[0].event["starts_at"].year - 1, 1, 1),
            last_date=date(entries[-1].event["ends_at"].year + 1, 12, 31),
        )
        payload: bytes = calendar.to_ical()
        return payload

    ics._event_text.cache_clear()  # the first fetch after a restart: nothing cached yet
    started = time.perf_counter()
    ours_once = await feeds.feed_for(sealer, secret_key, token, sender)
    COLD_FEED_MS.append((time.perf_counter() - started) * 1000)
    if ours_once is None or _without_stamp(ours_once) != _without_stamp(build_raw()):
        raise RuntimeError("the raw icalendar feed differs from feeds.feed_for()")

    async def raw(n: int) -> None:
        for _ in range(n):
            build_raw()

    async def ours(n: int) -> None:
        for _ in range(n):
            if await feeds.feed_for(sealer, secret_key, token, sender) is None:
                raise RuntimeError("the feed token was refused")

    return harness.Group({RAW_FEED: raw, FEED: ours}, ops=FEEDS, warmup=FEED_WARMUP)


# --- Report -------------------------------------------------------------------------------------


def _report(results: dict[str, harness.Result], seeded_s: float) -> bool:
    harness.print_header(
        f"Events on embedded SQLite: inviting {PEOPLE} people; a feed of {FEED_EVENTS} events",
        f"{ROUNDS} alternating rounds; per contender a round: one invitation of {PEOPLE} "
        f"(a fresh event each time), {FEEDS} feeds",
        f"{PEOPLE} sealed people, {FEED_EVENTS + ROUNDS + 1} events seeded in {seeded_s:.0f}s",
    )
    raw, ours = results[RAW_INVITES], results[INVITES]
    harness.print_row(raw, raw, "500", as_time=True)
    harness.print_row(ours, raw, "500", as_time=True)
    per_person_ms = 1000 / ours.median / PEOPLE
    print(f"   {'':<44} {per_person_ms:.2f} ms per person invited (ICS + outbox + audit)")
    invite_met = harness.print_limit(
        "inviting 500 / raw icalendar, time", harness.time_ratio(ours, raw), INVITE_LIMIT
    )
    raw_feed, feed = results[RAW_FEED], results[FEED]
    harness.print_row(raw_feed, raw_feed, "feed", as_time=True)
    harness.print_row(feed, raw_feed, "feed", as_time=True)
    feed_ms = 1000 / feed.median
    feed_met = feed_ms < FEED_MS
    print(
        f"   TARGET feed of {FEED_EVENTS} < {FEED_MS:.0f} ms: {feed_ms:.1f} ms "
        f"{'met' if feed_met else 'MISSED'} "
        f"({harness.time_ratio(feed, raw_feed):.2f}x raw icalendar, no target on the ratio)"
    )
    print(f"   {'':<44} first fetch with nothing cached: {COLD_FEED_MS[0]:.1f} ms")
    return invite_met and feed_met
