"""Profiles: sections validate with messages a person can act on; roles see what the map says."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from app.errors import Conflict, DomainError
from app.sealed import Sealer
from app.tables import AuditEvent
from app.web.forms import FormInvalid, parse_form
from participation import schemas
from participation.services import consent, profiles
from participation.tables import Participant
from tests.participation.conftest import COORDINATOR, add_person, new_profile

TOMORROW = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()


@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        (schemas.AboutYou, {"preferred_name": ""}, "preferred_name"),
        (schemas.AboutYou, {"preferred_name": "x" * 81}, "preferred_name"),
        (schemas.AboutYou, {"preferred_name": "Al", "date_of_birth": TOMORROW}, "date_of_birth"),
        (
            schemas.AboutYou,
            {"preferred_name": "Al", "date_of_birth": "1890-01-01"},
            "date_of_birth",
        ),
        (
            schemas.AboutYou,
            {"preferred_name": "Al", "date_of_birth": "2000-02-31"},
            "date_of_birth",
        ),
        (schemas.ContactDetails, {"email": "not-an-email"}, "email"),
        (schemas.ContactDetails, {"email": "a@b.c", "phone": "555-1234"}, "phone"),
        (schemas.ContactDetails, {"phone": "+1 202 555 0100", "preferred_route": "sms"}, "phone"),
        (
            schemas.ContactDetails,
            {"email": "a@example.org", "preferred_route": "fax"},
            "preferred_route",
        ),
        (schemas.ContactDetails, {"preferred_route": "post"}, "address"),
        (schemas.ContactDetails, {"preferred_route": "phone"}, "phone"),
        (schemas.ContactDetails, {"preferred_route": "intermediary"}, "intermediary"),
        (schemas.ContactDetails, {"email": "a@example.org", "address": "x" * 301}, "address"),
        (schemas.LivedExperience, {"lived_experience_words": "x" * 1001}, "lived_experience_words"),
        (schemas.Equality, {"age": "ancient"}, "age"),
        (schemas.Involvement, {"activities": ["juggling"]}, "activities"),
        (schemas.Involvement, {"contact_frequency": "hourly"}, "contact_frequency"),
        (schemas.Involvement, {"times_of_day": ["midnight"]}, "times_of_day"),
        (schemas.AccessNeeds, {"adjustments": ["interpreter"]}, "interpreter_language"),
        (schemas.AccessNeeds, {"adjustments": ["jetpack"]}, "adjustments"),
        (schemas.AccessNeeds, {"other": "x" * 1001}, "other"),
        (schemas.AccessNeeds, {"surprise": "x"}, "surprise"),
    ],
)
def test_bad_answers_name_the_field_with_a_message_to_act_on(
    model: type[schemas.Section], data: dict[str, Any], field: str
) -> None:
    with pytest.raises(FormInvalid) as invalid:
        parse_form(model, data)

    errors = invalid.value.errors
    assert [e.field for e in errors] == [field]
    assert errors[0].message != ""
    assert errors[0].message[0].isupper()


def test_route_without_its_details_says_what_to_do() -> None:
    with pytest.raises(FormInvalid) as invalid:
        parse_form(schemas.ContactDetails, {"preferred_route": "post"})

    assert invalid.value.errors[0].message == (
        "Enter your address, or choose another way for us to contact you"
    )


def test_uk_numbers_in_every_common_form_are_accepted() -> None:
    for number in ("07700 900982", "+44 7700 900982", "(01632) 960 001", "0044 1632 960001"):
        assert parse_form(schemas.ContactDetails, {"phone": number, "preferred_route": "sms"})


def test_flexible_is_the_default_and_never_blocked() -> None:
    involvement = parse_form(schemas.Involvement, {})

    assert (involvement.times_of_day, involvement.never_days) == ([], [])
    assert involvement.contact_frequency == "any"


async def test_each_section_reads_back_what_was_written(sealer: Sealer) -> None:
    subject = await add_person(sealer, "Ngozi", phone="07700 900555")
    written: list[schemas.Section] = [
        schemas.AboutYou(preferred_name="Ngozi A", date_of_birth=date(1990, 5, 17)),
        schemas.ContactDetails(
            phone="07700 900555",
            preferred_route="intermediary",
            intermediary=schemas.Intermediary(
                name="Sandra", organisation="Women's Aid", contact="01632 960123"
            ),
            safe_contact=True,
        ),
        schemas.LivedExperience(lived_experience=["domestic_abuse"], lived_experience_words="Me"),
        schemas.Equality(sex="female", ethnicity="prefer_not_to_say"),
        schemas.Involvement(activities=["surveys", "interviews"], times_of_day=["evening"]),
        schemas.AccessNeeds(adjustments=["quiet_room"], travel_help=["met_on_arrival"]),
    ]
    for section in written:
        await profiles.update(sealer, subject, section, COORDINATOR)

    profile = await profiles.read(sealer, subject, COORDINATOR, "participant")

    read_back = [
        profile.about,
        profile.contact,
        profile.lived_experience,
        profile.equality,
        profile.involvement,
        profile.access_needs,
    ]
    assert [s.model_dump() if s else None for s in read_back] == [s.model_dump() for s in written]


async def test_coordinators_never_see_equality_answers_and_reads_are_audited(
    sealer: Sealer,
) -> None:
    subject = await add_person(sealer, consents=("register", "share_access_needs"))

    as_coordinator = await profiles.read(sealer, subject, COORDINATOR, "coordinator")
    as_organiser = await profiles.read(sealer, subject, COORDINATOR, "organiser")

    assert as_coordinator.equality is None
    assert as_coordinator.lived_experience is not None
    assert as_organiser.lived_experience is None
    assert as_organiser.about is None
    assert as_organiser.access_needs is not None
    views = await AuditEvent.select(AuditEvent.field_group).where(
        (AuditEvent.subject == subject) & (AuditEvent.action == "view")
    )
    assert [v["field_group"] for v in views] == [
        "about,contact,lived_experience,involvement,access_needs",
        "access_needs",
    ]


async def test_one_profile_per_email_and_per_phone(sealer: Sealer) -> None:
    await add_person(sealer, "Ann", email="ann@example.org", phone="07700 900111")

    with pytest.raises(Conflict) as by_email:
        await add_person(sealer, "Ann B", email="ANN@example.org")
    with pytest.raises(Conflict) as by_phone:
        await add_person(sealer, "Ann C", email=None, phone="+447700900111", route="sms")

    assert [e.field for e in by_email.value.errors] == ["email"]
    assert [e.field for e in by_phone.value.errors] == ["phone"]
    assert await Participant.count() == 1


async def test_a_failed_create_leaves_no_half_written_profile(sealer: Sealer) -> None:
    bad = new_profile("Lee", consents=("register", "not-a-purpose"))

    with pytest.raises(DomainError, match="Select which use"):
        await profiles.create(sealer, bad, COORDINATOR)

    assert await Participant.count() == 0


async def test_unknown_lived_experience_code_is_refused(sealer: Sealer) -> None:
    subject = await add_person(sealer)

    with pytest.raises(Exception, match="Select from the list"):
        await profiles.update(
            sealer, subject, schemas.LivedExperience(lived_experience=["astronaut"]), COORDINATOR
        )


async def test_opening_your_own_profile_restarts_the_inactivity_clock_once_a_day(
    sealer: Sealer,
) -> None:
    subject = await add_person(sealer)
    long_ago = datetime(2024, 1, 1, tzinfo=UTC)
    await Participant.update({Participant.last_active_at: long_ago}).where(
        Participant.id == subject
    )

    await profiles.ensure_own_profile(sealer, subject, COORDINATOR)
    first = await Participant.select(Participant.last_active_at).where(Participant.id == subject)
    await profiles.ensure_own_profile(sealer, subject, COORDINATOR)
    second = await Participant.select(Participant.last_active_at).where(Participant.id == subject)

    assert first[0]["last_active_at"] > datetime.now(UTC) - timedelta(minutes=1)
    assert second == first


async def test_organisers_see_needs_only_while_the_person_agrees_to_share_them(
    sealer: Sealer,
) -> None:
    subject = await add_person(sealer, consents=("register", "share_access_needs"))
    await profiles.update(sealer, subject, schemas.AccessNeeds(adjustments=["bsl"]), COORDINATOR)

    shared = await profiles.read(sealer, subject, COORDINATOR, "organiser")
    await consent.record(subject, "share_access_needs", False, "phone", COORDINATOR)
    withdrawn = await profiles.read(sealer, subject, COORDINATOR, "organiser")
    coordinator = await profiles.read(sealer, subject, COORDINATOR, "coordinator")

    assert shared.access_needs is not None
    assert shared.access_needs.adjustments == ["bsl"]
    assert withdrawn.access_needs is None
    assert coordinator.access_needs is not None


async def test_first_requests_racing_to_make_an_own_profile_make_one(sealer: Sealer) -> None:
    from app.auth import accounts

    account = await accounts.create(
        sealer,
        accounts.NewAccount("participant", "race@example.org", "Rae", ("participant",)),
        COORDINATOR,
    )

    await asyncio.gather(
        *(profiles.ensure_own_profile(sealer, account, COORDINATOR) for _ in range(10))
    )

    assert await Participant.count() == 1
