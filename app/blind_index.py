"""Blind indexes: find a person by email or phone without storing either in the clear.

The index is HMAC-SHA256 of a normalised value under a key derived per (table, column,
version), truncated to few enough bits that each index value is shared by about two people
in the designed population. A lookup therefore returns candidates, which the caller decrypts
and compares: a collision can never return the wrong person, and the index alone never
identifies anyone.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

DEFAULT_POPULATION = 100_000


def normalise_email(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().casefold()


def normalise_uk_phone(value: str) -> str:
    """UK numbers in any common written form become E.164 (+44...); others keep their digits."""
    text = unicodedata.normalize("NFKC", value).strip()
    text = text.replace("(0)", "")
    digits = re.sub(r"[^\d+]", "", text)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("0"):
        digits = "+44" + digits[1:]
    if not digits.startswith("+"):
        digits = "+" + digits
    return digits


NORMALISERS: dict[str, Callable[[str], str]] = {
    "email": normalise_email,
    "phone": normalise_uk_phone,
}


def bits_for(population: int) -> int:
    """Largest L with population / 2**L >= 2 (at least two people per index value)."""
    return max(1, math.floor(math.log2(population / 2)))


@lru_cache(maxsize=256)
def derive_key(root: bytes, table: str, column: str, version: int) -> bytes:
    """A separate key per indexed column and version, so indexes cannot be joined across columns."""
    info = f"reciprocity/blind-index/v1/{table}/{column}/{version}".encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(root)


def compute(key: bytes, kind: str, value: str, bits: int) -> str:
    """The index value: truncated HMAC of the normalised value, as fixed-width hex."""
    digest = hmac.new(key, NORMALISERS[kind](value).encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest, "big") >> (256 - bits)
    return f"{number:0{math.ceil(bits / 4)}x}"
