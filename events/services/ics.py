"""iCalendar done right (RFC 5545 objects, RFC 5546 methods): invitations, updates,
cancellations and a person's feed.

One UID per event for its whole life; SEQUENCE from the event row, which goes up on every change
people must hear about; times in Europe/London with the VTIMEZONE included; ORGANIZER is the
co-production team, ATTENDEE the person (RSVP=TRUE); LOCATION carries the venue's access notes
and DESCRIPTION repeats everything, with the join link, for calendars that show little.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, vCalAddress
from icalendar import Event as VEvent
from icalendar.enums import STATUS

from events.vocabulary import VENUE_FEATURES

LONDON = ZoneInfo("Europe/London")
PRODID = "-//Reciprocity//Co-production events//EN"
DISCREET_TITLE = "Meeting"
"""What a safe-contact person's calendar shows: nothing that names the programme."""


@dataclass(frozen=True)
class Organiser:
    email: str
    name: str
    uid_domain: str


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str
    reply: str = "invited"
    discreet: bool = False


PARTSTAT = {
    "accepted": "ACCEPTED",
    "tentative": "TENTATIVE",
    "declined": "DECLINED",
}


def invitation(
    event: dict[str, Any],
    venue: dict[str, Any] | None,
    organiser: Organiser,
    attendee: Attendee,
    *,
    method: str = "REQUEST",
) -> bytes:
    """One event for one person: REQUEST (new or changed) or CANCEL."""
    calendar = _calendar(method)
    calendar.add_component(_event(event, venue, organiser, attendee, method))
    return _finish(calendar, [event])


def feed(
    events: list[tuple[dict[str, Any], dict[str, Any] | None]],
    organiser: Organiser,
    attendee: Attendee,
) -> bytes:
    """A person's subscribable feed: every event they are invited to (PUBLISH, no ATTENDEE
    replies expected; cancelled ones stay, marked CANCELLED, so calendars drop them)."""
    calendar = _calendar("PUBLISH")
    calendar.add("X-WR-CALNAME", "Taking part" if attendee.discreet else "Co-production events")
    for event, venue in events:
        calendar.add_component(_event(event, venue, organiser, attendee, "PUBLISH"))
    return _finish(calendar, [event for event, _ in events])


def uid(event_id: Any, organiser: Organiser) -> str:
    return f"{event_id}@{organiser.uid_domain}"


def _calendar(method: str) -> Calendar:
    calendar = Calendar.new(method=method, prodid=PRODID)
    calendar.pop("UID", None)  # a VCALENDAR UID (RFC 7986) is not wanted in iTIP messages
    return calendar


def _event(
    event: dict[str, Any],
    venue: dict[str, Any] | None,
    organiser: Organiser,
    attendee: Attendee,
    method: str,
) -> VEvent:
    cancelled = method == "CANCEL" or event["status"] == "cancelled"
    component = VEvent.new(
        uid=uid(event["id"], organiser),
        sequence=event["sequence"],
        stamp=datetime.now(UTC),
        start=_london(event["starts_at"]),
        end=_london(event["ends_at"]),
        summary=DISCREET_TITLE if attendee.discreet else event["title"],
        description=describe(event, venue, discreet=attendee.discreet),
        location=where(event, venue),
        organizer=vCalAddress.new(organiser.email, cn=organiser.name, role="CHAIR"),
        attendees=[
            vCalAddress.new(
                attendee.email,
                cn=attendee.name,
                role="REQ-PARTICIPANT",
                partstat=PARTSTAT.get(attendee.reply, "NEEDS-ACTION"),
                rsvp=not cancelled and method != "PUBLISH",
                cutype="INDIVIDUAL",
            )
        ],
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
        url=event["join_link"] or None,
    )
    if not cancelled:
        component.add_component(_alarm(event))
    return component


def _alarm(event: dict[str, Any]) -> Alarm:
    hours = [int(h) for h in str(event["reminder_hours"]).split(",") if h.strip().isdigit()]
    alarm = Alarm()
    alarm.add("ACTION", "DISPLAY")
    alarm.add("DESCRIPTION", "Reminder")
    alarm.add("TRIGGER", -timedelta(hours=min(hours) if hours else 24))
    return alarm


def where(event: dict[str, Any], venue: dict[str, Any] | None) -> str:
    """The place, its access features and how to get there; or the online room."""
    if event["mode"] == "online" or venue is None:
        return "Online" + (f": {event['join_link']}" if event["join_link"] else "")
    features = [VENUE_FEATURES[f] for f in venue["features"].split(",") if f in VENUE_FEATURES]
    parts = [venue["name"], venue["address"].replace("\n", ", ")]
    if features:
        parts.append("Access: " + "; ".join(features))
    return ". ".join(p for p in parts if p)


def describe(event: dict[str, Any], venue: dict[str, Any] | None, *, discreet: bool) -> str:
    """The key details in words, for calendars and email bodies that show nothing else."""
    start, end = _london(event["starts_at"]), _london(event["ends_at"])
    lines = [
        DISCREET_TITLE if discreet else event["title"],
        f"When: {when(start)} to {end.strftime('%-I:%M%p').lower()}",
        f"Where: {where(event, venue)}",
    ]
    if venue and venue.get("directions"):
        lines.append(f"How to get there: {venue['directions']}")
    if venue and venue.get("public_transport"):
        lines.append(f"By bus or train: {venue['public_transport']}")
    if event["join_link"]:
        lines.append(f"Join online: {event['join_link']}")
    if event["description"] and not discreet:
        lines.append(event["description"])
    return "\n".join(lines)


def when(moment: datetime) -> str:
    """ "Tuesday 14 January 2027 at 10:30am", in Europe/London."""
    local = _london(moment)
    return (
        f"{local.strftime('%A')} {local.day} {local.strftime('%B %Y')} at "
        + local.strftime("%-I:%M%p").lower()
    )


def _london(moment: datetime) -> datetime:
    return moment.astimezone(LONDON)


def _finish(calendar: Calendar, events: list[dict[str, Any]]) -> bytes:
    if events:
        first = min(e["starts_at"] for e in events)
        last = max(e["ends_at"] for e in events)
        calendar.add_missing_timezones(
            first_date=date(first.year - 1, 1, 1), last_date=date(last.year + 1, 12, 31)
        )
    payload: bytes = calendar.to_ical()
    return payload
