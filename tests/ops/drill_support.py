"""What every fault drill shares: a real stack on free ports, private servers, polling with a
deadline, and signing in through the product's own pages.

Each drill breaks one part of a running fleet on purpose, so everything here cleans up in
``finally`` blocks: a failing drill must not leave workers, nginx, a database or a Redis
behind for the next test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

from ops.private import PrivateRedis
from ops.stack import PROJECT_ROOT, Stack, StackConfig, free_port_base
from tests.support import postgres

T = TypeVar("T")
UNAVAILABLE = "Sorry, the service is unavailable"


def database_tag(name: str) -> str:
    """A database name of our own on the shared server (TEST_DB_TAG keeps runs apart)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"reciprocity_drill_{os.environ.get('TEST_DB_TAG', '')}{worker}_{name}"


def shared_database_url(name: str) -> str:
    """Database ``name`` on the server the rest of the suite uses (DATABASE_URL in CI)."""
    return urlunsplit(urlsplit(postgres.admin_url())._replace(path=f"/{name}"))


@contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis(free_port_base(1))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def running_stack(
    run_dir: Path,
    *,
    redis_url: str,
    database_url: str = "",
    database: str = "",
    app_workers: int = 2,
    outbox_workers: int = 0,
    extra_env: Mapping[str, str] | None = None,
) -> Iterator[Stack]:
    """A stack up on free ports; stopped (and its database on the shared server dropped)
    however the drill ends. Give ``database`` for a fresh one on the machine's PostgreSQL, or
    ``database_url`` for a private server."""
    url = database_url or shared_database_url(database_tag(database))
    config = StackConfig(
        run_dir=run_dir,
        port=free_port_base(app_workers + 1),
        app_workers=app_workers,
        outbox_workers=outbox_workers,
        database_url=url,
        redis_url=redis_url,
        extra_env=dict(extra_env or {}),
        outbox_poll_s=0.2,
    )
    stack = Stack(config)
    try:
        stack.up(fresh=bool(database))
        yield stack
    finally:
        stack.down()
        if database:
            stack.drop_database()


def api_token(stack: Stack) -> dict[str, str]:
    """Bearer headers for a new coordinator's API token, made in the stack's database."""
    token = run_tool(stack, "token").strip()
    return {"authorization": f"Bearer {token}"}


def run_tool(stack: Stack, *args: str) -> str:
    """``python -m tests.ops.drill_tool ...`` with the stack's settings and keys."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.ops.drill_tool", *args],
        env=stack.env(),
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def sign_in(stack: Stack, http: httpx.Client) -> None:
    """Sign ``http`` in as the dev admin the way a person would: the one-time link from
    ``reciprocity users dev-sign-in``, its confirmation page, then the form's POST."""
    link = re.search(r"http://\S+/sign-in/dev/\S+", stack.run_cli("users", "dev-sign-in"))
    assert link, "no dev sign-in link printed"
    path = link.group(0).removeprefix(stack.url)
    page = http.get(path)
    assert page.status_code == 200, page.status_code
    done = http.post(path, data={"_csrf_token": form_token(page.text)})
    assert (done.status_code, done.headers.get("location")) == (303, "/account"), done.text[:300]
    assert http.get("/account").status_code == 200


def form_token(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


async def fetch(database_url: str, query: str, *args: object) -> list[asyncpg.Record]:
    """Read the stack's database directly: what was really committed, whatever HTTP said."""
    connection = await asyncpg.connect(database_url, timeout=5)
    try:
        return list(await connection.fetch(query, *args))
    finally:
        await connection.close()
