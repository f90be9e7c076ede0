"""What an email is (``Email`` with its optional calendar part and attachments) and how it is
written out as a MIME message for the outbox (``build_message``).

Kept apart from the outbox (``app.mail``): this is pure formatting, with no database and no
network, and the hot path of inviting hundreds of people at once.
"""

from __future__ import annotations

import binascii
import email.contentmanager
import email.policy
import re
import secrets
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from functools import lru_cache
from typing import Any

SMTP_POLICY = email.policy.SMTP.clone(cte_type="7bit")
"""CRLF line endings and 7-bit transfer encodings: the stored message is plain ASCII."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    mime_type: str
    content: bytes


@dataclass(frozen=True)
class CalendarPart:
    """An iCalendar object sent inline (RFC 6047), so mail programs offer accept/decline."""

    content: bytes
    method: str = "REQUEST"


@dataclass(frozen=True)
class Email:
    """One email to one person. ``to`` is an address; bodies are plain text and optional HTML."""

    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: Sequence[Attachment] = ()
    calendar: CalendarPart | None = None


def build_message(email: Email, from_address: str) -> bytes:
    """The MIME message as stored and sent (plain ASCII, CRLF line endings): text, then HTML
    and calendar as alternatives, then attachments. The Message-ID uses the sender's domain,
    not this machine's name.

    Every email the services send (text, with HTML or a calendar part or both) is written
    directly by ``_written``: the email package's header parsing costs more than building an
    invitation's .ics, for headers we know the shape of. Each header still goes through the
    policy's own folding and RFC 2047 encoding, and each body through the email package's own
    choice of transfer encoding. Anything else (attachments, an unusual calendar method) is
    composed by the email package itself (``_composed``); the tests check both read the same.
    """
    calendar = email.calendar
    if email.attachments or (calendar is not None and not calendar.method.isalpha()):
        return _composed(email, from_address).as_bytes()
    return _written(email, from_address)


def _composed(email: Email, from_address: str) -> EmailMessage:
    """The message composed by the email package (the reference for ``_written``)."""
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = from_address
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=_domain(from_address))
    message.set_content(email.text)
    if email.html is not None:
        message.add_alternative(email.html, subtype="html")
    if email.calendar is not None:
        message.add_alternative(
            email.calendar.content,
            maintype="text",
            subtype="calendar",
            params={"method": email.calendar.method, "charset": "utf-8"},
        )
    for attachment in email.attachments:
        maintype, _, subtype = attachment.mime_type.partition("/")
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


def _written(email: Email, from_address: str) -> bytes:
    """Text, optional HTML and optional calendar, laid out as the email package lays them."""
    head = "".join(
        (
            _from_header(from_address),
            _header("To", email.to),
            _header("Subject", email.subject),
            _header("Date", format_datetime(datetime.now(UTC))),
            _header("Message-ID", make_msgid(domain=_domain(from_address))),
            "MIME-Version: 1.0\r\n",
        )
    )
    parts = [_text_part(email.text, "plain")]
    if email.html is not None:
        parts.append(_text_part(email.html, "html"))
    if email.calendar is not None:
        parts.append(_calendar_part(email.calendar))
    if len(parts) == 1:
        return (head + parts[0]).encode("ascii")
    boundary = _boundary(parts)
    body = "".join(
        (
            f'Content-Type: multipart/alternative;\r\n boundary="{boundary}"\r\n\r\n',
            f"--{boundary}\r\n",
            f"\r\n--{boundary}\r\n".join(parts),
            f"\r\n--{boundary}--\r\n",
        )
    )
    return (head + body).encode("ascii")


@lru_cache(maxsize=8)
def _from_header(from_address: str) -> str:
    """The service's own address, from the settings: the same on every message."""
    return _header("From", from_address)


def _header(name: str, value: str) -> str:
    """One header line as ``message[name] = value`` and the generator write it: refusing a
    line break (no header injection), RFC 2047 for non-ASCII, folded at 78 characters."""
    _, parsed = SMTP_POLICY.header_store_parse(name, value)
    return str(parsed.fold(policy=SMTP_POLICY))


def _text_part(text: str, subtype: str) -> str:
    """Headers and body of a text part, encoded as ``EmailMessage.set_content`` encodes it."""
    cte, payload = _encode_text(text, "utf-8", None, SMTP_POLICY)
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        f"Content-Transfer-Encoding: {cte}\r\n\r\n{_crlf(payload)}"
    )


def _calendar_part(calendar: CalendarPart) -> str:
    """The iCalendar part, base64 in 76-character lines as the email package writes bytes."""
    step = LINE_LENGTH // 4 * 3
    content = calendar.content
    payload = "".join(
        binascii.b2a_base64(content[i : i + step]).decode("ascii")
        for i in range(0, len(content), step)
    )
    return (
        f'Content-Type: text/calendar; method="{calendar.method}"; charset="utf-8"\r\n'
        f"Content-Transfer-Encoding: base64\r\n\r\n{_crlf(payload)}"
    )


def _crlf(payload: str) -> str:
    """Every line ending as CRLF, ending with one (the generator's ``_write_lines``)."""
    text = _LINE_END.sub("\r\n", payload)
    return text if text.endswith("\r\n") else text + "\r\n"


_LINE_END = re.compile(r"\r\n|\r|\n")
LINE_LENGTH = 78
"""``SMTP_POLICY.max_line_length``: base64 lines of 76 characters, as the email package."""

_encode_text: Callable[[str, str, str | None, Any], tuple[str, str]] = (
    email.contentmanager._encode_text  # type: ignore[attr-defined]
)
"""The email package's own choice and application of a transfer encoding for text (what
``set_content`` calls); private to it, so the tests compare our output with its own."""


def _boundary(parts: list[str]) -> str:
    """A boundary in the email package's style that occurs in none of the parts."""
    while True:
        boundary = f"==============={secrets.randbelow(sys.maxsize):019d}=="
        if not any(f"--{boundary}" in part for part in parts):
            return boundary


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "localhost"
