"""Fees proposed from attendance: the policy's rate times the hours recorded, each person's
informed choice, the policy's caps, one press proposing each fee once; and the page organisers
press it on, with finance approving afterwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import httpx
import pytest
from litestar import Litestar

from app import audit
from app.errors import Conflict, Forbidden
from app.sealed import Sealer
from events.services import attendance, invitations
from events.tables import Event, Invitation
from payments.services import choices, ledger, proposals
from tests.events.conftest import ORGANISER, SENDER, panel
from tests.payments.hc_support import approved_policy, me, paid, signed_in

FINANCE = audit.Actor(id="00000000-0000-4000-8000-0000000000f7", role="finance")
PEOPLE = ("ann", "bo", "cy", "di", "ed", "fi")


async def _attended(sealer: Sealer, minutes: dict[str, int]) -> tuple[UUID, UUID, dict[str, UUID]]:
    """An evaluation panel that started today, with these people's hours recorded."""
    made = await panel(sealer, **{name: {"email": f"{name}@example.org"} for name in minutes})
    await invitations.invite_selected(sealer, made.event, ORGANISER, SENDER)
    start = datetime.now(UTC) - timedelta(minutes=5)
    await Event.update({Event.starts_at: start, Event.ends_at: start + timedelta(hours=3)}).where(
        Event.id == made.event
    )
    for name, spent in minutes.items():
        row = await Invitation.select().where(Invitation.subject == made.people[name]).first()
        assert row is not None
        await attendance.set_hours(made.event, row["id"], spent, ORGANISER)
    return made.event, made.opportunity, made.people


async def _choose(sealer: Sealer, subject: UUID, opportunity: UUID, **answer: str) -> None:
    values = {"advice": "no"} | answer
    await choices.record(sealer, subject, opportunity, choices.Answer(**values), me(subject))


async def _entry_of(subject: UUID) -> ledger.EntryView:
    found = await ledger.entries(subject=subject)
    assert len(found) == 1
    return found[0]


def _texts(lines: list[proposals.Line], people: dict[str, UUID]) -> dict[str, str]:
    names = {subject: name for name, subject in people.items()}
    return {names[line.subject]: line.text for line in lines}


async def test_each_choice_gives_its_fee_and_method(sealer: Sealer) -> None:
    await approved_policy()
    event, opportunity, people = await _attended(sealer, dict.fromkeys(PEOPLE, 180) | {"ann": 150})
    await _choose(sealer, people["bo"], opportunity, choice="full")
    await _choose(sealer, people["cy"], opportunity, choice="reduced", reduced="20.50")
    await _choose(sealer, people["di"], opportunity, choice="voucher")
    await _choose(sealer, people["ed"], opportunity, choice="charity", charity="Shelter")
    await _choose(sealer, people["fi"], opportunity, choice="expenses_only")

    outcome = await proposals.propose_fees(event, ORGANISER)

    shown = {
        name: (e.kind, e.amount_pence, e.method, e.minutes, e.event, e.state)
        for name in PEOPLE[:5]
        for e in [await _entry_of(people[name])]
    }
    assert shown == {
        "ann": ("fee", 6250, "bank_transfer", 150, event, "proposed"),  # 2.5 hours at £25
        "bo": ("fee", 7500, "bank_transfer", 180, event, "proposed"),
        "cy": ("fee", 2050, "reduced_amount", 180, event, "proposed"),
        "di": ("voucher", 7500, "e_voucher", 180, event, "proposed"),
        "ed": ("fee", 7500, "pay_to_charity", 180, event, "proposed"),
    }
    assert await ledger.entries(subject=people["fi"]) == []
    assert _texts(outcome.skipped, people) == {
        "fi": "Chose no fee, expenses only: nothing to propose."
    }
    assert _texts(outcome.warnings, people) == {"ann": proposals.NO_CHOICE}
    assert _texts(outcome.proposed, people)["cy"] == "£20.50, a smaller amount."
    assert (await _entry_of(people["ann"])).description == proposals.NO_CHOICE


async def test_pressing_twice_proposes_nothing_new(sealer: Sealer) -> None:
    await approved_policy()
    event, _, people = await _attended(sealer, {"ann": 60, "bo": 90})
    assert [row["id"] for row in await proposals.due()] == [event]

    first = await proposals.propose_fees(event, ORGANISER)
    second = await proposals.propose_fees(event, ORGANISER)

    assert len(first.proposed) == 2
    assert second.proposed == []
    assert _texts(second.already, people) == {"ann": "Already proposed.", "bo": "Already proposed."}
    assert [len(await ledger.entries(subject=people[n])) for n in ("ann", "bo")] == [1, 1]
    assert await proposals.due() == []
    [listed] = await proposals.overview()
    assert (listed["id"], listed["people"], listed["proposed"], listed["pending"]) == (
        event,
        2,
        2,
        0,
    )


