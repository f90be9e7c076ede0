"""Who may be contacted, and how: the one place other domains ask before sending anything.

Every recipient list goes through ``contactable``, which reads current consent and the pause
switch in the same query, so withdrawing "contact me" or pausing takes effect on the next
list built. ``route_for`` gives the chosen route; for a person marked safe contact the
message must be discreet (``check_discreet``): no programme name and never an address.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from app import audit, i18n
from app.errors import DomainError, NotFound
from app.redact import Sensitive
from app.sealed import KEY_COLUMNS, Sealer, key_join
from participation.services.consent import granted_condition
from participation.tables import Participant

ROUTE_COLUMNS = (
    "preferred_name",
    "email",
    "phone",
    "address",
    "intermediary",
    "safe_contact",
    "language",
)
ROUTES_PER_QUERY = 1000
"""Well under both databases' limit on parameters in one statement."""


@dataclass(frozen=True)
class Route:
    """How to reach one person: the route they chose and what it needs."""

    subject: UUID
    route: str
    name: Sensitive[str] | None
    email: Sensitive[str] | None
    phone: Sensitive[str] | None
    address: Sensitive[str] | None
    intermediary: dict[str, str]
    safe_contact: bool
    language: str
    """The code of the language to write in (``with i18n.use_locale(route.language)``)."""


async def contactable(subjects: list[UUID]) -> list[UUID]:
    """Those of ``subjects`` who agree to be contacted now and have not paused, in order."""
    if not subjects:
        return []
    rows = await Participant.select(Participant.id).where(
        Participant.id.is_in(subjects)
        & Participant.paused_at.is_null()
        & granted_condition("contact")
    )
    allowed = {row["id"] for row in rows}
    return [subject for subject in subjects if subject in allowed]


async def route_for(sealer: Sealer, subject: UUID, actor: audit.Actor) -> Route:
    """The person's chosen route with the details it needs (an audited read)."""
    row = await Participant.select().where(Participant.id == subject).first()
    if row is None:
        raise NotFound("There is no profile for this person.")
    opened = await sealer.open(Participant, row, ROUTE_COLUMNS)
    await audit.record(
        actor, audit.Action.view, subject=subject, field_group="contact", purpose="send a message"
    )
    return _route(subject, row["preferred_route"], opened)


async def routes_for(sealer: Sealer, subjects: list[UUID], actor: audit.Actor) -> dict[UUID, Route]:
    """Many people's routes for one mailing (inviting a whole selection): the rows and their
    data keys in one query, one audit statement for all. Anyone without a profile is left out."""
    routes = {}
    for start in range(0, len(subjects), ROUTES_PER_QUERY):
        for row in await _route_rows(sealer, subjects[start : start + ROUTES_PER_QUERY]):
            subject = row["id"] if isinstance(row["id"], UUID) else UUID(str(row["id"]))
            opened = await sealer.open(Participant, row, ROUTE_COLUMNS)
            routes[subject] = _route(subject, row["preferred_route"], opened)
    await audit.record_views(actor, list(routes), field_group="contact", purpose="send a message")
    return routes


async def _route_rows(sealer: Sealer, subjects: list[UUID]) -> list[dict[str, Any]]:
    """The route columns of these people, their data keys primed from the same query."""
    marks = ",".join("{}" for _ in subjects)
    columns = ", ".join(f"p.{name}" for name in ROUTE_COLUMNS)
    rows = await Participant.raw(
        f"SELECT p.id, p.preferred_route, {columns}, {KEY_COLUMNS} "  # noqa: S608 - our names
        f"FROM participant p {key_join('p.id')} WHERE p.id IN ({marks})",
        *subjects,
    )
    return sealer.prime_from(rows, "id")


def _route(subject: UUID, route: str, opened: dict[str, Sensitive[str] | None]) -> Route:
    intermediary = opened["intermediary"]
    safe = opened["safe_contact"]
    return Route(
        subject=subject,
        route=route,
        name=opened["preferred_name"],
        email=opened["email"],
        phone=opened["phone"],
        address=opened["address"],
        intermediary=json.loads(intermediary.reveal()) if intermediary else {},
        safe_contact=safe is not None and safe.reveal() == "yes",
        language=language.reveal() if (language := opened["language"]) else i18n.DEFAULT,
    )


async def language_of(sealer: Sealer, subject: UUID) -> str | None:
    """The language a person chose on their profile, for their own pages when they sign in.

    Not audited as a view: it goes back only to the person, into their own browser's cookie.
    """
    row = (
        await Participant.select(Participant.id, Participant.language)
        .where(Participant.id == subject)
        .first()
    )
    if row is None or row["language"] is None:
        return None
    opened = await sealer.open(Participant, row, ("language",))
    chosen = opened["language"]
    return chosen.reveal() if chosen else None


def check_discreet(route: Route, text: str, programme_words: tuple[str, ...]) -> None:
    """Refuse a message that would put a person at risk if someone else read it.

    Nobody's address ever goes in a message; for a safe-contact person, neither does the name
    of the programme or the work (an abuser reading the inbox must learn nothing).
    """
    folded = text.casefold()
    address = route.address.reveal().casefold() if route.address else ""
    parts = [part.strip() for part in re.split(r"[\n,]", address) if len(part.strip()) > 4]
    if any(part in folded for part in parts):
        raise DomainError("Messages must never include a postal address.")
    if route.safe_contact and any(w.casefold() in folded for w in programme_words if w):
        raise DomainError(
            "This person needs safe contact: take the programme name out of the message."
        )
