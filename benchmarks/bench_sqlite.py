"""SQLite: single-row durable writes through the embedded engine versus raw aiosqlite.

Both sides insert one row per statement and read back its id, on ONE persistent connection
with the same pragmas (WAL, synchronous=FULL, foreign keys, busy timeout), each in its own
database file. The difference is what Piccolo and the engine add: building the query, the
asyncio lock, dict rows and setting the id on the instance. Piccolo's stock engine, which
opens a connection per query, is measured on the same workload for information only.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import aiosqlite
from piccolo.columns import BigInt, Varchar
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.table import Table

from app.sqlite_engine import PRAGMAS, EmbeddedSQLiteEngine
from benchmarks import harness

ROUNDS, ROWS, WARMUP = 7, 400, 50
BUSY_TIMEOUT_S = 30.0
TARGET = 0.8

RAW, ENGINE = "raw aiosqlite, autocommit", "embedded engine, autocommit"
RAW_TX, ENGINE_TX = "raw aiosqlite, BEGIN IMMEDIATE/row", "embedded engine, transaction/row"
STOCK = "stock Piccolo SQLiteEngine, autocommit"


class BenchRow(Table):
    """Benchmark-only table, never part of the service's schema."""

    name = Varchar()
    amount_pence = BigInt()


def main() -> bool:
    """Run the benchmark; True when the engine keeps at least 0.8x raw aiosqlite's write rate."""
    return asyncio.run(_run())


async def _run() -> bool:
    with tempfile.TemporaryDirectory(prefix="reciprocity-bench-") as tmp:
        engine = EmbeddedSQLiteEngine(Path(tmp) / "engine.sqlite", busy_timeout_s=BUSY_TIMEOUT_S)
        stock = SQLiteEngine(path=str(Path(tmp) / "stock.sqlite"), timeout=BUSY_TIMEOUT_S)
        raw = await _raw_connection(Path(tmp) / "raw.sqlite")
        try:
            sql = await _prepare(engine, stock, raw)
            results = await harness.alternate(
                _contenders(engine, stock, raw, sql), rounds=ROUNDS, ops=ROWS, warmup=WARMUP
            )
        finally:
            await engine.close()
            await raw.close()
    return _report(results, _synchronous_of(stock))


async def _raw_connection(path: Path) -> aiosqlite.Connection:
    """The baseline: one connection, autocommit, the engine's busy timeout and pragmas."""
    connection = await aiosqlite.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    for pragma in PRAGMAS:
        await connection.execute(pragma)
    return connection


async def _prepare(engine: Engine[Any], stock: SQLiteEngine, raw: aiosqlite.Connection) -> str:
    """Create the table in all three files; return the exact INSERT that Piccolo would run."""
    for db in (engine, stock):
        _bind(db)
        await BenchRow.create_table(if_not_exists=True).run()
    _set_wal(Path(stock.path))  # WAL is stored in the file, so the stock engine writes in WAL too
    for statement in BenchRow.create_table(if_not_exists=True).ddl:
        await raw.execute(statement)
    _bind(engine)
    insert = BenchRow.insert(BenchRow(name="", amount_pence=0))
    sql, _ = insert.querystrings[0].compile_string(engine_type="sqlite")
    return sql


def _bind(db: Engine[Any]) -> None:
    BenchRow._meta.db = db


def _set_wal(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
    connection.close()


def _synchronous_of(stock: SQLiteEngine) -> int:
    """The stock engine's synchronous level: the library default, which it never changes."""
    with sqlite3.connect(stock.path) as connection:
        level = connection.execute("PRAGMA synchronous").fetchone()[0]
    connection.close()
    return int(level)


def _contenders(
    engine: Engine[Any], stock: SQLiteEngine, raw: aiosqlite.Connection, sql: str
) -> dict[str, harness.Contender]:
    return {
        RAW: _raw_autocommit(raw, sql),
        ENGINE: _piccolo_autocommit(engine),
        RAW_TX: _raw_transaction(raw, sql),
        ENGINE_TX: _piccolo_transaction(engine),
        STOCK: _piccolo_autocommit(stock),
    }


def _raw_autocommit(raw: aiosqlite.Connection, sql: str) -> harness.Contender:
    async def run(n: int) -> None:
        for i in range(n):
            await raw.execute_fetchall(sql, (f"row-{i}", i * 7))

    return run


def _raw_transaction(raw: aiosqlite.Connection, sql: str) -> harness.Contender:
    async def run(n: int) -> None:
        for i in range(n):
            await raw.execute("BEGIN IMMEDIATE")
            await raw.execute_fetchall(sql, (f"row-{i}", i * 7))
            await raw.execute("COMMIT")

    return run


def _piccolo_autocommit(db: Engine[Any]) -> harness.Contender:
    async def run(n: int) -> None:
        _bind(db)
        for i in range(n):
            await BenchRow.insert(BenchRow(name=f"row-{i}", amount_pence=i * 7))

    return run


def _piccolo_transaction(db: Engine[Any]) -> harness.Contender:
    async def run(n: int) -> None:
        _bind(db)
        for i in range(n):
            async with db.transaction():
                await BenchRow.insert(BenchRow(name=f"row-{i}", amount_pence=i * 7))

    return run


def _report(results: dict[str, harness.Result], stock_synchronous: int) -> bool:
    harness.print_header(
        "SQLite: one-row INSERT ... RETURNING id, embedded engine vs raw aiosqlite",
        f"{ROUNDS} alternating rounds x {ROWS} rows, medians; WAL, synchronous=FULL, "
        f"foreign_keys=ON, busy timeout {BUSY_TIMEOUT_S:.0f}s; one file each",
    )
    raw, raw_tx = results[RAW], results[RAW_TX]
    for name, baseline in ((RAW, raw), (ENGINE, raw), (RAW_TX, raw_tx), (ENGINE_TX, raw_tx)):
        harness.print_row(results[name], baseline, "row")
    harness.print_row(results[STOCK], raw, "row")
    print(
        "   (ratios: autocommit rows vs raw autocommit, transaction rows vs raw BEGIN/COMMIT; "
        f"stock engine is informational, synchronous={stock_synchronous} is its default)"
    )
    met = harness.print_target("engine / raw, autocommit", harness.ratio(results[ENGINE], raw), TARGET)
    met_tx = harness.print_target(
        "engine / raw, transaction per row", harness.ratio(results[ENGINE_TX], raw_tx), TARGET
    )
    return met and met_tx
