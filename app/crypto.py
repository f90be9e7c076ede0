"""Field encryption: the one module that turns personal data into ciphertext and back.

Format version 1 of a stored value::

    b"RC" | 0x01 | len(key_id) | key_id | nonce (12 random bytes) | AES-256-GCM(ciphertext || tag)

The associated data binds a ciphertext to where it belongs (logical table, column, row id and
the key's id), so a value copied to another row or column fails to decrypt instead of being
read as someone else's. Every failure raises ``DecryptionFailed``; nothing here ever returns
ciphertext or garbage as if it were a value.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"RC"
FORMAT_V1 = 1
NONCE_BYTES = 12
KEY_BYTES = 32
AAD_SCHEME = "reciprocity/field/v1"


class DecryptionFailed(Exception):
    """A stored value could not be decrypted: wrong place, wrong key, or tampered with."""


class KeyDestroyed(DecryptionFailed):
    """The data subject was erased: their data key no longer exists, by design."""


@dataclass(frozen=True)
class FieldRef:
    """Where a value lives: logical table and column (stable names, not physical ones) and row."""

    table: str
    column: str
    row_id: str


def associated_data(field: FieldRef, key_id: bytes) -> bytes:
    """Canonical, length-prefixed encoding, so no two different places share one AAD."""
    parts = (
        AAD_SCHEME.encode(),
        field.table.encode(),
        field.column.encode(),
        field.row_id.encode(),
        key_id,
    )
    return b"".join(struct.pack(">I", len(part)) + part for part in parts)


@lru_cache(maxsize=4096)
def _cipher(key: bytes) -> AESGCM:
    return AESGCM(key)


def seal(key: bytes, key_id: bytes, field: FieldRef, plaintext: bytes) -> bytes:
    """Encrypt ``plaintext`` for ``field`` under ``key``, with a fresh random nonce."""
    if len(key_id) > 255:
        raise ValueError("key ids are at most 255 bytes")
    nonce = os.urandom(NONCE_BYTES)
    header = MAGIC + bytes((FORMAT_V1, len(key_id))) + key_id
    body = _cipher(key).encrypt(nonce, plaintext, associated_data(field, key_id))
    return header + nonce + body


def key_id_of(blob: bytes) -> bytes:
    """The id of the key a stored value needs, read from its header (no trial decryption)."""
    return _parse(blob)[0]


def format_of(blob: bytes) -> int:
    _require_header(blob)
    return blob[2]


def unseal(key: bytes, field: FieldRef, blob: bytes) -> bytes:
    """Decrypt a value sealed for ``field``; raise ``DecryptionFailed`` on any mismatch."""
    key_id, nonce, body = _parse(blob)
    try:
        return _cipher(key).decrypt(nonce, body, associated_data(field, key_id))
    except InvalidTag:
        raise DecryptionFailed(f"cannot decrypt {field.table}.{field.column}") from None


def _require_header(blob: bytes) -> None:
    if len(blob) < 4 or blob[:2] != MAGIC:
        raise DecryptionFailed("not an encrypted value")
    if blob[2] != FORMAT_V1:
        raise DecryptionFailed(f"unknown encryption format {blob[2]}")


def _parse(blob: bytes) -> tuple[bytes, bytes, bytes]:
    _require_header(blob)
    id_length = blob[3]
    start = 4 + id_length
    if len(blob) < start + NONCE_BYTES + 16:
        raise DecryptionFailed("encrypted value is truncated")
    return blob[4:start], blob[start : start + NONCE_BYTES], blob[start + NONCE_BYTES :]
