"""Attendance on the day: check people in, record who did not come, and the hours each person
gave (the basis of their payment).

Not coming is recorded without a penalty and without a reason: there is nowhere to write one.
Recording opens on the day of the event (Europe/London) and stays open afterwards, so hours can
be put right later; before the day there is nothing true to record, so it is refused.

Check-in notes are the event's running log ("11:15 everyone had a break, Sam wanted to stop
early"), written by staff while it runs and read back at the debrief. They are sealed under the
event's own data key, and every reading is audited. They belong to the session, not to one
person (a note may mention several people, or nobody), so a person's access request or erasure
does not reach them: they are kept only six months after the event instead (see
``events.datamap`` and ``events.services.retention``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from app import audit
from app.db import transaction
from app.errors import Conflict, DomainError, FieldError, NotFound
from app.redact import Sensitive
from app.sealed import Sealer
from events.services import ics, scheduling
from events.tables import CheckInNote, Event, Invitation

COMING = ("accepted", "tentative")
MAX_MINUTES = 24 * 60
MAX_NOTE = 500
NOTE_MESSAGES = {
    "blank": "Write the note",
    "long": f"Write the note in {MAX_NOTE} characters or fewer",
}


@dataclass(frozen=True)
class Note:
    """One check-in note: when, by which staff account, and what they wrote."""

    id: UUID
    event: UUID
    written_at: datetime
    author: UUID | None
    text: Sensitive[str]


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


async def hours_of(event: UUID) -> dict[UUID, int]:
    """Minutes recorded for each person who came to the event (the basis of their fee); people
    who did not come, or whose hours are not recorded yet, are left out. Read-only."""
    rows = await Invitation.select(Invitation.subject, Invitation.minutes).where(
        (Invitation.event == event)
        & (Invitation.attended.eq(True))
        & Invitation.minutes.is_not_null()
    )
    return {row["subject"]: int(row["minutes"]) for row in rows}


async def with_hours(limit: int = 200) -> list[dict[str, Any]]:
    """Events, newest first, where someone has hours recorded, each with ``people``: how many
    have hours. Cancelled events are left out. Read-only (what payments proposes fees from)."""
    recorded = await Invitation.select(Invitation.event).where(
        (Invitation.attended.eq(True)) & (Invitation.minutes > 0)
    )
    people = Counter(row["event"] for row in recorded)
    if not people:
        return []
    rows = (
        await Event.select(
            Event.id, Event.title, Event.kind, Event.opportunity, Event.starts_at, Event.ends_at
        )
        .where(Event.id.is_in(list(people)) & (Event.status != "cancelled"))
        .order_by(Event.starts_at, ascending=False)
        .limit(limit)
    )
    return [{**row, "people": people[row["id"]]} for row in rows]


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


async def add_note(sealer: Sealer, event: UUID, text: str, actor: audit.Actor) -> UUID:
    """Add a note to the event's running log, from the day of the event (sealed, audited)."""
    cleaned = text.strip()
    problem = "blank" if not cleaned else "long" if len(cleaned) > MAX_NOTE else ""
    if problem:
        message = NOTE_MESSAGES[problem]
        raise DomainError(message, errors=[FieldError("note", message)])
    row, _ = await scheduling.get(event)
    _check_open(row)
    note = uuid4()
    async with transaction():
        sealed = await sealer.seal(CheckInNote, note, event, {"text": cleaned})
        await CheckInNote.insert(
            CheckInNote(id=note, event=event, author=_account(actor), **sealed)
        )
        await audit.record(
            actor, audit.Action.change, field_group="check-in notes", purpose=f"add {event}"
        )
    return note


async def notes_of(
    sealer: Sealer, events: list[UUID], actor: audit.Actor, purpose: str
) -> list[Note]:
    """The notes of these events, newest first; one audited view per event that has any."""
    if not events:
        return []
    rows = (
        await CheckInNote.select()
        .where(CheckInNote.event.is_in(list(set(events))))
        .order_by(CheckInNote.written_at, ascending=False)
    )
    found = []
    for row in rows:
        text = (await sealer.open(CheckInNote, row, ("text",)))["text"]
        if text is not None:
            found.append(Note(row["id"], row["event"], row["written_at"], row["author"], text))
    async with transaction():
        for shown in dict.fromkeys(note.event for note in found):
            await audit.record(
                actor,
                audit.Action.view,
                field_group="check-in notes",
                purpose=f"{purpose} {shown}"[:200],
            )
    return found


def _account(actor: audit.Actor) -> UUID | None:
    try:
        return UUID(actor.id)
    except ValueError:
        return None


def _check_open(row: dict[str, Any]) -> None:
    if row["status"] == "cancelled":
        raise Conflict("This event was cancelled: there is no attendance to record.")
    if not is_open(row):
        day = ics.when(row["starts_at"])
        raise Conflict(f"You can record attendance from the day of the event ({day}).")


async def _recordable(event: UUID, invitation: UUID) -> tuple[dict[str, Any], dict[str, Any]]:
    row, _ = await scheduling.get(event)
    current = (
        await Invitation.select()
        .where((Invitation.id == invitation) & (Invitation.event == event))
        .first()
    )
    if current is None:
        raise NotFound("This person is not invited to this event.")
    _check_open(row)
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
