"""Email through a transactional outbox: a change and the email about it commit together.

Services call ``queue`` inside their own transaction, so an email exists if and only if the
change it reports was committed. ``deliver_due`` (run by ``reciprocity worker``) sends
what is waiting, outside any transaction, through the configured mail server.

Delivery is at least once: a worker that dies after the mail server accepted a message but
before it was marked sent leaves it to be sent again when its claim runs out. Recipient and
message stay encrypted under the person's data key until the moment of sending, so erasing a
person makes their waiting emails undeliverable ("dropped"). Logs and ``last_error`` carry
message ids, outcomes and exception type names only: an SMTP error's text can hold an address.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.parser import BytesHeaderParser
from email.utils import parseaddr
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid4

from piccolo.custom_types import Combinable
from piccolo.query.functions.aggregate import Count

from app.crypto import KeyDestroyed
from app.db import transaction
from app.mail_message import Attachment, CalendarPart, Email, build_message
from app.redact import Sensitive
from app.sealed import Sealer
from app.settings import Settings
from app.tables import OutboxMessage
from app.vault import Vault

__all__ = ["Attachment", "CalendarPart", "Email", "build_message"]

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
PERMANENT_SMTP_FAILURE = 500
SENT_KEPT_DAYS = 30
"""Tries before a message is given up as 'failed' (retries after 1, 2, 4 ... 64 minutes)."""

LEASE = timedelta(minutes=2)
"""The default claim (``RECIPROCITY_OUTBOX_LEASE_S``): how long a worker's claim on a message
lasts; after that another worker may take it."""

SMTP_TIMEOUT_S = 30.0
"""Per network operation with the mail server."""

SEND_BUDGET_S = 60.0
"""Stop sending a claimed batch after this long (or half the lease, if shorter), well inside
the lease, and release the rest, so a slow mail server never lets a claim run out while its
message is still being sent."""


class Status(StrEnum):
    """``OutboxMessage.status`` values."""

    queued = "queued"
    sent = "sent"
    failed = "failed"
    dropped = "dropped"


@dataclass
class DeliveryReport:
    """What one ``deliver_due`` run did, for the command line and the logs."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    dropped: int = 0

    def count(self, outcome: Status) -> None:
        """Add one outcome; a message still queued after a try is one to retry."""
        attribute = "retrying" if outcome is Status.queued else outcome.value
        setattr(self, attribute, getattr(self, attribute) + 1)

    def summary(self) -> str:
        if self == DeliveryReport():
            return "No emails were due."
        return (
            f"Sent {self.sent}; will try again later {self.retrying}; "
            f"failed {self.failed}; not sent because the person was erased {self.dropped}."
        )


async def queue(sealer: Sealer, owner: UUID, email: Email, from_address: str) -> UUID:
    """Store ``email`` for delivery, encrypted under ``owner``'s key; returns the message id.

    Joins the caller's transaction when there is one, so the email commits or rolls back with
    the change it reports. Nothing is sent here: no network call ever runs in a transaction.
    """
    row_id = uuid4()
    raw = build_message(email, from_address).decode("ascii")
    async with transaction():
        stored = await sealer.seal(
            OutboxMessage, row_id, owner, {"recipient": email.to, "message": raw}
        )
        await OutboxMessage.insert(
            OutboxMessage(id=row_id, owner=owner, next_attempt_at=datetime.now(UTC), **stored)
        )
    log.debug("outbox message %s: queued", row_id)
    return row_id


async def deliver_due(
    sealer: Sealer, settings: Settings, *, now: datetime | None = None, batch: int = 20
) -> DeliveryReport:
    """Send every message due at ``now`` (default: the clock), ``batch`` claimed at a time.

    Safe to run in several processes at once: a message is claimed by one worker only. Uses a
    fresh vault, so a person erased since an earlier run is never sent to from a cached key.
    """
    sealer = Sealer(Vault(sealer.vault.keyring), sealer.datamap, sealer.population)
    report = DeliveryReport()
    lease = timedelta(seconds=settings.outbox_lease_s)
    budget_s = min(SEND_BUDGET_S, settings.outbox_lease_s / 2)
    while (claimed := await _claim(_at(now), batch, lease)) is not None:
        started = time.monotonic()
        for index, row in enumerate(claimed):
            if index and time.monotonic() - started > budget_s:
                await _release([later["id"] for later in claimed[index:]])
                break
            report.count(await _deliver(sealer, settings, row, _at(now)))
    return report


