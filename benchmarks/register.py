"""Data for ``bench_participants``: 20,000 sealed participants and their plain-text twins.

Not a benchmark itself (no ``bench_`` prefix). Each person's sections are validated by the
service's own schemas and split into sealed and plain columns by ``profiles``' own mapping,
sealed by ``Sealer.seal`` under their own data key (wrapped by the keyring, stored in
``data_key``), with one consent event per purpose granted. The twin table holds the same rows
with every sealed column as plain text: the baseline of a profile read. Rows are inserted in
batches, one transaction and one INSERT per table each.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from piccolo.columns import Text
from piccolo.engine.base import Engine
from piccolo.querystring import QueryString
from piccolo.table import Table, create_table_class

from app.crypto import KEY_BYTES
from app.keyring import Keyring
from app.sealed import Sealer
from app.tables import DataKey
from app.vault import Vault, wrap
from participation import schemas
from participation import vocabulary as v
from participation.datamap import PARTICIPANT
from participation.services import consent, profiles
from participation.tables import ConsentEvent, Participant

POPULATION, BATCH = 20_000, 500
FIRST = ("Amira", "Ben", "Chloe", "Dev", "Erin", "Farah", "George", "Hana", "Ian", "Jess")
LAST = ("Okafor", "Smith", "Nowak", "Patel", "Jones", "Murphy", "Khan", "Evans", "Li", "Brown")
STREETS = ("Wellington Road", "Mill Lane", "Station Street", "Church View", "Harbour Walk")
WORDS = (
    "I slept rough for two winters before a hostel place came up. I know what it is like to "
    "be passed between services and to tell my story again at every door.",
    "I left an abusive relationship with my two children. The refuge staff were kind but the "
    "forms were hard, and nobody told us what would happen next.",
    "I care for my son, who has autism, and have fought for his support plan at every stage.",
)
SEALED = frozenset(f.column for f in PARTICIPANT.encrypted)


async def create_plain_table(engine: Engine[Any]) -> type[Table]:
    """The benchmark-only twin: Participant's columns, each sealed one as plain text, made by
    running Piccolo's DDL for it on this database."""
    columns = {
        c._meta.name: Text(null=True, default=None) if c._meta.name in SEALED else c.copy()
        for c in Participant._meta.columns
    }
    table = create_table_class(
        "PlainParticipant",
        class_kwargs={"tablename": "bench_plain_participant"},
        class_members=columns,
    )
    table._meta.db = engine
    for statement in table.create_table().ddl:
        await engine.run_ddl(statement)
    return table


async def fill(
    engine: Engine[Any],
    new_sealer: Callable[[], Sealer],
    keyring: Keyring,
    plain_table: type[Table],
) -> list[UUID]:
    """Everyone sealed and stored with their data key and consents, and their plain twins."""
    rng = random.Random(2026)
    subjects = []
    for start in range(0, POPULATION, BATCH):
        sealer = new_sealer()  # one vault per batch: its keys leave memory with it
        keys, rows, twins, consents = [], [], [], []
        for n in range(start, start + BATCH):
            subject = uuid4()
            keys.append(_data_key(keyring, sealer.vault, subject))
            sealed, plain = _columns(_sections(rng, n))
            stored = await sealer.seal(Participant, subject, subject, sealed)
            common = {"id": subject, **plain, **_state(rng)}
            rows.append(Participant(**common, **stored))
            twins.append(plain_table(**{**common, **stored, **sealed}))
            consents += _consent_events(rng, subject, common["consents"])
            subjects.append(subject)
        async with engine.transaction():
            for batch in (keys, rows, twins, consents):
                await _insert(engine, batch)
    return subjects


async def _insert(engine: Engine[Any], rows: list[Any]) -> None:
    """One multi-row INSERT of these objects' values (Piccolo's own conversions apply), built
    as one flat query: several times faster than Piccolo building an INSERT per row."""
    table = type(rows[0])
    columns = table._meta.columns
    names = ", ".join(f'"{c._meta.db_column_name}"' for c in columns)
    marks = "(" + ", ".join("{}" for _ in columns) + ")"
    rows_sql = ", ".join([marks] * len(rows))
    sql = f'INSERT INTO "{table._meta.tablename}" ({names}) VALUES {rows_sql}'  # noqa: S608
    await engine.run_querystring(
        QueryString(sql, *(getattr(row, c._meta.name) for row in rows for c in columns))
    )


