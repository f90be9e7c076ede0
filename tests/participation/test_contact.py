"""Recipient lists follow consent and pause at once; messages to people at risk stay discreet."""

from __future__ import annotations

import pytest

from app.errors import DomainError
from app.sealed import Sealer
from participation import schemas
from participation.services import consent, contact, profiles
from tests.participation.conftest import COORDINATOR, add_person


async def test_withdrawing_contact_or_pausing_removes_them_from_the_next_list(
    sealer: Sealer,
) -> None:
    ann, bo, cy = [
        await add_person(sealer, name, email=f"{name}@example.org") for name in ("ann", "bo", "cy")
    ]
    assert await contact.contactable([ann, bo, cy]) == [ann, bo, cy]

    await consent.record(ann, "contact", False, "web", COORDINATOR)
    await profiles.set_paused(bo, True, COORDINATOR)

    assert await contact.contactable([ann, bo, cy]) == [cy]
    await profiles.set_paused(bo, False, COORDINATOR)
    assert await contact.contactable([ann, bo, cy]) == [bo, cy]


async def test_never_asked_means_not_contactable(sealer: Sealer) -> None:
    subject = await add_person(sealer, consents=("register",))

    assert await contact.contactable([subject]) == []


async def test_route_and_discretion_for_a_safe_contact_person(sealer: Sealer) -> None:
    subject = await add_person(
        sealer,
        "Dee",
        email=None,
        route="intermediary",
        address="Flat 2, 14 Quay Road\nNorthtown NT1 4QR",
        intermediary=schemas.Intermediary(name="Sandra", contact="01632 960555"),
        safe_contact=True,
    )

    route = await contact.route_for(sealer, subject, COORDINATOR)

    assert (route.route, route.safe_contact) == ("intermediary", True)
    assert route.intermediary["name"] == "Sandra"
    contact.check_discreet(route, "A meeting on Tuesday at 2pm.", ("Domestic Abuse Services",))
    with pytest.raises(DomainError, match="postal address"):
        contact.check_discreet(route, "We will write to 14 Quay Road", ())
    with pytest.raises(DomainError, match="programme name"):
        contact.check_discreet(route, "About domestic abuse services", ("Domestic Abuse Services",))


async def test_programme_names_are_fine_for_people_not_at_risk(sealer: Sealer) -> None:
    route = await contact.route_for(sealer, await add_person(sealer), COORDINATOR)

    contact.check_discreet(route, "About Domestic Abuse Services", ("Domestic Abuse Services",))
    assert route.safe_contact is False
