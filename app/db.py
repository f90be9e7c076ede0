"""Database engines, binding, lifespan and the one-transaction-per-use-case helper.

The engine is chosen from settings (PostgreSQL with a pool, or the embedded SQLite engine) and
bound to every Piccolo table at start-up, so nothing relies on import order or a global read at
import time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from piccolo.apps.migrations.tables import Migration
from piccolo.conf.apps import Finder
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

from app.settings import Settings
from app.sqlite_engine import EmbeddedSQLiteEngine


def build_engine(settings: Settings) -> Engine[Any]:
    """PostgreSQL when ``DATABASE_URL`` says so, otherwise the embedded SQLite file."""
    if settings.uses_postgres:
        return PostgresEngine(config={"dsn": settings.database_url})
    settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    return EmbeddedSQLiteEngine(
        path=settings.sqlite_path, busy_timeout_s=settings.sqlite_busy_timeout_s
    )


def all_tables() -> list[type[Table]]:
    """Every table of every registered Piccolo app, plus Piccolo's own migration table."""
    return [*Finder().get_table_classes(), Migration]


_bound: list[Engine[Any]] = []


def bind_engine(engine: Engine[Any]) -> None:
    """Point every table, and Piccolo's migration machinery (``piccolo_conf.DB``), at ``engine``."""
    _bound[:] = [engine]
    for table in all_tables():
        table._meta.db = engine


def current_engine() -> Engine[Any]:
    """The bound engine; Piccolo's own CLI, which binds nothing, gets one built from settings."""
    if not _bound:
        bind_engine(build_engine(Settings()))
    return _bound[0]


@asynccontextmanager
async def open_engine(engine: Engine[Any], settings: Settings) -> AsyncIterator[Engine[Any]]:
    """Open the pool (PostgreSQL) or the persistent connection (SQLite) and close it after."""
    bind_engine(engine)
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(
            min_size=settings.db_pool_min, max_size=settings.db_pool_max
        )
    try:
        yield engine
    finally:
        if isinstance(engine, PostgresEngine):
            await engine.close_connection_pool()
        elif isinstance(engine, EmbeddedSQLiteEngine):
            await engine.close()


def transaction() -> Any:
    """One use case = one transaction: ``async with transaction(): ...`` in a service function.

    Nested calls join the outer transaction, so a service may call another service freely.
    On SQLite the transaction is IMMEDIATE: it takes the write lock up front and never fails
    half-way with "database is locked".
    """
    return current_engine().transaction()


async def is_ready() -> bool:
    """True when the database answers a trivial query."""
    try:
        rows = await current_engine().run_ddl("SELECT 1 AS ok")
    except Exception:  # noqa: BLE001 - any failure means "not ready"; the probe reports it
        return False
    return bool(rows) and rows[0]["ok"] == 1


T = TypeVar("T")


def with_database(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work`` with the configured database open, then close it (for CLI commands)."""

    async def run() -> T:
        async with open_engine(build_engine(settings), settings):
            return await work()

    return asyncio.run(run())


def is_duplicate(error: BaseException) -> bool:
    """True when a write broke a UNIQUE constraint, on either engine: a retry or a second click
    that lost the race, for the caller to answer with the row that won."""
    import sqlite3  # noqa: PLC0415 - both drivers' error types, only where needed

    from asyncpg.exceptions import UniqueViolationError  # noqa: PLC0415

    if isinstance(error, UniqueViolationError):
        return True
    return isinstance(error, sqlite3.IntegrityError) and "UNIQUE" in str(error)
