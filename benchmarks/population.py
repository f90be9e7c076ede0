"""Tables and data for ``bench_crypto``: a participant profile and 100,000 sealed people.

Not a benchmark itself (no ``bench_`` prefix), so ``make bench`` does not run it. The people
are sealed through ``app.sealed`` as a service would seal them: a data key per person, wrapped
by the keyring's master key with ``app.vault.wrap`` and stored in ``data_key``; email encrypted
under it and blind-indexed for a population of 100,000 (15-bit indexes, about three people per
index value).
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from piccolo import columns
from piccolo.columns import Bytea, Varchar
from piccolo.table import Table

from app.crypto import KEY_BYTES
from app.datamap import BlindIndex, DataMap, PersonalField, Protection, Role, TableMap
from app.keyring import Keyring
from app.sealed import Sealer
from app.sqlite_engine import EmbeddedSQLiteEngine
from app.tables import DataKey
from app.vault import Vault, wrap

POPULATION = 100_000
BATCH = 1_000  # people per transaction: 100 commits, not 100,000
FIRST = ("amira", "ben", "chloe", "dev", "erin", "farah", "george", "hana", "ian", "jess")
LAST = ("okafor", "smith", "nowak", "patel", "jones", "murphy", "khan", "evans", "li", "brown")
DOMAINS = ("example.org", "example.com", "mail.example.net", "council.example.gov.uk")

PROFILE = {
    "name": "Margaret Okonkwo-Hale",
    "preferred_name": "Maggie",
    "email": "margaret.okonkwo-hale@example.org",
    "phone": "07700 900123",
    "address": "Flat 4, 27 Wellington Road, Ashford, Kent, TN23 1AB, England",
    "date_of_birth": "1978-04-12",
    "pronouns": "she/her",
    "lived_experience": (
        "I have lived with bipolar disorder since my early twenties and have used community "
        "mental health services in two different areas. I was a carer for my mother for six "
        "years while she had dementia, which taught me how hard it is to find the right support "
        "and how much it matters when professionals listen. I now volunteer with a peer support "
        "group and would like to help shape services so that other families find them sooner."
    ),
    "access_needs": (
        "Meetings in the afternoon suit me best. I need written materials at least three days "
        "in advance, in a large font if possible, and a quiet room or short breaks every hour. "
        "I cannot use the stairs at the civic centre."
    ),
    "notes": (
        "Met at the carers' open day in March. Interested in the adult social care panel and "
        "the mental health strategy group. Prefers email over phone calls; happy to be "
        "contacted in the evenings. Has asked for travel expenses to be paid by bank transfer "
        "and for receipts to be accepted as photos."
    ),
}
"""A typical participant: short fields, an address, three free-text answers of 200-500 chars."""


class BenchProfile(Table, tablename="bench_profile"):
    """PROFILE's ten fields, encrypted, with email and phone blind-indexed (never created)."""

    id = columns.UUID(primary_key=True)
    subject = columns.UUID()
    name = Bytea(null=True, default=None)
    preferred_name = Bytea(null=True, default=None)
    email = Bytea(null=True, default=None)
    email_index = Varchar(length=16, null=True, default=None)
    phone = Bytea(null=True, default=None)
    phone_index = Varchar(length=16, null=True, default=None)
    address = Bytea(null=True, default=None)
    date_of_birth = Bytea(null=True, default=None)
    pronouns = Bytea(null=True, default=None)
    lived_experience = Bytea(null=True, default=None)
    access_needs = Bytea(null=True, default=None)
    notes = Bytea(null=True, default=None)
    sealed_with = Varchar(length=32, default="")


class BenchPerson(Table, tablename="bench_person"):
    """Like the tests' SamplePerson, reduced to one encrypted, blind-indexed field."""

    id = columns.UUID(primary_key=True)
    subject = columns.UUID()
    email = Bytea(null=True, default=None)
    email_index = Varchar(length=16, null=True, default=None, index=True)
    sealed_with = Varchar(length=32, default="")


class PlainPerson(Table, tablename="bench_plain_person"):
    """The baseline: the same emails in the clear, with an ordinary index."""

    id = columns.UUID(primary_key=True)
    email = Varchar(length=255, index=True)


def _personal(column: str, kind: str = "") -> PersonalField:
    return PersonalField(
        column,
        group="contact",
        purpose="Benchmark",
        lawful_basis="Art 6(1)(e) public task",
        retention="Benchmark",
        visible_to=frozenset({Role.coordinator}),
        protection=Protection.blind_indexed if kind else Protection.encrypted,
        blind_index=BlindIndex(f"{column}_index", kind) if kind else None,
    )


