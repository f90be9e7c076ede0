"""Time-based one-time passwords (RFC 6238) for staff, as every authenticator app expects them.

SHA-1, 6 digits and 30-second steps are what the apps assume when a QR code leaves the
details out, and what most of them support at all; HMAC-SHA-1 remains sound for this use.
A code is accepted for the current step and one step either side (a phone clock a little
off), and only for a step later than the last one used, so a code that was seen over a
shoulder or in a proxy log cannot be replayed (ASVS 6.5.1).
"""

from __future__ import annotations

import base64
import hmac
import io
import os
import re
import unicodedata

import segno
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

SECRET_BYTES = 20  # 160 bits, the HMAC-SHA-1 block RFC 4226 recommends
DIGITS = 6
STEP_SECONDS = 30
DRIFT_STEPS = 1

_SEPARATORS = re.compile(r"[\s\-]+")
_CODE = re.compile(rf"[0-9]{{{DIGITS}}}")


def new_secret() -> bytes:
    """A fresh random secret for one staff member's authenticator app."""
    return os.urandom(SECRET_BYTES)


def provisioning_uri(secret: bytes, account_label: str, issuer: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from the QR code.

    The issuer is shown in the app next to the label, so people can tell this service's code
    from their other ones.
    """
    return _totp(secret).get_provisioning_uri(account_label, issuer)


def qr_svg_data_uri(uri: str) -> str:
    """The URI as a black-on-white SVG QR code in a ``data:`` URI for an ``<img src>``.

    A data URI needs no extra request and no script, so the page keeps its strict CSP, and
    the secret never sits in a file or cache. Give the ``<img>`` an alt text that points to
    the typed alternative (``format_secret_for_typing``).
    """
    buffer = io.BytesIO()
    qr = segno.make(uri, error="m", micro=False)
    qr.save(buffer, kind="svg", scale=4, border=4, dark="#000", light="#fff", xmldecl=False)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"


def format_secret_for_typing(secret: bytes) -> str:
    """The secret in base32 in groups of four, for people who cannot scan a QR code.

    Base32 uses no 0, 1, 8 or 9, so nothing in it can be misread as another character.
    """
    text = base64.b32encode(secret).decode("ascii").rstrip("=")
    return " ".join(text[start : start + 4] for start in range(0, len(text), 4))


def step_at(now: float) -> int:
    """The RFC 6238 time step (counter) for a Unix time."""
    return int(now // STEP_SECONDS)


def code_at(secret: bytes, now: float) -> str:
    """The code an authenticator app shows at ``now``: for tests and the demo, not for checks."""
    return _code_for_step(secret, step_at(now))


def verify(secret: bytes, code: str, *, now: float, last_step: int) -> int | None:
    """The time step ``code`` belongs to, or None if it is wrong, malformed or already used.

    Store the returned step as the account's ``totp_last_step`` in the same transaction that
    signs the person in; a concurrent second use must then fail its conditional update.
    """
    typed = _normalise(code)
    if typed is None:
        return None
    current = step_at(now)
    candidates = (current, current - DRIFT_STEPS, current + DRIFT_STEPS)
    matched = None
    for step in (step for step in candidates if step > last_step and step >= 0):
        expected = _code_for_step(secret, step).encode("ascii")
        if hmac.compare_digest(expected, typed.encode("ascii")) and matched is None:
            matched = step
    return matched


def _normalise(code: str) -> str | None:
    """Six ASCII digits, ignoring spaces and dashes (``123 456``) and full-width digits."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", code))
    return text if _CODE.fullmatch(text) else None


def _code_for_step(secret: bytes, step: int) -> str:
    return _totp(secret).generate(step * STEP_SECONDS).decode("ascii")


def _totp(secret: bytes) -> TOTP:
    return TOTP(secret, DIGITS, SHA1(), STEP_SECONDS)  # noqa: S303 - HMAC-SHA-1, RFC 6238
