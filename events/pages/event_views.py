"""The event form as flat HTML and back: a GOV.UK date in three boxes, start and end times
typed in London time (what an organiser means by "10am"), reminder checkboxes, and select
lists of opportunities and venues. The schema (``EventForm``) does the checking."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from app.web.forms import parse_form
from events.schemas import EventForm
from events.services import ics

LONDON = ZoneInfo("Europe/London")
DATE_PARTS = ("day", "month", "year")
TEXTS = ("title", "kind", "opportunity", "description", "mode", "venue", "join_link")
MORE_TEXTS = ("capacity", "providers", "starts_at-time", "ends_at", "sensitive")
REMINDERS = {"48": "2 days before", "2": "2 hours before"}
FIELD_IDS = {"starts_at": "starts_at-day", "reminder_hours": "reminder_hours"}
NOT_A_TIME = "not a time"
CLOCK = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")

Values = dict[str, Any]


def posted_values(posted: Any) -> Values:
    """What was typed, kept as typed so the form can show it again."""
    names = (*TEXTS, *MORE_TEXTS, *(f"starts_at-{p}" for p in DATE_PARTS))
    values: Values = {name: str(posted.get(name, "")).strip() for name in names}
    values["reminder_hours"] = [h for h in posted.getall("reminder_hours", []) if h]
    return values


def read_event(values: Values) -> EventForm:
    """The schema's model of the typed values; raises ``FormInvalid`` naming each field."""
    day = _day(values)
    data: dict[str, Any] = {name: values[name] for name in TEXTS if name not in ("opportunity",)}
    data |= {
        "opportunity": values["opportunity"] or None,
        "venue": values["venue"] or None,
        "capacity": values["capacity"],
        "providers": values["providers"],
        "reminder_hours": values["reminder_hours"],
        "sensitive": values["sensitive"] == "yes",
        "starts_at": _moment(day, values["starts_at-time"]),
        "ends_at": _moment(day or date.today(), values["ends_at"]),
    }
    return parse_form(EventForm, data)


def blank_values() -> Values:
    """A new event: in person, 10am to noon, 10 places, a reminder two days before."""
    return {
        "mode": "in_person",
        "starts_at-time": "10:00",
        "ends_at": "12:00",
        "capacity": "10",
        "reminder_hours": ["48"],
    }


def form_values(row: dict[str, Any]) -> Values:
    """A stored event as the form's inputs (to change it)."""
    start, end = row["starts_at"].astimezone(LONDON), row["ends_at"].astimezone(LONDON)
    values: Values = {name: "" if row[name] is None else str(row[name]) for name in TEXTS}
    values |= {f"starts_at-{p}": str(getattr(start, p)) for p in DATE_PARTS}
    values |= {
        "starts_at-time": start.strftime("%H:%M"),
        "ends_at": end.strftime("%H:%M"),
        "capacity": str(row["capacity"]),
        "providers": row["providers"],
        "reminder_hours": [h for h in row["reminder_hours"].split(",") if h],
        "sensitive": "yes" if row["sensitive"] else "",
    }
    return values


def when_text(row: dict[str, Any]) -> str:
    """ "Tuesday 14 January 2027 at 10:00am to 1:00pm", London time."""
    end = row["ends_at"].astimezone(LONDON)
    return f"{ics.when(row['starts_at'])} to {end.strftime('%-I:%M%p').lower()}"


def _day(values: Values) -> date | None:
    try:
        day, month, year = (int(values[f"starts_at-{p}"]) for p in DATE_PARTS)
        return date(year, month, day)
    except ValueError:
        return None


def _moment(day: date | None, clock: str) -> datetime | str:
    """A UTC moment from a London date and a typed time; a string pydantic refuses otherwise."""
    found = CLOCK.match(clock.lower().replace(" ", ""))
    if day is None or found is None:
        return NOT_A_TIME
    hour, minute = int(found[1]), int(found[2] or 0)
    if found[3]:
        if not 1 <= hour <= 12:
            return NOT_A_TIME
        hour = hour % 12 + (12 if found[3] == "pm" else 0)
    try:
        return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)
    except ValueError:
        return NOT_A_TIME
