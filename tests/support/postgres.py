"""PostgreSQL for tests: is one reachable, must it be, and a fresh database per pytest worker."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from ops.backing import run_apart

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
NOT_REACHABLE_BANNER = f"""
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
!!  PostgreSQL did not answer at DATABASE_URL (default {DEFAULT_URL}).
!!  The tests ran on SQLite ONLY. CI runs them on PostgreSQL too.
!!  Start PostgreSQL or set DATABASE_URL to test both engines here.
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
"""


def admin_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_URL


def required() -> bool:
    """In CI (or when asked) a missing PostgreSQL fails the run instead of being skipped."""
    return os.environ.get("CI") == "true" or os.environ.get("RECIPROCITY_REQUIRE_POSTGRES") == "1"


def reachable() -> bool:
    async def probe() -> bool:
        try:
            connection = await asyncpg.connect(admin_url(), timeout=3)
        except (TimeoutError, OSError, asyncpg.PostgresError):
            return False
        await connection.close()
        return True

    return run_apart(probe())


def fresh_database(name: str) -> str:
    """Drop and recreate database ``name`` on the admin server; return its URL."""

    async def recreate() -> None:
        connection = await asyncpg.connect(admin_url())
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    run_apart(recreate())
    parts = urlsplit(admin_url())
    return urlunsplit(parts._replace(path=f"/{name}"))
