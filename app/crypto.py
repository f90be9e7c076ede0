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
from functools import lru_cache
from typing import NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"RC"
FORMAT_V1 = 1
NONCE_BYTES = 12
KEY_BYTES = 32
AAD_SCHEME = "reciprocity/field/v1"
_MAGIC_V1 = MAGIC + bytes((FORMAT_V1,))


class DecryptionFailed(Exception):
    """A stored value could not be decrypted: wrong place, wrong key, or tampered with."""


class KeyDestroyed(DecryptionFailed):
    """The data subject was erased: their data key no longer exists, by design."""


class FieldRef(NamedTuple):
    """Where a value lives: logical table and column (stable names, not physical ones) and row.

    A named tuple, not a dataclass: one is made for every field read or written.
    """

    table: str
    column: str
    row_id: str


_LENGTH = struct.Struct(">I").pack


def _prefixed(part: bytes) -> bytes:
    return _LENGTH(len(part)) + part


@lru_cache(maxsize=4096)
def _place(table: str, column: str) -> bytes:
    return _prefixed(AAD_SCHEME.encode()) + _prefixed(table.encode()) + _prefixed(column.encode())


def associated_data(field: FieldRef, key_id: bytes) -> bytes:
    """Canonical, length-prefixed encoding, so no two different places share one AAD."""
    return _place(field.table, field.column) + _prefixed(field.row_id.encode()) + _prefixed(key_id)


@lru_cache(maxsize=4096)
def _header(key_id: bytes) -> bytes:
    if len(key_id) > 255:
        raise ValueError("key ids are at most 255 bytes")
    return MAGIC + bytes((FORMAT_V1, len(key_id))) + key_id


@lru_cache(maxsize=4096)
def _cipher(key: bytes) -> AESGCM:
    return AESGCM(key)


def seal(key: bytes, key_id: bytes, field: FieldRef, plaintext: bytes) -> bytes:
    """Encrypt ``plaintext`` for ``field`` under ``key``, with a fresh random nonce."""
    header = _header(key_id)
    nonce = os.urandom(NONCE_BYTES)
    return header + nonce + _cipher(key).encrypt(nonce, plaintext, associated_data(field, key_id))


def seal_row(
    key: bytes, key_id: bytes, table: str, row_id: str, values: dict[str, bytes]
) -> dict[str, bytes]:
    """Encrypt several columns of one row under one key; the shared parts are built once.

    Written for speed (a profile page reads a dozen fields): no per-field function calls
    beyond the cipher's own.
    """
    header, encrypt, places = _header(key_id), _cipher(key).encrypt, _places(table)
    tail = _prefixed(row_id.encode()) + _prefixed(key_id)
    nonces = os.urandom(NONCE_BYTES * len(values))  # one call to the system's CSPRNG per row
    sealed = {}
    for number, (column, plaintext) in enumerate(values.items()):
        nonce = nonces[number * NONCE_BYTES : (number + 1) * NONCE_BYTES]
        place = places.get(column) or places.setdefault(column, _place(table, column))
        sealed[column] = b"".join((header, nonce, encrypt(nonce, plaintext, place + tail)))
    return sealed


def unseal_row(key: bytes, table: str, row_id: str, blobs: dict[str, bytes]) -> dict[str, bytes]:
    """Decrypt several columns of one row, all sealed under ``key``; any mismatch raises."""
    decrypt, places, row_part = _cipher(key).decrypt, _places(table), _prefixed(row_id.encode())
    key_parts: dict[bytes, bytes] = {}
    opened = {}
    for column, blob in blobs.items():
        if blob[:3] != _MAGIC_V1 or len(blob) < 4 + blob[3] + NONCE_BYTES + 16:
            _parse(blob)  # raises the precise reason
        start = 4 + blob[3]
        key_id = blob[4:start]
        key_part = key_parts.get(key_id) or key_parts.setdefault(key_id, _prefixed(key_id))
        place = places.get(column) or places.setdefault(column, _place(table, column))
        try:
            opened[column] = decrypt(
                blob[start : start + NONCE_BYTES],
                blob[start + NONCE_BYTES :],
                place + row_part + key_part,
            )
        except InvalidTag:
            raise DecryptionFailed(f"cannot decrypt {table}.{column}") from None
    return opened


@lru_cache(maxsize=256)
def _places(table: str) -> dict[str, bytes]:
    """Per table, the associated-data prefix of each column, filled as columns are used."""
    return {}


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
    if blob[:3] != _MAGIC_V1:
        _require_header(blob)
    start = 4 + blob[3]
    if len(blob) < start + NONCE_BYTES + 16:
        raise DecryptionFailed("encrypted value is truncated")
    return blob[4:start], blob[start : start + NONCE_BYTES], blob[start + NONCE_BYTES :]
