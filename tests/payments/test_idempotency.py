"""Idempotency keys below the API: a duplicate sent while the first is still running waits for
it and gets its answer; if the first fails, the duplicate runs as the first. Keys and
fingerprints are checked as the IETF draft and Stripe describe them."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import uuid4

import pytest

from app.errors import DomainError
from payments.services import idempotency
from payments.tables import IdempotencyRecord
from tests.payments.conftest import FINANCE_A, FINANCE_B


class Blocked:
    """A piece of work that starts, then waits to be let go (or told to fail)."""

    def __init__(self, answer: bytes, fail: bool = False) -> None:
        self.answer, self.fail = answer, fail
        self.started, self.release = asyncio.Event(), asyncio.Event()
        self.runs = 0

    async def __call__(self) -> tuple[int, bytes]:
        self.runs += 1
        self.started.set()
        await self.release.wait()
        if self.fail:
            raise DomainError("The first attempt failed")
        return 201, self.answer


async def test_a_duplicate_in_flight_waits_for_the_first_and_replays_it(db: Any) -> None:
    key, digest = str(uuid4()), "a" * 64
    first_work, second_work = Blocked(b'{"n":1}'), Blocked(b'{"n":2}')
    first = asyncio.create_task(idempotency.run_once(FINANCE_A, key, "r", digest, first_work))
    await first_work.started.wait()

    second = asyncio.create_task(idempotency.run_once(FINANCE_A, key, "r", digest, second_work))
    await asyncio.sleep(0.2)
    assert not second.done()  # waiting on the first's claim, not answering 409 or running

    first_work.release.set()
    answers = await asyncio.gather(first, second)

    assert answers[0] == idempotency.Answer(201, b'{"n":1}', replayed=False)
    assert answers[1] == idempotency.Answer(201, b'{"n":1}', replayed=True)
    assert second_work.runs == 0
    assert await IdempotencyRecord.count() == 1


async def test_when_the_first_fails_the_waiting_duplicate_runs_as_the_first(db: Any) -> None:
    key, digest = str(uuid4()), "b" * 64
    failing, second_work = Blocked(b"", fail=True), Blocked(b'{"n":2}')
    second_work.release.set()
    first = asyncio.create_task(idempotency.run_once(FINANCE_A, key, "r", digest, failing))
    await failing.started.wait()
    second = asyncio.create_task(idempotency.run_once(FINANCE_A, key, "r", digest, second_work))
    await asyncio.sleep(0.2)
    assert not second.done()

    failing.release.set()
    with pytest.raises(DomainError, match="first attempt failed"):
        await first

    assert await second == idempotency.Answer(201, b'{"n":2}', replayed=False)
    [stored] = await IdempotencyRecord.select()
    assert (stored["status"], bytes(stored["response"])) == (201, b'{"n":2}')


async def test_keys_belong_to_their_sender_and_a_reused_key_must_match(db: Any) -> None:
    key = str(uuid4())
    done = Blocked(b"{}")
    done.release.set()

    await idempotency.run_once(FINANCE_A, key, "r", "c" * 64, done)
    theirs = await idempotency.run_once(FINANCE_B, key, "r", "d" * 64, done)
    with pytest.raises(DomainError) as reused:
        await idempotency.run_once(FINANCE_A, key, "r", "d" * 64, done)

    assert theirs.replayed is False
    assert reused.value.status_code == 422
    assert done.runs == 2


def test_fingerprints_ignore_spacing_and_key_order_but_not_values_or_routes() -> None:
    one = idempotency.fingerprint("POST", "/api/v1/payments/entries", {"a": 1, "b": [1, 2]})

    assert one == idempotency.fingerprint("post", "/api/v1/payments/entries", {"b": [1, 2], "a": 1})
    assert one != idempotency.fingerprint("POST", "/api/v1/payments/entries", {"a": 1, "b": [2, 1]})
    assert one != idempotency.fingerprint("POST", "/api/v1/payments/batches", {"a": 1, "b": [1, 2]})
    assert len(one) == 64


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("8e4c0a2e-61b1-4c3e-9f55-7d2f4a1b9c00", "8e4c0a2e-61b1-4c3e-9f55-7d2f4a1b9c00"),
        ('"8e4c0a2e-61b1-4c3e-9f55-7d2f4a1b9c00"', "8e4c0a2e-61b1-4c3e-9f55-7d2f4a1b9c00"),
        ("  payment:2026-11-23:0001  ", "payment:2026-11-23:0001"),
    ],
)
def test_usable_keys(raw: str, expected: str) -> None:
    assert idempotency.checked_key(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   ", "1234567", '""', "a key", "é" * 10, "x" * 129])
def test_unusable_keys_are_400_naming_the_header(raw: str | None) -> None:
    with pytest.raises(DomainError) as refused:
        idempotency.checked_key(raw)

    assert refused.value.status_code == 400
    assert [e.field for e in refused.value.errors] == ["Idempotency-Key"]
