"""Inviting the selection: the right people, the right route, iCalendar done right, replies."""

from __future__ import annotations

import email
from datetime import timedelta
from email.policy import default
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from icalendar import Calendar

from app import mail
from app.errors import Conflict, DomainError, NotFound
from app.sealed import Sealer
from app.tables import AuditEvent, OutboxMessage
from events.services import invitations, scheduling
from events.tables import Event, Invitation
from participation.services import consent
from tests.conftest import make_settings
from tests.events.conftest import ORGANISER, SENDER, event_form, panel
from tests.support.smtp import CapturingSMTPServer

PEOPLE = {
    "ann": {"email": "ann@example.org"},
    "bo": {"email": None, "phone": "07700 900501", "route": "phone"},
    "cy": {"email": "cy@example.org", "safe_contact": True},
    "dee": {"email": "dee@example.org"},
}


async def _messages(sealer: Sealer) -> dict[str, email.message.EmailMessage]:
    found = {}
    for row in await OutboxMessage.select():
        opened = await sealer.open(OutboxMessage, row)
        raw = opened["message"]
        assert raw is not None
        message = email.message_from_string(raw.reveal(), policy=default)
        found[str(message["To"])] = message
    return found


def _calendar(message: email.message.EmailMessage) -> Calendar:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return Calendar.from_ical(part.get_content())


async def test_invite_the_selection_through_each_route(sealer: Sealer) -> None:
    setup = await panel(sealer, **PEOPLE)
    await consent.record(setup.people["dee"], "contact", False, "web", ORGANISER)
    before = await OutboxMessage.count()

    result = await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)

    assert (result.invited, result.emailed, result.to_tell, result.skipped) == (3, 2, 1, 1)
    assert await OutboxMessage.count() == before + 2
    messages = await _messages(sealer)
    to_ann = next(
        m for to, m in messages.items() if "ann@example.org" in to and "Invitation" in m["Subject"]
    )
    calendar = _calendar(to_ann)
    event = calendar.events[0]
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"{setup.event}@reciprocity.northshire.example"
    assert event["SEQUENCE"] == 0
    assert str(event["ORGANIZER"]) == "mailto:team@northshire.example"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:ann@example.org"
    assert attendee.params["RSVP"] == "TRUE"
    assert "Hearing loop" in str(event["LOCATION"])
    assert event["DTSTART"].dt.tzinfo is not None
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"
    assert event.walk("VALARM")[0]["TRIGGER"].dt == -timedelta(hours=2)
    body = to_ann.get_body(preferencelist=("plain",)).get_content()
    assert "County Hall" in body
    assert "/events/reply/" in body
    to_cy = next(
        m for to, m in messages.items() if "cy@example.org" in to and "Invitation" in m["Subject"]
    )
    assert (
        "Housing support"
        not in to_cy["Subject"] + to_cy.get_body(preferencelist=("plain",)).get_content()
    )
    assert str(_calendar(to_cy).events[0]["SUMMARY"]) == "Meeting"


async def test_inviting_twice_invites_nobody_twice(sealer: Sealer) -> None:
    setup = await panel(sealer, **{"ann": PEOPLE["ann"]})

    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    again = await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)

    assert (again.invited, again.skipped) == (0, 1)
    assert await Invitation.count() == 1


async def test_replies_by_link_with_a_waiting_list_offered_in_order(sealer: Sealer) -> None:
    people = {n: {"email": f"{n}@example.org"} for n in ("ann", "bo", "cy")}
    setup = await panel(sealer, **people)
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    ids = {row["subject"]: row["id"] for row in await Invitation.select()}
    ann, bo, cy = (ids[setup.people[n]] for n in ("ann", "bo", "cy"))

    def token(invitation: object) -> str:
        return invitations.reply_token(SENDER.secret_key, invitation)  # type: ignore[arg-type]

    replies = [
        await invitations.reply(sealer, i, "accepted", ORGANISER, SENDER, token=token(i))
        for i in (ann, bo, cy)
    ]
    assert replies == ["accepted", "accepted", "waiting"]
    await invitations.reply(sealer, ann, "declined", ORGANISER, SENDER, token=token(ann))

    states = {row["id"]: row["reply"] for row in await Invitation.select()}
    assert states == {ann: "declined", bo: "accepted", cy: "accepted"}
    with pytest.raises(NotFound):
        await invitations.reply(sealer, bo, "declined", ORGANISER, SENDER, token="wrong")


