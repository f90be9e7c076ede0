"""Participants: coordinator search among 20,000 sealed profiles, and one person's profile.

SEARCH: ``participation.services.search.search`` with a fresh Sealer per call (what a request
gets) against a raw baseline: the same WHERE conditions, the same COUNT and the same page
SELECT (data keys joined) as raw SQL through the same engine, with no data-key unwrapping, no
decryption and no audit rows. The search's extra work per page is 25 data keys unwrapped, 25
names and safe-contact flags decrypted and 25 audit rows written in one INSERT.

PROFILE: the coordinator's person page, ``GET /people/{id}`` through the whole app with a
signed-in coordinator, against the same page with ``profiles.read`` swapped for its plain twin:
the same function body on a benchmark-only copy of the table whose sealed columns hold plain
text (same row SELECT, audit INSERT, consent query and model; no data-key fetch, unwrapping or
decryption). The twin is checked to build the same profile and the same page first. The two
reads are also compared on their own; when the page does not answer, that is the target.

The people (``benchmarks.register``) are real sealed rows with their own data keys. It runs on
the embedded SQLite default and, when one answers, on a scratch PostgreSQL database that is
dropped afterwards.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import re
import secrets
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

import asyncpg
import httpx
from piccolo.engine.base import Engine
from piccolo.querystring import QueryString
from piccolo.table import Table
from pydantic import SecretStr

from app import audit
from app.datamap import Role
from app.db import current_engine
from app.errors import NotFound
from app.factory import create_app, provide_sealer
from app.keyring import new_keyring_json
from app.migrations import migrate
from app.sealed import KEY_COLUMNS, Sealer, key_join
from app.settings import Environment, Settings
from benchmarks import harness, register
from benchmarks.bench_auth import _client, _staff_session
from benchmarks.bench_http import _access_log_to_devnull
from participation import schemas
from participation.services import consent, profiles, search

ROUNDS = 15
SEARCHES, SEARCH_WARMUP = 4, 3
READS, READ_WARMUP = 30, 30
PAGES, PAGE_WARMUP = 20, 20
SEARCH_LIMIT, PROFILE_LIMIT = 3.0, 2.0
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
SCRATCH_DB = "reciprocity_bench_participants"
COORDINATOR = audit.Actor(id="00000000-0000-4000-8000-00000000be0c", role="coordinator")

FILTERS = {
    "panels, online, step-free": schemas.SearchFilters(
        activities=["evaluation_panels"], formats=["online"], adjustments=["step_free"]
    ),
    "mornings, free on Tuesdays": schemas.SearchFilters(
        times_of_day=["morning"], available_on=["tue"]
    ),
    "taxi booked": schemas.SearchFilters(travel_help=["taxi"]),
}
RAW, OURS = "raw SQL", "search()"
NewSealer = Callable[[], Sealer]
PLAIN_READ, READ = "profiles.read, fields stored plain", "profiles.read, fields sealed"
PLAIN_PAGE, PAGE = "GET /people/{id}, fields stored plain", "GET /people/{id}, fields sealed"


def main() -> bool:
    """Both targets on every engine that answers: search <= 3x raw, a profile <= 2x plain."""
    return asyncio.run(_run())


async def _run() -> bool:
    verdicts = []
    with tempfile.TemporaryDirectory(prefix="reciprocity-bench-") as tmp:
        url = f"sqlite:///{tmp}/participants.sqlite"
        verdicts.append(await _on_engine("embedded SQLite", _settings(Path(tmp), url)))
        admin = _postgres_admin_url()
        scratch = await _scratch_database(admin, create=True)
        if scratch:
            try:
                verdicts.append(await _on_engine("PostgreSQL", _settings(Path(tmp), scratch)))
            finally:
                await _scratch_database(admin, create=False)
        else:
            print(f"\n== PostgreSQL did not answer at {admin}: measured on SQLite only")
    return all(verdicts)


def _settings(tmp: Path, url: str) -> Settings:
    return Settings(
        environment=Environment.test,
        secret_key=SecretStr(secrets.token_urlsafe(40)),
        keyring=SecretStr(new_keyring_json(key_id="bench")),
        database_url=url,
        var_dir=tmp,
        outbox_poll_s=0,
    )


def _postgres_admin_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_POSTGRES


async def _scratch_database(admin: str, *, create: bool) -> str:
    """Create (or drop) the scratch database; its URL, or "" when PostgreSQL does not answer."""
    try:
        connection = await asyncpg.connect(admin, timeout=3)
    except (OSError, asyncpg.PostgresError):
        return ""
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)')
        if create:
            await connection.execute(f'CREATE DATABASE "{SCRATCH_DB}"')
    finally:
        await connection.close()
    return urlunsplit(urlsplit(admin)._replace(path=f"/{SCRATCH_DB}"))


async def _on_engine(label: str, settings: Settings) -> bool:
    app = create_app(settings)
    with _access_log_to_devnull():
        async with app.lifespan(), _client(app) as client:
            await migrate()
            engine = current_engine()

            def new_sealer() -> Sealer:  # what a request gets: a fresh vault, no key cached
                return provide_sealer(app.state)

            plain_table = await register.create_plain_table(engine)
            started = time.perf_counter()
            subjects = await register.fill(engine, new_sealer, app.state.keyring, plain_table)
            seeded_s = time.perf_counter() - started
            client.cookies.set("session", await _staff_session(app))
            searches = await _search_groups(engine, new_sealer)
            profile, target = await _profile_groups(client, new_sealer, plain_table, subjects)
            results = await harness.alternate_groups([*searches, *profile], rounds=ROUNDS)
    return _report(label, results, seeded_s, target)


# --- Search ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawSearch:
    """The baseline: the search's own WHERE conditions and parameters, in its COUNT and page
    SELECT (data keys joined), run as raw SQL through the same engine."""

    count_sql: str
    page_sql: str
    params: list[Any]

    @classmethod
    def of(cls, filters: schemas.SearchFilters) -> RawSearch:
        where, params = search._conditions(filters)
        conditions = " AND ".join(where)
        page_sql = (
            "SELECT p.id, p.preferred_name, p.safe_contact, p.paused_at, p.preferred_route, "  # noqa: S608
            f"p.adjustments, p.travel_help, {KEY_COLUMNS} FROM participant p "
            f"{key_join('p.id')} WHERE {conditions} ORDER BY p.updated_at DESC, p.id "
            f"LIMIT {search.PAGE_SIZE} OFFSET 0"
        )
        count_sql = f"SELECT COUNT(*) AS n FROM participant p WHERE {conditions}"  # noqa: S608
        return cls(count_sql, page_sql, params)

    async def page(self, engine: Engine[Any]) -> tuple[int, list[dict[str, Any]]]:
        counted = await engine.run_querystring(QueryString(self.count_sql, *self.params))
        rows = await engine.run_querystring(QueryString(self.page_sql, *self.params))
        return int(counted[0]["n"]), rows


async def _search_groups(engine: Engine[Any], new_sealer: NewSealer) -> list[harness.Group]:
    """One group per filter: the raw baseline next to the search, checked to agree first."""
    groups = []
    for name, filters in FILTERS.items():
        raw = RawSearch.of(filters)
        await _check_same_results(engine, raw, new_sealer, filters)
        contenders = {
            f"{name}: {RAW}": _repeat(partial(raw.page, engine)),
            f"{name}: {OURS}": _repeat(partial(_search, new_sealer, filters)),
        }
        groups.append(harness.Group(contenders, SEARCHES, SEARCH_WARMUP))
    return groups


async def _search(new_sealer: NewSealer, filters: schemas.SearchFilters) -> search.Results:
    return await search.search(new_sealer(), filters, COORDINATOR)


def _repeat(call: Callable[[], Awaitable[object]]) -> harness.Contender:
    async def run(n: int) -> None:
        for _ in range(n):
            await call()

    return run


async def _check_same_results(
    engine: Engine[Any], raw: RawSearch, new_sealer: NewSealer, filters: schemas.SearchFilters
) -> None:
    """Refuse to time a baseline that does not find the same full page of the same people."""
    total, rows = await raw.page(engine)
    results = await search.search(new_sealer(), filters, COORDINATOR)
    raw_ids = [row["id"] if isinstance(row["id"], UUID) else UUID(row["id"]) for row in rows]
    if total != results.total or raw_ids != [p.id for p in results.people]:
        raise RuntimeError(f"raw SQL and search() disagree for {filters!r}")
    if len(rows) != search.PAGE_SIZE:
        raise RuntimeError(f"only {total} people match {filters!r}: not a full page")


# --- One profile --------------------------------------------------------------------------------


async def _profile_groups(
    client: httpx.AsyncClient, new_sealer: NewSealer, plain_table: type[Table], subjects: list[UUID]
) -> tuple[list[harness.Group], str]:
    """The service read, and the coordinator's page when it answers; which one is the target.

    Different people for each call, in the same order on both sides, so neither side finds a
    warmer cache. Both sides are checked to give the same profile (and page) first.
    """
    sample = random.Random(7).sample(subjects, 1000)
    for subject in sample[:20]:
        ours = await profiles.read(new_sealer(), subject, COORDINATOR, Role.coordinator)
        if await _plain_read(plain_table, subject, COORDINATOR, Role.coordinator) != ours:
            raise RuntimeError("the plain read does not build the same profile")
    plain_order, sealed_order = itertools.cycle(sample), itertools.cycle(sample)
    reads = {
        PLAIN_READ: _repeat(
            lambda: _plain_read(plain_table, next(plain_order), COORDINATOR, Role.coordinator)
        ),
        READ: _repeat(
            lambda: profiles.read(new_sealer(), next(sealed_order), COORDINATOR, Role.coordinator)
        ),
    }
    groups = [harness.Group(reads, READS, READ_WARMUP)]
    status = await _check_same_page(client, plain_table, sample[0])
    if status != 200:
        print(
            f"\n   (GET /people/{{id}} answered {status}: the target falls back to profiles.read)"
        )
        return groups, READ
    pages = {
        PLAIN_PAGE: _pages(client, plain_table, sample),
        PAGE: _pages(client, None, sample),
    }
    return [*groups, harness.Group(pages, PAGES, PAGE_WARMUP)], PAGE


async def _plain_read(
    plain_table: type[Table], subject: UUID, actor: audit.Actor, role: str
) -> schemas.Profile:
    """``profiles.read`` line for line, minus ``sealer.open``: the values are stored plain."""
    sections = profiles.visible_sections(role)
    row = await plain_table.select().where(plain_table._meta.primary_key == subject).first()
    if row is None:
        raise NotFound("There is no profile for this person.")
    columns = {c for name in sections for c in profiles.SECTION_COLUMNS[name]}
    values = {c: row[c] for c in register.SEALED & columns}
    await audit.record(
        actor,
        audit.Action.view,
        subject=subject,
        field_group=",".join(sections)[:64],
        purpose="view profile",
    )
    shown: dict[str, Any] = {name: profiles._section(name, row, values) for name in sections}
    return schemas.Profile(
        id=subject,
        paused=row["paused_at"] is not None,
        consents=await consent.current(subject),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        last_active_at=row["last_active_at"],
        reminded_at=row["reminded_at"],
        **shown,
    )


@contextmanager
def _fields_plain(plain_table: type[Table] | None) -> Iterator[None]:
    """While inside, every ``profiles.read`` (the page's too) reads the plain twin instead."""
    if plain_table is None:
        yield
        return

    async def plain(_: Sealer, subject: UUID, actor: audit.Actor, role: str) -> schemas.Profile:
        return await _plain_read(plain_table, subject, actor, role)

    with mock.patch.object(profiles, "read", plain):
        yield


def _pages(
    client: httpx.AsyncClient, plain_table: type[Table] | None, sample: list[UUID]
) -> harness.Contender:
    people = itertools.cycle(sample)

    async def run(n: int) -> None:
        with _fields_plain(plain_table):
            for subject in itertools.islice(people, n):
                response = await client.get(f"/people/{subject}")
                if response.status_code != 200:
                    raise RuntimeError(f"GET /people/{{id}} answered {response.status_code}")

    return run


async def _check_same_page(
    client: httpx.AsyncClient, plain_table: type[Table], subject: UUID
) -> int:
    """The page's status; refuse to time the two sides if they do not render the same page."""
    sealed = await client.get(f"/people/{subject}")
    with _fields_plain(plain_table):
        plain = await client.get(f"/people/{subject}")
    tokens = re.compile(r'(nonce|value)="[\w.+/=-]{16,}"')
    if sealed.status_code == 200 and tokens.sub("", sealed.text) != tokens.sub("", plain.text):
        raise RuntimeError("the page with plain fields differs from the page with sealed fields")
    return sealed.status_code


# --- Report -------------------------------------------------------------------------------------


def _report(label: str, results: dict[str, harness.Result], seeded_s: float, target: str) -> bool:
    harness.print_header(
        f"Participants on {label}: search among {register.POPULATION:,} sealed profiles; "
        "one profile",
        f"{ROUNDS} alternating rounds; per contender a round: {SEARCHES} searches, {READS} "
        f"reads, {PAGES} pages",
        f"{register.POPULATION:,} people sealed and stored in {seeded_s:.0f}s; a fresh Sealer "
        "per call, as a request has",
    )
    worst = 0.0
    for name in FILTERS:
        raw, ours = results[f"{name}: {RAW}"], results[f"{name}: {OURS}"]
        harness.print_row(raw, raw, "search", as_time=True)
        harness.print_row(ours, raw, "search", as_time=True)
        worst = max(worst, harness.time_ratio(ours, raw))
    search_met = harness.print_limit("search / raw SQL, worst filter, time", worst, SEARCH_LIMIT)
    for plain, sealed in ((PLAIN_READ, READ), (PLAIN_PAGE, PAGE)):
        if sealed in results:
            harness.print_row(results[plain], results[plain], "view", as_time=True)
            harness.print_row(results[sealed], results[plain], "view", as_time=True)
    baseline = results[PLAIN_PAGE if target == PAGE else PLAIN_READ]
    figure = harness.time_ratio(results[target], baseline)
    what = "person page" if target == PAGE else "profiles.read"
    profile_met = harness.print_limit(f"{what} / fields plain, time", figure, PROFILE_LIMIT)
    return search_met and profile_met
