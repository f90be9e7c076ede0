"""Finance export: a 100,000-entry batch streamed as CSV vs the raw ``csv`` module.

20,000 payees with bank details sealed under the finance key, 110,000 approved ledger entries
over 200 events, locked into a batch of 10,000 and a batch of 100,000 (``ledger_entry`` and
``entry_state`` rows written as the ledger writes them). OURS: ``export.stream_csv`` with a fresh
Sealer (the finance key read and unwrapped once; members in ``batches.members`` order, read in
keyset pages of 1,000; each payee's bank details decrypted once per download; policy and event
looked up once each; one audit row), every chunk hashed.
BASELINE: ONE raw SQL query on a stdlib ``sqlite3`` connection joining entry, state, payee,
policy and event in member order, the three bank fields opened with ``app.crypto.unseal_row``
under the same (already unwrapped) key, the same cells formatted and escaped, written by
``csv.writer`` and hashed. The two files must be byte-identical before anything is timed.

Targets: the streamed export takes <= 2x the raw time; the streamed export's peak traced memory
(tracemalloc, a separate untimed run) at 100,000 entries is within 50 MB of its peak at 10,000.
Embedded SQLite only.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import random
import sqlite3
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from app import audit
from app.crypto import unseal_row
from app.db import current_engine
from app.factory import create_app, provide_sealer
from app.migrations import migrate
from app.sealed import Sealer
from app.vault import FINANCE_OWNER
from benchmarks import harness, register
from benchmarks.bench_http import _access_log_to_devnull
from benchmarks.bench_participants import _settings
from events.tables import Event
from participation.services.reach import escape_cell
from payments import money
from payments.services import export
from payments.tables import EntryState, ExportBatch, LedgerEntry, Payee, PolicyVersion

PAYEES, EVENTS, SMALL, LARGE, ROUNDS = 20_000, 200, 10_000, 100_000, 3
TIME_LIMIT, MEMORY_LIMIT_MB = 2.0, 50.0
ACTOR = audit.Actor(id="00000000-0000-4000-8000-00000000f1a0", role="finance")
RAW, OURS = "raw SQL + csv module", "export.stream_csv"
LONDON = ZoneInfo("Europe/London")
BANK = ("account_name", "sort_code", "account_number")


def main() -> bool:
    return asyncio.run(_run())


async def _run() -> bool:
    with tempfile.TemporaryDirectory(prefix="reciprocity-bench-") as tmp:
        path = Path(tmp) / "export.sqlite"
        app = create_app(_settings(Path(tmp), f"sqlite:///{path}"))
        with _access_log_to_devnull():
            async with app.lifespan():
                await migrate()
                started = time.perf_counter()
                small, large = await _seed(provide_sealer(app.state))
                seeded = time.perf_counter() - started
                report = await _measure(app, path, small, large)
    harness.print_header(
        "Finance export of a 100,000-entry batch as CSV (SQLite)",
        f"seeded in {seeded:.0f}s; {PAYEES:,} payees, {EVENTS} events",
        f"{ROUNDS} rounds; file {report['bytes'] / 1e6:.1f} MB, identical to the raw file",
    )
    harness.print_row(report["raw"], report["raw"], "files", as_time=True)
    harness.print_row(report["ours"], report["raw"], "files", as_time=True)
    print(
        f"   rows per second: ours {LARGE * report['ours'].median:,.0f}, "
        f"raw {LARGE * report['raw'].median:,.0f}"
    )
    small_mb, large_mb = report["peak_small"], report["peak_large"]
    print(
        f"   peak traced memory: {small_mb:.1f} MB at {SMALL:,} entries, {large_mb:.1f} MB at "
        f"{LARGE:,} ({large_mb / small_mb:.2f}x); raw at {LARGE:,}: {report['peak_raw']:.1f} MB"
    )
    time_ok = harness.print_limit(
        "streamed export vs raw csv", harness.time_ratio(report["ours"], report["raw"]), TIME_LIMIT
    )
    growth = large_mb - small_mb
    memory_ok = growth <= MEMORY_LIMIT_MB
    print(
        f"   TARGET peak at {LARGE:,} - peak at {SMALL:,} <= {MEMORY_LIMIT_MB:.0f} MB: "
        f"{growth:.1f} MB {'met' if memory_ok else 'MISSED'}"
    )
    return time_ok and memory_ok


async def _measure(app: Any, path: Path, small: UUID, large: UUID) -> dict[str, Any]:
    key = await _finance_key(provide_sealer(app.state))

    async def ours(batch: UUID) -> bytes:
        digest = hashlib.sha256()
        async for chunk in export.stream_csv(batch, sealer=provide_sealer(app.state), actor=ACTOR):
            digest.update(chunk)
        return digest.digest()

    async def raw(batch: UUID) -> bytes:
        return _raw_export(path, key, batch)

    file = await export.csv_bytes(large, sealer=provide_sealer(app.state), actor=ACTOR)
    for batch in (small, large):
        if await ours(batch) != await raw(batch):
            raise RuntimeError("the raw baseline does not write the same file: not timed")
    results = await harness.alternate(
        {RAW: _times(raw, large), OURS: _times(ours, large)}, rounds=ROUNDS, ops=1, warmup=0
    )
    return {
        "raw": results[RAW],
        "ours": results[OURS],
        "bytes": len(file),
        "peak_small": await _peak_mb(ours, small),
        "peak_large": await _peak_mb(ours, large),
        "peak_raw": await _peak_mb(raw, large),
    }


def _times(call: Any, batch: UUID) -> harness.Contender:
    async def run(n: int) -> None:
        for _ in range(n):
            await call(batch)

    return run


async def _peak_mb(call: Any, batch: UUID) -> float:
    tracemalloc.start()
    try:
        await call(batch)
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


# --- The raw baseline -------------------------------------------------------------------------

RAW_SQL = """
SELECT e.id, e.kind, e.amount_pence, e.method, p.id AS payee_id, p.reference,
       p.account_name, p.sort_code, p.account_number, v.name, v.version, v.cost_centre,
       v.fee_ledger_code, v.expense_ledger_code, ev.starts_at, b.reference AS batch_reference
