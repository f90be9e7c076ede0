"""Events fixtures: a venue, an event for an opportunity, and selected people on every route."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from app.sealed import Sealer
from events.schemas import EventForm, VenueForm
from events.services import invitations, scheduling
from participation.schemas.recruitment import Interest, StatusChange
from participation.services import expressions, opportunities, selection
from tests.conftest import TEST_SECRET
from tests.participation.conftest import COORDINATOR, add_person
from tests.participation.recruiting import published

ORGANISER = COORDINATOR
SENDER = invitations.Sender(
    mail_from="Northshire County Council <team@northshire.example>",
    public_url="https://reciprocity.northshire.example",
    secret_key=TEST_SECRET,
)


def event_form(**changes: Any) -> EventForm:
    start = (datetime.now(UTC) + timedelta(days=20)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    values: dict[str, Any] = {
        "title": "Housing support evaluation panel",
        "kind": "evaluation_panel",
        "starts_at": start,
        "ends_at": start + timedelta(hours=3),
        "capacity": 2,
        "reminder_hours": [48, 2],
    }
    return EventForm(**(values | changes))


async def venue() -> UUID:
    form = VenueForm(
        name="County Hall, Committee Room 2",
        address="County Hall\nNorthtown NT1 1AA",
        features=["step_free", "hearing_loop"],
        directions="Use the side entrance on Mill Lane",
    )
    return await scheduling.save_venue(form, ORGANISER)


@dataclass
class Panel:
    event: UUID
    opportunity: UUID
    people: dict[str, UUID]


async def panel(sealer: Sealer, **people: dict[str, Any]) -> Panel:
    """An opportunity with these people selected, and an event for it."""
    opportunity = await published()
    ids = {}
    for name, contact in people.items():
        subject = await add_person(sealer, name.title(), **contact)
        interest = Interest(answers=await _answers(opportunity))
        await expressions.express(sealer, opportunity, subject, interest, ORGANISER)
        ids[name] = subject
    eois = [a.expression for a in await selection.board(sealer, opportunity, ORGANISER)]
    if eois:
        await selection.set_status(
            sealer,
            opportunity,
            StatusChange(expressions=eois, status="selected"),
            ORGANISER,
            selection.Sender(mail_from=SENDER.mail_from, public_url=SENDER.public_url),
        )
    event, _ = await scheduling.save_event(
        event_form(opportunity=opportunity, venue=await venue()), ORGANISER
    )
    return Panel(event, opportunity, ids)


async def _answers(opportunity: UUID) -> dict[str, str | list[str]]:
    first = (await opportunities.questions_of(opportunity))[0]
    return {str(first["id"]): "I want to help"}


@pytest.fixture
def sender() -> invitations.Sender:
    return SENDER
