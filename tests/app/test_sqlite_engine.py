"""The embedded engine: one persistent connection, IMMEDIATE transactions, nothing half-written."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from piccolo.columns import Integer, Varchar
from piccolo.table import Table

from app.sqlite_engine import EmbeddedSQLiteEngine


class Counter(Table):
    name = Varchar(length=20, unique=True)
    value = Integer(default=0)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[EmbeddedSQLiteEngine]:
    engine = EmbeddedSQLiteEngine(path=tmp_path / "engine.sqlite", busy_timeout_s=5)
    Counter._meta.db = engine
    await Counter.create_table().run()
    await Counter.insert(Counter(name="visits", value=0))
    yield engine
    await engine.close()


async def test_every_query_reuses_one_connection(engine: EmbeddedSQLiteEngine) -> None:
    first = await engine.shared_connection()
    await Counter.select()
    async with engine.transaction():
        await Counter.update({Counter.value: 1}).where(Counter.name == "visits")

    assert await engine.shared_connection() is first


async def test_wal_and_foreign_keys_are_on(engine: EmbeddedSQLiteEngine) -> None:
    journal = await engine.run_ddl("PRAGMA journal_mode")
    foreign_keys = await engine.run_ddl("PRAGMA foreign_keys")

    assert journal == [{"journal_mode": "wal"}]
    assert foreign_keys == [{"foreign_keys": 1}]


async def test_concurrent_read_then_write_transactions_lose_nothing(
    engine: EmbeddedSQLiteEngine,
) -> None:
    async def increment() -> None:
        async with engine.transaction():
            row = await Counter.select(Counter.value).where(Counter.name == "visits").first()
            assert row is not None
            await asyncio.sleep(0)  # let other tasks try to interleave
            await Counter.update({Counter.value: row["value"] + 1}).where(Counter.name == "visits")

    await asyncio.gather(*(increment() for _ in range(100)))

    assert await Counter.select(Counter.value).where(Counter.name == "visits").first() == {
        "value": 100
    }


async def test_failed_transaction_leaves_nothing_behind(engine: EmbeddedSQLiteEngine) -> None:
    with pytest.raises(RuntimeError, match="half way"):
        async with engine.transaction():
            await Counter.insert(Counter(name="first", value=1))
            raise RuntimeError("half way")

    assert await Counter.count() == 1
    assert (await engine.shared_connection()).in_transaction is False


async def test_constraint_violation_rolls_back_the_whole_use_case(
    engine: EmbeddedSQLiteEngine,
) -> None:
    with pytest.raises(Exception, match="UNIQUE"):
        async with engine.transaction():
            await Counter.insert(Counter(name="new", value=1))
            await Counter.insert(Counter(name="visits", value=2))

    assert await Counter.select(Counter.name).order_by(Counter.name) == [{"name": "visits"}]


async def test_nested_transactions_join_the_outer_one(engine: EmbeddedSQLiteEngine) -> None:
    with pytest.raises(RuntimeError):
        async with engine.transaction():
            async with engine.transaction():
                await Counter.insert(Counter(name="inner", value=1))
            raise RuntimeError("outer fails after inner finished")

    assert await Counter.count() == 1


async def test_a_second_process_waits_for_the_write_lock(
    engine: EmbeddedSQLiteEngine, tmp_path: Path
) -> None:
    other = EmbeddedSQLiteEngine(path=tmp_path / "engine.sqlite", busy_timeout_s=5)
    held = asyncio.Event()

    async def hold_lock() -> None:
        async with engine.transaction():
            await Counter.update({Counter.value: 10}).where(Counter.name == "visits")
            held.set()
            await asyncio.sleep(0.3)

    async def write_from_other() -> None:
        await held.wait()
        async with other.transaction():
            await other.run_ddl("UPDATE counter SET value = value + 1 WHERE name = 'visits'")

    await asyncio.gather(hold_lock(), write_from_other())
    await other.close()

    assert await Counter.select(Counter.value).first() == {"value": 11}


async def test_close_stops_the_connection_thread(tmp_path: Path) -> None:
    engine = EmbeddedSQLiteEngine(path=tmp_path / "threads.sqlite")
    connection = await engine.shared_connection()
    worker: threading.Thread = (
        connection._thread
    )  # aiosqlite's worker; a leak hangs the process at exit

    await engine.close()
    worker.join(timeout=5)

    assert worker.is_alive() is False
    assert engine._connection is None


async def test_a_closed_engine_refuses_work_instead_of_reopening(tmp_path: Path) -> None:
    engine = EmbeddedSQLiteEngine(path=tmp_path / "closed.sqlite")
    await engine.run_ddl("SELECT 1")
    await engine.close()
    (tmp_path / "closed.sqlite").unlink()

    with pytest.raises(RuntimeError, match="the database engine is closed"):
        await engine.run_ddl("SELECT 1")
    assert not (tmp_path / "closed.sqlite").exists()
