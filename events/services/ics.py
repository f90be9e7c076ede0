"""iCalendar done right (RFC 5545 objects, RFC 5546 methods): invitations, updates,
cancellations and a person's feed.

One UID per event for its whole life; SEQUENCE from the event row, which goes up on every change
people must hear about; times in Europe/London with the VTIMEZONE included; ORGANIZER is the
co-production team, ATTENDEE the person (RSVP=TRUE); LOCATION carries the venue's access notes
and DESCRIPTION repeats everything, with the join link, for calendars that show little.

Every piece of text is written by ``icalendar``'s own serializer; this module only joins whole
content lines. What is the same for everyone (the VEVENT of an event as it stands, the
VTIMEZONE, the calendar's header) is serialized once and kept in small in-process caches; what
is personal (DTSTAMP and the ATTENDEE line with that event's reply) is written per document and
spliced in after ``BEGIN:VEVENT``. RFC 5545 lets a component's properties come in any order, so
the joined text is the same calendar as one built whole (the tests and the benchmark check it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Timezone, vCalAddress
from icalendar import Event as VEvent
from icalendar.enums import STATUS

from app import i18n
from app.i18n import N_
from app.i18n import gettext as _
from events.vocabulary import VENUE_FEATURES

LONDON = ZoneInfo("Europe/London")
PRODID = "-//Events//EN"
"""Neutral on purpose: a safe-contact person's invitation carries it, and its raw text (or a
calendar app's details view) must not name the service or the programme."""
DISCREET_TITLE = N_("Meeting")
"""What a safe-contact person's calendar shows: nothing that names the programme (translate
it where it is written: ``_(DISCREET_TITLE)``)."""
DISCREET_ORGANISER = N_("The team")
"""Who a safe-contact person's invitation is from ("Co-production team" names the programme)."""

CACHED_EVENTS = 4096
"""VEVENT texts kept per process (about 2 KB each with their keys): a few people's feeds."""

BEGIN_EVENT = b"BEGIN:VEVENT\r\n"
END_CALENDAR = b"END:VCALENDAR\r\n"


@dataclass(frozen=True)
class Organiser:
    email: str
    name: str
    uid_domain: str


@dataclass(frozen=True)
class Attendee:
    """The person a document is for. ``email`` may be empty: see ``_attendee_line``."""

    email: str
    name: str
    reply: str = "invited"
    discreet: bool = False


class FeedEntry(NamedTuple):
    """One event in a person's feed, with its venue."""

    event: dict[str, Any]
    venue: dict[str, Any] | None


PARTSTAT = {
    "accepted": "ACCEPTED",
    "tentative": "TENTATIVE",
    "declined": "DECLINED",
    "waiting": "TENTATIVE",
}
"""A reply as RFC 5545 PARTSTAT; anything else (not replied yet) is NEEDS-ACTION. Someone on
the waiting list said yes but has no place yet: TENTATIVE, so their calendar does not show a
confirmed meeting, nor ask them to reply again."""


def invitation(
    event: dict[str, Any],
    venue: dict[str, Any] | None,
    organiser: Organiser,
    attendee: Attendee,
    *,
    method: str = "REQUEST",
) -> bytes:
    """One event for one person: REQUEST (new or changed) or CANCEL."""
    cancelled = _cancelled(event, method)
    personal = _stamp_line(datetime.now(UTC)) + _attendee_line(
        attendee.email, attendee.name, attendee.reply, rsvp=not cancelled
    )
    text = _event_text(_key(event, venue, organiser, attendee.discreet, method == "CANCEL"))
    return b"".join(
        (
            _head(method, None),
            _zone(*_years([event])),
            _with_lines(text, personal),
            END_CALENDAR,
        )
    )


