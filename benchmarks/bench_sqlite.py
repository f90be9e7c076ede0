"""SQLite: single-row durable writes through the embedded engine versus raw aiosqlite.

Two targets. ENGINE: the exact INSERT Piccolo compiles for the table, run through the engine's
public ``run_querystring`` (a ``QueryString`` built per call, as the ORM would hand it over)
in autocommit, against the same SQL and arguments on raw aiosqlite. APP PATTERN: what the
service really does, a Piccolo ``Table.insert`` inside ``engine.transaction()`` per row, against
raw ``BEGIN IMMEDIATE; INSERT; COMMIT`` per row. Both sides use ONE persistent connection with
the engine's pragmas (WAL, synchronous=FULL, foreign keys) and busy timeout, each its own file.

Every commit waits for an fsync, whose time varies a lot on a shared virtual disk, so each
contender runs right next to its baseline in short rounds and the target uses the median of
the per-round ratios. The other rows are for information.
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
from piccolo.querystring import QueryString
from piccolo.table import Table

from app.sqlite_engine import PRAGMAS, EmbeddedSQLiteEngine
from benchmarks import harness

ROUNDS, ROWS, WARMUP = 240, 25, 50
STOCK_ROWS = 5  # the stock engine takes ~4 ms a row; fewer rows keep the run short
BUSY_TIMEOUT_S = 30.0
TARGET = 0.8

RAW, ENGINE, ORM = (
    "raw aiosqlite, autocommit",
    "engine run_querystring, autocommit",
    "engine + Piccolo ORM insert, autocommit",
)
RAW_TX, ENGINE_TX, ORM_TX = (
    "raw aiosqlite, BEGIN IMMEDIATE/row",
    "engine run_querystring, transaction/row",
    "engine + ORM insert, transaction/row",
)
RAW_FOR_STOCK = f"raw aiosqlite, autocommit ({STOCK_ROWS}-row rounds)"
STOCK = "stock Piccolo SQLiteEngine, ORM"
SHOWN = (  # (contender, its baseline), in the printed order
    (RAW, RAW),
    (ENGINE, RAW),
    (ORM, RAW),
    (RAW_TX, RAW_TX),
    (ENGINE_TX, RAW_TX),
    (ORM_TX, RAW_TX),
    (RAW_FOR_STOCK, RAW_FOR_STOCK),
    (STOCK, RAW_FOR_STOCK),
)
SYNCHRONOUS_NAMES = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


class BenchRow(Table):
    """Benchmark-only table, never part of the service's schema."""

    name = Varchar()
    amount_pence = BigInt()


def main() -> bool:
    """Run the benchmark; True when both targets (0.8x raw aiosqlite) are met."""
    return asyncio.run(_run())


async def _run() -> bool:
    with tempfile.TemporaryDirectory(prefix="reciprocity-bench-") as tmp:
        engine = EmbeddedSQLiteEngine(Path(tmp) / "engine.sqlite", busy_timeout_s=BUSY_TIMEOUT_S)
        stock = SQLiteEngine(path=str(Path(tmp) / "stock.sqlite"), timeout=BUSY_TIMEOUT_S)
        raw = await _raw_connection(Path(tmp) / "raw.sqlite")
        try:
            sql = await _prepare(engine, stock, raw)
            groups = _groups(engine, stock, raw, sql)
            results = await harness.alternate_groups(groups, rounds=ROUNDS)
        finally:
            await engine.close()
            await raw.close()
        stock_synchronous = _synchronous_of(stock)
    return _report(results, sql, stock_synchronous)


async def _raw_connection(path: Path) -> aiosqlite.Connection:
    """The baseline: one connection, autocommit, the engine's busy timeout and pragmas."""
    connection = await aiosqlite.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    for pragma in PRAGMAS:
        await connection.execute(pragma)
    return connection


async def _prepare(engine: Engine[Any], stock: SQLiteEngine, raw: aiosqlite.Connection) -> str:
    """Create the table in all three files; return the exact INSERT that Piccolo compiles."""
    for db in (engine, stock):
        _bind(db)
        await BenchRow.create_table(if_not_exists=True).run()
    _set_wal(Path(stock.path))  # WAL is stored in the file, so the stock engine writes in WAL too
    for statement in BenchRow.create_table(if_not_exists=True).ddl:
        await raw.execute(statement)
    _bind(engine)
    insert = BenchRow.insert(BenchRow(name="row-0", amount_pence=0))
    sql, args = insert.querystrings[0].compile_string(engine_type="sqlite")
    if _querystring(_template(sql), *args).compile_string(engine_type="sqlite") != (sql, args):
        raise RuntimeError(f"cannot rebuild Piccolo's INSERT as a QueryString: {sql}")
    return sql


