"""Participation fixtures: a sealer on the test app and people made the way services make them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from app import audit
from app.sealed import Sealer
from participation import schemas
from participation.services import profiles

COORDINATOR = audit.Actor(id="00000000-0000-4000-8000-00000000c00d", role="coordinator")


def new_profile(
    name: str = "Sam Taylor",
    *,
    email: str | None = "sam.taylor@example.org",
    phone: str | None = None,
    route: str = "email",
    consents: tuple[str, ...] = ("register", "contact"),
    **contact: Any,
) -> schemas.NewProfile:
    return schemas.NewProfile(
        about=schemas.AboutYou(preferred_name=name),
        contact=schemas.ContactDetails(email=email, phone=phone, preferred_route=route, **contact),
        consents=list(consents),
    )


async def add_person(sealer: Sealer, name: str = "Sam Taylor", **kwargs: Any) -> UUID:
    return await profiles.create(sealer, new_profile(name, **kwargs), COORDINATOR)