def _data_key(keyring: Keyring, vault: Vault, subject: UUID) -> DataKey:
    """A data key as the Vault makes one, handed to the vault so sealing needs no query."""
    master, key_id = keyring.active, uuid4()
    wrapped = wrap(master.material, master.key_id, key_id, os.urandom(KEY_BYTES))
    vault.prime(subject, key_id, master.key_id, wrapped)
    return DataKey(id=key_id, owner=subject, master_key_id=master.key_id, wrapped=wrapped)


def _columns(sections: list[schemas.Section]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Sealed and plain column values, split exactly as ``profiles`` splits them."""
    sealed: dict[str, Any] = {}
    plain: dict[str, Any] = {}
    for section in sections:
        more_sealed, more_plain = profiles._columns(section)
        sealed |= more_sealed
        plain |= more_plain
    return sealed, plain


def _consent_events(rng: random.Random, subject: UUID, granted: str) -> list[ConsentEvent]:
    channel = rng.choice(consent.CHANNELS)
    return [
        ConsentEvent(
            id=uuid4(),
            subject=subject,
            purpose=purpose,
            granted=True,
            wording_version=consent.CURRENT[purpose].version,
            wording_hash=consent.CURRENT[purpose].sha256,
            channel=channel,
        )
        for purpose in granted.split(",")
    ]


def _some(rng: random.Random, choices: dict[str, str], most: int, none_share: float) -> list[str]:
    if rng.random() < none_share:
        return []
    return rng.sample(list(choices), rng.randint(1, min(most, len(choices))))


def _sections(rng: random.Random, n: int) -> list[schemas.Section]:
    """One believable person, validated by the service's own schemas."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    adjustments = _some(rng, v.ADJUSTMENTS, 3, 0.5)
    return [
        schemas.AboutYou(
            preferred_name=f"{first} {last}",
            date_of_birth=date(rng.randint(1945, 2005), rng.randint(1, 12), rng.randint(1, 28)),
        ),
        schemas.ContactDetails(
            email=f"{first}.{last}{n}@example.org".lower(),
            phone=f"07{n:09d}",
            address=f"{rng.randint(1, 200)} {rng.choice(STREETS)}, Northshire, NS{n % 9 + 1} 4AB",
            preferred_route=rng.choice(("email", "email", "phone", "sms", "post")),
            safe_contact=rng.random() < 0.05,
        ),
        schemas.LivedExperience(
            lived_experience=_some(rng, v.LIVED_EXPERIENCE_DEFAULTS, 3, 0.1),
            lived_experience_words=rng.choice(WORDS),
        ),
        schemas.Equality(
            **{
                q: rng.choice(list(v.with_prefer_not(c)))
                for q, (_, c) in v.EQUALITY_QUESTIONS.items()
            }
        ),
        schemas.Involvement(
            activities=_some(rng, v.ACTIVITIES, 5, 0.05),
            formats=_some(rng, v.FORMATS, 2, 0.3),
            group_sizes=_some(rng, v.GROUP_SIZES, 2, 0.4),
            never_days=_some(rng, v.DAYS, 2, 0.5),
            times_of_day=_some(rng, v.TIMES_OF_DAY, 2, 0.4),
            shorter_sessions=rng.random() < 0.2,
            contact_frequency=rng.choice(list(v.CONTACT_FREQUENCY)),
        ),
        schemas.AccessNeeds(
            adjustments=adjustments,
            travel_help=_some(rng, v.TRAVEL_HELP, 2, 0.8),
            interpreter_language="Tigrinya" if "interpreter" in adjustments else "",
            dietary="Halal" if "dietary" in adjustments else "",
            other="Please send papers a week before." if rng.random() < 0.3 else "",
        ),
    ]


def _state(rng: random.Random) -> dict[str, Any]:
    """Consents, pause and dates: most on the register, a few paused or not on it."""
    now = datetime.now(UTC)
    changed = now - timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
    on_register = rng.random() < 0.95
    return {
        "consents": "register,contact,share_access_needs" if on_register else "contact",
        "paused_at": changed if rng.random() < 0.04 else None,
        "created_at": changed - timedelta(days=rng.randint(0, 300)),
        "updated_at": changed,
        "last_active_at": changed,
    }
