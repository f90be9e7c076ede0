"""The demo register: exactly the people it promises, made the way the services make them."""

from __future__ import annotations

import re
from uuid import UUID

from app import audit
from app import demo as kernel_demo
from app.auth import accounts
from app.sealed import Sealer
from participation import demo, demo_council, demo_recruitment, schemas
from participation.services import (
    opportunities,
    outcomes_easy_read,
    profiles,
    search,
    selection,
)
from participation.tables import ConsentEvent, Opportunity, Participant
from tests.participation.conftest import COORDINATOR


async def _safe_contacts(sealer: Sealer) -> int:
    rows = await Participant.select(Participant.id, Participant.safe_contact)
    opened = [await sealer.open(Participant, row, ("safe_contact",)) for row in rows]
    return sum(1 for o in opened if o["safe_contact"] and o["safe_contact"].reveal() == "yes")


async def test_populate_fills_an_empty_register_with_exactly_what_it_says(sealer: Sealer) -> None:
    assert await demo.is_empty() is True
    await kernel_demo.populate(sealer)  # `reciprocity demo` runs the kernel's step first

    lines = await demo.populate(sealer)

    assert lines == [
        "24 participant profiles (2 marked safe contact, 2 paused)",
        "11 of them signed up online and can sign in with their email; "
        "jordan@example.org sees a filled-in profile",
        "13 set up on paper, by phone or in person by Priya Sharma, coordinator "
        "(priya.sharma@northshire.example)",
    ]
    assert await demo.is_empty() is False
    assert await Participant.count() == 24
    assert await Participant.count().where(Participant.paused_at.is_not_null()) == 2
    assert await _safe_contacts(sealer) == 2


async def test_jordan_signs_in_to_a_filled_profile_under_the_kernel_demo_account(
    sealer: Sealer,
) -> None:
    await kernel_demo.populate(sealer)
    account = await accounts.find_by_email(sealer, kernel_demo.DEMO_PARTICIPANT_EMAIL)
    assert account is not None
    jordan = UUID(str(account["id"]))

    await demo.populate(sealer)

    me = audit.Actor(id=str(jordan), role="participant")
    profile = await profiles.read(sealer, jordan, me, "participant")
    assert profile.about is not None
    assert profile.about.preferred_name == "Jordan"
    assert profile.contact is not None
    assert profile.contact.email == "jordan@example.org"
    assert profile.involvement is not None
    assert profile.involvement.activities == ["steering_groups", "listening_events"]
    assert profile.lived_experience is not None
    assert profile.lived_experience.lived_experience == ["homelessness", "mental_health"]
    assert profile.equality is not None
    assert profile.equality.sex == "prefer_not_to_say"
    assert profile.consents == {
        "register": True,
        "contact": True,
        "share_access_needs": True,
        "equality_monitoring": True,
        "benefit_information": False,
    }


async def test_consents_name_their_channel_and_the_coordinator_who_helped(sealer: Sealer) -> None:
    await demo.populate(sealer)
    coordinator = await accounts.find_by_email(sealer, demo.COORDINATOR_EMAIL)
    assert coordinator is not None

    events = await ConsentEvent.select()

    by_channel: dict[str, int] = {}
    for event in events:
        by_channel[event["channel"]] = by_channel.get(event["channel"], 0) + 1
        helper = None if event["channel"] == "web" else coordinator["id"]
        assert event["assisted_by"] == helper
        assert event["granted"] is True
    assert by_channel == {"web": 43, "paper": 17, "phone": 9, "in_person": 16}


async def test_a_coordinator_finds_demo_people_by_phone_and_filters(sealer: Sealer) -> None:
    await demo.populate(sealer)

    async def names(**filters: object) -> list[str]:
        found = await search.search(sealer, schemas.SearchFilters(**filters), COORDINATOR)
        return sorted(p.name.reveal() for p in found.people if p.name is not None)

    assert await names(query="07700 900101") == ["Amina Yusuf"]
    assert await names(query="+44 1632 960102") == ["Eileen Murphy"]
    assert await names(adjustments=["interpreter"]) == ["Amina Yusuf", "Hassan Ali", "Tomasz Nowak"]
    assert await names(travel_help=["taxi"]) == ["Eileen Murphy", "Gwen Morgan", "Maggie Okonkwo"]
    assert len(await names()) == 22  # the two paused people are left out
    assert len(await names(include_paused=True)) == 24


async def test_demo_recruitment_has_opportunities_in_every_state_and_a_review_board(
    sealer: Sealer,
) -> None:
    await demo.populate(sealer)
    await demo_recruitment.populate(sealer)

    statuses = sorted(row["status"] for row in await Opportunity.select(Opportunity.status))
    assert statuses == ["archived", "published", "published"]
    housing = (await opportunities.open_now())[0]
    board = await selection.board(sealer, housing["id"], COORDINATOR)
    assert sorted(a.status for a in board) == ["selected"] + ["shortlisted"] * (len(board) - 1)
    assert len(board) == 5
    assert not await demo_recruitment.is_empty()
    jordan = await profiles.find_by_email(sealer, kernel_demo.DEMO_PARTICIPANT_EMAIL)
    assert jordan is not None
    sent = await outcomes_easy_read.sent_to(jordan)
    assert [(row["title"], row["easy"]) for row in sent] == [
        ("Carers' breaks: tell us what worked", True)
    ]
    assert sent[0]["easy_said"] == demo_recruitment.EASY_OUTCOME.easy_said


def test_the_council_generates_176_distinct_made_up_people_the_same_every_time() -> None:
    extra = demo_council.people()
    names = [p.name for p in extra]
    reachable = [p.contact.get(k, "") for p in extra for k in ("email", "phone")]

    assert len(extra) == 176
    assert len(set(names)) == 176
    assert not set(names) & {p.name for p in demo.PEOPLE}
    assert [p.name for p in demo_council.people()] == names
    assert all(
        re.fullmatch(r"[a-z']+\.[a-z']+@example\.org|07700 900\d{3}|01632 960\d{3}", value)
        for value in reachable
        if value
    )
    assert {p.channel for p in extra} == {"web", "paper", "phone", "in_person"}
    assert sum(p.paused for p in extra) == 7
    assert sum(bool(p.contact.get("safe_contact")) for p in extra) == 10


async def test_a_small_register_can_be_asked_for(sealer: Sealer) -> None:
    await demo.populate(sealer)

    lines = await demo_council.populate(sealer, 10)

    assert lines == [
        "10 more people on the register (4 signed up online, 0 paused, 1 marked safe contact)"
    ]
    assert await Participant.count() == 34