def _template(sql: str) -> str:
    """Piccolo's compiled SQL with its ``?`` placeholders turned back into QueryString's ``{}``."""
    return sql.replace("?", "{}")


def _querystring(template: str, *args: Any) -> QueryString:
    return QueryString(template, *args)


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


def _groups(
    engine: EmbeddedSQLiteEngine, stock: SQLiteEngine, raw: aiosqlite.Connection, sql: str
) -> list[harness.Group]:
    """Each contender next to its baseline; the first of each group is the baseline."""
    autocommit = {
        RAW: _raw_autocommit(raw, sql),
        ENGINE: _engine_querystring(engine, _template(sql)),
        ORM: _orm_autocommit(engine),
    }
    per_row_tx = {
        RAW_TX: _raw_transaction(raw, sql),
        ENGINE_TX: _engine_transaction(engine, _template(sql)),
        ORM_TX: _orm_transaction(engine),
    }
    stock_pair = {RAW_FOR_STOCK: _raw_autocommit(raw, sql), STOCK: _orm_autocommit(stock)}
    return [
        harness.Group(autocommit, ops=ROWS, warmup=WARMUP),
        harness.Group(per_row_tx, ops=ROWS, warmup=WARMUP),
        harness.Group(stock_pair, ops=STOCK_ROWS, warmup=STOCK_ROWS),
    ]


def _raw_autocommit(raw: aiosqlite.Connection, sql: str) -> harness.Contender:
    async def run(n: int) -> None:
        for i in range(n):
            await raw.execute_fetchall(sql, (f"row-{i}", i * 7))

    return run


def _engine_querystring(engine: EmbeddedSQLiteEngine, template: str) -> harness.Contender:
    """The engine's share alone: no row objects and no query building, just the QueryString."""

    async def run(n: int) -> None:
        for i in range(n):
            await engine.run_querystring(_querystring(template, f"row-{i}", i * 7))

    return run


def _engine_transaction(engine: EmbeddedSQLiteEngine, template: str) -> harness.Contender:
    """The engine's transaction machinery without the ORM, to tell the two costs apart."""

    async def run(n: int) -> None:
        for i in range(n):
            async with engine.transaction():
                await engine.run_querystring(_querystring(template, f"row-{i}", i * 7))

    return run


def _raw_transaction(raw: aiosqlite.Connection, sql: str) -> harness.Contender:
    async def run(n: int) -> None:
        for i in range(n):
            await raw.execute("BEGIN IMMEDIATE")
            await raw.execute_fetchall(sql, (f"row-{i}", i * 7))
            await raw.execute("COMMIT")

    return run


def _orm_autocommit(db: Engine[Any]) -> harness.Contender:
    async def run(n: int) -> None:
        _bind(db)
        for i in range(n):
            await BenchRow.insert(BenchRow(name=f"row-{i}", amount_pence=i * 7))

    return run


def _orm_transaction(db: Engine[Any]) -> harness.Contender:
    """The service's write pattern: one use case, one transaction, here with one row in it."""

    async def run(n: int) -> None:
        _bind(db)
        for i in range(n):
            async with db.transaction():
                await BenchRow.insert(BenchRow(name=f"row-{i}", amount_pence=i * 7))

    return run


def _report(results: dict[str, harness.Result], sql: str, stock_synchronous: int) -> bool:
    stock_level = SYNCHRONOUS_NAMES.get(stock_synchronous, str(stock_synchronous))
    harness.print_header(
        "SQLite: one-row INSERT ... RETURNING, embedded engine vs raw aiosqlite",
        f"{ROUNDS} rounds; each contender next to its baseline, {ROWS} rows per contender",
        f"WAL, synchronous=FULL, foreign_keys=ON, busy timeout {BUSY_TIMEOUT_S:.0f}s on both sides",
        f"SQL: {sql}",
    )
    for name, baseline in SHOWN:
        harness.print_row(results[name], results[baseline], "row")
    print("   (the target is on the engine, as the issue sets it; the ORM rows show Piccolo's own")
    print("    cost of building each INSERT, and the stock engine opens a connection per query,")
    print(f"    synchronous={stock_level}: information, no target)")
    return harness.print_target(
        "engine / raw, autocommit", harness.ratio(results[ENGINE], results[RAW]), TARGET
    )
