"""The keyring: master keys that wrap data keys, and the root of the blind-index keys.

Loaded from ``RECIPROCITY_KEYRING`` (JSON text) or ``RECIPROCITY_KEYRING_FILE`` (a JSON file),
never from the database or the repository. In development a keyring is generated once under
``var/dev-keys/`` with a loud warning. The service refuses to start on a missing, short,
duplicated or non-random key, on no (or two) active master keys, and on development keys in
production. Format::

    {"master_keys": [{"id": "2026-a", "status": "active", "key": "<base64 of 32 random bytes>"}],
     "index_keys": [{"version": 1, "key": "<base64 of 32 random bytes>"}]}
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from app.crypto import KEY_BYTES
from app.keys import ConfigurationError, dev_key_dir
from app.settings import Settings

DEV_ID_PREFIX = "dev-"
MIN_DISTINCT_BYTES = 16  # a random 32-byte key has about 28; "aaaa..." and friends have 1


class KeyStatus(StrEnum):
    active = "active"
    decrypt_only = "decrypt_only"
    retired = "retired"


@dataclass(frozen=True)
class MasterKey:
    key_id: str
    status: KeyStatus
    material: bytes

    def __repr__(self) -> str:
        return f"MasterKey({self.key_id!r}, {self.status.value})"


@dataclass(frozen=True)
class Keyring:
    """Master keys by id (one active) and blind-index root keys by version (highest current)."""

    master_keys: dict[str, MasterKey]
    index_keys: dict[int, bytes]

    def __repr__(self) -> str:
        return f"Keyring(master={sorted(self.master_keys)}, index={sorted(self.index_keys)})"

    @property
    def active(self) -> MasterKey:
        return next(k for k in self.master_keys.values() if k.status is KeyStatus.active)

    def for_unwrapping(self, key_id: str) -> MasterKey:
        key = self.master_keys.get(key_id)
        if key is None or key.status is KeyStatus.retired:
            raise ConfigurationError(
                f"Master key {key_id!r} is not in the keyring (or is retired)."
            )
        return key

    @property
    def index_version(self) -> int:
        return max(self.index_keys)

    @property
    def index_root(self) -> bytes:
        return self.index_keys[self.index_version]

    @property
    def is_development(self) -> bool:
        return any(key_id.startswith(DEV_ID_PREFIX) for key_id in self.master_keys)


def load_keyring(settings: Settings) -> Keyring:
    """The configured keyring, validated; in development, the generated one."""
    text = settings.keyring.get_secret_value()
    if not text and settings.keyring_file is not None:
        text = _read(settings.keyring_file)
    if not text and not settings.is_production:
        text = _read(ensure_dev_keyring(settings))
    if not text:
        raise ConfigurationError(
            "No keyring is configured. Set RECIPROCITY_KEYRING_FILE (see 'reciprocity keys "
            "generate --help')."
        )
    keyring = parse_keyring(text)
    if settings.is_production and keyring.is_development:
        raise ConfigurationError("Development keys are configured in production.")
    return keyring


def parse_keyring(text: str) -> Keyring:
    try:
        data = json.loads(text)
        masters = [_master(entry) for entry in data["master_keys"]]
        index = {int(entry["version"]): _material(entry["key"]) for entry in data["index_keys"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(
            f"The keyring is not valid JSON of the documented shape: {exc}"
        ) from None
    _check(masters, index, len(data["index_keys"]))
    return Keyring({k.key_id: k for k in masters}, index)


def new_keyring_json(*, key_id: str, development: bool = False) -> str:
    """A fresh keyring with one active master key and one index key."""
    return json.dumps(
        {
            "master_keys": [
                {
                    "id": (DEV_ID_PREFIX if development else "") + key_id,
                    "status": "active",
                    "key": new_key(),
                }
            ],
            "index_keys": [{"version": 1, "key": new_key()}],
        },
        indent=2,
    )


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def ensure_dev_keyring(settings: Settings) -> Path:
    path = dev_key_dir(settings) / "keyring.json"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(new_keyring_json(key_id="1", development=True))
    return path


def _master(entry: dict[str, Any]) -> MasterKey:
    return MasterKey(str(entry["id"]), KeyStatus(entry["status"]), _material(entry["key"]))


def _material(encoded: str) -> bytes:
    try:
        material = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise ConfigurationError("A key is not valid base64.") from None
    if len(material) != KEY_BYTES:
        raise ConfigurationError(
            f"A key is {len(material)} bytes long; keys must be {KEY_BYTES} random bytes."
        )
    if len(set(material)) < MIN_DISTINCT_BYTES:
        raise ConfigurationError(
            "A key is an example or not random. Generate one with 'reciprocity keys generate'."
        )
    return material


def _check(masters: list[MasterKey], index: dict[int, bytes], index_entries: int) -> None:
    ids = [k.key_id for k in masters]
    materials = [k.material for k in masters] + list(index.values())
    if len(set(ids)) != len(ids) or len(index) != index_entries:
        raise ConfigurationError("The keyring lists the same key id or index version twice.")
    if len(set(materials)) != len(materials):
        raise ConfigurationError("The keyring uses the same key material twice.")
    if sum(k.status is KeyStatus.active for k in masters) != 1:
        raise ConfigurationError("The keyring must have exactly one active master key.")
    if not index:
        raise ConfigurationError("The keyring has no index key.")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"Cannot read the keyring file {path}: {exc.strerror}.") from exc
