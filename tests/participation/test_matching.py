"""Matching: who is suggested for an opportunity and why, and inviting them once.

The property test generates whole registers (preferences, consents, pauses, erasures, earlier
invitations and selections) and checks the suggestions against the rules written out here
independently of the service's SQL: exactly the people who may be suggested, each explained
by their own data. A small hand-made register pins the exact order.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from litestar import Litestar

from app.datamap import Role
from app.errors import Conflict
from app.sealed import Sealer
from app.tables import AuditEvent, OutboxMessage
from participation import schemas
from participation.services import matching, opportunities, profiles, rights, selection
from participation.tables import Expression, InterestInvitation
from tests.participation.conftest import COORDINATOR, add_person
from tests.participation.recruiting import opportunity_form, published
from tests.support.auth import csrf_headers, make_account, sign_in
from tests.support.database import empty_all_tables

SENDER = selection.Sender(mail_from="team@northshire.example", public_url="https://x.example")
LONG_AGO = timedelta(days=200)
RECENTLY = timedelta(days=10)
PHONES = itertools.count(900100)


# --- Making a register -------------------------------------------------------------------------


@dataclass
class Person:
    """One generated person: what they said, and what has happened to them before."""

    activities: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    group_sizes: list[str] = field(default_factory=list)
    never_days: list[str] = field(default_factory=list)
    lived: list[str] = field(default_factory=list)
    consents: tuple[str, ...] = ("register", "contact")
    relevant_only: bool = False
    paused: bool = False
    erased: bool = False
    interested_here: bool = False
    invited_here: bool = False
    recent_invitations: int = 0
    recent_selections: int = 0
    selected_long_ago: bool = False
    route: str = "email"

    @property
    def recent(self) -> int:
        return self.recent_invitations + self.recent_selections

    @property
    def never_involved(self) -> bool:
        return not (self.recent_selections or self.selected_long_ago)


async def make(sealer: Sealer, person: Person, name: str, others: list[UUID]) -> UUID:
    """The person on the register the way services put them there, and their history."""
    contact: dict[str, Any] = {"email": f"{name.lower()}@example.org", "route": person.route}
    if person.route == "phone":
        contact = {"email": None, "phone": f"07700 {next(PHONES)}", "route": "phone"}
    subject = await add_person(sealer, name, consents=person.consents, **contact)
    involvement = schemas.Involvement(
        activities=person.activities,
        formats=person.formats,
        group_sizes=person.group_sizes,
        never_days=person.never_days,
        contact_frequency="relevant_only" if person.relevant_only else "any",
    )
    await profiles.update(sealer, subject, involvement, COORDINATOR)
    lived = schemas.LivedExperience(lived_experience=person.lived)
    await profiles.update(sealer, subject, lived, COORDINATOR)
    now = datetime.now(UTC)
    for n in range(person.recent_invitations):
        await _invitation(others[n], subject, now - RECENTLY)
    for n in range(person.recent_selections):
        await _expression(others[-1 - n], subject, "selected", now - RECENTLY)
    if person.selected_long_ago:
        await _expression(others[2], subject, "selected", now - LONG_AGO)
    if person.paused:
        await profiles.set_paused(subject, True, COORDINATOR)
    return subject


async def _invitation(opportunity: UUID, subject: UUID, at: datetime) -> None:
    await InterestInvitation.insert(
        InterestInvitation(
            id=uuid4(),
            opportunity=opportunity,
            subject=subject,
            once=f"{opportunity}:{subject}",
            created_at=at,
        )
    )


async def _expression(opportunity: UUID, subject: UUID, status: str, at: datetime) -> None:
    await Expression.insert(
        Expression(
            id=uuid4(),
            opportunity=opportunity,
            subject=subject,
            once=f"{opportunity}:{subject}",
            status=status,
            created_at=at,
            updated_at=at,
        )
    )


async def history(sealer: Sealer, opportunity: UUID, subject: UUID, person: Person) -> None:
    """What happened on this opportunity itself, and erasure last (it removes everything)."""
    if person.interested_here:
        await _expression(opportunity, subject, "received", datetime.now(UTC))
    if person.invited_here:
        await _invitation(opportunity, subject, datetime.now(UTC) - LONG_AGO)
    if person.erased:
        await rights.erase(sealer, subject, "staff", COORDINATOR)


async def other_opportunities() -> list[UUID]:
    return [await opportunities.save(opportunity_form(), COORDINATOR) for _ in range(5)]


# --- The rules, written out independently -----------------------------------------------------

ACTIVITY_WORDS = {"evaluation_panels": "evaluation panels", "surveys": "surveys"}
LIVED = ("homelessness", "domestic_abuse", "carer")


@dataclass(frozen=True)
class Wanted:
    activity: str
    formats: list[str]
    group_sizes: list[str]
    sought: list[str]
    starts_on: date | None

    def days(self) -> set[str]:
        return set() if self.starts_on is None else {"mon", "tue"}  # a Monday and the Tuesday


def may_be_suggested(person: Person, wanted: Wanted) -> bool:
    wants = wanted.activity in person.activities
    return (
        set(person.consents) == {"register", "contact"}
        and not (person.paused or person.erased or person.interested_here or person.invited_here)
        and person.recent < matching.CONTACT_LIMIT
        and (
            not wanted.formats
            or not person.formats
            or bool(set(wanted.formats) & set(person.formats))
        )
        and (
            not wanted.group_sizes
            or not person.group_sizes
            or bool(set(wanted.group_sizes) & set(person.group_sizes))
        )
        and (wants or not person.relevant_only)
        and not (wanted.days() and wanted.days() <= set(person.never_days))
    )


def check_explained(text: str, person: Person, wanted: Wanted) -> None:
    activity = ACTIVITY_WORDS[wanted.activity]
    wants = wanted.activity in person.activities
    assert text.startswith(f"Wants {activity}," if wants else f"Has not asked for {activity},")
    assert ("happy with any format" in text) == (not person.formats)
    assert ("has lived experience of" in text) == bool(set(person.lived) & set(wanted.sought))
    assert ("never involved yet" in text) == person.never_involved
    times = {0: "not contacted", 1: "contacted once", 2: "contacted twice"}[person.recent]
    assert (times in text) == (person.recent > 0 or not person.never_involved)
    if wanted.starts_on is not None:
        free_all = not (wanted.days() & set(person.never_days))
        assert ("free on every date" if free_all else "free on some dates") in text
    else:
        assert "free on" not in text
    assert text.endswith(".")


# --- Property: generated registers ------------------------------------------------------------


def codes(choices: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(choices), unique=True, max_size=len(choices))


people = st.builds(
    Person,
    activities=codes(("evaluation_panels", "surveys", "interviews")),
    formats=codes(("in_person", "online", "phone")),
    group_sizes=codes(("group", "one_to_one")),
    never_days=codes(("mon", "tue", "sat")),
    lived=codes(LIVED),
    consents=st.sampled_from([("register", "contact")] * 3 + [("register",), ("contact",), ()]),
    relevant_only=st.integers(0, 3).map(lambda n: n == 0),
    paused=st.integers(0, 4).map(lambda n: n == 0),
    erased=st.integers(0, 5).map(lambda n: n == 0),
    interested_here=st.integers(0, 4).map(lambda n: n == 0),
    invited_here=st.integers(0, 4).map(lambda n: n == 0),
    recent_invitations=st.integers(0, 3),
    recent_selections=st.integers(0, 1),
    selected_long_ago=st.booleans(),
    route=st.sampled_from(["email", "phone"]),
)
wanted_opportunities = st.builds(
    Wanted,
    activity=st.sampled_from(["evaluation_panels", "surveys"]),
    formats=codes(("in_person", "online", "phone")),
    group_sizes=codes(("group", "one_to_one")),
    sought=codes(LIVED),
    starts_on=st.sampled_from([None, date(2031, 3, 3)]),  # a Monday
)


@settings(
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking a register takes minutes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(register=st.lists(people, min_size=2, max_size=8), wanted=wanted_opportunities)
async def test_suggestions_follow_the_rules_on_any_register(
    sealer: Sealer, db: Any, register: list[Person], wanted: Wanted
) -> None:
    await empty_all_tables(db)
    others = await other_opportunities()
    opportunity = await opportunities.save(
        opportunity_form(
            activity=wanted.activity,
            formats=wanted.formats,
            group_sizes=wanted.group_sizes,
            lived_experience_sought=wanted.sought,
            starts_on=wanted.starts_on,
            ends_on=wanted.starts_on and wanted.starts_on + timedelta(days=1),
        ),
        COORDINATOR,
    )
    subjects = {}
    for n, person in enumerate(register):
        subjects[await make(sealer, person, f"Person{n}", others)] = person
    for subject, person in subjects.items():
        await history(sealer, opportunity, subject, person)

    found = await matching.suggest(sealer, opportunity, COORDINATOR, limit=50)

    expected = {s for s, person in subjects.items() if may_be_suggested(person, wanted)}
    event("someone suggested" if expected else "nobody suggested")
    assert {s.subject for s in found} == expected
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    for suggestion in found:
        person = subjects[suggestion.subject]
        check_explained(suggestion.explanation, person, wanted)
        assert (suggestion.recent_contacts, suggestion.never_involved) == (
            person.recent,
            person.never_involved,
        )


# --- A small register, ranked exactly ----------------------------------------------------------


async def test_a_small_register_is_ranked_by_fit_and_fairness(sealer: Sealer) -> None:
    others = await other_opportunities()
    opportunity = await published()  # evaluation panels, in person, homelessness sought
    panels = ["evaluation_panels"]
    cast = {
        "Ada": Person(activities=panels, formats=["in_person"], lived=["homelessness"]),
        "Bo": Person(activities=panels),
        "Cy": Person(
            activities=panels, formats=["in_person"], lived=["homelessness"], recent_selections=1
        ),
        "Di": Person(activities=["surveys"], lived=["domestic_abuse"], selected_long_ago=True),
        "Ed": Person(activities=panels, formats=["online"]),
        "Fay": Person(activities=panels, paused=True),
        "Gus": Person(activities=panels, consents=("register",)),
        "Hal": Person(activities=panels, interested_here=True),
        "Ivy": Person(activities=panels, recent_invitations=2, recent_selections=1),
        "Jo": Person(activities=["surveys"], relevant_only=True),
        "Kit": Person(activities=panels, erased=True),
    }
    ids = {}
    for name, person in cast.items():
        ids[name] = await make(sealer, person, name, others)
        await history(sealer, opportunity, ids[name], person)

    found = await matching.suggest(sealer, opportunity, COORDINATOR)

    assert [(s.name.reveal() if s.name else "", s.score, s.explanation) for s in found] == [
        (
            "Ada",
            10,
            "Wants evaluation panels, prefers in person, has lived experience of homelessness, "
            "never involved yet.",
        ),
        (
            "Cy",
            7,
            "Wants evaluation panels, prefers in person, has lived experience of homelessness, "
            "contacted once in the last 90 days.",
        ),
        ("Bo", 6, "Wants evaluation panels, happy with any format, never involved yet."),
        (
            "Di",
            0,
            "Has not asked for evaluation panels, happy with any format, "
            "not contacted in the last 90 days.",
        ),
    ]
    viewed = await AuditEvent.select(AuditEvent.subject).where(
        (AuditEvent.purpose == f"matching {opportunity}") & (AuditEvent.action == "view")
    )
    assert sorted(str(row["subject"]) for row in viewed) == sorted(
        str(ids[name]) for name in ("Ada", "Bo", "Cy", "Di")
    )
    top = await matching.suggest(sealer, opportunity, COORDINATOR, limit=2)
    assert [s.subject for s in top] == [ids["Ada"], ids["Cy"]]


async def test_lived_experience_is_read_a_slice_at_a_time_until_nobody_can_catch_up(
    sealer: Sealer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In SQL order Ada (7), Bo (6), Cy (3): Bo could still overtake Ada, so the next slice is
    read; Cy cannot (3 + 3 is not above 7), so reading stops there."""
    others = await other_opportunities()
    opportunity = await published(lived_experience_sought=["domestic_abuse"])
    panels = ["evaluation_panels"]
    cast = {
        "Ada": Person(activities=panels, formats=["in_person"]),
        "Bo": Person(activities=panels),
        "Cy": Person(activities=panels, lived=["domestic_abuse"], recent_selections=1),
    }
    ids = {name: await make(sealer, person, name, others) for name, person in cast.items()}
    opened: list[UUID] = []
    read = matching._lived_experience

    async def counted(sealer: Sealer, row: dict[str, Any]) -> list[str]:
        opened.append(UUID(str(row["id"])))
        return await read(sealer, row)

    monkeypatch.setattr(matching, "BATCH", 1)
    monkeypatch.setattr(matching, "_lived_experience", counted)
    found = await matching.suggest(sealer, opportunity, COORDINATOR, limit=1)

    assert [(s.subject, s.score) for s in found] == [(ids["Ada"], 7)]
    assert opened == [ids["Ada"], ids["Bo"]]


