"""Coordinator search: filter people by what, how, when and needs in SQL, then find by name,
email or phone.

Preferences and adjustment codes are plain (unindexed) columns, so every filter is one SQL
query over the register. Email and phone go through their blind indexes. A name is sealed
and has no index (names are not unique and partial matches matter), so a name search decrypts
the names of the people the other filters leave and compares them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from app import audit
from app.blind_index import normalise_email
from app.redact import Sensitive
from app.sealed import KEY_COLUMNS, Sealer, key_join
from participation import schemas
from participation.services.consent import CONTAINS_SQL
from participation.tables import Participant

PAGE_SIZE = 25
CONTAINS_ALL = ("activities", "adjustments", "travel_help")
"""Filters a person matches only by having said every code chosen."""
EMPTY_MEANS_ANY = ("formats", "group_sizes", "times_of_day")
"""Filters where saying nothing means "any is fine" (flexible is the default)."""


@dataclass(frozen=True)
class Person:
    """One search result: enough to recognise someone and to know how to treat them."""

    id: UUID
    name: Sensitive[str] | None
    safe_contact: bool
    paused: bool
    preferred_route: str
    adjustments: list[str]
    travel_help: list[str]


@dataclass(frozen=True)
class Results:
    people: list[Person]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


async def search(sealer: Sealer, filters: schemas.SearchFilters, actor: audit.Actor) -> Results:
    """People on the register matching every filter, newest change first, a page at a time."""
    where, params = _conditions(filters)
    query = filters.query.strip()
    if query and not _contact_query(query):
        return await _by_name(sealer, filters, where, params, actor)
    if query:
        column = "email" if "@" in query else "phone"
        matches = [row["id"] for row in await sealer.find(Participant, column, query)]
        if not matches:
            return Results([], 0, filters.page)
        where.append("p.id IN (" + ",".join("{}" for _ in matches) + ")")
        params += matches
    total = await _count(where, params)
    offset = (filters.page - 1) * PAGE_SIZE
    rows = await _rows(sealer, where, params, f"LIMIT {PAGE_SIZE} OFFSET {offset}")
    return Results(await _people(sealer, rows, actor), total, filters.page)


def _contact_query(query: str) -> bool:
    """An email address or a phone number (digits and phone punctuation only)."""
    return "@" in query or (
        sum(c.isdigit() for c in query) >= 6 and all(c.isdigit() or c in " +-()." for c in query)
    )


def _conditions(filters: schemas.SearchFilters) -> tuple[list[str], list[Any]]:
    """SQL conditions and parameters; column names come from this module, values are params."""
    where = [CONTAINS_SQL.format(column="p.consents")]
    params: list[Any] = ["%,register,%"]
    if not filters.include_paused:
        where.append("p.paused_at IS NULL")
    for column in (*CONTAINS_ALL, *EMPTY_MEANS_ANY):
        for code in getattr(filters, column):
            test = CONTAINS_SQL.format(column=f"p.{column}")
            where.append(f"(p.{column} = '' OR {test})" if column in EMPTY_MEANS_ANY else test)
            params.append(f"%,{code},%")
    for day in filters.available_on:
        where.append(f"NOT {CONTAINS_SQL.format(column='p.never_days')}")
        params.append(f"%,{day},%")
    return where, params


async def _count(where: list[str], params: list[Any]) -> int:
    rows = await Participant.raw(
        f"SELECT COUNT(*) AS n FROM participant p WHERE {' AND '.join(where)}",  # noqa: S608
        *params,
    )
    return int(rows[0]["n"])


async def _rows(
    sealer: Sealer, where: list[str], params: list[Any], limit: str = ""
) -> list[dict[str, Any]]:
    """Matching rows with their data keys (one query), most recently changed first."""
    # the conditions are this module's own SQL; every value is a parameter
    sql = (
        "SELECT p.id, p.preferred_name, p.safe_contact, p.paused_at, p.preferred_route, "  # noqa: S608
        f"p.adjustments, p.travel_help, {KEY_COLUMNS} FROM participant p {key_join('p.id')} "
        f"WHERE {' AND '.join(where)} ORDER BY p.updated_at DESC, p.id {limit}"
    )
    return sealer.prime_from(await Participant.raw(sql, *params), "id")


async def _by_name(
    sealer: Sealer,
    filters: schemas.SearchFilters,
    where: list[str],
    params: list[Any],
    actor: audit.Actor,
) -> Results:
    """Decrypt the names the other filters leave and keep those containing the words typed."""
    words = normalise_email(filters.query).split()
    matching = []
    for row in await _rows(sealer, where, params):
        name = (await sealer.open(Participant, row, ("preferred_name",)))["preferred_name"]
        if name is not None and all(word in normalise_email(name.reveal()) for word in words):
            matching.append(row)
    start = (filters.page - 1) * PAGE_SIZE
    page = matching[start : start + PAGE_SIZE]
    return Results(await _people(sealer, page, actor), len(matching), filters.page)


async def listed(
    sealer: Sealer, subjects: list[UUID], actor: audit.Actor, purpose: str
) -> list[Person]:
    """These people, in this order, shown as a search shows them: for a list another service
    chose (such as the people not heard from), so names are opened and audited in one place."""
    if not subjects:
        return []
    where = ["p.id IN (" + ",".join("{}" for _ in subjects) + ")"]
    order = {str(subject): n for n, subject in enumerate(subjects)}
    rows = sorted(await _rows(sealer, where, list(subjects)), key=lambda r: order[str(r["id"])])
    return await _people(sealer, rows, actor, purpose)


async def _people(
    sealer: Sealer, rows: list[dict[str, Any]], actor: audit.Actor, purpose: str = "search results"
) -> list[Person]:
    """Open the names and safety flags shown, and audit one view per person shown."""
    people = []
    for row in rows:
        opened = await sealer.open(Participant, row, ("preferred_name", "safe_contact"))
        safe = opened["safe_contact"]
        people.append(
            Person(
                id=_uuid(row["id"]),
                name=opened["preferred_name"],
                safe_contact=safe is not None and safe.reveal() == "yes",
                paused=row["paused_at"] is not None,
                preferred_route=row["preferred_route"],
                adjustments=[c for c in row["adjustments"].split(",") if c],
                travel_help=[c for c in row["travel_help"].split(",") if c],
            )
        )
    await audit.record_views(actor, [p.id for p in people], field_group="identity", purpose=purpose)
    return people


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))