async def test_without_a_policy_nothing_is_proposed(sealer: Sealer) -> None:
    event, _, people = await _attended(sealer, {"ann": 60})

    with pytest.raises(Conflict, match="No approved payment policy is in force on"):
        await proposals.propose_fees(event, ORGANISER)

    assert await ledger.entries(subject=people["ann"]) == []


async def test_an_activity_the_policy_does_not_pay_is_skipped_with_the_reason(
    sealer: Sealer,
) -> None:
    await approved_policy(rates=[{"activity": "workshop", "amount_pence": 2000}])
    event, _, people = await _attended(sealer, {"ann": 60})

    outcome = await proposals.propose_fees(event, ORGANISER)

    assert outcome.proposed == []
    assert _texts(outcome.skipped, people) == {
        "ann": "The policy has no rate for evaluation panel, so there is no fee to propose."
    }
    assert await ledger.entries(subject=people["ann"]) == []


async def test_a_blocking_cap_skips_and_a_warning_cap_proposes_with_a_warning(
    sealer: Sealer,
) -> None:
    caps = [
        {"scope": "per_activity", "amount_pence": 7000, "action": "block"},
        {"scope": "per_person_week", "amount_pence": 5000, "action": "warn"},
    ]
    await approved_policy(caps=caps)
    event, _, people = await _attended(sealer, {"ann": 180, "bo": 120})
    await paid(people["bo"], 1500)  # already £15 this week: £50 more makes £65

    outcome = await proposals.propose_fees(event, ORGANISER)

    assert _texts(outcome.skipped, people) == {
        "ann": "This would go over the policy's cap of £70 for one activity (£75), "
        "so it was not proposed."
    }
    assert [line.text for line in outcome.warnings] == [
        proposals.NO_CHOICE,
        "This would go over the policy's cap of £50 for one person in a week (£65).",
    ]
    assert {line.subject for line in outcome.warnings} == {people["bo"]}
    assert [e.amount_pence for e in await ledger.entries(subject=people["bo"])] == [1500, 5000]
    assert (await ledger.entries(subject=people["bo"]))[1].description == (
        f"{proposals.NO_CHOICE} This would go over the policy's cap of £50 for one person in "
        "a week (£65)."
    )
    assert await ledger.entries(subject=people["ann"]) == []


async def test_the_organiser_proposes_and_finance_approves(sealer: Sealer) -> None:
    await approved_policy()
    event, _, people = await _attended(sealer, {"ann": 60})
    [line] = (await proposals.propose_fees(event, ORGANISER)).proposed
    assert line.entry is not None

    with pytest.raises(Forbidden):
        await ledger.approve(line.entry, ORGANISER)
    await ledger.approve(line.entry, FINANCE)

    assert await ledger.state_of(line.entry) == "approved"
    assert (await _entry_of(people["ann"])).proposed_by == UUID(ORGANISER.id)


async def _page_setup(sealer: Sealer) -> tuple[UUID, dict[str, UUID]]:
    await approved_policy()
    event, _, people = await _attended(sealer, {"ann": 120})
    return event, people


async def test_the_page_lists_events_and_proposes_their_fees(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    event, people = await _page_setup(sealer)
    organiser = await signed_in(running_app, client, "organiser")

    listed = await client.get("/finance/fees")
    pressed = await client.post(f"/finance/fees/{event}", headers=organiser.headers)
    again = await client.post(f"/finance/fees/{event}", headers=organiser.headers)

    assert listed.status_code == 200
    assert "Housing support evaluation panel" in listed.text
    assert f'action="/finance/fees/{event}"' in listed.text
    assert "Whoever proposes a fee cannot approve it." in listed.text
    assert pressed.status_code == 200
    assert "1 fee proposed." in pressed.text
    assert "Ann" in pressed.text
    assert "£50, bank transfer." in pressed.text
    assert "No choice recorded yet" in pressed.text
    assert "0 fees proposed, 1 already proposed." in again.text
    assert len(await ledger.entries(subject=people["ann"])) == 1


async def test_the_page_says_when_no_policy_is_in_force(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    event, _, people = await _attended(sealer, {"ann": 120})
    organiser = await signed_in(running_app, client, "coordinator")

    pressed = await client.post(f"/finance/fees/{event}", headers=organiser.headers)

    assert pressed.status_code == 409
    assert "There is a problem" in pressed.text
    assert "No approved payment policy is in force on" in pressed.text
    assert await ledger.entries(subject=people["ann"]) == []


async def test_finance_sees_the_list_but_does_not_propose(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    event, people = await _page_setup(sealer)
    staff = await signed_in(running_app, client, "finance")

    listed = await client.get("/finance/fees")
    pressed = await client.post(f"/finance/fees/{event}", headers=staff.headers)

    assert (listed.status_code, pressed.status_code) == (200, 403)
    assert "Propose fees" not in listed.text
    assert await ledger.entries(subject=people["ann"]) == []
