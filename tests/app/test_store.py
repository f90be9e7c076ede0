"""The shared store: sessions and throttle counters that several workers see alike."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis.asyncio as aioredis

from app.store import DatabaseStore, SharedRedisStore

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


async def test_values_round_trip_and_expire(db: Any) -> None:
    store = DatabaseStore("test")

    await store.set("kept", b"value", expires_in=60)
    await store.set("gone", b"value", expires_in=-1)

    assert await store.get("kept") == b"value"
    assert await store.get("gone") is None
    assert 55 <= (await store.expires_in("kept") or 0) <= 60


async def test_concurrent_hits_are_all_counted(db: Any) -> None:
    store = DatabaseStore("throttle")

    counts = await asyncio.gather(*(store.hit("someone", 60) for _ in range(40)))

    assert sorted(counts) == list(range(1, 41))


async def test_two_stores_on_one_database_share_counts(db: Any) -> None:
    first, second = DatabaseStore("throttle"), DatabaseStore("throttle")  # two workers

    await first.hit("shared", 60)
    await second.hit("shared", 60)

    assert await first.hit("shared", 60) == 3


@pytest.fixture
async def redis_store() -> AsyncIterator[SharedRedisStore]:
    client = aioredis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (OSError, aioredis.ConnectionError):
        await client.aclose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required in CI but does not answer at {REDIS_URL}")
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    await client.aclose()
    store = SharedRedisStore.with_client(url=REDIS_URL, namespace=f"test-{secrets.token_hex(4)}")
    yield store
    await store.delete_all()
    await store._redis.aclose()


async def test_redis_hits_are_atomic_and_expire(redis_store: SharedRedisStore) -> None:
    counts = await asyncio.gather(*(redis_store.hit("someone", 60) for _ in range(40)))

    assert sorted(counts) == list(range(1, 41))
    assert 55 <= (await redis_store.expires_in("someone") or 0) <= 60