PEOPLE_MAP = TableMap(
    BenchPerson,
    fields=(_personal("email", "email"),),
    not_personal=("id", "subject"),
    owner_column="subject",
)
PROFILE_MAP = TableMap(
    BenchProfile,
    fields=tuple(_personal(c, c if c in ("email", "phone") else "") for c in PROFILE),
    not_personal=("id", "subject"),
    owner_column="subject",
)


def new_sealer(keyring: Keyring) -> Sealer:
    """A Sealer with a fresh Vault, as one request would build it (no data key cached)."""
    return Sealer(Vault(keyring), _datamap(), POPULATION)


def _datamap() -> DataMap:
    datamap = DataMap()
    datamap.add(PEOPLE_MAP, PROFILE_MAP)
    return datamap


def emails(count: int, seed: int = 2026) -> list[str]:
    """Unique, realistic-looking addresses; the number makes each one unique."""
    rng = random.Random(seed)
    return [
        f"{rng.choice(FIRST)}.{rng.choice(LAST)}{n}@{rng.choice(DOMAINS)}" for n in range(count)
    ]


async def create_tables(engine: EmbeddedSQLiteEngine) -> None:
    for table in (DataKey, BenchPerson, PlainPerson):
        table._meta.db = engine
        await table.create_table(if_not_exists=True)


@dataclass
class Person:
    row_id: UUID
    subject: UUID
    email: str
    key_id: UUID
    key: bytes


async def fill(engine: EmbeddedSQLiteEngine, keyring: Keyring, addresses: list[str]) -> None:
    """Insert everyone in transactions of BATCH people: data keys, sealed and plain rows.

    Rows go through ``executemany`` on the engine's connection with the same Python values
    Piccolo would pass (its sqlite3 adapters turn UUIDs and datetimes into text), which fills
    the 300,000 rows several times faster than Piccolo's INSERT building.
    """
    for batch in _batches(addresses):
        people = [
            Person(uuid4(), uuid4(), email, uuid4(), os.urandom(KEY_BYTES)) for email in batch
        ]
        rows = {
            DataKey: [_data_key(keyring, p) for p in people],
            BenchPerson: await _sealed_rows(keyring, people),
            PlainPerson: [(p.row_id, p.email) for p in people],
        }
        async with engine.transaction():
            connection = await engine.shared_connection()
            for table, values in rows.items():
                await connection.executemany(_insert_sql(table), values)


def _batches(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def _insert_sql(table: type[Table]) -> str:
    """INSERT of every column, in declaration order (the order of the value tuples)."""
    names = [column._meta.db_column_name for column in table._meta.columns]
    quoted = ", ".join(f'"{name}"' for name in names)
    marks = ", ".join("?" for _ in names)
    return f'INSERT INTO "{table._meta.tablename}" ({quoted}) VALUES ({marks})'  # noqa: S608


def _data_key(keyring: Keyring, person: Person) -> tuple[Any, ...]:
    """The row the Vault would have created for this person, wrapped the same way."""
    master = keyring.active
    wrapped = wrap(master.material, master.key_id, person.key_id, person.key)
    values = {
        "id": person.key_id,
        "owner": person.subject,
        "master_key_id": master.key_id,
        "wrapped": wrapped,
        "created_at": datetime.now(UTC),
        "destroyed_at": None,
    }
    return _in_column_order(DataKey, values)


async def _sealed_rows(keyring: Keyring, people: list[Person]) -> list[tuple[Any, ...]]:
    """Seal through ``Sealer.seal``; its Vault is handed this batch's keys (no database trip)."""
    vault = Vault(keyring)
    master = keyring.active
    for p in people:
        wrapped = wrap(master.material, master.key_id, p.key_id, p.key)
        vault.prime(p.subject, p.key_id, master.key_id, wrapped)
    sealer = Sealer(vault, _datamap(), POPULATION)
    rows = []
    for p in people:
        stored = await sealer.seal(BenchPerson, p.row_id, p.subject, {"email": p.email})
        rows.append(_in_column_order(BenchPerson, {"id": p.row_id, "subject": p.subject, **stored}))
    return rows


def _in_column_order(table: type[Table], values: dict[str, Any]) -> tuple[Any, ...]:
    """The values of every column, in ``_insert_sql``'s order; a missing column is an error."""
    return tuple(values[column._meta.db_column_name] for column in table._meta.columns)
