"""Reach: the report of one piece of work over 100,000 EOIs vs a raw SQL GROUP BY.

20,000 sealed people (``benchmarks.register``) and 100,000 EOIs over 20 opportunities of one
piece of commissioning work. OURS: ``reach.for_work`` with a fresh Sealer (every data key
unwrapped, each person's lived experience and, with consent, equality answers decrypted once,
suppression applied, one audit row). BASELINE: the same counts by GROUP BY in SQLite over the
plain twin table (lived experience via json_each, each equality question via json_extract),
which no encryption stands in the way of. Embedded SQLite only; target: under 10x the time.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from app import audit
from app.db import current_engine
from app.factory import create_app, provide_sealer
from app.migrations import migrate
from benchmarks import harness, register
from benchmarks.bench_http import _access_log_to_devnull
from benchmarks.bench_participants import _settings
from participation import vocabulary as v
from participation.services import reach
from participation.tables import CommissioningWork, Expression, Opportunity

EOIS, OPPORTUNITIES, ROUNDS, LIMIT = 100_000, 20, 5, 10.0
ACTOR = audit.Actor(id="00000000-0000-4000-8000-00000000be0c", role="coordinator")
RAW, OURS = "raw GROUP BY", "reach.for_work"


def main() -> bool:
    return asyncio.run(_run())


async def _run() -> bool:
    with tempfile.TemporaryDirectory(prefix="reciprocity-bench-") as tmp:
        app = create_app(_settings(Path(tmp), f"sqlite:///{tmp}/reach.sqlite"))
        with _access_log_to_devnull():
            async with app.lifespan():
                await migrate()
                engine = current_engine()
                plain = await register.create_plain_table(engine)
                started = time.perf_counter()
                subjects = await register.fill(
                    engine, lambda: provide_sealer(app.state), app.state.keyring, plain
                )
                work = await _eois(engine, subjects)
                seeded = time.perf_counter() - started
                raw = _raw(engine, work, plain._meta.tablename)
                found = await reach.for_work(provide_sealer(app.state), work, ACTOR)
                _check(found, await raw())

                async def ours() -> None:
                    await reach.for_work(provide_sealer(app.state), work, ACTOR)

                results = await harness.alternate(
                    {RAW: _times(raw), OURS: _times(ours)}, rounds=ROUNDS, ops=1, warmup=1
                )
    harness.print_header(
        "Reach report over 100,000 EOIs (SQLite)", f"seeded in {seeded:.0f}s", f"{ROUNDS} rounds"
    )
    harness.print_row(results[OURS], results[RAW], "reports", as_time=True)
    return harness.print_limit(
        "reach report vs raw GROUP BY", harness.time_ratio(results[OURS], results[RAW]), LIMIT
    )


def _times(call: Any) -> harness.Contender:
    async def run(n: int) -> None:
        for _ in range(n):
            await call()

    return run


async def _eois(engine: Engine[Any], subjects: list[UUID]) -> UUID:
    """One work, 20 opportunities, 100,000 EOIs (5 per person), a fifth of them selected."""
    rng, work = random.Random(7), uuid4()
    for table in ("participant", "bench_plain_participant"):  # 4 in 5 agree to monitoring
        await engine.run_querystring(
            QueryString(
                f"UPDATE {table} SET consents = consents || ',equality_monitoring' "  # noqa: S608
                "WHERE substr(id, 1, 1) <> 'f' AND substr(id, 1, 1) <> 'e' "
                "AND substr(id, 1, 1) <> 'd'"
            )
        )
    await CommissioningWork.insert(CommissioningWork(id=work, title="Housing support"))
    opportunities = [uuid4() for _ in range(OPPORTUNITIES)]
    await Opportunity.insert(
        *(
            Opportunity(
                id=o,
                work=work,
                title=f"Panel {n}",
                activity="evaluation_panels",
                rung_planned="co_design",
                closes_at=_now(),
                status="closed",
            )
            for n, o in enumerate(opportunities)
        )
    )
    rows = []
    for n in range(EOIS):
        subject, opportunity = subjects[n % len(subjects)], opportunities[n // len(subjects)]
        status = "selected" if rng.random() < 0.2 else "received"
        rows.append(
            Expression(
                id=uuid4(),
                opportunity=opportunity,
                subject=subject,
                once=f"{opportunity}:{subject}",
                status=status,
            )
        )
    for start in range(0, EOIS, 5000):
        async with engine.transaction():
            await register._insert(engine, rows[start : start + 5000])
    return work


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _raw(engine: Engine[Any], work: UUID, plain: str) -> Any:
    """Every count the report has, by GROUP BY over the plain twin: one query per table."""
    scope = (
        f"FROM expression e JOIN {plain} p ON p.id = e.subject "  # noqa: S608
        "WHERE e.opportunity IN (SELECT o.id FROM opportunity o WHERE o.work = {})"
    )
    selected = "SUM(CASE WHEN e.status = 'selected' THEN 1 ELSE 0 END)"
    queries = [
        f"SELECT j.value AS grp, COUNT(*) AS n, {selected} AS s "  # noqa: S608
        f"FROM expression e JOIN {plain} p ON p.id = e.subject, json_each(p.lived_experience) j "
        "WHERE e.opportunity IN (SELECT o.id FROM opportunity o WHERE o.work = {}) GROUP BY j.value"
    ]
    for question in v.EQUALITY_QUESTIONS:
        answer = (
            "CASE WHEN (',' || p.consents || ',') NOT LIKE '%,equality_monitoring,%' "
            f"THEN 'no_consent' ELSE json_extract(p.equality, '$.{question}') END"
        )
        queries.append(
            f"SELECT {answer} AS grp, COUNT(*) AS n, {selected} AS s {scope} GROUP BY grp"
        )

    async def run() -> list[list[dict[str, Any]]]:
        return [await engine.run_querystring(QueryString(q, work)) for q in queries]

    return run


def _check(found: reach.Report, raw: list[list[dict[str, Any]]]) -> None:
    """Refuse to time a baseline that does not count the same: compare the shown numbers."""
    for table, rows in zip(found.tables, raw, strict=True):
        counted = {str(r["grp"]): int(r["n"]) for r in rows}
        for line in table.lines:
            if line.code in counted and line.interest.number not in (None, counted[line.code]):
                raise RuntimeError(f"raw and report disagree on {table.key}:{line.code}")
