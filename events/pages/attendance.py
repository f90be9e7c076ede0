"""Attendance on the day, made for a phone: one big "Check in" button per person, "Did not
come" (no reason, no penalty), the hours each person gave, once the event is under way, and
the event's check-in notes (a running log staff add to while it runs), newest first."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.auth.access import Rule, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import DomainError, FieldError
from app.sealed import Sealer
from app.web.pages import page
from events.services import attendance, ics, logistics, scheduling
from events.services.attendance import Note

AnyRequest = Request[Any, Any, Any]
ORGANISERS = roles(Role.organiser, Role.coordinator)
HOURS_MESSAGE = "Enter the hours as a whole number from 0 to 24"
MINUTES_MESSAGE = "Enter the minutes as a whole number from 0 to 59"


class AttendancePages(Controller):
    path = "/events/{event:uuid}/attendance"
    include_in_schema = False

    @get("/", name="event-attendance")
    async def show(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        event: FromPath[UUID],
        saved: FromQuery[str] = "",
    ) -> Template:
        return await _render(request, sealer, event, saved=saved)

    @post("/notes", name="event-attendance-note")
    async def add_note(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], event: FromPath[UUID]
    ) -> Template | Redirect:
        note = str((await request.form()).get("note", ""))
        try:
            await attendance.add_note(sealer, event, note, actor_of(request))
        except DomainError as problem:
            if not problem.errors:
                raise
            return await _render(
                request, sealer, event, errors=problem.errors, note=note, status_code=400
            )
        return Redirect(
            f"/events/{event}/attendance?saved=note#check-in-notes",
            status_code=HTTP_303_SEE_OTHER,
        )

    @post("/{invitation:uuid}/check-in", name="event-attendance-check-in")
    async def check_in(
        self, request: AnyRequest, event: FromPath[UUID], invitation: FromPath[UUID]
    ) -> Redirect:
        await attendance.check_in(event, invitation, actor_of(request))
        return _back(event, invitation)

    @post("/{invitation:uuid}/absent", name="event-attendance-absent")
    async def absent(
        self, request: AnyRequest, event: FromPath[UUID], invitation: FromPath[UUID]
    ) -> Redirect:
        await attendance.mark_absent(event, invitation, actor_of(request))
        return _back(event, invitation)

    @post("/{invitation:uuid}/hours", name="event-attendance-hours")
    async def hours(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        event: FromPath[UUID],
        invitation: FromPath[UUID],
    ) -> Template | Redirect:
        posted = await request.form()
        values = {k: str(posted.get(k, "")).strip() for k in ("hours", "minutes")}
        try:
            await attendance.set_hours(event, invitation, _minutes(values), actor_of(request))
        except DomainError as problem:
            if not problem.errors:
                raise
            return await _render(
                request,
                sealer,
                event,
                errors=problem.errors,
                failed=(invitation, values),
                status_code=400,
            )
        return _back(event, invitation)


def _minutes(values: dict[str, str]) -> int:
    """'3' hours and '30' minutes -> 210; blank minutes are 0, blank hours are a problem."""
    errors = []
    hours, minutes = values["hours"], values["minutes"] or "0"
    if not hours.isdigit() or int(hours) > 24:
        errors.append(FieldError("hours", HOURS_MESSAGE))
    if not minutes.isdigit() or int(minutes) > 59:
        errors.append(FieldError("minutes", MINUTES_MESSAGE))
    if errors:
        raise DomainError(errors[0].message, errors=errors)
    return int(hours) * 60 + int(minutes)


def _back(event: UUID, invitation: UUID) -> Redirect:
    return Redirect(
        f"/events/{event}/attendance?saved=1#person-{invitation}", status_code=HTTP_303_SEE_OTHER
    )


async def _render(
    request: AnyRequest,
    sealer: Sealer,
    event: UUID,
    *,
    saved: str = "",
    errors: list[FieldError] | None = None,
    failed: tuple[UUID, dict[str, str]] | None = None,
    note: str = "",
    status_code: int = 200,
) -> Template:
    row, _ = await scheduling.get(event)
    rows = await attendance.roster(event)
    names = await logistics.names(
        sealer, [r["subject"] for r in rows], actor_of(request), "attendance"
    )
    length = attendance.length_minutes(row)
    people = sorted((_person(r, names, length, failed) for r in rows), key=lambda p: p["name"])
    field_ids = {e.field: f"{e.field}-{failed[0]}" for e in errors or []} if failed else {}
    notes = await attendance.notes_of(sealer, [event], actor_of(request), "attendance")
    return page(
        "events/attendance_roster.html",
        "Attendance",
        status_code=status_code,
        event=row,
        when=ics.when(row["starts_at"]),
        open=attendance.is_open(row) and row["status"] != "cancelled",
        people=people,
        here=sum(1 for p in people if p["attended"]),
        saved=saved,
        errors=errors or [],
        field_ids=field_ids | {"note": "note"},
        notes=await note_rows(sealer, notes, row),
        values={"note": note},
    )


async def notes_by_event(
    sealer: Sealer, events: list[UUID], actor: Any, purpose: str
) -> list[dict[str, Any]]:
    """For the debrief side: each of these events that has notes, with its notes newest first."""
    notes = await attendance.notes_of(sealer, events, actor, purpose)
    sessions = []
    for event in dict.fromkeys(n.event for n in notes):
        row, _ = await scheduling.get(event)
        mine = [n for n in notes if n.event == event]
        sessions.append(
            {
                "title": row["title"],
                "when": ics.when(row["starts_at"]),
                "notes": await note_rows(sealer, mine, row),
            }
        )
    return sessions


async def note_rows(sealer: Sealer, notes: list[Note], event: dict[str, Any]) -> list[Any]:
    """Each note as the page shows it: when (the time alone on the event's day), who, what."""
    authors = await logistics.staff_names(sealer, [n.author for n in notes if n.author])
    day = event["starts_at"].astimezone(ics.LONDON).date()
    return [
        {
            "when": _clock(n.written_at) if _day(n.written_at) == day else ics.when(n.written_at),
            "who": authors.get(n.author, "") if n.author else "",
            "text": n.text.reveal(),
        }
        for n in notes
    ]


def _day(moment: datetime) -> date:
    return moment.astimezone(ics.LONDON).date()


def _clock(moment: datetime) -> str:
    """11:15am, London time."""
    return moment.astimezone(ics.LONDON).strftime("%-I:%M%p").lower()


def _person(
    r: dict[str, Any],
    names: dict[UUID, str],
    length: int,
    failed: tuple[UUID, dict[str, str]] | None,
) -> dict[str, Any]:
    minutes = r["minutes"] if r["minutes"] is not None else length
    posted = failed[1] if failed and failed[0] == r["id"] else {}
    return {
        "id": r["id"],
        "name": names.get(r["subject"], "") or "Someone invited",
        "maybe": r["reply"] == "tentative",
        "attended": r["attended"],
        "checked_in": ics.when(r["checked_in_at"]) if r["checked_in_at"] else "",
        "hours": posted.get("hours", str(minutes // 60)),
        "minutes": posted.get("minutes", str(minutes % 60)),
        "failed": bool(posted),
    }


ROUTES: list[Any] = [AttendancePages]
ACCESS: dict[str, Rule] = {
    "event-attendance": ORGANISERS,
    "event-attendance-check-in": ORGANISERS,
    "event-attendance-absent": ORGANISERS,
    "event-attendance-hours": ORGANISERS,
    "event-attendance-note": ORGANISERS,
}
NAVIGATION: list[Any] = []