def feed(entries: list[FeedEntry], organiser: Organiser, *, discreet: bool) -> bytes:
    """A person's subscribable feed: every event they are invited to and have not declined
    (PUBLISH; cancelled ones stay, marked CANCELLED, so calendars drop them).

    No ATTENDEE: RFC 5546 (3.2.1) forbids it in a PUBLISH VEVENT, and the feed is the person's
    own calendar, so it names nobody. Their replies live on their events page.
    """
    name = _("Taking part") if discreet else _("Co-production events")
    stamp = _stamp_line(datetime.now(UTC))
    parts = [_head("PUBLISH", name)]
    if entries:
        parts.append(_zone(*_years([entry.event for entry in entries])))
    for event, venue in entries:
        text = _event_text(_key(event, venue, organiser, discreet, False))
        parts.append(_with_lines(text, stamp))
    parts.append(END_CALENDAR)
    return b"".join(parts)


def uid(event_id: Any, organiser: Organiser) -> str:
    return f"{event_id}@{organiser.uid_domain}"


def _cancelled(event: dict[str, Any], method: str) -> bool:
    return method == "CANCEL" or event["status"] == "cancelled"


def _with_lines(text: bytes, lines: bytes) -> bytes:
    """The cached VEVENT with the personal lines first, right after ``BEGIN:VEVENT``."""
    return BEGIN_EVENT + lines + text[len(BEGIN_EVENT) :]


# --- What everyone shares, serialized once -------------------------------------------------------


class _EventKey(NamedTuple):
    """Everything that reaches a VEVENT's shared text: the whole event and venue rows (not just
    the id and SEQUENCE: a new description or new directions at the venue keep the SEQUENCE but
    change the words), the organiser, discreet mode, whether it is a cancellation, and the
    language the words are written in (the person's own)."""

    event: tuple[tuple[str, Any], ...]
    venue: tuple[tuple[str, Any], ...] | None
    organiser: Organiser
    discreet: bool
    cancel: bool
    language: str


def _key(
    event: dict[str, Any],
    venue: dict[str, Any] | None,
    organiser: Organiser,
    discreet: bool,
    cancel: bool,
) -> _EventKey:
    return _EventKey(
        tuple(sorted(event.items())),
        tuple(sorted(venue.items())) if venue is not None else None,
        organiser,
        discreet,
        cancel,
        i18n.current(),
    )


def _organiser_name(key: _EventKey) -> str:
    return _(DISCREET_ORGANISER) if key.discreet else key.organiser.name


@lru_cache(maxsize=CACHED_EVENTS)
def _event_text(key: _EventKey) -> bytes:
    """The VEVENT without DTSTAMP and ATTENDEE, which differ per document."""
    with i18n.use_locale(key.language):
        return _vevent(key)


def _vevent(key: _EventKey) -> bytes:
    event, venue = dict(key.event), dict(key.venue) if key.venue is not None else None
    cancelled = key.cancel or event["status"] == "cancelled"
    component = VEvent.new(
        uid=uid(event["id"], key.organiser),
        sequence=event["sequence"],
        start=_london(event["starts_at"]),
        end=_london(event["ends_at"]),
        summary=_(DISCREET_TITLE) if key.discreet else event["title"],
        description=describe(event, venue, discreet=key.discreet),
        location=where(event, venue),
        organizer=vCalAddress.new(key.organiser.email, cn=_organiser_name(key), role="CHAIR"),
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
        url=event["join_link"] or None,
    )
    component.pop("DTSTAMP")  # Event.new stamps it; ours is written per document
    if not cancelled:
        component.add_component(_alarm(event))
    text: bytes = component.to_ical()
    return text


@lru_cache(maxsize=8)
def _head(method: str, name: str | None) -> bytes:
    """``BEGIN:VCALENDAR`` and the calendar's properties."""
    calendar = Calendar.new(method=method, prodid=PRODID)
    calendar.pop("UID", None)  # a VCALENDAR UID (RFC 7986) is not wanted in iTIP messages
    if name is not None:
        calendar.add("X-WR-CALNAME", name)
    text: bytes = calendar.to_ical()
    return text[: -len(END_CALENDAR)]


@lru_cache(maxsize=32)
def _zone(first_year: int, last_year: int) -> bytes:
    """Europe/London's VTIMEZONE, from a year before the first event to a year after the last."""
    zone = Timezone.from_tzid(
        "Europe/London", first_date=date(first_year, 1, 1), last_date=date(last_year, 12, 31)
    )
    text: bytes = zone.to_ical()
    return text


