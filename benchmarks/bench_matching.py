"""Matching: suggestions for one opportunity among 20,000 sealed profiles, against raw SQL.

SUGGEST: ``participation.services.matching.suggest`` (25 people) with a fresh Sealer per call
(what a request gets) against a raw baseline: the service's own ranking query (the same
filters, counts of recent contacts, scores and sort, data keys joined) with ``LIMIT 25`` run as
raw SQL through the same engine, with no data-key unwrapping, no decryption and no audit rows.

Two opportunities: one seeking no lived experience (the service's extra work is 25 names and
safe-contact flags opened and 25 audit rows), and one seeking lived experience of homelessness
(the service also opens lived experience, in rank order, until nobody further down can reach
the list; it may read more rows than the baseline's 25).

The people (``benchmarks.register``) are real sealed rows with their own data keys; a share of
them were invited or selected recently, so the contact counts and the over-contact limit do
real work. It runs on the embedded SQLite default (the seeding is the long part; PostgreSQL
is measured by ``bench_participants`` for the same kind of query).
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from app import audit
from app.db import current_engine
from app.factory import create_app, provide_sealer
from app.migrations import migrate
from app.sealed import Sealer
from benchmarks import harness, register
from benchmarks.bench_http import _access_log_to_devnull
from benchmarks.bench_participants import _repeat, _settings
from participation.schemas.recruitment import OpportunityForm
from participation.services import matching, opportunities
from participation.tables import Expression, InterestInvitation

ROUNDS, CALLS, WARMUP = 9, 4, 3
LIMIT = 3.0
SHOWN = 25
COORDINATOR = audit.Actor(id="00000000-0000-4000-8000-00000000be0d", role="coordinator")
OPPORTUNITIES = {
    "panels, in person": {"lived_experience_sought": []},
    "panels, in person, homelessness sought": {"lived_experience_sought": ["homelessness"]},
}
RAW, OURS = "raw SQL", "suggest()"


def main() -> bool:
    """Suggestions <= 3x the raw SQL filter and sort, for each opportunity."""
    return asyncio.run(_run())


async def _run() -> bool:
    with tempfile.TemporaryDirectory(prefix="reciprocity-bench-") as tmp:
        url = f"sqlite:///{tmp}/matching.sqlite"
        return await _on_engine("embedded SQLite", _settings(Path(tmp), url))


async def _on_engine(label: str, settings: Any) -> bool:
    app = create_app(settings)
    with _access_log_to_devnull():
        async with app.lifespan():
            await migrate()
            engine = current_engine()

            def new_sealer() -> Sealer:  # what a request gets: a fresh vault, no key cached
                return provide_sealer(app.state)

            plain_table = await register.create_plain_table(engine)
            started = time.perf_counter()
            subjects = await register.fill(engine, new_sealer, app.state.keyring, plain_table)
            contacts = await _history(engine, subjects)
            seeded_s = time.perf_counter() - started
            groups = [
                await _group(engine, new_sealer, name, changes)
                for name, changes in OPPORTUNITIES.items()
            ]
            results = await harness.alternate_groups(groups, rounds=ROUNDS)
    return _report(label, results, seeded_s, contacts)


async def _history(engine: Engine[Any], subjects: list[UUID]) -> int:
    """Past invitations and selections on other opportunities: recent ones and older ones."""
    rng = random.Random(90)
    others = [uuid4() for _ in range(8)]
    now = datetime.now(UTC)
    invitations, expressions = [], []
    for subject in rng.sample(subjects, 6000):
        for opportunity in rng.sample(others, rng.randint(1, 4)):
            at = now - timedelta(days=rng.randint(1, 200))
            once = f"{opportunity}:{subject}"
            if rng.random() < 0.7:
                invitations.append(
                    InterestInvitation(
                        id=uuid4(),
                        opportunity=opportunity,
                        subject=subject,
                        once=once,
                        created_at=at,
                    )
                )
            else:
                expressions.append(
                    Expression(
                        id=uuid4(),
                        opportunity=opportunity,
                        subject=subject,
                        once=once,
                        status="selected",
                        created_at=at,
                        updated_at=at,
                    )
                )
    async with engine.transaction():
        for rows in (invitations, expressions):
            for start in range(0, len(rows), register.BATCH):
                await register._insert(engine, rows[start : start + register.BATCH])
    return len(invitations) + len(expressions)


def _form(changes: dict[str, Any]) -> OpportunityForm:
    return OpportunityForm(
        title="Help us choose the new housing support provider",
        description="Read three bids and score them with us.",
        stage=3,
        activity="evaluation_panels",
        rung_planned="co_production",
        formats=["in_person"],
        closes_at=datetime.now(UTC) + timedelta(days=14),
        places=6,
        **changes,
    )


async def _group(
    engine: Engine[Any], new_sealer: Any, name: str, changes: dict[str, Any]
) -> harness.Group:
    """The raw ranking next to the service, checked to agree first."""
    opportunity = await opportunities.save(_form(changes), COORDINATOR)
    query = matching.ranking_query(await opportunities.get(opportunity), datetime.now(UTC))
    raw_sql = QueryString(f"{query.sql} LIMIT {SHOWN} OFFSET 0", *query.params)

    async def raw() -> list[dict[str, Any]]:
        return await engine.run_querystring(raw_sql)

    async def ours() -> list[matching.Suggestion]:
        return await matching.suggest(new_sealer(), opportunity, COORDINATOR, limit=SHOWN)

    await _check(await raw(), await ours(), bool(changes["lived_experience_sought"]))
    contenders = {f"{name}: {RAW}": _repeat(raw), f"{name}: {OURS}": _repeat(partial(ours))}
    return harness.Group(contenders, CALLS, WARMUP)


async def _check(rows: list[dict[str, Any]], found: list[matching.Suggestion], lived: bool) -> None:
    """Refuse to time a baseline that is not a full page, or (with nothing sealed to weigh)
    that does not rank the same people in the same order."""
    if len(rows) != SHOWN or len(found) != SHOWN:
        raise RuntimeError("not a full page of suggestions")
    raw_ids = [row["id"] if isinstance(row["id"], UUID) else UUID(row["id"]) for row in rows]
    if not lived and raw_ids != [s.subject for s in found]:
        raise RuntimeError("raw SQL and suggest() disagree")


def _report(label: str, results: dict[str, harness.Result], seeded_s: float, contacts: int) -> bool:
    harness.print_header(
        f"Matching on {label}: suggestions among {register.POPULATION:,} sealed profiles",
        f"{ROUNDS} alternating rounds; per contender a round: {CALLS} calls of {SHOWN} people",
        f"{register.POPULATION:,} people and {contacts:,} past contacts stored in "
        f"{seeded_s:.0f}s; a fresh Sealer per call, as a request has",
    )
    worst = 0.0
    for name in OPPORTUNITIES:
        raw, ours = results[f"{name}: {RAW}"], results[f"{name}: {OURS}"]
        harness.print_row(raw, raw, "suggest", as_time=True)
        harness.print_row(ours, raw, "suggest", as_time=True)
        worst = max(worst, harness.time_ratio(ours, raw))
    return harness.print_limit("suggest / raw SQL, worst opportunity, time", worst, LIMIT)
