"""A test-only table with every kind of protected field, and a Sealer that knows it.

The kernel has no people table of its own (participation adds it), so the data-protection
tests use this one: encrypted, blind-indexed, special-category and finance-key fields.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from piccolo import columns
from piccolo.columns import Bytea, Varchar
from piccolo.engine.base import Engine
from piccolo.table import Table

from app.datamap import BlindIndex, DataMap, KeyOwner, PersonalField, Protection, Role, TableMap
from app.keyring import Keyring
from app.sealed import Sealer
from app.vault import Vault

SENSITIVE_COLUMNS = ("name", "email", "phone", "lived_experience", "payee_name")


class SamplePerson(Table, tablename="sample_person"):
    id = columns.UUID(primary_key=True)
    subject = columns.UUID()
    name = Bytea(null=True, default=None)
    email = Bytea(null=True, default=None)
    email_index = Varchar(length=16, null=True, default=None, index=True)
    phone = Bytea(null=True, default=None)
    phone_index = Varchar(length=16, null=True, default=None, index=True)
    lived_experience = Bytea(null=True, default=None)
    payee_name = Bytea(null=True, default=None)
    sealed_with = Varchar(length=32, default="")


def _field(column: str, **extra: Any) -> PersonalField:
    values: dict[str, Any] = {
        "group": "contact",
        "purpose": "Test",
        "lawful_basis": "Art 6(1)(e) public task",
        "retention": "Test",
        "visible_to": frozenset({Role.coordinator}),
        **extra,
    }
    return PersonalField(column, **values)


PEOPLE_MAP = TableMap(
    SamplePerson,
    fields=(
        _field("name"),
        _field(
            "email",
            protection=Protection.blind_indexed,
            blind_index=BlindIndex("email_index", "email"),
        ),
        _field(
            "phone",
            protection=Protection.blind_indexed,
            blind_index=BlindIndex("phone_index", "phone"),
        ),
        _field(
            "lived_experience",
            group="lived experience",
            special_category="Art 9(2)(a) explicit consent",
        ),
        _field("payee_name", group="payment", key=KeyOwner.finance),
    ),
    not_personal=("id", "subject"),
    owner_column="subject",
)


def sealer_for(keyring: Keyring, population: int = 100_000) -> Sealer:
    datamap = DataMap()
    datamap.add(PEOPLE_MAP)
    return Sealer(Vault(keyring), datamap, population)


async def create_people_table(engine: Engine[Any]) -> None:
    SamplePerson._meta.db = engine
    await SamplePerson.create_table(if_not_exists=True)
    await SamplePerson.delete(force=True)


async def add_person(sealer: Sealer, **values: str | None) -> tuple[UUID, UUID]:
    """Insert one person with ``values``; returns (row id, subject id)."""
    row_id, subject = uuid4(), uuid4()
    stored = await sealer.seal(SamplePerson, row_id, subject, values)
    await SamplePerson.insert(SamplePerson(id=row_id, subject=subject, **stored))
    return row_id, subject


async def read_person(sealer: Sealer, row_id: UUID) -> dict[str, Any]:
    row = await SamplePerson.select().where(SamplePerson.id == row_id).first()
    assert row is not None
    opened = await sealer.open(SamplePerson, row)
    return {
        column: (value.reveal() if value is not None else None) for column, value in opened.items()
    }
