"""The shared store for sessions and throttles: the database by default, Redis when configured.

Nothing here may live in one process's memory: with several workers, a session made by one must
be read by another, and a sign-in limit must count attempts made on all of them. Both stores
offer the same two things: Litestar's ``Store`` (get/set with expiry) and an atomic ``hit``
counter for throttles.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from litestar.stores.base import Store
from litestar.stores.redis import RedisStore
from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.db import current_engine, transaction
from app.tables import StoreEntry


class SharedStore(Protocol):
    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None: ...
    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None: ...
    async def delete(self, key: str) -> None: ...
    async def hit(self, key: str, window_s: int) -> int: ...


def _seconds(expires_in: int | timedelta | None) -> int | None:
    if isinstance(expires_in, timedelta):
        return int(expires_in.total_seconds())
    return expires_in


class DatabaseStore(Store):
    """A ``Store`` in the ``store_entry`` table; expired entries read as missing."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def _key(self, key: str) -> str:
        return f"{self.namespace}:{key}"

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        data = value.encode() if isinstance(value, str) else value
        seconds = _seconds(expires_in)
        expires = datetime.now(UTC) + timedelta(seconds=seconds) if seconds else None
        async with transaction():
            await StoreEntry.delete().where(StoreEntry.key == self._key(key))
            await StoreEntry.insert(StoreEntry(key=self._key(key), value=data, expires_at=expires))

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        """One plain query: this runs on every signed-in request."""
        rows = await StoreEntry.raw(
            "SELECT value, expires_at FROM store_entry WHERE key = {}", self._key(key)
        )
        row = rows[0] if rows else None
        if row is None or _expired(_aware(row["expires_at"])):
            return None
        if renew_for is not None:
            await self.set(key, bytes(row["value"]), renew_for)
        return bytes(row["value"])

    async def delete(self, key: str) -> None:
        await StoreEntry.delete().where(StoreEntry.key == self._key(key))

    async def delete_all(self) -> None:
        await StoreEntry.delete().where(StoreEntry.key.like(f"{self.namespace}:%"))

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        row = (
            await StoreEntry.select(StoreEntry.expires_at)
            .where(StoreEntry.key == self._key(key))
            .first()
        )
        if row is None or row["expires_at"] is None:
            return None
        return max(0, int((row["expires_at"] - datetime.now(UTC)).total_seconds()))

    async def hit(self, key: str, window_s: int) -> int:
        """Count one attempt in a fixed window; atomic across processes (one write transaction)."""
        async with transaction():
            if current_engine().engine_type == "postgres":
                await _lock_key(self._key(key))
            count = int((await self.get(key) or b"0").decode()) + 1
            remaining = await self.expires_in(key) if count > 1 else None
            await self.set(key, str(count), remaining or window_s)
        return count

    async def purge_expired(self) -> int:
        """Delete expired entries; run by the scheduled clean-up."""
        rows = (
            await StoreEntry.delete()
            .where(StoreEntry.expires_at < datetime.now(UTC))
            .returning(StoreEntry.key)
        )
        return len(rows)


async def _lock_key(key: str) -> None:
    """Serialise hits on one key in PostgreSQL (SQLite's IMMEDIATE transaction already does)."""
    await StoreEntry.raw("SELECT pg_advisory_xact_lock(hashtext({}))", key)


def _aware(moment: datetime | str | None) -> datetime | None:
    """Raw rows give timestamps as stored; make them aware UTC datetimes on both engines."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _expired(expires_at: datetime | None) -> bool:
    return expires_at is not None and expires_at <= datetime.now(UTC)


class SharedRedisStore(RedisStore):
    """Litestar's Redis store plus an atomic counter."""

    async def hit(self, key: str, window_s: int) -> int:
        full_key = self._make_key(key)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(full_key)
            pipe.expire(full_key, window_s, nx=True)
            count, _ = await pipe.execute()
        return int(count)


def shared_store(redis_url: str, namespace: str) -> Any:
    """The store for ``namespace``: Redis when ``REDIS_URL`` is set, else the database."""
    if redis_url:
        return SharedRedisStore(
            redis=redis_client(redis_url),
            namespace=f"reciprocity:{namespace}",
            handle_client_shutdown=True,
        )
    return DatabaseStore(namespace)


def redis_client(url: str) -> Redis:
    """A client that reconnects when Redis has restarted or failed over.

    Pooled connections to the old server are dead; without a retry the first command on each
    fails, and the person sees "service unavailable" instead of (at worst) the sign-in page.
    A retried command is at worst run twice: a GET or SET is the same again, and a throttle
    hit counted twice only errs on the strict side.
    """
    retry = Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=3)
    pool = ConnectionPool.from_url(
        url, retry=retry, retry_on_error=[RedisConnectionError, RedisTimeoutError]
    )
    return Redis(connection_pool=pool)
