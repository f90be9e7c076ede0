"""The logistics list: exactly the items people's shared needs call for, venue gaps flagged,
regeneration that keeps people's work, and never a reason or lived experience on the page."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import httpx
import pytest
from litestar import Litestar

from app.datamap import Role
from app.errors import DomainError
from app.sealed import Sealer
from app.tables import AuditEvent
from events.services import invitations, logistics
from events.tables import Event, Invitation, LogisticsItem
from participation import schemas
from participation.services import consent, profiles
from tests.events.conftest import ORGANISER, SENDER, panel
from tests.support.auth import csrf_headers, make_account, sign_in

LIVED_CANARY = "CANARY-LIVED-7f3a"
OTHER_TEXT = "Please keep a seat near the door for me"
PEOPLE: dict[str, dict[str, Any]] = {
    "ann": {"email": "ann@example.org"},
    "bo": {"email": "bo@example.org"},
    "cy": {"email": "cy@example.org"},
    "dee": {"email": "dee@example.org"},
}
NEEDS = {
    "ann": schemas.AccessNeeds(
        adjustments=["bsl", "interpreter", "step_free", "quiet_room", "dietary"],
        interpreter_language="Polish",
        dietary="Halal",
        travel_help=["taxi"],
        other=OTHER_TEXT,
    ),
    "bo": schemas.AccessNeeds(adjustments=["wheelchair_space", "companion"]),
    "cy": schemas.AccessNeeds(adjustments=["large_print"], other="CANARY-NOT-SHARED"),
    "dee": schemas.AccessNeeds(adjustments=["hearing_loop"]),
}
SHARING = ("ann", "bo", "dee")
REPLIES = {"ann": "accepted", "bo": "tentative", "cy": "accepted", "dee": "declined"}


async def _setup(sealer: Sealer) -> tuple[UUID, dict[str, UUID]]:
    """Ann and Bo share their needs and are coming; Cy is coming but does not share; Dee
    shares but cannot come. The venue has step-free access and a hearing loop only."""
    setup = await panel(sealer, **PEOPLE)
    for name, subject in setup.people.items():
        await profiles.update(sealer, subject, NEEDS[name], ORGANISER)
        if name in SHARING:
            await consent.record(subject, "share_access_needs", True, "web", ORGANISER)
    await profiles.update(
        sealer,
        setup.people["ann"],
        schemas.LivedExperience(lived_experience_words=LIVED_CANARY),
        ORGANISER,
    )
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    for name, reply in REPLIES.items():
        await _reply(setup.event, setup.people[name], reply)
    return setup.event, setup.people


async def _reply(event: UUID, subject: UUID, reply: str) -> None:
    await Invitation.update({Invitation.reply: reply}).where(
        (Invitation.event == event) & (Invitation.subject == subject)
    )


async def _items(event: UUID, people: dict[str, UUID]) -> set[tuple[str, str, str, bool]]:
    names = {subject: name for name, subject in people.items()}
    return {
        (names[r["subject"]], r["need"], r["detail"], r["venue_gap"])
        for r in await LogisticsItem.select().where(LogisticsItem.event == event)
    }


async def _item(event: UUID, subject: UUID, need: str) -> dict[str, Any]:
    row = (
        await LogisticsItem.select()
        .where(
            (LogisticsItem.event == event)
            & (LogisticsItem.subject == subject)
            & (LogisticsItem.need == need)
        )
        .first()
    )
    assert row is not None
    return dict(row)


async def test_items_come_from_shared_needs_with_venue_gaps(sealer: Sealer) -> None:
    event, people = await _setup(sealer)

    result = await logistics.generate(sealer, event, ORGANISER)

    assert await _items(event, people) == {
        ("ann", "bsl", "", False),
        ("ann", "interpreter", "Polish", False),
        ("ann", "step_free", "", False),
        ("ann", "quiet_room", "", True),
        ("ann", "dietary", "Halal", False),
        ("ann", "taxi", "", False),
        ("ann", "other", "", False),
        ("bo", "wheelchair_space", "", True),
        ("bo", "companion", "", False),
    }
    assert (result.added, result.kept, result.removed, result.not_shared) == (9, 0, 0, 1)
    assert await logistics.not_shared(event) == 1


async def test_regenerating_keeps_work_and_removes_what_is_no_longer_needed(
    sealer: Sealer,
) -> None:
    event, people = await _setup(sealer)
    await logistics.generate(sealer, event, ORGANISER)
    taxi = await _item(event, people["ann"], "taxi")
    companion = await _item(event, people["bo"], "companion")
    owner = UUID("00000000-0000-4000-8000-0000000000aa")
    await logistics.update(
        event, taxi["id"], ORGANISER, status="booked", cost_pence=2450, owner=owner
    )
    await logistics.update(event, companion["id"], ORGANISER, status="booked", cost_pence=0)
    await _reply(event, people["bo"], "declined")
    await profiles.update(
        sealer,
        people["ann"],
        NEEDS["ann"].model_copy(update={"adjustments": ["bsl", "large_print"], "other": ""}),
        ORGANISER,
    )

    result = await logistics.generate(sealer, event, ORGANISER)

    assert await _items(event, people) == {
        ("ann", "bsl", "", False),
        ("ann", "large_print", "", False),
        ("ann", "dietary", "Halal", False),
        ("ann", "taxi", "", False),
        ("bo", "companion", "", False),
    }
    assert (result.added, result.kept, result.removed) == (1, 3, 5)
    kept = await _item(event, people["ann"], "taxi")
    assert (kept["id"], kept["status"], kept["cost_pence"], kept["owner"]) == (
        taxi["id"],
        "booked",
        2450,
        owner,
    )


async def test_online_events_skip_in_person_needs(sealer: Sealer) -> None:
    event, people = await _setup(sealer)
    await Event.update(
        {Event.mode: "online", Event.venue: None, Event.join_link: "https://meet.example/x"}
    ).where(Event.id == event)

    await logistics.generate(sealer, event, ORGANISER)

    assert await _items(event, people) == {
        ("ann", "bsl", "", False),
        ("ann", "interpreter", "Polish", False),
        ("ann", "other", "", False),
    }


def test_costs_in_pounds() -> None:
    assert [logistics.parse_cost(t) for t in ("12.50", "£12.5", "12", " ", "1,200.05")] == [
        1250,
        1250,
        1200,
        0,
        120005,
    ]


@pytest.mark.parametrize("bad", ["twelve", "12.505", "-3", "100000.01"])
def test_bad_costs_name_the_field(bad: str) -> None:
    with pytest.raises(DomainError) as problem:
        logistics.parse_cost(bad)

    assert [e.field for e in problem.value.errors] == ["cost"]


async def _organiser(app: Litestar, client: httpx.AsyncClient) -> UUID:
    account = await make_account(app, "staff", (Role.organiser,))
    await sign_in(app, client, account)
    return account


async def test_the_page_shows_what_to_arrange_never_why(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    event, people = await _setup(sealer)
    await _organiser(running_app, client)
    headers = await csrf_headers(client)

    generated = await client.post(f"/events/{event}/logistics/generate", headers=headers)
    shown = await client.get(f"/events/{event}/logistics")
    await consent.record(people["ann"], "share_access_needs", False, "web", ORGANISER)
    withdrawn = await client.get(f"/events/{event}/logistics")

    assert generated.status_code == 303
    assert shown.status_code == 200
    text = shown.text
    assert "A taxi for Ann" in text
    assert "A place for a carer or personal assistant for Bo" in text
    assert "Polish" in text
    assert "Halal" in text
    assert text.count("Venue does not have this") == 2
    assert "does not have everything people need: A quiet room, Space for a wheelchair" in text
    assert "1 person coming has not agreed to share their needs" in text
    assert OTHER_TEXT in text  # shared: the person wrote it for organisers
    for secret in (LIVED_CANARY, "CANARY-NOT-SHARED", "Large print", "Dee"):
        assert secret not in text
    assert withdrawn.status_code == 200
    assert OTHER_TEXT not in withdrawn.text  # stops the moment sharing stops
    assert LIVED_CANARY not in withdrawn.text


async def test_updating_an_item_and_a_bad_cost(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    event, people = await _setup(sealer)
    await logistics.generate(sealer, event, ORGANISER)
    taxi = await _item(event, people["ann"], "taxi")
    me = await _organiser(running_app, client)
    headers = await csrf_headers(client)
    url = f"/events/{event}/logistics/{taxi['id']}"

    bad = await client.post(
        url, data={"status": "booked", "cost": "twelve", "owner": "me"}, headers=headers
    )
    after_bad = await _item(event, people["ann"], "taxi")
    empty = await client.post(url, data={}, headers=headers)
    good = await client.post(
        url, data={"status": "booked", "cost": "12.50", "owner": "me"}, headers=headers
    )
    page = await client.get(f"/events/{event}/logistics")

    assert bad.status_code == 400
    assert f'href="#cost-{taxi["id"]}"' in bad.text
    assert "Enter the estimated cost in pounds, like 12.50" in bad.text
    assert 'value="twelve"' in bad.text
    assert (after_bad["status"], after_bad["cost_pence"], after_bad["owner"]) == ("to_do", 0, None)
    assert empty.status_code == 400
    assert f'href="#status-{taxi["id"]}"' in empty.text
    assert good.status_code == 303
    saved = await _item(event, people["ann"], "taxi")
    assert (saved["status"], saved["cost_pence"], saved["owner"]) == ("booked", 1250, me)
    assert 'value="12.50"' in page.text
    assert "£12.50" in page.text


async def test_an_item_of_another_event_is_not_found(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    event, people = await _setup(sealer)
    await logistics.generate(sealer, event, ORGANISER)
    taxi = await _item(event, people["ann"], "taxi")
    await _organiser(running_app, client)
    headers = await csrf_headers(client)

    other = await client.post(
        f"/events/{UUID(int=7)}/logistics/{taxi['id']}",
        data={"status": "booked", "cost": ""},
        headers=headers,
    )

    assert other.status_code == 404
    assert (await _item(event, people["ann"], "taxi"))["status"] == "to_do"


async def test_participants_and_finance_cannot_see_the_list(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    event, _ = await _setup(sealer)
    for kind, role in (("participant", Role.participant), ("staff", Role.finance)):
        account = await make_account(running_app, kind, (role,))
        await sign_in(running_app, client, account)
        headers = await csrf_headers(client)

        seen = await client.get(f"/events/{event}/logistics")
        made = await client.post(f"/events/{event}/logistics/generate", headers=headers)

        assert (seen.status_code, made.status_code) == (403, 403)
    assert await LogisticsItem.count() == 0


GAP_NEEDS = {
    "ann": schemas.AccessNeeds(adjustments=["quiet_room", "wheelchair_space"]),
    "bo": schemas.AccessNeeds(adjustments=["quiet_room", "step_free"]),
    "cy": schemas.AccessNeeds(adjustments=["quiet_room", "wheelchair_space"]),
    "dee": schemas.AccessNeeds(adjustments=["hearing_loop"]),
}


async def _selected_with_needs(sealer: Sealer) -> tuple[UUID, dict[str, UUID]]:
    """Four people selected, nobody invited yet; Cy does not share their needs. The venue has
    step-free access and a hearing loop: no quiet room, no wheelchair space."""
    setup = await panel(sealer, **PEOPLE)
    for name, subject in setup.people.items():
        await profiles.update(sealer, subject, GAP_NEEDS[name], ORGANISER)
        if name != "cy":
            await consent.record(subject, "share_access_needs", True, "web", ORGANISER)
    await profiles.update(
        sealer,
        setup.people["ann"],
        schemas.LivedExperience(lived_experience_words=LIVED_CANARY),
        ORGANISER,
    )
    return setup.event, setup.people


async def _profile_views(subjects: list[UUID]) -> int:
    return int(
        await AuditEvent.count().where(
            AuditEvent.subject.is_in(subjects)
            & (AuditEvent.action == "view")
            & (AuditEvent.purpose == "view profile")
            & (AuditEvent.actor_role == ORGANISER.role)
        )
    )


async def test_venue_gaps_count_only_people_who_share_before_anyone_is_invited(
    sealer: Sealer,
) -> None:
    event, people = await _selected_with_needs(sealer)
    views_before = await _profile_views(list(people.values()))

    found = await logistics.venue_gaps(sealer, event, ORGANISER)

    assert found.gaps == [
        logistics.VenueGap("wheelchair_space", "Space for a wheelchair", 1),
        logistics.VenueGap("quiet_room", "A quiet room", 2),
    ]
    assert (found.not_shared, found.uninvited) == (1, 4)
    assert [gap.what for gap in found.gaps] == ["space for a wheelchair", "a quiet room"]
    assert await _profile_views(list(people.values())) == views_before + 4
    assert await LogisticsItem.count() == 0  # only counted: nothing is written


async def test_venue_gaps_leave_out_people_who_cannot_come(sealer: Sealer) -> None:
    event, people = await _selected_with_needs(sealer)
    await invitations.invite_selected(sealer, event, ORGANISER, SENDER)
    await _reply(event, people["bo"], "declined")

    found = await logistics.venue_gaps(sealer, event, ORGANISER)

    assert found.gaps == [
        logistics.VenueGap("wheelchair_space", "Space for a wheelchair", 1),
        logistics.VenueGap("quiet_room", "A quiet room", 1),
    ]
    assert (found.not_shared, found.uninvited) == (1, 0)


async def test_an_online_event_has_no_venue_gaps(sealer: Sealer) -> None:
    event, _ = await _selected_with_needs(sealer)
    await Event.update(
        {Event.mode: "online", Event.venue: None, Event.join_link: "https://meet.example/x"}
    ).where(Event.id == event)

    assert await logistics.venue_gaps(sealer, event, ORGANISER) == logistics.Gaps()


async def test_the_event_page_warns_of_venue_gaps_before_inviting(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    event, people = await _selected_with_needs(sealer)
    await _organiser(running_app, client)

    before = await client.get(f"/events/{event}")
    await invitations.invite_selected(sealer, event, ORGANISER, SENDER)
    await _reply(event, people["ann"], "declined")
    after = await client.get(f"/events/{event}")

    assert before.status_code == 200
    assert before.text.count('class="govuk-warning-text app-venue-gap"') == 2
    assert (
        "Before you invite: 1 of the selected people needs space for a wheelchair, "
        "which this venue does not list." in before.text
    )
    assert (
        "Before you invite: 2 of the selected people need a quiet room, "
        "which this venue does not list." in before.text
    )
    assert "1 selected person has not agreed to share their needs with organisers" in before.text
    assert LIVED_CANARY not in before.text
    assert before.text.index("app-venue-gap") < before.text.index("Invite the selected people")
    assert after.status_code == 200
    assert after.text.count('class="govuk-warning-text app-venue-gap"') == 1
    assert (
        "1 of the selected people needs a quiet room, which this venue does not list." in after.text
    )
    assert "Before you invite" not in after.text