async def test_a_change_bumps_the_sequence_and_a_cancellation_says_cancel(sealer: Sealer) -> None:
    setup = await panel(sealer, **{"ann": PEOPLE["ann"]})
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    row, _ = await scheduling.get(setup.event)
    moved = event_form(
        opportunity=setup.opportunity,
        venue=row["venue"],
        starts_at=row["starts_at"] + timedelta(days=1),
        ends_at=row["ends_at"] + timedelta(days=1),
    )

    _, changed = await scheduling.save_event(moved, ORGANISER, setup.event)
    await invitations.tell_everyone(sealer, setup.event, ORGANISER, SENDER)
    await scheduling.cancel(setup.event, ORGANISER)
    await invitations.tell_everyone(sealer, setup.event, ORGANISER, SENDER)

    assert changed is True
    calendars = []
    for row_ in await OutboxMessage.select().order_by(OutboxMessage.created_at):
        raw = (await sealer.open(OutboxMessage, row_))["message"]
        assert raw is not None
        message = email.message_from_string(raw.reveal(), policy=default)
        if "ann@example.org" in str(message["To"]) and message["Subject"].split(":")[0] in {
            "Invitation",
            "Changed",
            "Cancelled",
        }:
            calendars.append(_calendar(message))
    assert [(str(c["METHOD"]), int(c.events[0]["SEQUENCE"])) for c in calendars] == [
        ("REQUEST", 0),
        ("REQUEST", 1),
        ("CANCEL", 2),
    ]
    assert len({str(c.events[0]["UID"]) for c in calendars}) == 1
    with pytest.raises(Conflict, match="cancelled"):
        await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    assert (await Event.select(Event.status).first()) == {"status": "cancelled"}


async def test_capacity_cannot_drop_below_those_coming(sealer: Sealer) -> None:
    people = {n: {"email": f"{n}@example.org"} for n in ("ann", "bo")}
    setup = await panel(sealer, **people)
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    for row in await Invitation.select():
        await invitations.reply(sealer, row["id"], "accepted", ORGANISER, SENDER, via="staff")
    current, _ = await scheduling.get(setup.event)

    with pytest.raises(DomainError) as problem:
        await scheduling.save_event(
            event_form(opportunity=setup.opportunity, venue=current["venue"], capacity=1),
            ORGANISER,
            setup.event,
        )

    assert [e.field for e in problem.value.errors] == ["capacity"]
    assert (await scheduling.get(setup.event))[0]["capacity"] == 2


async def test_through_a_real_mail_server_the_right_people_get_the_right_words(
    sealer: Sealer, smtp_server: CapturingSMTPServer, tmp_path: Path
) -> None:
    """Delivered by the outbox to the test SMTP server: the people whose route is email, with
    the calendar part; nothing for the person who withdrew contact; discreet for safe contact."""
    setup = await panel(sealer, **PEOPLE)
    await consent.record(setup.people["dee"], "contact", False, "web", ORGANISER)
    await OutboxMessage.delete(force=True)
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    settings = make_settings(
        tmp_path, "sqlite:///unused", smtp_host="127.0.0.1", smtp_port=smtp_server.port
    )

    report = await mail.deliver_due(sealer, settings)

    assert report.sent == 2
    received = {str(m["To"]): m for m in smtp_server.messages}
    assert sorted(received) == ["ann@example.org", "cy@example.org"]
    for message in received.values():
        kinds = [part.get_content_type() for part in message.walk()]
        assert "text/calendar" in kinds
    cy = received["cy@example.org"]
    cy_text = cy.get_body(preferencelist=("plain",)).get_content()
    assert "Housing support" not in cy["Subject"] + cy_text
    assert "County Hall" in cy_text  # the venue, never their own address