# --- Inviting ----------------------------------------------------------------------------------


async def test_invite_once_emails_only_email_people_and_skips_the_rest(sealer: Sealer) -> None:
    others = await other_opportunities()
    opportunity = await published()
    ada = await make(sealer, Person(activities=["evaluation_panels"]), "Ada", others)
    bo = await make(sealer, Person(route="phone"), "Bo", others)
    cy = await make(sealer, Person(paused=True), "Cy", others)
    di = await make(sealer, Person(recent_invitations=3), "Di", others)
    chosen = [ada, bo, cy, di, ada]

    first = await matching.invite(sealer, opportunity, chosen, COORDINATOR, SENDER)
    again = await matching.invite(sealer, opportunity, chosen, COORDINATOR, SENDER)

    assert first == matching.Invited(invited=2, emailed=1, to_tell=1, skipped=2)
    assert again == matching.Invited(invited=0, emailed=0, to_tell=0, skipped=4)
    rows = await InterestInvitation.select(
        InterestInvitation.subject, InterestInvitation.told_at
    ).where(InterestInvitation.opportunity == opportunity)
    told = {row["subject"]: row["told_at"] is not None for row in rows}
    assert told == {ada: True, bo: False}
    assert [row["owner"] for row in await OutboxMessage.select(OutboxMessage.owner)] == [ada]
    assert await matching.suggest(sealer, opportunity, COORDINATOR) == []


