"""Attendance on the day: check in, did not come (no reason, no penalty), hours, and nothing
recorded before the day of the event; check-in notes, sealed, shown newest first on the
attendance page and on the follow-ups list, and deleted six months after the event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest
from litestar import Litestar

from app.datamap import Role
from app.errors import Conflict, DomainError, NotFound
from app.factory import retention_rules
from app.retention import RetentionRun
from app.sealed import Sealer
from app.tables import AuditEvent, DataKey
from events.services import attendance, followups, invitations
from events.tables import CheckInNote, Event, Invitation
from participation.services import rights
from tests.events.conftest import ORGANISER, SENDER, panel
from tests.support.auth import csrf_headers, make_account, sign_in

PEOPLE: dict[str, dict[str, Any]] = {
    "ann": {"email": "ann@example.org"},
    "bo": {"email": "bo@example.org"},
    "cy": {"email": "cy@example.org"},
}


async def _setup(sealer: Sealer, *, today: bool = True) -> tuple[UUID, dict[str, UUID]]:
    """Ann is coming, Bo might come, Cy cannot; a 3-hour event that started an hour ago
    (or, with ``today=False``, one 20 days ahead)."""
    setup = await panel(sealer, **PEOPLE)
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    replies = {"ann": "accepted", "bo": "tentative", "cy": "declined"}
    found = {}
    for name, reply in replies.items():
        await Invitation.update({Invitation.reply: reply}).where(
            Invitation.subject == setup.people[name]
        )
        row = await Invitation.select().where(Invitation.subject == setup.people[name]).first()
        assert row is not None
        found[name] = row["id"]
    if today:
        start = datetime.now(UTC) - timedelta(minutes=5)
        await Event.update(
            {Event.starts_at: start, Event.ends_at: start + timedelta(hours=3)}
        ).where(Event.id == setup.event)
    return setup.event, found


async def _row(invitation: UUID) -> tuple[Any, ...]:
    row = await Invitation.select().where(Invitation.id == invitation).first()
    assert row is not None
    return row["attended"], row["minutes"], row["checked_in_at"] is not None


async def test_roster_check_in_absent_and_hours(sealer: Sealer) -> None:
    event, people = await _setup(sealer)

    roster = await attendance.roster(event)
    await attendance.check_in(event, people["ann"], ORGANISER)
    checked = await _row(people["ann"])
    await attendance.set_hours(event, people["ann"], 150, ORGANISER)
    hours = await _row(people["ann"])
    await attendance.mark_absent(event, people["bo"], ORGANISER)

    assert {r["id"] for r in roster} == {people["ann"], people["bo"]}
    assert checked == (True, 180, True)
    assert hours == (True, 150, True)
    assert await _row(people["bo"]) == (False, None, False)
    assert {r["id"] for r in await attendance.roster(event)} == {people["ann"], people["bo"]}


async def test_checking_in_again_keeps_the_hours_set(sealer: Sealer) -> None:
    event, people = await _setup(sealer)
    await attendance.set_hours(event, people["ann"], 60, ORGANISER)

    await attendance.check_in(event, people["ann"], ORGANISER)

    assert await _row(people["ann"]) == (True, 60, True)


@pytest.mark.parametrize("minutes", [-1, 1441])
async def test_hours_out_of_range_are_refused(sealer: Sealer, minutes: int) -> None:
    event, people = await _setup(sealer)

    with pytest.raises(DomainError) as problem:
        await attendance.set_hours(event, people["ann"], minutes, ORGANISER)

    assert [e.field for e in problem.value.errors] == ["hours"]
    assert await _row(people["ann"]) == (None, None, False)


async def test_nothing_is_recorded_before_the_day(sealer: Sealer) -> None:
    event, people = await _setup(sealer, today=False)

    with pytest.raises(Conflict) as problem:
        await attendance.check_in(event, people["ann"], ORGANISER)
    with pytest.raises(NotFound):
        await attendance.check_in(event, UUID(int=5), ORGANISER)

    assert "from the day of the event" in problem.value.message
    assert await _row(people["ann"]) == (None, None, False)


async def _staff(app: Litestar, client: httpx.AsyncClient, role: Role) -> dict[str, str]:
    account = await make_account(app, "staff", (role,))
    await sign_in(app, client, account)
    return await csrf_headers(client)


async def test_the_phone_page_checks_people_in(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    event, people = await _setup(sealer)
    headers = await _staff(running_app, client, Role.coordinator)
    base = f"/events/{event}/attendance"

    before = await client.get(base)
    checked = await client.post(f"{base}/{people['ann']}/check-in", headers=headers)
    absent = await client.post(f"{base}/{people['bo']}/absent", headers=headers)
    bad = await client.post(
        f"{base}/{people['ann']}/hours", data={"hours": "25", "minutes": "x"}, headers=headers
    )
    empty = await client.post(f"{base}/{people['ann']}/hours", data={}, headers=headers)
    good = await client.post(
        f"{base}/{people['ann']}/hours", data={"hours": "2", "minutes": "30"}, headers=headers
    )
    after = await client.get(base)

    assert before.status_code == 200
    assert before.text.count(">Check in<") == 2
    assert "Ann" in before.text
    assert "Bo" in before.text
    assert "Cy" not in before.text
    assert (checked.status_code, absent.status_code, good.status_code) == (303, 303, 303)
    assert bad.status_code == 400
    assert f'href="#hours-{people["ann"]}"' in bad.text
    assert f'href="#minutes-{people["ann"]}"' in bad.text
    assert "Enter the hours as a whole number from 0 to 24" in bad.text
    assert empty.status_code == 400
    assert await _row(people["ann"]) == (True, 150, True)
    assert await _row(people["bo"]) == (False, None, False)
    assert "Did not come" in after.text
    assert f'id="hours-{people["ann"]}" name="hours" type="text" inputmode="numeric" value="2"' in (
        after.text
    )


async def test_the_page_refuses_before_the_day(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    event, people = await _setup(sealer, today=False)
    headers = await _staff(running_app, client, Role.organiser)

    shown = await client.get(f"/events/{event}/attendance")
    early = await client.post(
        f"/events/{event}/attendance/{people['ann']}/check-in", headers=headers
    )

    assert shown.status_code == 200
    assert ">Check in<" not in shown.text
    assert "You can check people in from the day of the event" in shown.text
    assert early.status_code == 409
    assert "You can record attendance from the day of the event" in early.text
    assert await _row(people["ann"]) == (None, None, False)


async def test_participants_and_finance_cannot_record(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    event, people = await _setup(sealer)
    for kind, role in (("participant", Role.participant), ("staff", Role.finance)):
        account = await make_account(running_app, kind, (role,))
        await sign_in(running_app, client, account)
        headers = await csrf_headers(client)

        seen = await client.get(f"/events/{event}/attendance")
        done = await client.post(
            f"/events/{event}/attendance/{people['ann']}/check-in", headers=headers
        )

        assert (seen.status_code, done.status_code) == (403, 403)
    assert await _row(people["ann"]) == (None, None, False)


NOTE = "11:15 everyone had a break. Sam wanted to stop early, asked for a call tomorrow"


async def _notes_written() -> list[dict[str, Any]]:
    return list(await CheckInNote.select().order_by(CheckInNote.written_at))


async def test_check_in_notes_are_sealed_newest_first_and_audited(sealer: Sealer) -> None:
    event, _ = await _setup(sealer)

    first = await attendance.add_note(sealer, event, "  10:05 all six here  ", ORGANISER)
    await CheckInNote.update(
        {CheckInNote.written_at: datetime.now(UTC) - timedelta(hours=1)}
    ).where(CheckInNote.id == first)
    second = await attendance.add_note(sealer, event, NOTE, ORGANISER)
    shown = await attendance.notes_of(sealer, [event], ORGANISER, "attendance")

    assert [(n.id, n.text.reveal(), n.author) for n in shown] == [
        (second, NOTE, UUID(ORGANISER.id)),
        (first, "10:05 all six here", UUID(ORGANISER.id)),
    ]
    stored = await _notes_written()
    assert all(NOTE.encode() not in bytes(row["text"]) for row in stored)
    assert await DataKey.count().where(DataKey.owner == event) == 1
    assert (
        await AuditEvent.count().where(
            (AuditEvent.field_group == "check-in notes")
            & (AuditEvent.action == "change")
            & (AuditEvent.purpose == f"add {event}")
        )
        == 2
    )
    views = await AuditEvent.select(AuditEvent.action, AuditEvent.purpose).where(
        (AuditEvent.field_group == "check-in notes")
        & AuditEvent.purpose.like(f"%{event}")  # the audit log keeps other tests' rows
        & (AuditEvent.action != "change")
    )
    assert views == [{"action": "view", "purpose": f"attendance {event}"}]


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "Write the note"), ("x" * 501, "Write the note in 500 characters or fewer")],
)
async def test_a_blank_or_long_note_is_refused(sealer: Sealer, text: str, message: str) -> None:
    event, _ = await _setup(sealer)

    with pytest.raises(DomainError) as problem:
        await attendance.add_note(sealer, event, text, ORGANISER)

    assert [(e.field, e.message) for e in problem.value.errors] == [("note", message)]
    assert await _notes_written() == []


async def test_notes_wait_for_the_day_and_stop_when_cancelled(sealer: Sealer) -> None:
    early, _ = await _setup(sealer, today=False)
    with pytest.raises(Conflict):
        await attendance.add_note(sealer, early, NOTE, ORGANISER)
    await Event.update({Event.status: "cancelled"}).where(Event.id == early)
    await Event.update({Event.starts_at: datetime.now(UTC)}).where(Event.id == early)

    with pytest.raises(Conflict) as cancelled:
        await attendance.add_note(sealer, early, NOTE, ORGANISER)

    assert "cancelled" in cancelled.value.message
    assert await _notes_written() == []


async def test_the_attendance_page_adds_and_shows_notes(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    event, _ = await _setup(sealer)
    headers = await _staff(running_app, client, Role.organiser)
    url = f"/events/{event}/attendance/notes"

    long = await client.post(url, data={"note": "y" * 501}, headers=headers)
    added = await client.post(url, data={"note": NOTE}, headers=headers)
    shown = await client.get(f"/events/{event}/attendance?saved=note")

    assert long.status_code == 400
    assert '<a href="#note">Write the note in 500 characters or fewer</a>' in long.text
    assert "y" * 501 in long.text  # what they typed is kept
    assert (added.status_code, added.headers["location"]) == (
        303,
        f"/events/{event}/attendance?saved=note#check-in-notes",
    )
    assert len(await _notes_written()) == 1
    assert shown.status_code == 200
    assert "Your note is added." in shown.text
    assert NOTE in shown.text
    assert "Test staff" in shown.text  # who wrote it
    assert 'href="#check-in-notes">Check-in notes (1)</a>' in shown.text


async def test_the_debrief_side_shows_the_sessions_notes(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    event, people = await _setup(sealer)
    await Event.update({Event.sensitive: True}).where(Event.id == event)
    await attendance.add_note(sealer, event, NOTE, ORGANISER)
    ann = await Invitation.select().where(Invitation.id == people["ann"]).first()
    assert ann is not None
    await followups.ask(people["ann"], ann["subject"], ORGANISER, wanted=True)
    await _staff(running_app, client, Role.coordinator)

    listed = await client.get("/follow-ups")

    assert listed.status_code == 200
    assert "Notes from the sessions" in listed.text
    assert "Housing support evaluation panel" in listed.text
    assert NOTE in listed.text


async def test_notes_are_deleted_six_months_after_the_event(
    running_app: Litestar, sealer: Sealer
) -> None:
    event, _ = await _setup(sealer)
    await attendance.add_note(sealer, event, NOTE, ORGANISER)
    [rule] = [r for r in retention_rules() if r.name == "check-in notes"]

    def run(days: int, dry: bool) -> RetentionRun:
        now = datetime.now(UTC) + timedelta(days=days)
        return RetentionRun(now, dry, sealer, running_app.state.settings)

    assert await rule.apply(run(180, dry=False)) == 0
    assert await rule.apply(run(185, dry=True)) == 1  # a dry run only counts
    assert len(await _notes_written()) == 1
    assert await rule.apply(run(185, dry=False)) == 1
    assert await _notes_written() == []
    assert rule.period == "6 months after the event"


async def test_a_persons_erasure_and_export_do_not_reach_event_notes(sealer: Sealer) -> None:
    """Documented in events.datamap: the log is the event's, sealed with the event's key."""
    event, people = await _setup(sealer)
    await attendance.add_note(sealer, event, NOTE, ORGANISER)
    ann = await Invitation.select().where(Invitation.id == people["ann"]).first()
    assert ann is not None

    export = await rights.download(sealer, ann["subject"], ORGANISER)
    await rights.erase(sealer, ann["subject"], "staff", ORGANISER)

    assert "check_in_note" not in export["tables"]
    shown = await attendance.notes_of(sealer, [event], ORGANISER, "attendance")
    assert [n.text.reveal() for n in shown] == [NOTE]


async def test_hours_recorded_are_read_per_person_and_per_event(sealer: Sealer) -> None:
    event, people = await _setup(sealer)
    assert await attendance.with_hours() == []
    await attendance.set_hours(event, people["ann"], 150, ORGANISER)
    await attendance.check_in(event, people["bo"], ORGANISER)
    await attendance.mark_absent(event, people["cy"], ORGANISER)
    subjects = {
        name: (await Invitation.select().where(Invitation.id == people[name]).first() or {})[
            "subject"
        ]
        for name in ("ann", "bo")
    }

    hours = await attendance.hours_of(event)
    [listed] = await attendance.with_hours()

    assert hours == {subjects["ann"]: 150, subjects["bo"]: 180}
    assert (listed["id"], listed["people"], listed["kind"]) == (event, 2, "evaluation_panel")
    await Event.update({Event.status: "cancelled"}).where(Event.id == event)
    assert await attendance.with_hours() == []
