"""Sensitive values never reach logs, error pages or problem details, even when code misbehaves.

Every test in the suite runs at DEBUG with a log trap (tests/conftest.py); this file plants
canaries in every sensitive field and then makes the worst happen around them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from litestar import get
from litestar.params import FromPath

from app.auth.access import PUBLIC
from app.db import current_engine
from app.factory import create_app
from app.keyring import new_keyring_json, parse_keyring
from app.migrations import migrate
from app.vault import Vault
from tests.conftest import make_settings
from tests.support.canaries import PLANTED, canary
from tests.support.people import (
    SENSITIVE_COLUMNS,
    SamplePerson,
    add_person,
    create_people_table,
    sealer_for,
)

KEYRING = new_keyring_json(key_id="canary")
SEALER = sealer_for(parse_keyring(KEYRING))


@get("/person/{row_id:uuid}/crash", name="crash")
async def crash_with_value(row_id: FromPath[UUID]) -> str:
    row = await SamplePerson.select().where(SamplePerson.id == row_id).first()
    opened = await SEALER.open(SamplePerson, row or {})
    raise RuntimeError(f"could not format {opened['name'].reveal()}")  # type: ignore[union-attr]


@get("/person/{row_id:uuid}/tampered", name="tampered")
async def read_tampered(row_id: FromPath[UUID]) -> str:
    row = await SamplePerson.select().where(SamplePerson.id == row_id).first()
    assert row is not None
    row["name"] = row["email"]  # a value in the wrong column
    await SEALER.open(SamplePerson, row)
    return "unreachable"


@pytest.fixture
async def planted(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, UUID]]:
    app = create_app(
        make_settings(tmp_path, f"sqlite:///{tmp_path / 'canary.sqlite'}", keyring=KEYRING)
    )
    app.register(crash_with_value)
    app.register(read_tampered)
    app.state.access_rules |= {"crash": PUBLIC, "tampered": PUBLIC}
    async with app.lifespan():
        await migrate()
        await create_people_table(current_engine())
        values = {column: canary(column) for column in SENSITIVE_COLUMNS}
        values["email"] = canary("email") + "@example.org"
        row_id, _ = await add_person(SEALER, **values)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http, row_id


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
async def test_a_crash_holding_a_value_shows_and_logs_none_of_it(
    planted: tuple[httpx.AsyncClient, UUID], accept: str
) -> None:
    client, row_id = planted

    response = await client.get(
        f"/person/{row_id}/crash?note={canary('query')}", headers={"accept": accept}
    )

    assert response.status_code == 500
    assert [c for c in PLANTED if c in response.text] == []


async def test_a_value_that_fails_to_decrypt_fails_closed(
    planted: tuple[httpx.AsyncClient, UUID], caplog: Any
) -> None:
    client, row_id = planted

    response = await client.get(
        f"/person/{row_id}/tampered", headers={"accept": "application/json"}
    )

    assert response.status_code == 500
    assert (
        response.json()["detail"]
        == "Try again later. If it keeps happening, contact us and give this reference."
    )
    events = [r.getMessage() for r in caplog.records if r.getMessage().startswith("security event")]
    assert len(events) == 1
    assert [c for c in PLANTED if c in response.text] == []


async def test_an_erased_persons_data_is_gone_not_broken(
    planted: tuple[httpx.AsyncClient, UUID],
) -> None:
    client, row_id = planted
    row = await SamplePerson.select(SamplePerson.subject).where(SamplePerson.id == row_id).first()
    assert row is not None
    await SEALER.vault.destroy(row["subject"])
    SEALER.vault = Vault(SEALER.vault.keyring)  # a new request starts with no cached keys

    response = await client.get(f"/person/{row_id}/crash", headers={"accept": "application/json"})

    assert response.status_code == 410
    assert response.json()["detail"] == "This person's details were erased at their request."