async def test_nobody_is_invited_to_an_opportunity_that_is_not_open(sealer: Sealer) -> None:
    draft = await opportunities.save(opportunity_form(), COORDINATOR)
    ada = await add_person(sealer, "Ada")
    with pytest.raises(Conflict):
        await matching.invite(sealer, draft, [ada], COORDINATOR, SENDER)
    assert await InterestInvitation.count() == 0


def test_the_invitation_is_kind_and_discreet_for_people_at_risk() -> None:
    title = "Domestic abuse refuge review"
    plain = matching.invitation_text(title, "https://x.example/take-part/1", safe_contact=False)
    discreet = matching.invitation_text(title, "https://x.example/take-part/1", safe_contact=True)
    assert f'"{title}"' in plain
    assert "abuse" not in discreet.lower()
    assert "no need to reply" in discreet


def test_dates_give_the_days_they_fall_on() -> None:
    monday = date(2031, 3, 3)
    assert matching.dates_days(None, None) == []
    assert matching.dates_days(monday, None) == ["mon"]
    assert matching.dates_days(monday, monday + timedelta(days=1)) == ["mon", "tue"]
    assert matching.dates_days(monday + timedelta(days=5), monday + timedelta(days=8)) == [
        "mon",
        "tue",
        "sat",
        "sun",
    ]
    assert len(matching.dates_days(monday, monday + timedelta(days=30))) == 7


