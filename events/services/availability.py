"""Scheduling help: how many of the selected people said they can make the event's weekday and
time of day, and who has already said yes to another event at the same time.

Reads only people's plain preference codes (never days, times of day) through participation's
services: nothing sealed is opened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from events.tables import Event, Invitation
from participation.services import profiles, selection

LONDON = ZoneInfo("Europe/London")
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class Help:
    """What an organiser needs to judge a time: ``can_make`` of ``selected`` people fit it."""

    selected: int = 0
    can_make: int = 0
    day: str = ""
    part_of_day: str = ""
    clashes: list[UUID] = field(default_factory=list)
    clashing_titles: list[str] = field(default_factory=list)


def part_of_day(moment: datetime) -> str:
    """The participation vocabulary's times of day, by the London start hour."""
    hour = moment.astimezone(LONDON).hour
    return "morning" if hour < 12 else "afternoon" if hour < 17 else "evening"


def day_code(moment: datetime) -> str:
    return DAY_CODES[moment.astimezone(LONDON).weekday()]


def fits(never_days: list[str], times_of_day: list[str], day: str, part: str) -> bool:
    """No stated times of day means any time suits them."""
    return day not in never_days and (not times_of_day or part in times_of_day)


async def help_for(event: dict[str, Any], invited: list[UUID]) -> Help:
    """Availability of the opportunity's selection, and clashes among them and ``invited``."""
    chosen = await selection.selected(event["opportunity"]) if event["opportunity"] else []
    stated = await profiles.availability(chosen)
    day, part = day_code(event["starts_at"]), part_of_day(event["starts_at"])
    result = Help(selected=len(chosen), day=day, part_of_day=part)
    result.can_make = sum(
        1 for subject in chosen if fits(*stated.get(subject, ([], [])), day, part)
    )
    await _clashes(event, list(dict.fromkeys([*chosen, *invited])), result)
    return result


async def _clashes(event: dict[str, Any], subjects: list[UUID], result: Help) -> None:
    """People already coming to another scheduled event that overlaps this one."""
    if not subjects:
        return
    others = await Event.select(Event.id, Event.title).where(
        (Event.id != event["id"])
        & (Event.status == "scheduled")
        & (Event.starts_at < event["ends_at"])
        & (Event.ends_at > event["starts_at"])
    )
    titles = {row["id"]: row["title"] for row in others}
    if not titles:
        return
    rows = await Invitation.select(Invitation.subject, Invitation.event).where(
        Invitation.event.is_in(list(titles))
        & Invitation.subject.is_in(subjects)
        & (Invitation.reply == "accepted")
    )
    result.clashes = list(dict.fromkeys(row["subject"] for row in rows))
    result.clashing_titles = sorted({titles[row["event"]] for row in rows})
