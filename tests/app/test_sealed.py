"""Sealed rows on both engines: values stay put, erasure shreds, blind indexes find the row."""

from __future__ import annotations

import random
from typing import Any
from uuid import UUID

import pytest

from app.crypto import DecryptionFailed, KeyDestroyed
from app.keyring import new_keyring_json, parse_keyring
from app.sealed import Sealer
from tests.support.canaries import PLANTED
from tests.support.people import (
    SENSITIVE_COLUMNS,
    SamplePerson,
    add_person,
    create_people_table,
    read_person,
    sealer_for,
)

ADA = {
    "name": "Ada Okafor",
    "email": "Ada.Okafor@Example.org",
    "phone": "07700 900123",
    "lived_experience": "Homelessness; domestic abuse",
    "payee_name": "A Okafor",
}


@pytest.fixture(autouse=True)
def _ada_is_a_canary() -> None:
    """Ada's values must never reach a log: every test here checks it (tests/support/canaries)."""
    PLANTED.update(value for value in ADA.values() if len(value) > 8)


@pytest.fixture
async def sealer(db: Any) -> Sealer:
    await create_people_table(db)
    return sealer_for(parse_keyring(new_keyring_json(key_id="t1")))


async def test_a_sealed_row_reads_back_and_stores_no_plaintext(sealer: Sealer) -> None:
    row_id, _ = await add_person(sealer, **ADA)

    assert await read_person(sealer, row_id) == ADA
    stored = await SamplePerson.select().where(SamplePerson.id == row_id).first()
    assert stored is not None
    raw = b"".join(bytes(stored[c]) for c in SENSITIVE_COLUMNS)
    for value in ADA.values():
        assert value.encode() not in raw


async def test_decrypted_values_are_redacted_when_printed(sealer: Sealer) -> None:
    row_id, _ = await add_person(sealer, **ADA)
    row = await SamplePerson.select().where(SamplePerson.id == row_id).first()
    assert row is not None

    opened = await sealer.open(SamplePerson, row)

    assert repr(opened["name"]) == "<redacted>"
    assert f"{opened['email']}" == "<redacted>"
    assert str(opened) == "{" + ", ".join(f"'{c}': <redacted>" for c in SENSITIVE_COLUMNS) + "}"


async def test_ciphertexts_swapped_by_raw_sql_never_decrypt(sealer: Sealer, db: Any) -> None:
    people = [(await add_person(sealer, **ADA))[0] for _ in range(12)]
    originals = {r["id"]: r for r in await SamplePerson.select()}
    chance = random.Random(20261123)
    swaps = 0
    while swaps < 1000:
        source, target = chance.choice(people), chance.choice(people)
        from_column, to_column = chance.choice(SENSITIVE_COLUMNS), chance.choice(SENSITIVE_COLUMNS)
        if (source, from_column) == (target, to_column):
            continue
        await SamplePerson.raw(
            f"UPDATE sample_person SET {to_column} = "
            f"(SELECT {from_column} FROM sample_person WHERE id = {{}}) WHERE id = {{}}",
            source,
            target,
        )

        with pytest.raises(DecryptionFailed):
            await read_person(sealer, target)

        column = SamplePerson._meta.get_column_by_name(to_column)
        await SamplePerson.update({column: originals[target][to_column]}).where(
            SamplePerson.id == target
        )
        swaps += 1
    assert [await read_person(sealer, person) for person in people] == [ADA] * len(people)


async def test_a_swap_made_in_the_database_is_refused(sealer: Sealer, db: Any) -> None:
    first, _ = await add_person(sealer, **ADA)
    second, _ = await add_person(sealer, **{**ADA, "name": "Ben Carter"})
    blob = (
        await SamplePerson.select(SamplePerson.name).where(SamplePerson.id == first).first() or {}
    )["name"]

    await SamplePerson.update({SamplePerson.name: blob}).where(SamplePerson.id == second)

    with pytest.raises(DecryptionFailed):
        await read_person(sealer, second)


async def test_erasure_shreds_personal_fields_but_keeps_finance_records(sealer: Sealer) -> None:
    row_id, subject = await add_person(sealer, **ADA)
    assert await sealer.vault.destroy(subject) is True

    fresh = sealer_for(sealer.vault.keyring)  # a new request: nothing cached
    row = await SamplePerson.select().where(SamplePerson.id == row_id).first()
    assert row is not None
    for column in ("name", "email", "phone", "lived_experience"):
        with pytest.raises(KeyDestroyed):
            await fresh.open(SamplePerson, {"id": row_id, column: row[column]})
    finance = await fresh.open(SamplePerson, {"id": row_id, "payee_name": row["payee_name"]})
    assert finance["payee_name"] is not None
    assert finance["payee_name"].reveal() == "A Okafor"


async def test_blind_index_finds_the_person_whatever_the_spelling(sealer: Sealer) -> None:
    row_id, _ = await add_person(sealer, **ADA)

    for email in ("ada.okafor@example.org", "  ADA.OKAFOR@EXAMPLE.ORG ", "Ａda.Okafor@Example.org"):
        assert [r["id"] for r in await sealer.find(SamplePerson, "email", email)] == [row_id]
    for phone in ("+44 7700 900123", "(07700) 900-123", "0044 7700 900123", "+44 (0)7700 900123"):
        assert [r["id"] for r in await sealer.find(SamplePerson, "phone", phone)] == [row_id]
    assert await sealer.find(SamplePerson, "email", "someone.else@example.org") == []


async def test_colliding_index_values_never_return_the_wrong_person(db: Any) -> None:
    await create_people_table(db)
    tiny = sealer_for(parse_keyring(new_keyring_json(key_id="t2")), population=8)  # 2-bit indexes
    people: dict[str, UUID] = {}
    for number in range(20):
        email = f"person{number}@example.org"
        people[email] = (await add_person(tiny, **{**ADA, "email": email}))[0]

    for email, row_id in people.items():
        assert [r["id"] for r in await tiny.find(SamplePerson, "email", email)] == [row_id]
    index_values = {r["email_index"] for r in await SamplePerson.select(SamplePerson.email_index)}
    assert len(index_values) <= 4
