"""The backup file format without a database: what goes in comes out, any change is refused,
the keyring is named when it is the wrong one, and rotation does not orphan old backups."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from app.backup import DAMAGED, BackupError, decrypt_file, encrypt_file, new_header
from app.keyring import Keyring, new_key, new_keyring_json, parse_keyring

RECIPROCITY = str(Path(sys.executable).with_name("reciprocity"))
DEMO_FEEDBACK_WORDS = b"Universal Credit"  # plain text in the demo's feedback table


# --- the file format, without a database ---------------------------------------------------


def keyring_with(*masters: tuple[str, str]) -> Keyring:
    """A keyring of master keys (id, status) with fresh random material."""
    return parse_keyring(
        json.dumps(
            {
                "master_keys": [
                    {"id": key_id, "status": status, "key": new_key()} for key_id, status in masters
                ],
                "index_keys": [{"version": 1, "key": new_key()}],
            }
        )
    )


def sealed_file(tmp_path: Path, keyring: Keyring, plain: bytes, chunk_bytes: int = 1000) -> bytes:
    source = tmp_path / "plain"
    source.write_bytes(plain)
    header = new_header(
        keyring.active,
        source,
        engine="sqlite",
        created="2026-11-24T00:00:00+00:00",
        tables={"account": 3},
        chunk_bytes=chunk_bytes,
    )
    out = io.BytesIO()
    encrypt_file(source, header, keyring.active, out)
    return out.getvalue()


def opened(sealed: bytes, keyring: Keyring) -> bytes:
    out = io.BytesIO()
    decrypt_file(io.BytesIO(sealed), keyring, out)
    return out.getvalue()


@pytest.mark.parametrize("size", [0, 1, 999, 1000, 10_500])
def test_a_backup_file_opens_to_exactly_what_went_in(tmp_path: Path, size: int) -> None:
    keyring = keyring_with(("k1", "active"))
    plain = os.urandom(size)

    sealed = sealed_file(tmp_path, keyring, plain)

    assert opened(sealed, keyring) == plain
    if size >= 64:
        assert plain[:64] not in sealed


def chunk_offsets(sealed: bytes) -> list[int]:
    """Where each chunk's length field starts."""
    start = 13 + int.from_bytes(sealed[9:13], "big")
    offsets = []
    while start < len(sealed):
        offsets.append(start)
        start += 4 + int.from_bytes(sealed[start : start + 4], "big")
    return offsets


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


TAMPERINGS = {
    "a byte of ciphertext": lambda s: flip(s, len(s) // 2),
    "a row count in the header": lambda s: s.replace(b'"account":3', b'"account":4'),
    "the SHA-256 in the header": lambda s: flip(s, s.index(b'"sha256":"') + 10),
    "the last chunk cut off": lambda s: s[: chunk_offsets(s)[-1]],
    "the end cut short": lambda s: s[:-1],
    "two chunks swapped": lambda s: (
        s[: chunk_offsets(s)[0]]
        + s[chunk_offsets(s)[1] : chunk_offsets(s)[2]]
        + s[chunk_offsets(s)[0] : chunk_offsets(s)[1]]
        + s[chunk_offsets(s)[2] :]
    ),
    "bytes appended": lambda s: s + b"\x00" * 20,
}


@pytest.mark.parametrize("tampering", TAMPERINGS)
def test_any_change_to_the_file_is_refused(tmp_path: Path, tampering: str) -> None:
    keyring = keyring_with(("k1", "active"))
    sealed = sealed_file(tmp_path, keyring, os.urandom(5_500))
    changed = TAMPERINGS[tampering](sealed)
    assert changed != sealed

    with pytest.raises(BackupError) as refused:
        opened(changed, keyring)

    assert str(refused.value) == DAMAGED


def test_another_kind_of_file_is_named_as_such(tmp_path: Path) -> None:
    with pytest.raises(BackupError) as refused:
        opened(b"SQLite format 3\x00" + os.urandom(100), keyring_with(("k1", "active")))

    assert str(refused.value) == "This is not a Reciprocity backup file."


@pytest.mark.parametrize(
    "change",
    [{"key_check": 1}, {"tables": {"account": "3"}}, {"salt": "not hex"}, {"surprise": 1}],
    ids=["number for text", "text for a count", "bad salt", "unknown field"],
)
def test_a_header_of_the_wrong_shape_is_called_damaged(
    tmp_path: Path, change: dict[str, Any]
) -> None:
    keyring = keyring_with(("k1", "active"))
    sealed = sealed_file(tmp_path, keyring, b"data")
    length = int.from_bytes(sealed[9:13], "big")
    header = json.loads(sealed[13 : 13 + length]) | change
    raw = json.dumps(header).encode()
    reshaped = sealed[:9] + len(raw).to_bytes(4, "big") + raw + sealed[13 + length :]

    with pytest.raises(BackupError) as refused:
        opened(reshaped, keyring)

    assert str(refused.value) == DAMAGED


def test_a_keyring_without_the_master_key_is_refused_by_name(tmp_path: Path) -> None:
    sealed = sealed_file(tmp_path, keyring_with(("2026-a", "active")), b"data")

    with pytest.raises(BackupError) as refused:
        opened(sealed, keyring_with(("2026-b", "active")))

    assert str(refused.value).startswith(
        "This backup was made with master key '2026-a', which this keyring does not hold."
    )


def test_a_different_key_under_the_same_id_is_called_the_wrong_keyring(tmp_path: Path) -> None:
    sealed = sealed_file(tmp_path, keyring_with(("1", "active")), b"data")

    with pytest.raises(BackupError) as refused:
        opened(sealed, keyring_with(("1", "active")))

    assert str(refused.value).startswith(
        "Master key '1' in this keyring is not the key this backup was made with"
    )


def test_a_backup_still_opens_after_its_master_key_is_rotated_out(tmp_path: Path) -> None:
    data = json.loads(new_keyring_json(key_id="1"))
    sealed = sealed_file(tmp_path, parse_keyring(json.dumps(data)), b"golden")
    data["master_keys"][0]["status"] = "decrypt_only"  # what 'reciprocity keys add master' does
    data["master_keys"].append({"id": "2", "status": "active", "key": new_key()})
    rotated = parse_keyring(json.dumps(data))
    assert rotated.active.key_id == "2"

    assert opened(sealed, rotated) == b"golden"
