"""Reminders go once per chosen hour, through email or to staff's list, never twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from app.sealed import Sealer
from app.tables import OutboxMessage
from events.services import invitations, reminders, scheduling
from events.tables import Invitation
from tests.events.conftest import ORGANISER, SENDER, panel


async def test_each_reminder_goes_once_at_its_time(sealer: Sealer) -> None:
    setup = await panel(
        sealer,
        ann={"email": "ann@example.org"},
        bo={"email": None, "phone": "07700 900601", "route": "phone"},
        cy={"email": "cy@example.org"},
    )
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    rows = {row["subject"]: row["id"] for row in await Invitation.select()}
    for name in ("ann", "bo"):
        await invitations.reply(
            sealer, rows[setup.people[name]], "accepted", ORGANISER, SENDER, via="staff"
        )
    event, _ = await scheduling.get(setup.event)
    sent_before = await OutboxMessage.count()

    early = await reminders.send_due(sealer, SENDER, event["starts_at"] - timedelta(hours=50))
    at_48 = await reminders.send_due(sealer, SENDER, event["starts_at"] - timedelta(hours=47))
    again = await asyncio.gather(
        *(
            reminders.send_due(sealer, SENDER, event["starts_at"] - timedelta(hours=47))
            for _ in range(5)
        )
    )
    at_2 = await reminders.send_due(sealer, SENDER, event["starts_at"] - timedelta(hours=1))

    assert (early.emailed, early.to_tell) == (0, 0)
    assert (at_48.emailed, at_48.to_tell) == (1, 1)
    assert sum(r.emailed + r.to_tell for r in again) == 0
    assert (at_2.emailed, at_2.to_tell) == (1, 1)
    assert await OutboxMessage.count() == sent_before + 2
    reminded = {row["subject"]: row["reminded"] for row in await Invitation.select()}
    assert reminded[setup.people["ann"]] == "48,2"
    assert reminded[setup.people["cy"]] == ""