# --- The page ----------------------------------------------------------------------------------


@pytest.fixture
async def coordinator(running_app: Litestar, client: httpx.AsyncClient) -> UUID:
    account = await make_account(running_app, "staff", (Role.coordinator,))
    await sign_in(running_app, client, account)
    return account


async def test_the_page_explains_each_suggestion_and_invites_those_ticked(
    sealer: Sealer, client: httpx.AsyncClient, coordinator: UUID
) -> None:
    opportunity = await published()
    ada = await make(sealer, Person(activities=["evaluation_panels"]), "Ada", [])
    bo = await make(sealer, Person(route="phone"), "Bo", [])
    url = f"/opportunities/{opportunity}/suggestions"

    shown = await client.get(url)
    assert shown.status_code == 200
    assert "Ada" in shown.text
    assert "Bo" in shown.text
    assert "Wants evaluation panels, happy with any format, never involved yet." in shown.text
    assert f'value="{ada}"' in shown.text

    nothing = await client.post(url, data={}, headers=await csrf_headers(client))
    assert nothing.status_code == 400
    assert 'href="#people"' in nothing.text
    assert "Select the people you want to invite" in nothing.text
    assert await InterestInvitation.count() == 0

    sent = await client.post(
        url, data={"people": [str(ada), str(bo)]}, headers=await csrf_headers(client)
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"{url}?emailed=1&to_tell=1"
    after = await client.get(sent.headers["location"])
    assert "1 person invited by email; 1 person to tell another way" in after.text
    assert "Nobody on the register fits this opportunity right now." in after.text
    assert await InterestInvitation.count() == 2


async def test_the_page_answers_not_found_for_an_unknown_opportunity(
    client: httpx.AsyncClient, coordinator: UUID
) -> None:
    response = await client.get(f"/opportunities/{uuid4()}/suggestions")
    assert response.status_code == 404
