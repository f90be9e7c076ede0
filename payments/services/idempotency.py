"""Idempotency keys for requests that create money (Stripe's rules, IETF's ``Idempotency-Key``).

Every such request carries a key the sender makes up once per payment (a UUID is ideal). The
key is claimed, for its sender, in the SAME transaction as the write, with an insert that a
unique index (``once`` = ``actor:key``) lets only one request win; the answer (status and exact
bytes) is stored in that transaction too. So a key is never claimed without its write, nor a
write left without its answer, and:

- a retry gets the identical stored answer (status and bytes), marked ``Idempotent-Replayed``;
- the same key with a different request (SHA-256 of method, path and canonical JSON body) is
  refused with 422: it is a bug in the script, and guessing which request was meant is unsafe;
- a duplicate sent while the first is still running WAITS for the first to commit and then
  gets its answer (a replay), rather than 409. Why: the claim is not visible to anyone until it
  commits with its write, so there is never a half-done request to report. PostgreSQL makes a
  second insert of the same unique key wait for the first transaction; SQLite runs one writer at
  a time. If the first fails, its claim rolls back with it and the duplicate runs as the first.
  A 409 is still answered for a claim found unfinished, which this design never commits.

Only successful answers are kept: a refused request (4xx) writes nothing, its claim included, so
the sender can correct it and send it again with the same key. Answers are kept 7 days.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from typing import Any
from uuid import uuid4

from app import audit
from app.db import transaction
from app.errors import Conflict, DomainError, FieldError
from app.retention import RetentionRun, delete_where
from payments.tables import IdempotencyRecord

HEADER = "Idempotency-Key"
KEPT_DAYS = 7
KEY_SHAPE = re.compile(r"[A-Za-z0-9._:~+/=-]{8,128}")
ADVICE = (
    "Send a header Idempotency-Key: a new random value for each payment request, for example a "
    "UUID, 8 to 128 letters, digits or - _ . : ~ + / =. Send the same key again only to "
    "repeat the same request: you then get its first answer, and nothing is paid twice."
)
MISSING = f"This request creates money, so it needs an {HEADER} header. {ADVICE}"
MALFORMED = f"The {HEADER} header is not a key we can use. {ADVICE}"
REUSED = (
    f"This {HEADER} was already used for a different request. Use a new key for a new "
    "payment; to repeat a request, send exactly the same body to the same address."
)
IN_FLIGHT = f"A request with this {HEADER} is still being dealt with. Send it again shortly."

Work = Callable[[], Awaitable[tuple[int, bytes]]]


@dataclass(frozen=True)
class Answer:
    """What to send back: the status and body bytes, and whether they are a stored replay."""

    status: int
    body: bytes
    replayed: bool


def checked_key(raw: str | None) -> str:
    """The key from the header (also as an RFC 8941 string, in quotes); 400 when missing or
    not a usable key."""
    if raw is None or not raw.strip():
        raise DomainError(MISSING, errors=[FieldError(HEADER, MISSING)])
    key = raw.strip()
    if len(key) > 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not KEY_SHAPE.fullmatch(key):
        raise DomainError(MALFORMED, errors=[FieldError(HEADER, MALFORMED)])
    return key


def fingerprint(method: str, path: str, body: Any) -> str:
    """SHA-256 of the route and the body as canonical JSON (keys sorted, no spaces), so the same
    request written with other spacing or key order is the same request."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return sha256(f"{method.upper()} {path}\n{canonical}".encode()).hexdigest()


async def run_once(
    actor: audit.Actor, key: str, route: str, request_hash: str, work: Work
) -> Answer:
    """Claim ``key`` for ``actor`` and do ``work`` in one transaction, storing its answer; or,
    when the key is already claimed, give back the stored answer (see the module docstring)."""
    once = f"{actor.id}:{key}"
    async with transaction():
        claimed = await IdempotencyRecord.insert(
            IdempotencyRecord(
                id=uuid4(),
                once=once,
                route=route[:100],
                request_hash=request_hash,
                status=0,
                created_at=datetime.now(UTC),
            )
        ).on_conflict(target=IdempotencyRecord.once, action="DO NOTHING")
        if not claimed:
            return await _stored(once, request_hash)
        status, body = await work()
        await IdempotencyRecord.update(
            {IdempotencyRecord.status: status, IdempotencyRecord.response: body}
        ).where(IdempotencyRecord.once == once)
    return Answer(status, body, replayed=False)


async def purge(run: RetentionRun) -> int:
    """Delete answers older than ``KEPT_DAYS`` (a retention rule)."""
    cutoff = run.now - timedelta(days=KEPT_DAYS)
    return await delete_where(IdempotencyRecord, IdempotencyRecord.created_at < cutoff, run)


async def _stored(once: str, request_hash: str) -> Answer:
    row = await IdempotencyRecord.select().where(IdempotencyRecord.once == once).first()
    if row is None or not row["status"]:
        raise Conflict(IN_FLIGHT)
    if row["request_hash"] != request_hash:
        raise DomainError(REUSED, status_code=422, title="This key was used for another request")
    return Answer(int(row["status"]), bytes(row["response"] or b""), replayed=True)
