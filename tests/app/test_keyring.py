"""The keyring refuses what would make encryption weak or data unreadable."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from app.keyring import KeyStatus, load_keyring, new_key, new_keyring_json, parse_keyring
from app.keys import ConfigurationError
from app.settings import Environment, Settings


def keyring(masters: list[dict[str, str]], index: list[dict[str, object]] | None = None) -> str:
    return json.dumps(
        {"master_keys": masters, "index_keys": index or [{"version": 1, "key": new_key()}]}
    )


def test_a_generated_keyring_loads() -> None:
    loaded = parse_keyring(new_keyring_json(key_id="2026-a"))

    assert loaded.active.key_id == "2026-a"
    assert loaded.active.status is KeyStatus.active
    assert loaded.index_version == 1
    assert "key" not in repr(loaded).lower().replace("keyring", "")


@pytest.mark.parametrize(
    ("masters", "message"),
    [
        (
            [{"id": "a", "status": "active", "key": base64.b64encode(b"short").decode()}],
            "5 bytes long",
        ),
        (
            [{"id": "a", "status": "active", "key": base64.b64encode(b"\x00" * 32).decode()}],
            "not random",
        ),
        ([{"id": "a", "status": "active", "key": "not base64!"}], "not valid base64"),
        ([{"id": "a", "status": "decrypt_only", "key": new_key()}], "exactly one active"),
        (
            [
                {"id": "a", "status": "active", "key": new_key()},
                {"id": "b", "status": "active", "key": new_key()},
            ],
            "exactly one active",
        ),
        (
            [
                {"id": "a", "status": "active", "key": new_key()},
                {"id": "a", "status": "retired", "key": new_key()},
            ],
            "same key id",
        ),
    ],
)
def test_unsafe_keyrings_are_refused(masters: list[dict[str, str]], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        parse_keyring(keyring(masters))


def test_the_same_material_twice_is_refused() -> None:
    material = new_key()

    with pytest.raises(ConfigurationError, match="same key material twice"):
        parse_keyring(
            keyring(
                [{"id": "a", "status": "active", "key": material}],
                [{"version": 1, "key": material}],
            )
        )


def test_production_refuses_a_missing_or_development_keyring(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="No keyring is configured"):
        load_keyring(Settings(var_dir=tmp_path))

    dev = new_keyring_json(key_id="1", development=True)
    with pytest.raises(ConfigurationError, match="Development keys are configured in production"):
        load_keyring(Settings(var_dir=tmp_path, keyring=dev))  # type: ignore[arg-type]


def test_development_generates_a_keyring_once(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, environment=Environment.development)

    first, second = load_keyring(settings), load_keyring(settings)

    assert first.active.key_id == second.active.key_id == "dev-1"
    assert first.active.material == second.active.material
    assert (tmp_path / "dev-keys" / "keyring.json").stat().st_mode & 0o777 == 0o600


def test_a_retired_key_cannot_unwrap() -> None:
    loaded = parse_keyring(
        keyring(
            [
                {"id": "new", "status": "active", "key": new_key()},
                {"id": "old", "status": "retired", "key": new_key()},
            ]
        )
    )

    with pytest.raises(ConfigurationError, match="'old' is not in the keyring"):
        loaded.for_unwrapping("old")