def _years(events: list[dict[str, Any]]) -> tuple[int, int]:
    first = min(e["starts_at"] for e in events)
    last = max(e["ends_at"] for e in events)
    return first.year - 1, last.year + 1


# --- What is personal, written per document ------------------------------------------------------


def _stamp_line(now: datetime) -> bytes:
    holder = VEvent()
    holder.add("DTSTAMP", now)
    return _lines_of(holder)


def _attendee_line(email: str, name: str, reply: str, *, rsvp: bool) -> bytes:
    """The ATTENDEE line, or nothing for a person without an email address.

    RFC 5545 makes ATTENDEE optional and its value a calendar address (a URI), and offers no
    name-only form: a bare ``mailto:`` names no mailbox, and inventing another URI (a ``urn``
    with the person's id) would put an identifier in a feed that calendar apps share about.
    So a person we cannot address is simply not listed; their events are still all there.
    Never cached beyond one document: it holds the person's name and address.
    """
    if not email:
        return b""
    holder = VEvent()
    holder.add(
        "ATTENDEE",
        vCalAddress.new(
            email,
            cn=name,
            role="REQ-PARTICIPANT",
            partstat=PARTSTAT.get(reply, "NEEDS-ACTION"),
            rsvp=rsvp,
            cutype="INDIVIDUAL",
        ),
    )
    return _lines_of(holder)


def _lines_of(holder: VEvent) -> bytes:
    """A VEVENT's property lines, as icalendar writes (and folds) them, without BEGIN and END."""
    lines = holder.content_lines()[1:-2]  # BEGIN:VEVENT ... END:VEVENT, ""
    return b"".join(line.to_ical() + b"\r\n" for line in lines)


# --- Words --------------------------------------------------------------------------------------


def _alarm(event: dict[str, Any]) -> Alarm:
    hours = [int(h) for h in str(event["reminder_hours"]).split(",") if h.strip().isdigit()]
    alarm = Alarm()
    alarm.add("ACTION", "DISPLAY")
    alarm.add("DESCRIPTION", _("Reminder"))
    alarm.add("TRIGGER", -timedelta(hours=min(hours) if hours else 24))
    return alarm


def where(event: dict[str, Any], venue: dict[str, Any] | None) -> str:
    """The place, its access features and how to get there; or the online room (in the
    current language)."""
    if event["mode"] == "online" or venue is None:
        if event["join_link"]:
            return _("Online: %(link)s") % {"link": event["join_link"]}
        return _("Online")
    features = [_(VENUE_FEATURES[f]) for f in venue["features"].split(",") if f in VENUE_FEATURES]
    parts = [venue["name"], venue["address"].replace("\n", ", ")]
    if features:
        parts.append(_("Access: %(features)s") % {"features": "; ".join(features)})
    return ". ".join(p for p in parts if p)


def describe(event: dict[str, Any], venue: dict[str, Any] | None, *, discreet: bool) -> str:
    """The key details in words, for calendars and email bodies that show nothing else, in
    the current language (the reader's: see ``i18n.use_locale``)."""
    start, end = _london(event["starts_at"]), _london(event["ends_at"])
    lines = [
        _(DISCREET_TITLE) if discreet else event["title"],
        _("When: %(start)s to %(end)s") % {"start": when(start), "end": i18n.time_of_day(end)},
        _("Where: %(place)s") % {"place": where(event, venue)},
    ]
    if venue and venue.get("directions"):
        lines.append(_("How to get there: %(directions)s") % {"directions": venue["directions"]})
    if venue and venue.get("public_transport"):
        lines.append(_("By bus or train: %(transport)s") % {"transport": venue["public_transport"]})
    if event["join_link"]:
        lines.append(_("Join online: %(link)s") % {"link": event["join_link"]})
    if event["description"] and not discreet:
        lines.append(event["description"])
    return "\n".join(lines)


def when(moment: datetime) -> str:
    """ "Tuesday 14 January 2027 at 10:30am", in Europe/London and the current language."""
    return i18n.moment(moment)


def _london(moment: datetime) -> datetime:
    return moment.astimezone(LONDON)
