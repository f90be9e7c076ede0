"""Rows for the API fuzzer to find: a fuzzer cannot guess a UUID, so without these every path
with an id would only ever answer 404 and the code behind it would go untested.

Everything is made through the services, as the pages and scripts make it: people who
expressed interest in a published opportunity and were selected, an event for it with everyone
invited (the signed-in participant among them), and payments in each state a script can act on.
"""

from __future__ import annotations

from uuid import UUID

from app.sealed import Sealer
from events.api.common import invitations_of
from events.services import invitations, scheduling
from participation.schemas.recruitment import Interest, StatusChange
from participation.services import expressions, opportunities, profiles, selection
from payments.services import batches, ledger
from tests.events.conftest import SENDER, event_form, venue
from tests.participation.conftest import COORDINATOR, add_person
from tests.participation.recruiting import published
from tests.payments.conftest import FINANCE_A, approved_entry, proposal

Seeds = dict[str, list[str]]
"""Path parameter name -> ids that exist, as the fuzzer writes them into a path."""

PEOPLE = ("Ana Fuzz", "Ben Fuzz", "Cai Fuzz")


async def seed(sealer: Sealer, participant: UUID) -> Seeds:
    """One of everything a path can name; ``participant`` is the signed-in participant's id."""
    people = [
        await add_person(sealer, name, email=f"{name.split()[0].lower()}@example.org")
        for name in PEOPLE
    ]
    await profiles.ensure_own_profile(sealer, participant, COORDINATOR)
    opportunity = await published()
    await _select_everyone(sealer, opportunity, [*people, participant])
    place = await venue()
    event, _ = await scheduling.save_event(
        event_form(opportunity=opportunity, venue=place, capacity=10), COORDINATOR
    )
    await invitations.invite_selected(sealer, event, COORDINATOR, SENDER)
    return {
        "subject": [str(person) for person in people],
        "opportunity": [str(opportunity)],
        "expression": await _expressions(sealer, opportunity),
        "venue": [str(place)],
        "event": [str(event)],
        "invitation": await _invitations(event),
        **await _payments(people),
    }


async def _select_everyone(sealer: Sealer, opportunity: UUID, people: list[UUID]) -> None:
    first = (await opportunities.questions_of(opportunity))[0]
    for person in people:
        interest = Interest(answers={str(first["id"]): "I want to help"})
        await expressions.express(sealer, opportunity, person, interest, COORDINATOR)
    applied = [a.expression for a in await selection.board(sealer, opportunity, COORDINATOR)]
    await selection.set_status(
        sealer,
        opportunity,
        StatusChange(expressions=applied, status="selected"),
        COORDINATOR,
        selection.Sender(mail_from=SENDER.mail_from, public_url=SENDER.public_url),
    )


async def _expressions(sealer: Sealer, opportunity: UUID) -> list[str]:
    board = await selection.board(sealer, opportunity, COORDINATOR)
    return [str(applicant.expression) for applicant in board]


async def _invitations(event: UUID) -> list[str]:
    return [str(row["id"]) for row in await invitations_of(event)]


async def _payments(people: list[UUID]) -> Seeds:
    """A proposed entry, approved ones, and a locked batch: every state a script acts on."""
    proposed = await ledger.propose(proposal(people[0]), FINANCE_A)
    approved = [await approved_entry(person) for person in people]
    batch = await batches.lock(approved[:1], FINANCE_A)
    return {
        "entry": [str(proposed), *(str(entry) for entry in approved)],
        "batch": [str(batch)],
    }
