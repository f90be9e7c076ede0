"""Coordinator search: exact result sets for each filter; consent and pause respected at once."""

from __future__ import annotations

from uuid import UUID

from app.sealed import Sealer
from app.tables import AuditEvent
from participation import schemas
from participation.services import consent, profiles, search
from tests.participation.conftest import COORDINATOR, add_person


async def _people(sealer: Sealer) -> dict[str, UUID]:
    setups = {
        "amal": (
            schemas.Involvement(activities=["evaluation_panels"], formats=["online"]),
            schemas.AccessNeeds(adjustments=["bsl", "step_free"]),
        ),
        "bea": (
            schemas.Involvement(
                activities=["evaluation_panels", "surveys"],
                never_days=["tue"],
                times_of_day=["morning"],
            ),
            schemas.AccessNeeds(travel_help=["taxi"]),
        ),
        "cal": (
            schemas.Involvement(activities=["surveys"], formats=["in_person"]),
            schemas.AccessNeeds(adjustments=["step_free"]),
        ),
    }
    ids = {}
    for number, (name, (involvement, needs)) in enumerate(setups.items()):
        subject = await add_person(
            sealer,
            f"{name.title()} Jones",
            email=f"{name}@example.org",
            phone=f"0770090030{number}",
        )
        await profiles.update(sealer, subject, involvement, COORDINATOR)
        await profiles.update(sealer, subject, needs, COORDINATOR)
        ids[name] = subject
    return ids


async def _found(sealer: Sealer, **filters: object) -> set[UUID]:
    results = await search.search(sealer, schemas.SearchFilters(**filters), COORDINATOR)
    assert results.total == len(results.people)
    return {person.id for person in results.people}


async def test_each_filter_gives_exactly_the_people_it_should(sealer: Sealer) -> None:
    ids = await _people(sealer)
    amal, bea, cal = ids["amal"], ids["bea"], ids["cal"]

    assert await _found(sealer) == {amal, bea, cal}
    assert await _found(sealer, activities=["evaluation_panels"]) == {amal, bea}
    assert await _found(sealer, activities=["evaluation_panels", "surveys"]) == {bea}
    assert await _found(sealer, formats=["online"]) == {amal, bea}  # bea said nothing: any
    assert await _found(sealer, adjustments=["step_free"]) == {amal, cal}
    assert await _found(sealer, adjustments=["step_free", "bsl"]) == {amal}
    assert await _found(sealer, travel_help=["taxi"]) == {bea}
    assert await _found(sealer, available_on=["tue"]) == {amal, cal}
    assert await _found(sealer, times_of_day=["evening"]) == {amal, cal}  # flexible
    assert await _found(sealer, formats=["online"], adjustments=["step_free"]) == {amal}


async def test_find_by_email_phone_or_name_however_written(sealer: Sealer) -> None:
    ids = await _people(sealer)

    assert await _found(sealer, query="+44 (0)7700 900301") == {ids["bea"]}
    assert await _found(sealer, query="CAL@Example.org") == {ids["cal"]}
    assert await _found(sealer, query="jones") == set(ids.values())
    assert await _found(sealer, query="amal jon") == {ids["amal"]}
    assert await _found(sealer, query="07700 900399") == set()
    assert await _found(sealer, query="bea", adjustments=["bsl"]) == set()


async def test_withdrawing_from_the_register_or_pausing_removes_them_at_once(
    sealer: Sealer,
) -> None:
    ids = await _people(sealer)

    await consent.record(ids["amal"], "register", False, "web", COORDINATOR)
    await profiles.set_paused(ids["bea"], True, COORDINATOR)

    assert await _found(sealer) == {ids["cal"]}
    assert await _found(sealer, include_paused=True) == {ids["bea"], ids["cal"]}


async def test_results_show_safe_contact_and_are_audited_per_person(sealer: Sealer) -> None:
    ids = await _people(sealer)
    await profiles.update(
        sealer,
        ids["cal"],
        schemas.ContactDetails(email="cal@example.org", safe_contact=True),
        COORDINATOR,
    )

    results = await search.search(sealer, schemas.SearchFilters(), COORDINATOR)

    flags = {p.id: p.safe_contact for p in results.people}
    assert flags == {ids["amal"]: False, ids["bea"]: False, ids["cal"]: True}
    assert [p.name.reveal() for p in results.people if p.id == ids["cal"]] == ["Cal Jones"]
    viewed = await AuditEvent.select(AuditEvent.subject).where(
        (AuditEvent.purpose == "search results")
        & (AuditEvent.action == "view")
        & AuditEvent.subject.is_in(list(ids.values()))
    )
    assert sorted(str(v["subject"]) for v in viewed) == sorted(str(i) for i in ids.values())


async def test_pages_of_results(sealer: Sealer) -> None:
    for number in range(search.PAGE_SIZE + 3):
        await add_person(sealer, f"Person {number}", email=f"p{number}@example.org")

    first = await search.search(sealer, schemas.SearchFilters(), COORDINATOR)
    second = await search.search(sealer, schemas.SearchFilters(page=2), COORDINATOR)

    assert (first.total, first.pages, len(first.people), len(second.people)) == (28, 2, 25, 3)
    assert not {p.id for p in first.people} & {p.id for p in second.people}
