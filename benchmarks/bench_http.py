"""HTTP: GET /api/v1/service through the whole app versus a bare Litestar app, same payload.

The target drives both apps through the same in-process client the project's tests use,
``httpx.AsyncClient`` on an ``ASGITransport``, with their lifespans entered. The difference is
what the real app adds: its middleware (security headers, request id, access log), CSRF and
exception layers, the API router's hook and the response model. For information, both apps are
also driven by a hand-rolled ASGI caller with no client at all, which shows the app's cost
against Litestar's bare minimum.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import string
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from litestar import Litestar, get
from pydantic import SecretStr

from app.factory import create_app
from app.settings import Environment, Settings
from benchmarks import harness

PATH = "/api/v1/service"
ROUNDS, REQUESTS, WARMUP = 30, 300, 500
TARGET = 0.5
BARE, APP = "bare Litestar, httpx client", "Reciprocity app, httpx client"
BARE_ASGI, APP_ASGI = "bare Litestar, bare ASGI call", "Reciprocity app, bare ASGI call"


def main() -> bool:
    """Run the benchmark; True when the app keeps at least half the bare app's throughput."""
    return asyncio.run(_run())


async def _run() -> bool:
    with tempfile.TemporaryDirectory(prefix="reciprocity-bench-") as tmp:
        payload: dict[str, Any] = {}
        bare = _bare_app(payload)  # built first: each Litestar app reconfigures logging
        app = create_app(_settings(Path(tmp)))
        with _access_log_to_devnull():
            async with app.lifespan(), bare.lifespan():
                payload.update(await _fetch_json(app))
                await _check_same_payload(app, bare)
                async with _client(app) as app_client, _client(bare) as bare_client:
                    results = await harness.alternate_groups(
                        _groups(app, bare, app_client, bare_client), rounds=ROUNDS
                    )
    return _report(results)


def _groups(
    app: Litestar, bare: Litestar, app_client: httpx.AsyncClient, bare_client: httpx.AsyncClient
) -> list[harness.Group]:
    """The target pair (through the client) and the informational pair (bare ASGI calls)."""
    return [
        harness.Group(
            {BARE: _client_driver(bare_client), APP: _client_driver(app_client)},
            ops=REQUESTS,
            warmup=WARMUP,
        ),
        harness.Group(
            {BARE_ASGI: _driver(bare), APP_ASGI: _driver(app)}, ops=REQUESTS, warmup=WARMUP
        ),
    ]


def _client(app: Any) -> httpx.AsyncClient:
    """The project's test client: an in-process transport, no sockets, no server."""
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000")


def _settings(tmp: Path) -> Settings:
    """Test settings on a throwaway database; the key is random like a real deployment's."""
    alphabet = string.ascii_letters + string.digits
    return Settings(
        environment=Environment.test,
        secret_key=SecretStr("".join(secrets.choice(alphabet) for _ in range(40))),
        database_url=f"sqlite:///{tmp}/bench.sqlite",
        var_dir=tmp,
        outbox_poll_s=0,  # no background sender competing with the measured requests
    )


def _bare_app(payload: dict[str, Any]) -> Litestar:
    """One plain handler returning the dict the real endpoint returns (filled in before use)."""

    @get(PATH)
    async def service() -> dict[str, Any]:
        return payload

    return Litestar(route_handlers=[service])


@contextmanager
def _access_log_to_devnull() -> Iterator[None]:
    """Keep the access log (its formatting and write are part of the app's cost) off the screen."""
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    with open(os.devnull, "w") as devnull:
        previous = [h.setStream(devnull) for h in handlers]
        try:
            yield
        finally:
            for handler, stream in zip(handlers, previous, strict=True):
                handler.setStream(stream)


async def _check_same_payload(app: Litestar, bare: Litestar) -> None:
    """Refuse to compare two apps that do not serve the same JSON, by either route."""
    ours, theirs = await _fetch_json(app), await _fetch_json(bare)
    async with _client(app) as app_client, _client(bare) as bare_client:
        by_client = [(await c.get(PATH)).json() for c in (app_client, bare_client)]
    if not ours == theirs == by_client[0] == by_client[1]:
        raise RuntimeError(f"payloads differ: {ours!r} != {theirs!r} or {by_client!r}")


async def _fetch_json(app: Any) -> Any:
    status, body = await _call(app)
    if status != 200:
        raise RuntimeError(f"GET {PATH} answered {status}: {body[:200]!r}")
    return json.loads(body)


def _client_driver(client: httpx.AsyncClient) -> harness.Contender:
    async def run(n: int) -> None:
        for _ in range(n):
            response = await client.get(PATH)
            if response.status_code != 200:
                raise RuntimeError(f"GET {PATH} answered {response.status_code}")

    return run


def _driver(app: Any) -> harness.Contender:
    async def run(n: int) -> None:
        for _ in range(n):
            status, _ = await _call(app)
            if status != 200:
                raise RuntimeError(f"GET {PATH} answered {status}")

    return run


async def _call(app: Any) -> tuple[int, bytes]:
    """One request through the ASGI interface, as a server would make it, minus the server."""
    messages: list[dict[str, Any]] = []
    request_sent = False

    async def receive() -> dict[str, Any]:
        nonlocal request_sent
        if not request_sent:
            request_sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # like a server: no disconnect while the response is sent
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await app(_scope(), receive, send)
    status = next(m["status"] for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return status, body


def _scope() -> dict[str, Any]:
    """A fresh scope per request: apps write into it (state, request id)."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": PATH,
        "raw_path": PATH.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1:8000"), (b"accept", b"application/json")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


def _report(results: dict[str, harness.Result]) -> bool:
    harness.print_header(
        f"HTTP: GET {PATH}, full app vs bare Litestar",
        f"in-process, {ROUNDS} alternating rounds x {REQUESTS} requests per contender",
        "the app's access log is written to /dev/null (formatted and written, not shown)",
    )
    harness.print_row(results[BARE], results[BARE], "req")
    harness.print_row(results[APP], results[BARE], "req")
    harness.print_row(results[BARE_ASGI], results[BARE_ASGI], "req")
    harness.print_row(results[APP_ASGI], results[BARE_ASGI], "req")
    print("   (no target for the bare ASGI calls: no client in the loop, framework cost only)")
    app_ratio = harness.ratio(results[APP], results[BARE])
    return harness.print_target("app / bare, httpx client", app_ratio, TARGET)
