"""The embedded database: Piccolo's SQLite engine on ONE persistent connection per process.

Piccolo's stock ``SQLiteEngine`` opens a new connection (and a new thread) for every query and
starts transactions DEFERRED, which fails with "database is locked" when two writers upgrade at
once (see docs/adr/0002-embedded-sqlite-engine.md). This engine keeps one connection, serialises
its use with an asyncio lock, starts every transaction IMMEDIATE and honours a busy timeout, so
another process (the CLI, a second worker) waits instead of failing.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiosqlite
from piccolo.engine.sqlite import (
    SQLiteEngine,
    SQLiteTransaction,
    TransactionType,
    dict_factory,
)
from piccolo.querystring import QueryString

PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
)


class EmbeddedSQLiteTransaction(SQLiteTransaction):
    """A transaction that borrows the engine's connection instead of opening its own."""

    engine: EmbeddedSQLiteEngine

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        await self.engine.lock.acquire()
        try:
            self.connection = await self.engine.shared_connection()
            await self.begin()  # type: ignore[no-untyped-call]
        except BaseException:
            self.engine.lock.release()
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception is not None:
                if not self._rolled_back:
                    await self.rollback()  # type: ignore[no-untyped-call]
            elif not self._committed and not self._rolled_back:
                await self._commit_or_roll_back()
        finally:
            self.engine.current_transaction.reset(self.context)
            self.engine.lock.release()
        return exception is None

    async def _commit_or_roll_back(self) -> None:
        """Commit; if the commit fails, leave the shared connection clean for the next user."""
        try:
            await self.commit()  # type: ignore[no-untyped-call]
        except BaseException:
            if self.connection.in_transaction:
                await self.rollback()  # type: ignore[no-untyped-call]
            raise


class EmbeddedSQLiteEngine(SQLiteEngine):
    """Piccolo engine for the embedded default; see the module docstring for why."""

    def __init__(self, path: Path, busy_timeout_s: float = 30.0) -> None:
        super().__init__(path=str(path), timeout=busy_timeout_s)
        self._connection: aiosqlite.Connection | None = None
        self._lock: asyncio.Lock | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False

    @property
    def lock(self) -> asyncio.Lock:
        """The lock of the running event loop; a new loop (a CLI command) gets a fresh one."""
        self._follow_running_loop()
        assert self._lock is not None
        return self._lock

    async def shared_connection(self) -> aiosqlite.Connection:
        """Open the process's connection on first use; never again once closed."""
        self._follow_running_loop()
        if self._closed:
            raise RuntimeError("the database engine is closed (the service is shutting down)")
        if self._connection is None:
            # Shielded: a caller cancelled mid-open (at shutdown) must not orphan the connection
            # and its thread; _open keeps or closes what it opened either way.
            await asyncio.shield(self._open())
        assert self._connection is not None
        return self._connection

    async def _open(self) -> None:
        connection = await self.get_connection()
        for pragma in PRAGMAS:
            await connection.execute(pragma)
        if self._closed or self._connection is not None:
            await connection.close()
        else:
            self._connection = connection

    def _follow_running_loop(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is loop:
            return
        if self._connection is not None:
            self._connection.stop()  # belongs to a finished loop: stop its thread
            self._connection = None
        self._loop, self._lock = loop, asyncio.Lock()

    async def close(self) -> None:
        """Close the connection; its worker thread would otherwise keep the process alive."""
        self._closed = True
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.immediate,
        allow_nested: bool = True,
    ) -> EmbeddedSQLiteTransaction:
        return EmbeddedSQLiteTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False) -> Any:
        query, args = querystring.compile_string(engine_type=self.engine_type)
        return await self._execute(query, args)

    async def run_ddl(self, ddl: str, in_pool: bool = False) -> Any:
        return await self._execute(ddl, [])

    async def _execute(self, query: str, args: list[Any]) -> list[dict[str, Any]]:
        """Run one statement: inside the caller's transaction, or alone under the lock."""
        if self.log_queries:
            self.print_query(query_id=self.get_query_id(), query=query)
        current = self.current_transaction.get()
        if current is not None:
            return await _fetch_all(current.connection, query, args)
        async with self.lock:
            return await _fetch_all(await self.shared_connection(), query, args)


async def _fetch_all(
    connection: aiosqlite.Connection, query: str, args: list[Any]
) -> list[dict[str, Any]]:
    connection.row_factory = dict_factory  # type: ignore[assignment]
    rows = await connection.execute_fetchall(query, args)
    return list(rows)  # type: ignore[arg-type]