def _at(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _due(now: datetime) -> Combinable:
    claim = OutboxMessage.claimed_until
    return (
        (OutboxMessage.status == Status.queued)
        & (OutboxMessage.next_attempt_at <= now)
        & (claim.is_null() | (claim < now))
    )


async def _claim(now: datetime, batch: int, lease: timedelta) -> list[dict[str, Any]] | None:
    """Claim up to ``batch`` due messages; None when none is due.

    The UPDATE repeats the due condition, so of two workers that picked the same rows only the
    first to commit gets them (PostgreSQL re-checks it after the row lock; SQLite serialises
    write transactions). The loser gets an empty list and simply looks again.
    """
    async with transaction():
        ids = await _due_ids(now, batch)
        if not ids:
            return None
        claimed: list[dict[str, Any]] = (
            await OutboxMessage.update({OutboxMessage.claimed_until: now + lease})
            .where(OutboxMessage.id.is_in(ids) & _due(now))
            .returning(
                OutboxMessage.id,
                OutboxMessage.recipient,
                OutboxMessage.message,
                OutboxMessage.attempts,
            )
        )
    return claimed


async def _due_ids(now: datetime, batch: int) -> list[UUID]:
    """The longest-waiting due messages; another worker may pick the same ones."""
    rows = (
        await OutboxMessage.select(OutboxMessage.id)
        .where(_due(now))
        .order_by(OutboxMessage.next_attempt_at)
        .limit(batch)
    )
    return [row["id"] for row in rows]


async def _release(ids: list[UUID]) -> None:
    await _settle_many(ids, {})


async def _deliver(
    sealer: Sealer, settings: Settings, row: dict[str, Any], now: datetime
) -> Status:
    """Decrypt and send one claimed message, then record and log the outcome."""
    try:
        opened = await sealer.open(OutboxMessage, row)
        recipient, message = _revealed(opened, "recipient"), _revealed(opened, "message")
        await asyncio.to_thread(_send, settings, recipient, message.encode("ascii"))
    except KeyDestroyed:
        return await _settle(row["id"], Status.dropped, {})
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        return await _give_up(row, type(exc).__name__)
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code >= PERMANENT_SMTP_FAILURE:
            return await _give_up(row, f"{type(exc).__name__} {exc.smtp_code}")
        return await _retry_later(row, now, f"{type(exc).__name__} {exc.smtp_code}")
    except Exception as exc:  # noqa: BLE001 - any other failure is retried; only its type is kept
        return await _retry_later(row, now, type(exc).__name__)
    return await _settle(row["id"], Status.sent, {OutboxMessage.sent_at: now})


def _revealed(opened: dict[str, Sensitive[str] | None], column: str) -> str:
    value = opened[column]
    if value is None:  # both columns are NOT NULL: only a damaged row gets here
        raise ValueError("outbox column is empty")
    return value.reveal()


async def _give_up(row: dict[str, Any], error: str) -> Status:
    """The mail server said no for good (a 5xx): trying again would only repeat the refusal."""
    values = {OutboxMessage.attempts: int(row["attempts"]) + 1, OutboxMessage.last_error: error}
    return await _settle(row["id"], Status.failed, values, error)


async def purge_sent(now: datetime | None = None, *, keep_days: int = SENT_KEPT_DAYS) -> int:
    """Delete finished messages (sent, dropped, failed) older than ``keep_days``: the data map's
    retention. Messages still waiting are never deleted, however old."""
    cutoff = _at(now) - timedelta(days=keep_days)
    rows = await OutboxMessage.delete().where(finished_before(cutoff)).returning(OutboxMessage.id)
    return len(rows)


def finished_before(cutoff: datetime) -> Any:
    """Messages that are done with (sent, dropped, failed) and older than ``cutoff``."""
    done = OutboxMessage.status.is_in([Status.sent, Status.dropped, Status.failed])
    return done & (OutboxMessage.created_at < cutoff)


async def _retry_later(row: dict[str, Any], now: datetime, error: str) -> Status:
    """Back off exponentially (1, 2, 4 ... minutes); give up after ``MAX_ATTEMPTS`` tries."""
    attempts = int(row["attempts"]) + 1
    values: dict[Any, Any] = {OutboxMessage.attempts: attempts, OutboxMessage.last_error: error}
    if attempts >= MAX_ATTEMPTS:
        return await _settle(row["id"], Status.failed, values, error)
    values[OutboxMessage.next_attempt_at] = now + timedelta(minutes=2 ** (attempts - 1))
    return await _settle(row["id"], Status.queued, values, error)


async def _settle(row_id: UUID, status: Status, values: dict[Any, Any], error: str = "") -> Status:
    """Record an outcome and release the claim; one log line with the id and outcome only."""
    await _settle_many([row_id], {OutboxMessage.status: status, **values})
    outcome = "retrying" if status is Status.queued else status.value
    if error:
        log.warning("outbox message %s: %s (%s)", row_id, outcome, error)
    else:
        log.info("outbox message %s: %s", row_id, outcome)
    return status


async def _settle_many(ids: list[UUID], values: dict[Any, Any]) -> None:
    """Only still-queued rows change: a final outcome is never overwritten."""
    await OutboxMessage.update({**values, OutboxMessage.claimed_until: None}).where(
        OutboxMessage.id.is_in(ids) & (OutboxMessage.status == Status.queued)
    )


def _send(settings: Settings, recipient: str, raw: bytes) -> None:
    """Hand one message to the mail server (blocking; runs in a worker thread).

    With ``RECIPROCITY_MAIL_DIR`` set (development only), write it there as an .eml file
    instead, so a newcomer can open the sign-in emails without a mail server.
    """
    if settings.mail_dir is not None and not settings.is_production:
        settings.mail_dir.mkdir(parents=True, exist_ok=True)
        name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid4().hex[:8]}.eml"
        (settings.mail_dir / name).write_bytes(raw)
        return
    sender = parseaddr(str(BytesHeaderParser().parsebytes(raw)["From"]))[1]
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_S) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
        smtp.sendmail(sender, [parseaddr(recipient)[1]], raw)


async def status_counts() -> dict[str, int]:
    """How many messages are in each status (every status listed, zero included)."""
    rows = await OutboxMessage.select(OutboxMessage.status, Count()).group_by(OutboxMessage.status)
    counts = {status.value: 0 for status in Status}
    counts.update({row["status"]: int(row["count"]) for row in rows})
    return counts