async def _invited_state(
    people: dict[str, UUID],
) -> tuple[set[object], list[object], list[object]]:
    """Who has an invitation, whose invitation emails wait in the outbox, and who has an
    "invited" audit row (of these people: the audit log is never emptied between tests)."""
    invited = {row["subject"] for row in await Invitation.select(Invitation.subject)}
    told = [
        row["owner"]
        for row in await OutboxMessage.select(OutboxMessage.owner)
        if row["owner"] in invited
    ]
    audited = [
        row["subject"]
        for row in await AuditEvent.select(AuditEvent.subject).where(
            (AuditEvent.purpose == "invite")
            & (AuditEvent.field_group == "events")
            & AuditEvent.subject.is_in(list(people.values()))
        )
    ]
    return invited, told, audited


async def test_a_failure_part_way_leaves_nobody_half_invited(
    sealer: Sealer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of two; the fifth email fails: the first two batches stand whole, the third is
    rolled back whole, and inviting again finishes the job without inviting anyone twice."""
    people = {n: {"email": f"{n}@example.org"} for n in ("ann", "bo", "cy", "dee", "eve")}
    setup = await panel(sealer, **people)
    await OutboxMessage.delete(force=True)
    monkeypatch.setattr(invitations, "BATCH", 2)
    real_queue, calls = mail.queue, []

    async def failing_queue(*args: Any) -> Any:
        calls.append(args)
        if len(calls) == 5:
            raise RuntimeError("the outbox is unavailable")
        return await real_queue(*args)

    monkeypatch.setattr(mail, "queue", failing_queue)
    with pytest.raises(RuntimeError):
        await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)

    invited, told, audited = await _invited_state(setup.people)
    assert len(invited) == 4
    assert sorted(map(str, told)) == sorted(map(str, invited))
    assert sorted(map(str, audited)) == sorted(map(str, invited))
    monkeypatch.setattr(mail, "queue", real_queue)
    again = await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    assert (again.invited, again.emailed, again.skipped) == (1, 1, 4)
    invited, told, audited = await _invited_state(setup.people)
    assert invited == set(setup.people.values())
    assert sorted(map(str, told)) == sorted(map(str, audited)) == sorted(map(str, invited))


async def test_someone_invited_meanwhile_is_skipped_and_the_rest_invited(
    sealer: Sealer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another organiser invites Bo between our check and our write: the unique invitation
    refuses our batch, which is then written one by one, skipping Bo."""
    people = {n: {"email": f"{n}@example.org"} for n in ("ann", "bo", "cy")}
    setup = await panel(sealer, **people)
    await OutboxMessage.delete(force=True)

    async def racing_check(event: Any, subjects: list[Any]) -> set[Any]:
        await invitations._write_alone(
            invitations._Telling(sealer, *(await scheduling.get(event)), ORGANISER, SENDER),
            invitations._New(
                Invitation(
                    id=uuid4(),
                    event=event,
                    subject=setup.people["bo"],
                    once=f"{event}:{setup.people['bo']}",
                ),
                None,
            ),
            invitations.Invited(),
        )
        return set()

    monkeypatch.setattr(invitations, "_invited_already", racing_check)
    result = await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)

    assert (result.invited, result.emailed, result.skipped) == (2, 2, 1)
    assert await Invitation.count() == 3
    _, told, _ = await _invited_state(setup.people)
    assert sorted(map(str, told)) == sorted(str(setup.people[n]) for n in ("ann", "cy"))
