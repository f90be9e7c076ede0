"""Field encryption: round trips, unique nonces, tamper detection and golden vectors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.crypto import (
    NONCE_BYTES,
    DecryptionFailed,
    FieldRef,
    associated_data,
    key_id_of,
    seal,
    unseal,
)

KEY = bytes(range(32))
KEY_ID = b"\x01" * 16
HERE = FieldRef("person", "name", "3f0c8c1e-5b7a-4c55-9a4e-2c7b1f2d9e01")
GOLDEN = Path(__file__).parent / "fixtures" / "golden_v1.json"


@given(st.text())
@settings(max_examples=300)
def test_any_unicode_round_trips(text: str) -> None:
    assert unseal(KEY, HERE, seal(KEY, KEY_ID, HERE, text.encode())).decode() == text


@given(st.binary(max_size=2048))
def test_any_bytes_round_trip(data: bytes) -> None:
    assert unseal(KEY, HERE, seal(KEY, KEY_ID, HERE, data)) == data


def test_empty_and_64_kb_values_round_trip() -> None:
    big = os.urandom(64 * 1024)

    assert unseal(KEY, HERE, seal(KEY, KEY_ID, HERE, b"")) == b""
    assert unseal(KEY, HERE, seal(KEY, KEY_ID, HERE, big)) == big


def test_a_hundred_thousand_encryptions_use_distinct_nonces() -> None:
    header = 4 + len(KEY_ID)
    nonces = {
        seal(KEY, KEY_ID, HERE, b"same")[header : header + NONCE_BYTES] for _ in range(100_000)
    }

    assert len(nonces) == 100_000


def test_flipping_any_byte_makes_decryption_fail() -> None:
    blob = seal(KEY, KEY_ID, HERE, b"Survivor of domestic abuse")

    for position in range(len(blob)):
        tampered = bytearray(blob)
        tampered[position] ^= 0x01
        with pytest.raises(DecryptionFailed):
            unseal(KEY, HERE, bytes(tampered))


@pytest.mark.parametrize(
    "elsewhere",
    [
        FieldRef("person", "email", HERE.row_id),
        FieldRef("person", "name", "3f0c8c1e-5b7a-4c55-9a4e-2c7b1f2d9e02"),
        FieldRef("payee", "name", HERE.row_id),
    ],
)
def test_a_value_moved_elsewhere_does_not_decrypt(elsewhere: FieldRef) -> None:
    with pytest.raises(DecryptionFailed):
        unseal(KEY, elsewhere, seal(KEY, KEY_ID, HERE, b"07700 900123"))


def test_associated_data_is_unambiguous() -> None:
    assert associated_data(FieldRef("ab", "c", "1"), b"k") != associated_data(
        FieldRef("a", "bc", "1"), b"k"
    )


def test_the_header_names_the_key() -> None:
    assert key_id_of(seal(KEY, KEY_ID, HERE, b"x")) == KEY_ID


@pytest.mark.parametrize(
    "junk", [b"", b"RC", b"XX\x01\x00" + b"\x00" * 40, b"RC\x02\x00" + b"\x00" * 40]
)
def test_junk_is_refused_not_misread(junk: bytes) -> None:
    with pytest.raises(DecryptionFailed):
        unseal(KEY, HERE, junk)


def test_golden_vectors_of_format_1_decrypt_forever() -> None:
    vectors = json.loads(GOLDEN.read_text())

    assert len(vectors) == 4
    for vector in vectors:
        ref = FieldRef(vector["table"], vector["column"], vector["row_id"])
        plain = unseal(bytes.fromhex(vector["key"]), ref, bytes.fromhex(vector["blob"]))
        assert plain.decode() == vector["plaintext"]
