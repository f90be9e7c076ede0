"""Attendance on the day: check people in, record who did not come, and the hours each person
gave (the basis of their payment).

Not coming is recorded without a penalty and without a reason: there is nowhere to write one.
Recording opens on the day of the event (Europe/London) and stays open afterwards, so hours can
be put right later; before the day there is nothing true to record, so it is refused.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from app import audit
from app.db import transaction
from app.errors import Conflict, DomainError, FieldError, NotFound
from events.services import ics, scheduling
from events.tables import Invitation

COMING = ("accepted", "tentative")
MAX_MINUTES = 24 * 60


def length_minutes(event: dict[str, Any]) -> int:
    """The event's length, the hours recorded for someone who came unless staff change it."""
    minutes = int((event["ends_at"] - event["starts_at"]).total_seconds() // 60)
    return max(0, min(minutes, MAX_MINUTES))


def is_open(event: dict[str, Any], now: datetime | None = None) -> bool:
    """True from the start of the event's day in London."""
    today = (now or datetime.now(UTC)).astimezone(ics.LONDON)
    starts: datetime = event["starts_at"]
    return today.date() >= starts.astimezone(ics.LONDON).date()


async def roster(event: UUID) -> list[dict[str, Any]]:
    """Everyone coming or who might come, and anyone whose attendance is already recorded."""
    await scheduling.get(event)
    rows = await Invitation.select().where(
        (Invitation.event == event)
        & (Invitation.reply.is_in(list(COMING)) | Invitation.attended.is_not_null())
    )
    return sorted(rows, key=lambda r: r["created_at"])


async def check_in(event: UUID, invitation: UUID, actor: audit.Actor) -> None:
    """They are here: the time, and the event's length as their hours unless already set."""
    row, current = await _recordable(event, invitation)
    minutes = current["minutes"] if current["minutes"] is not None else length_minutes(row)
    await _record(
        current,
        actor,
        "check in",
        {
            Invitation.checked_in_at: current["checked_in_at"] or datetime.now(UTC),
            Invitation.attended: True,
            Invitation.minutes: minutes,
        },
    )


async def mark_absent(event: UUID, invitation: UUID, actor: audit.Actor) -> None:
    """They did not come: no hours, no penalty, no reason asked or kept."""
    _, current = await _recordable(event, invitation)
    await _record(
        current,
        actor,
        "did not come",
        {Invitation.checked_in_at: None, Invitation.attended: False, Invitation.minutes: None},
    )


async def set_hours(event: UUID, invitation: UUID, minutes: int, actor: audit.Actor) -> None:
    """The time they gave, in minutes (0 to 24 hours); recording hours means they came."""
    if not 0 <= minutes <= MAX_MINUTES:
        message = "Enter hours and minutes that add up to 24 hours or less"
        raise DomainError(message, errors=[FieldError("hours", message)])
    _, current = await _recordable(event, invitation)
    await _record(current, actor, "hours", {Invitation.attended: True, Invitation.minutes: minutes})


async def _recordable(event: UUID, invitation: UUID) -> tuple[dict[str, Any], dict[str, Any]]:
    row, _ = await scheduling.get(event)
    current = (
        await Invitation.select()
        .where((Invitation.id == invitation) & (Invitation.event == event))
        .first()
    )
    if current is None:
        raise NotFound("This person is not invited to this event.")
    if row["status"] == "cancelled":
        raise Conflict("This event was cancelled: there is no attendance to record.")
    if not is_open(row):
        day = ics.when(row["starts_at"])
        raise Conflict(f"You can record attendance from the day of the event ({day}).")
    return row, dict(current)


async def _record(
    current: dict[str, Any], actor: audit.Actor, purpose: str, values: dict[Any, Any]
) -> None:
    async with transaction():
        await Invitation.update(values).where(Invitation.id == current["id"])
        await audit.record(
            actor,
            audit.Action.change,
            subject=current["subject"],
            field_group="attendance",
            purpose=purpose,
        )
