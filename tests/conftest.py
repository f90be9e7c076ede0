"""Fixtures every test reuses: databases per engine, the app, its HTTP client, an SMTP server.

Database tests run once per engine: always SQLite, and PostgreSQL when one answers at
``DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``). Each pytest worker
gets its own fresh databases, migrated once; every test starts from empty tables.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar

from app.db import bind_engine, current_engine
from app.factory import create_app, provide_sealer
from app.migrations import migrate
from app.sealed import Sealer
from app.settings import Environment, Settings
from tests.support import postgres
from tests.support.canaries import PLANTED, LogTrap, ResponseTrap, ScanTally
from tests.support.database import empty_all_tables
from tests.support.smtp import CapturingSMTPServer

TEST_SECRET = secrets.token_urlsafe(40)
ENGINES = ["sqlite", "postgres"] if postgres.reachable() else ["sqlite"]


LOG_TRAP = LogTrap()
RESPONSE_TRAP = ResponseTrap()
TALLY = ScanTally()


def pytest_configure(config: pytest.Config) -> None:
    for name in [n for n in os.environ if n.startswith("RECIPROCITY_")]:
        del os.environ[name]  # tests build their own Settings; make's variables must not leak in
    LOG_TRAP.install()
    RESPONSE_TRAP.install()  # every in-process HTTP call: see canaries
    logging.getLogger().setLevel(logging.DEBUG)  # the whole suite runs at DEBUG: see canaries
    if "postgres" not in ENGINES and postgres.required():
        pytest.exit(f"PostgreSQL is required here but does not answer at {postgres.admin_url()}", 2)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last on every worker: Playwright's sync API keeps an event loop running on
    the thread for the rest of the session, so no async test, and no ``asyncio.run``, can follow
    them there. A stable sort: everything else keeps its order."""
    items.sort(key=lambda item: "tests/e2e/" in str(item.path))


def pytest_report_header(config: pytest.Config) -> str:
    return "database engines: " + ", ".join(ENGINES)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if hasattr(session.config, "workeroutput"):  # a pytest-xdist worker: hand the tally over
        session.config.workeroutput["leak_scan"] = asdict(TALLY)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    TALLY.merge(getattr(node, "workeroutput", {}).get("leak_scan", {}))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if TALLY.tests:
        terminalreporter.write_line(TALLY.summary())
    if "postgres" not in ENGINES:
        terminalreporter.write_line(postgres.NOT_REACHABLE_BANNER, red=True, bold=True)


@pytest.fixture(scope="session", params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    """Each database test runs once per engine in ``ENGINES``."""
    return str(request.param)


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def worker_id_safe(request: pytest.FixtureRequest) -> str:
    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    return str(worker)


def make_settings(tmp: Path, database_url: str, **overrides: Any) -> Settings:
    """Settings for a test app: test environment, a random key, state under ``tmp``."""
    values: dict[str, Any] = {
        "environment": Environment.test,
        "secret_key": TEST_SECRET,
        "database_url": database_url,
        "var_dir": tmp,
        "log_level": "DEBUG",
        "outbox_poll_s": 0,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture(scope="session")
def engine_settings(
    engine_name: str, tmp_path_factory: pytest.TempPathFactory, worker_id_safe: str
) -> Settings:
    """Settings pointing at this worker's fresh database for ``engine_name``."""
    tmp = tmp_path_factory.mktemp(f"db-{engine_name}")
    if engine_name == "postgres":
        # TEST_DB_TAG keeps two suites run at once on one server out of each other's way
        tag = os.environ.get("TEST_DB_TAG", "")
        url = postgres.fresh_database(f"reciprocity_test_{tag}{worker_id_safe}")
    else:
        url = f"sqlite:///{tmp / 'test.sqlite'}"
    return make_settings(tmp, url)


@pytest.fixture(scope="session")
async def running_app(engine_settings: Settings) -> AsyncIterator[Litestar]:
    """The real app with its lifespan entered (pool or connection open), migrated once."""
    app = create_app(engine_settings)
    async with app.lifespan():
        await migrate()
        yield app


@pytest.fixture
async def db(running_app: Litestar) -> Any:
    """This engine, bound and with every table empty when the test starts."""
    engine = current_engine()
    bind_engine(engine)
    await empty_all_tables(engine)
    return engine


@pytest.fixture
async def sealer(running_app: Litestar, db: Any) -> Sealer:
    """A per-test sealer on the app's keys and data map, as a request would get."""
    return provide_sealer(running_app.state)


@pytest.fixture
async def client(running_app: Litestar, db: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the real app in this process, on this engine."""
    transport = RESPONSE_TRAP.watch_urls(httpx.ASGITransport(app=running_app))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
def smtp_server() -> Iterator[CapturingSMTPServer]:
    """A real SMTP server on a free local port that keeps every message it receives."""
    server = CapturingSMTPServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _no_canary_leaked() -> Iterator[None]:
    """Fail any test after which a planted canary appears in a log record, or in an error
    body, a response header, a page's links or a requested URL (tests/support/canaries.py)."""
    logging.getLogger().setLevel(logging.DEBUG)
    LOG_TRAP.records.clear()
    RESPONSE_TRAP.leaks.clear()
    PLANTED.clear()
    places = RESPONSE_TRAP.places
    yield
    leaks = LOG_TRAP.leaked()
    if PLANTED:
        TALLY.add(len(PLANTED), RESPONSE_TRAP.places - places + LOG_TRAP.scanned())
    LOG_TRAP.records.clear()
    shown, RESPONSE_TRAP.leaks = RESPONSE_TRAP.leaks, []
    assert leaks == [], f"sensitive canaries reached the logs: {leaks}"
    assert shown == [], f"sensitive canaries reached responses or URLs: {shown}"


@pytest.fixture(autouse=True)
def _no_stray_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests build their own Settings; a developer's RECIPROCITY_* variables must not leak in."""
    for name in list(os.environ):
        if name.startswith("RECIPROCITY_") or name in {"DATABASE_URL", "REDIS_URL"}:
            monkeypatch.delenv(name)
