"""Staff passwords: argon2id hashes, a plain-English policy and equal-time failures.

Parameters are argon2-cffi's RFC 9106 "low memory" profile (argon2id, 64 MiB, 3 passes,
4 lanes): the RFC's second recommended choice for servers that cannot spare 2 GiB per hash.
It costs about 0.15 s of CPU per hash on a small server, slow enough to make a stolen
database expensive to guess against and fast enough for staff sign-in. Hashing blocks the
thread, so async callers should run it in a worker thread.

Passwords are NFKC-normalised before hashing, so the same password typed on another keyboard
or device (composed or decomposed accents, full-width characters) still matches.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256

_HASHER = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)

# The hash of a random password that was thrown away, made with the parameters above. Checking
# a password against it costs exactly what a real check costs, and can never succeed in
# practice. A test fails if the parameters change and this is not regenerated.
DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$j0LCa5BkYKoMdOOu/OIbQQ"
    "$+L/+QaR7rUqzntTkKouFTZiCic5xxZQR5sm7E/Ba9nQ"
)

# Some of the most used passwords in public breach corpora, plus long keyboard and number
# patterns (short ones are refused by length anyway but also serve as "base words": see
# ``_base_word``) and this service's own name (a context-specific word, ASVS 6.2.11).
COMMON_PASSWORDS = frozenset(
    {
        "123456", "123456789", "12345678", "1234567", "12345", "1234567890", "123123",
        "111111", "000000", "654321", "123321", "666666", "121212", "7777777", "987654321",
        "112233", "123123123", "159753", "789456123", "147258369", "0987654321",
        "password", "password1", "passw0rd", "p@ssw0rd", "p@ssword", "qwerty", "qwerty1",
        "qwerty123", "qwertyuiop", "qwe123", "123qwe", "1q2w3e", "1q2w3e4r", "1q2w3e4r5t",
        "1qaz2wsx", "qazwsx", "zxcvbnm", "asdfgh", "asdfghjkl", "asdf", "azerty", "abc123",
        "abcd1234", "a123456", "123456a", "iloveyou", "iloveyou1", "monkey", "dragon",
        "letmein", "welcome", "admin", "administrator", "master", "shadow", "sunshine",
        "princess", "football", "baseball", "soccer", "superman", "batman", "trustno1",
        "computer", "michael", "jessica", "charlie", "daniel", "ashley", "jordan",
        "liverpool", "chelsea", "arsenal", "manchester", "manchesterunited", "killer",
        "samsung", "lovely", "love", "hello", "freedom", "whatever", "starwars", "pokemon",
        "secret", "changeme", "summer", "winter", "spring", "autumn", "london",
        "password123", "password1234", "password123!", "qwerty123456", "1q2w3e4r5t6y",
        "q1w2e3r4t5y6", "1qaz2wsx3edc", "123qweasdzxc", "qwertyuiopasdfghjkl",
        "qwertyuiopasdfghjklzxcvbnm", "123456789012", "1234567890123", "123412341234",
        "asdfasdfasdf", "qwertyqwerty", "iloveyou1234", "welcome12345", "reciprocity",
    }
)  # fmt: skip

_TRAILING_FILLER = re.compile(r"[\d\W_]+$")
_LOCAL_PART_SEPARATORS = re.compile(r"[._+\-]+")


def hash_password(password: str) -> str:
    """A new argon2id hash with a fresh random salt; the string encodes its own parameters."""
    return _HASHER.hash(_normalise(password))


def verify_password(stored_hash: str, password: str) -> bool:
    """True only if ``password`` matches; False for a wrong password or a malformed hash.

    The comparison inside argon2 is constant-time. Nothing here raises for bad input, so a
    caller cannot accidentally turn a wrong password into an error page that looks different.
    """
    try:
        return _HASHER.verify(stored_hash, _normalise(password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with other parameters (or is unreadable): re-hash on sign-in."""
    try:
        return _HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def burn_time(password: str) -> Literal[False]:
    """Spend what a real check costs, then fail: for unknown emails and password-less accounts.

    Without it, "no such account" answers in microseconds and "wrong password" in 0.15 s, which
    tells an attacker who has an account here. Use as
    ``ok = verify_password(h, pw) if h else burn_time(pw)``.
    """
    verify_password(DUMMY_HASH, password)
    return False


def password_problem(password: str, *, email: str = "") -> str | None:
    """What is wrong with a new password, as a message a person can act on, or None.

    Follows NIST SP 800-63B and ASVS 6.2: length and a block list, no composition rules.
    """
    text = _normalise(password)
    if not text:
        return "Enter a password"
    if len(text) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(text) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    if _is_common(text.casefold()):
        return "Password is too easy to guess. Try 3 or 4 random words together"
    if _contains_email(text.casefold(), email):
        return "Password must not contain your email address or name"
    return None


def _normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def _is_common(folded: str) -> bool:
    """In the list, the same character or few characters repeated, or a listed word + digits."""
    return (
        folded in COMMON_PASSWORDS or len(set(folded)) < 4 or _base_word(folded) in COMMON_PASSWORDS
    )


def _base_word(folded: str) -> str:
    """``password2025!`` -> ``password``: trailing digits and symbols add almost nothing."""
    return _TRAILING_FILLER.sub("", folded)


def _contains_email(folded: str, email: str) -> bool:
    """The email's local part, or a 4+ letter piece of it such as a surname, inside the password."""
    local = unicodedata.normalize("NFKC", email).strip().casefold().partition("@")[0]
    pieces = [piece for piece in _LOCAL_PART_SEPARATORS.split(local) if len(piece) >= 4]
    if len(local) >= 3:
        pieces.append(local)
    return any(piece in folded for piece in pieces)
