"""Key rotation and re-encryption: killed at random points, resumed, nothing lost or left behind."""

from __future__ import annotations

import json
import random
from typing import Any
from uuid import UUID

import pytest

from app import key_jobs
from app.keyring import new_key, new_keyring_json, parse_keyring
from app.sealed import Sealer
from app.tables import DataKey
from tests.support.people import (
    SamplePerson,
    add_person,
    create_people_table,
    read_person,
    sealer_for,
)

PEOPLE = 30


class Killed(Exception):
    """Stands for the process being killed in the middle of a unit of work."""


def killer(chance: random.Random, odds: float) -> Any:
    async def maybe_kill() -> None:
        if chance.random() < odds:
            raise Killed  # inside the row's transaction: the row's work is rolled back

    return maybe_kill


def with_new_master(keyring_json: str) -> str:
    data = json.loads(keyring_json)
    data["master_keys"][0]["status"] = "decrypt_only"
    data["master_keys"].append({"id": "B", "status": "active", "key": new_key()})
    return json.dumps(data)


def with_new_index_key(keyring_json: str) -> str:
    data = json.loads(keyring_json)
    data["index_keys"].append({"version": 2, "key": new_key()})
    return json.dumps(data)


@pytest.fixture
async def written_under_a(db: Any) -> tuple[str, dict[UUID, dict[str, str]]]:
    await create_people_table(db)
    keyring_json = new_keyring_json(key_id="A")
    sealer = sealer_for(parse_keyring(keyring_json))
    people = {}
    for number in range(PEOPLE):
        values = {
            "name": f"Person {number}",
            "email": f"person{number}@example.org",
            "phone": f"07700 900{number:03d}",
            "lived_experience": "Refugee",
            "payee_name": f"P {number}",
        }
        people[(await add_person(sealer, **values))[0]] = values
    return keyring_json, people


async def run_until_done(job: Any, sealer: Sealer, kills: int, seed: int) -> int:
    """Run ``job`` with random kills until ``kills`` happened, then once more to the end."""
    chance = random.Random(seed)
    killed = 0
    while killed < kills:
        try:
            await job(sealer, batch=7, after_each=killer(chance, 0.15))
        except Killed:
            killed += 1
        else:
            break
    return int(await job(sealer, batch=7))


async def test_rotation_drill_killed_five_times(
    written_under_a: tuple[str, dict[UUID, dict[str, str]]],
) -> None:
    keyring_json, people = written_under_a
    rotated = sealer_for(parse_keyring(with_new_master(keyring_json)))

    await run_until_done(key_jobs.rotate, rotated, kills=5, seed=5)

    assert await DataKey.count().where(DataKey.master_key_id == "A") == 0
    assert await DataKey.count().where(DataKey.master_key_id == "B") == PEOPLE + 1  # + finance key
    for row_id, values in people.items():
        assert await read_person(sealer_for(rotated.vault.keyring), row_id) == values
    assert await key_jobs.rotate(rotated) == 0


async def test_old_master_key_can_go_once_rotated(
    written_under_a: tuple[str, dict[UUID, dict[str, str]]],
) -> None:
    keyring_json, people = written_under_a
    rotated_json = with_new_master(keyring_json)
    await key_jobs.rotate(sealer_for(parse_keyring(rotated_json)))

    data = json.loads(rotated_json)
    data["master_keys"] = [k for k in data["master_keys"] if k["id"] == "B"]
    only_b = sealer_for(parse_keyring(json.dumps(data)))

    for row_id, values in people.items():
        assert await read_person(only_b, row_id) == values


async def test_reencrypt_drill_after_index_key_change(
    written_under_a: tuple[str, dict[UUID, dict[str, str]]],
) -> None:
    keyring_json, people = written_under_a
    renewed = sealer_for(parse_keyring(with_new_index_key(keyring_json)))
    before = {r["id"]: r["email_index"] for r in await SamplePerson.select()}

    await run_until_done(key_jobs.reencrypt, renewed, kills=5, seed=11)

    rows = await SamplePerson.select()
    assert {r["sealed_with"] for r in rows} == {"f1.i2"}
    assert sum(r["email_index"] != before[r["id"]] for r in rows) >= PEOPLE // 2
    for row_id, values in people.items():
        assert await read_person(renewed, row_id) == values
        assert [r["id"] for r in await renewed.find(SamplePerson, "email", values["email"])] == [
            row_id
        ]
    assert await key_jobs.reencrypt(renewed) == 0


async def test_status_counts_keys_and_rows(
    written_under_a: tuple[str, dict[UUID, dict[str, str]]],
) -> None:
    keyring_json, _ = written_under_a
    sealer = sealer_for(parse_keyring(keyring_json))

    assert await key_jobs.status(sealer) == {
        "data keys by master key": {"A": PEOPLE + 1},
        "rows by seal": {"sample_person f1.i1": PEOPLE},
    }


async def test_a_retired_key_still_in_use_is_reported(
    written_under_a: tuple[str, dict[UUID, dict[str, str]]],
) -> None:
    keyring_json, _ = written_under_a
    data = json.loads(with_new_master(keyring_json))
    data["master_keys"][0]["status"] = "retired"
    retired_too_soon = sealer_for(parse_keyring(json.dumps(data)))

    assert await key_jobs.retired_in_use(retired_too_soon) == ["A"]
    await key_jobs.rotate(sealer_for(parse_keyring(with_new_master(keyring_json))))
    assert await key_jobs.retired_in_use(retired_too_soon) == []