FROM entry_state s
JOIN export_batch b ON b.id = s.batch
JOIN ledger_entry e ON e.id = s.entry
LEFT JOIN payee p ON p.subject = e.subject
LEFT JOIN policy_version v ON v.id = e.policy
LEFT JOIN event ev ON ev.id = e.event
WHERE s.batch = ? AND s.state = 'batched'
ORDER BY e.created_at, e.id
"""


def _raw_export(path: Path, key: bytes, batch: UUID) -> bytes:
    """The same file from one query: the least work that writes these bytes."""
    digest, out = hashlib.sha256(), io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(export.COLUMNS)
    connection = sqlite3.connect(path)
    try:
        for line, row in enumerate(connection.execute(RAW_SQL, (str(batch),)), start=1):
            writer.writerow(_raw_cells(line, row, key))
            if line % 1000 == 0:
                digest.update(out.getvalue().encode())
                out.seek(0)
                out.truncate()
    finally:
        connection.close()
    digest.update(out.getvalue().encode())
    return digest.digest()


def _raw_cells(line: int, row: tuple[Any, ...], key: bytes) -> list[str]:
    (entry, kind, pence, method, payee, reference, *sealed) = row[:9]
    name, version, centre, fee_code, expense_code, starts, batch_reference = row[9:]
    bank = unseal_row(key, "payee", payee, dict(zip(BANK, sealed, strict=True)))
    expense = kind == "expense"
    amount = money.decimal_pounds(pence)
    event_day = (
        datetime.fromisoformat(starts).astimezone(LONDON).date().isoformat() if starts else ""
    )
    return [
        escape_cell(batch_reference),
        str(line),
        escape_cell(reference),
        *(escape_cell(bank[column].decode()) for column in BANK),
        amount,
        "0.00" if expense else amount,
        amount if expense else "0.00",
        escape_cell(method),
        escape_cell(centre),
        escape_cell(expense_code if expense else fee_code),
        escape_cell(f"{name} v{version}"),
        "",
        escape_cell(entry),
        escape_cell(event_day),
    ]


async def _finance_key(sealer: Sealer) -> bytes:
    """The finance data key, unwrapped once (both sides start from the wrapped key on disk)."""
    _, key = await sealer.vault._key_for_owner(FINANCE_OWNER)
    return key


# --- Seeding ----------------------------------------------------------------------------------


async def _seed(sealer: Sealer) -> tuple[UUID, UUID]:
    engine, rng = current_engine(), random.Random(11)
    policy = uuid4()
    await PolicyVersion.insert(
        PolicyVersion(
            id=policy,
            name="Northshire involvement payments",
            version=1,
            status="approved",
            effective_from=datetime(2026, 4, 1, tzinfo=UTC).date(),
            cost_centre="CC-4410",
            fee_ledger_code="5120",
            expense_ledger_code="5135",
        )
    )
    events = await _events(engine)
    subjects = await _payees(engine, sealer, rng)
    entries = await _entries(engine, rng, subjects, events, policy)
    return (
        await _batch(engine, "RCP-2026-0001", entries[:SMALL]),
        await _batch(engine, "RCP-2026-0002", entries[SMALL:]),
    )


async def _events(engine: Any) -> list[UUID]:
    start = datetime(2026, 5, 1, 17, 30, tzinfo=UTC)
    rows = [
        Event(
            id=uuid4(),
            kind="evaluation_panel",
            title=f"Panel {n}",
            starts_at=start + timedelta(days=n),
            ends_at=start + timedelta(days=n, hours=3),
        )
        for n in range(EVENTS)
    ]
    async with engine.transaction():
        await register._insert(engine, rows)
    return [row.id for row in rows]


async def _payees(engine: Any, sealer: Sealer, rng: random.Random) -> list[UUID]:
    subjects = []
    for start in range(0, PAYEES, 1000):
        rows = []
        for n in range(start, start + 1000):
            subject, payee = uuid4(), uuid4()
            first = rng.choice(register.FIRST)
            values: dict[str, str | None] = {
                "account_name": f"{'=' if n % 500 == 0 else ''}{first} {rng.choice(register.LAST)}",
                "sort_code": f"{rng.randint(10, 99)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
                "account_number": f"{rng.randint(0, 99_999_999):08d}",
            }
            stored = await sealer.seal(Payee, payee, subject, values)
            rows.append(Payee(id=payee, subject=subject, reference=f"P{n:07d}", **stored))
            subjects.append(subject)
        async with engine.transaction():
            await register._insert(engine, rows)
    return subjects


async def _entries(
    engine: Any, rng: random.Random, subjects: list[UUID], events: list[UUID], policy: UUID
) -> list[UUID]:
    """Approved entries, one a second from 1 November (members order by time, then id)."""
    base, ids = datetime(2026, 11, 1, tzinfo=UTC), []
    for start in range(0, SMALL + LARGE, 5000):
        rows, states = [], []
        for n in range(start, start + 5000):
            entry, expense = uuid4(), rng.random() < 0.3
            rows.append(
                LedgerEntry(
                    id=entry,
                    subject=subjects[n % len(subjects)],
                    kind="expense" if expense else "fee",
                    amount_pence=rng.randint(150, 900) if expense else rng.choice((2500, 5000)),
                    event=None if expense else events[n % len(events)],
                    policy=policy,
                    method="bank_transfer",
                    created_at=base + timedelta(seconds=n),
                )
            )
            states.append(_state(entry, "approved", None))
            ids.append(entry)
        async with engine.transaction():
            await register._insert(engine, rows)
            await register._insert(engine, states)
    return ids


async def _batch(engine: Any, reference: str, entries: list[UUID]) -> UUID:
    batch = uuid4()
    await ExportBatch.insert(
        ExportBatch(id=batch, reference=reference, entry_count=len(entries), locked_at=_now())
    )
    for start in range(0, len(entries), 5000):
        async with engine.transaction():
            await register._insert(
                engine, [_state(e, "batched", batch) for e in entries[start : start + 5000]]
            )
    return batch


def _state(entry: UUID, state: str, batch: UUID | None) -> EntryState:
    return EntryState(id=uuid4(), entry=entry, state=state, once=f"{entry}:{state}", batch=batch)


def _now() -> datetime:
    return datetime.now(UTC)
