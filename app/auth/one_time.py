"""Single-use secrets: email links and codes, recovery codes, API tokens, paper activation codes.

Every secret comes from the operating system's CSPRNG (``secrets``, ASVS 6.5.3) and is stored
only as ``digest(...)``: HMAC-SHA256 under the service secret key, with the purpose mixed into
the key. A stolen database alone therefore cannot check guesses, even for a 6-digit code, and
a code issued for one purpose never matches a digest stored for another. Changing the secret
key makes every stored digest unmatchable: pending links and codes, recovery codes and API
tokens all have to be issued again.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
import unicodedata
from enum import StrEnum
from functools import lru_cache

LINK_TOKEN_BYTES = 32
API_TOKEN_PREFIX = "rcp_"  # noqa: S105 - a public marker, not a secret
API_TOKEN_LENGTH = 43  # base62 characters: 43 * log2(62) = 256.03 bits
MIN_CODE_DIGITS = 6  # 20 bits, the floor ASVS 6.5.4 sets for out-of-band codes

# No 0/o, 1/l/i: nothing that reads as something else in any font.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
# Upper case for paper, and also without B (8), S (5), Z (2), U and V (alike in handwriting):
# 26 symbols, so 10 give 47 bits. C, D, E, G, P and T still rhyme when spoken, so whoever reads
# a code out should use a spelling alphabet ("D for delta").
ACTIVATION_ALPHABET = "23456789ACDEFGHJKMNPQRTWXY"
ACTIVATION_GROUPS = (3, 3, 4)
_BASE62 = string.digits + string.ascii_letters


class Purpose(StrEnum):
    """What a secret is for; fits ``SignInToken.purpose`` (20 characters). Names, not secrets."""

    LINK = "link"
    CODE = "code"
    INVITE = "invite"
    PASSWORD_RESET = "password-reset"  # noqa: S105
    ACTIVATION = "activation"
    RECOVERY = "recovery"
    API_TOKEN = "api-token"  # noqa: S105
    EVENT_REPLY = "event-reply"
    CALENDAR_FEED = "calendar-feed"


# Secrets people type are compared loosely; secrets machines carry (links, headers) exactly.
TYPED_PURPOSES = frozenset({Purpose.CODE, Purpose.ACTIVATION, Purpose.RECOVERY})


def new_link_token() -> str:
    """256 random bits, URL-safe base64 (43 characters), for the link in an email."""
    return secrets.token_urlsafe(LINK_TOKEN_BYTES)


def new_code(digits: int = MIN_CODE_DIGITS) -> str:
    """A zero-padded random number such as ``042917``, for a code sent by email or SMS."""
    if digits < MIN_CODE_DIGITS:
        raise ValueError(f"codes need at least {MIN_CODE_DIGITS} digits")
    return f"{secrets.randbelow(10**digits):0{digits}d}"


def new_recovery_codes(count: int = 10) -> list[str]:
    """``count`` distinct codes such as ``k7m2-9xqp`` (39 bits each, checked with rate limits)."""
    codes: list[str] = []
    while len(codes) < count:
        code = _random_text(RECOVERY_ALPHABET, 8)
        formatted = f"{code[:4]}-{code[4:]}"
        if formatted not in codes:
            codes.append(formatted)
    return codes


def new_api_token() -> str:
    """``rcp_`` + 256 random bits in base62: the prefix lets secret scanners spot a leaked one."""
    return API_TOKEN_PREFIX + _random_text(_BASE62, API_TOKEN_LENGTH)


def new_activation_code() -> str:
    """A code to print or read out, such as ``K7M-2Q9-XRP4``: 10 characters, 47 bits."""
    text = _random_text(ACTIVATION_ALPHABET, sum(ACTIVATION_GROUPS))
    groups, start = [], 0
    for size in ACTIVATION_GROUPS:
        groups.append(text[start : start + size])
        start += size
    return "-".join(groups)


def normalise(purpose: str, value: str) -> str:
    """The canonical form that is hashed.

    Typed codes lose spaces, dashes and case (``K7M2 9XQP`` = ``k7m2-9xqp``; NFKC also turns
    full-width characters into plain ones); links and tokens only lose surrounding white
    space, because their case and dashes carry entropy.
    """
    text = unicodedata.normalize("NFKC", value).strip()
    if _purpose(purpose) in TYPED_PURPOSES:
        kept = (c for c in text if not (c.isspace() or unicodedata.category(c) == "Pd"))
        return "".join(kept).casefold()
    return text


def digest(secret_key: str, purpose: str, value: str) -> str:
    """HMAC-SHA256 (64 hex characters) of the normalised value, under a per-purpose key.

    Raises ``ValueError`` for an unknown purpose, so a typo fails loudly instead of storing
    something nothing can match. Any value, even an empty form field, gets a digest: a lookup
    with it simply finds nothing, since no issued secret is empty.
    """
    text = normalise(purpose, value)
    key = _purpose_key(secret_key, _purpose(purpose))
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def matches(secret_key: str, purpose: str, value: str, stored_digest: str) -> bool:
    """True if ``value`` is the secret behind ``stored_digest``; compared in constant time."""
    if not normalise(purpose, value):
        return False
    expected = digest(secret_key, purpose, value).encode("ascii")
    return hmac.compare_digest(expected, stored_digest.encode("utf-8"))


def _purpose(purpose: str) -> Purpose:
    try:
        return Purpose(purpose)
    except ValueError:
        raise ValueError(f"unknown purpose {purpose!r}") from None


@lru_cache(maxsize=32)
def _purpose_key(secret_key: str, purpose: Purpose) -> bytes:
    """A separate HMAC key per purpose, so digests for different purposes are unrelated."""
    label = f"reciprocity/one-time/v1/{purpose.value}".encode()
    return hmac.new(secret_key.encode("utf-8"), label, hashlib.sha256).digest()


def _random_text(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))
