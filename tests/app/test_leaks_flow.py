"""A whole realistic run with the traps on: the demo council, its background jobs, its pages.

The demo data is believable rather than planted, so here it becomes the canaries: after the
demo is populated, every free-text personal value it stored (read back through the data map
and decrypted) is added to the planted set. Then the worker runs every job once (emails out
through a real SMTP server, reminders, retention) and staff and a participant walk their
pages. The suite-wide traps (tests/conftest.py) then find any of those values in a log record,
an error body, a response header, a page's links or a URL, from the first demo step onwards.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from litestar import Litestar

from app import demo as kernel_demo
from app import worker
from app.auth import accounts
from app.cli import DEMO_STEPS
from app.datamap import Protection
from app.factory import background_jobs, provide_sealer
from app.sealed import Sealer
from participation.tables import Participant
from tests.app.test_leaks import STRUCTURED
from tests.conftest import LOG_TRAP, RESPONSE_TRAP, TEST_SECRET
from tests.support.auth import sign_in
from tests.support.canaries import PLANTED
from tests.support.smtp import CapturingSMTPServer

NOT_HARVESTED = {"outbox_message.message"}
"""Whole emails: their personal parts are harvested from the fields they were made from."""
SHORTEST = 6
"""Shorter values ("Mon", "Yes") are words any page or log may use for other reasons."""
NOT_PERSONAL = re.compile(r"^(\d{4}-\d{2}-\d{2}|[0-9a-f]{8}-[0-9a-f]{4}-|(true|false|null)$)")
"""Dates, moments and ids inside sealed JSON: every log line has a date and a request id."""


def _leaves(value: Any) -> list[str]:
    """The strings inside a value: itself, or every string within its JSON."""
    try:
        parsed = json.loads(value) if value[:1] in "[{" else value
    except ValueError:
        parsed = value
    if isinstance(parsed, dict):
        return [leaf for item in parsed.values() for leaf in _leaves(str(item))]
    if isinstance(parsed, list):
        return [leaf for item in parsed for leaf in _leaves(str(item))]
    return [str(parsed)]


def _personal(leaf: str) -> bool:
    return len(leaf) >= SHORTEST and not NOT_PERSONAL.match(leaf)


async def _harvest(sealer: Sealer) -> set[str]:
    """Every free-text personal value in the database, decrypted."""
    found: set[str] = set()
    for name, table_map in sealer.datamap.tables.items():
        free = [
            f
            for f in table_map.fields
            if not f.identifier and f"{name}.{f.column}" not in set(STRUCTURED) | NOT_HARVESTED
        ]
        if not free:
            continue
        for row in await table_map.table.select():
            opened: dict[str, Any] = {}
            if any(f.protection is not Protection.plain for f in free):
                opened = await sealer.open(table_map.table, row)
            for f in free:
                sealed = opened.get(f.column)
                text = sealed.reveal() if sealed is not None else row.get(f.column)
                if isinstance(text, str):
                    found |= {leaf for leaf in _leaves(text) if _personal(leaf)}
    return found


async def _walk(app: Litestar, client: httpx.AsyncClient, sealer: Sealer) -> int:
    """A coordinator reads the register, each person and their download; the demo
    participant reads their own profile and download. Returns how many pages were read."""
    coordinator = await accounts.find_by_email(sealer, kernel_demo.COORDINATOR_EMAIL)
    assert coordinator is not None
    await sign_in(app, client, coordinator["id"])
    paths = ["/people", "/reach/", "/events", "/opportunities"]
    for row in await Participant.select(Participant.id):
        paths += [f"/people/{row['id']}", f"/people/{row['id']}/download.json"]
    statuses = [(await client.get(path)).status_code for path in paths]
    assert statuses.count(200) >= len(paths) - 2, list(zip(paths, statuses, strict=True))
    client.cookies.clear()
    jordan = await accounts.find_by_email(sealer, "jordan@example.org")
    assert jordan is not None
    await sign_in(app, client, jordan["id"])
    for path in ("/profile", "/profile/download", "/profile/download.json", "/your-payments"):
        await client.get(path)
    return len(paths) + 4


async def test_the_demo_council_and_its_jobs_leak_nothing_anywhere(
    running_app: Litestar,
    client: httpx.AsyncClient,
    sealer: Sealer,
    smtp_server: CapturingSMTPServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RECIPROCITY_SECRET_KEY", TEST_SECRET)  # the events demo's reply links
    monkeypatch.setenv("RECIPROCITY_ENVIRONMENT", "test")
    for step in DEMO_STEPS:
        await step.populate(sealer)
    values = await _harvest(sealer)
    PLANTED.update(values)
    settings = running_app.state.settings.model_copy(
        update={"smtp_host": smtp_server.host, "smtp_port": smtp_server.port}
    )
    jobs = background_jobs(settings, lambda: provide_sealer(running_app.state), TEST_SECRET)
    places = RESPONSE_TRAP.places

    summaries = [await worker.run_once(job) for job in jobs]
    pages = await _walk(running_app, client, sealer)

    assert len(values) >= 100  # the demo is a real register, not a handful of rows
    assert len(smtp_server.messages) >= 1, summaries
    assert RESPONSE_TRAP.places - places >= 2 * pages
    assert len(LOG_TRAP.records) >= 50
    assert LOG_TRAP.leaked() == []
    assert RESPONSE_TRAP.leaks == []
