"""Sign-in cost: the same page requested signed in and signed out.

Signed in, every request reads the session from the shared store and the account's roles and
session version from the database before the access table is checked. The target: that work
is at most 25% of a signed-in request's time. Both are measured through the project's
in-process test client on the embedded database, in alternating rounds.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from litestar import Litestar, Response

from app import audit
from app.auth import accounts
from app.auth.sessions import SessionData
from app.datamap import Role
from app.factory import create_app, provide_sealer
from app.migrations import migrate
from benchmarks import harness
from benchmarks.bench_http import _access_log_to_devnull, _settings

PAGE = "/contact"
ROUNDS, REQUESTS, WARMUP = 30, 200, 300
LIMIT = 0.25
ANONYMOUS, SIGNED_IN = "page, signed out", "same page, signed in"


def main() -> bool:
    """Run the benchmark; True when signing in costs at most a quarter of a request."""
    return asyncio.run(_run())


async def _run() -> bool:
    with tempfile.TemporaryDirectory(prefix="reciprocity-bench-") as tmp:
        app = create_app(_settings(Path(tmp)))
        with _access_log_to_devnull():
            async with app.lifespan():
                await migrate()
                session_id = await _staff_session(app)
                async with _client(app) as anonymous, _client(app) as signed_in:
                    signed_in.cookies.set("session", session_id)
                    await _check_signed_in(signed_in)
                    results = await harness.alternate(
                        {ANONYMOUS: _driver(anonymous), SIGNED_IN: _driver(signed_in)},
                        rounds=ROUNDS,
                        ops=REQUESTS,
                        warmup=WARMUP,
                    )
    return _report(results)


async def _staff_session(app: Litestar) -> str:
    """A coordinator's session, made as the sign-in pages make one."""
    new = accounts.NewAccount("staff", "bench@northshire.example", "Bench", (Role.coordinator,))
    account = await accounts.create(provide_sealer(app.state), new, audit.SYSTEM)
    now = time.time()
    data = SessionData(
        account=str(account), kind="staff", stage="signed-in", version=0, created=now, seen=now
    )
    session_id: str = await app.state.sessions.begin(Response(None), data, replacing=None)
    return session_id


def _client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8000"
    )


async def _check_signed_in(client: httpx.AsyncClient) -> None:
    """Refuse to time a 'signed in' client that the service does not see as signed in."""
    response = await client.get("/api/v1/me")
    if response.status_code != 200 or response.json()["roles"] != ["coordinator"]:
        raise RuntimeError(f"the benchmark session is not signed in: {response.status_code}")


def _driver(client: httpx.AsyncClient) -> harness.Contender:
    async def run(n: int) -> None:
        for _ in range(n):
            response = await client.get(PAGE)
            if response.status_code != 200:
                raise RuntimeError(f"GET {PAGE} answered {response.status_code}")

    return run


def _report(results: dict[str, harness.Result]) -> bool:
    harness.print_header(
        "Sign-in cost: the same page signed out and signed in",
        f"{ROUNDS} alternating rounds x {REQUESTS} requests of GET {PAGE}, httpx in-process client",
        "signed in = session from the shared store + account roles and version (2 s caches)",
    )
    anonymous = results[ANONYMOUS]
    for name in (ANONYMOUS, SIGNED_IN):
        harness.print_row(results[name], anonymous, "req")
    share = 1 - 1 / harness.time_ratio(results[SIGNED_IN], anonymous)
    return harness.print_limit("session + role check share of a signed-in request", share, LIMIT)
