"""HTTP: GET /api/v1/service through the whole app versus a bare Litestar app, same payload.

Both apps are driven in-process through the ASGI interface by the same tiny caller, so the
difference is only what the real app adds: its middleware (security headers, request id,
access log), CSRF and exception layers, the API router's guard and the response model.
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
from contextlib import AsyncExitStack, contextmanager
from pathlib import Path
from typing import Any

from litestar import Litestar, get

from app.factory import create_app
from app.settings import Settings
from benchmarks import harness

PATH = "/api/v1/service"
ROUNDS, REQUESTS, WARMUP = 7, 2000, 500
TARGET = 0.5


def main() -> bool:
    """Run the benchmark; True when the app keeps at least half the bare app's throughput."""
    return asyncio.run(_run())


async def _run() -> bool:
    with tempfile.TemporaryDirectory(prefix="reciprocity-bench-") as tmp:
        bare_holder: dict[str, Any] = {}
        bare = _bare_app(bare_holder)  # built first: each Litestar app reconfigures logging
        app = create_app(_settings(Path(tmp)))
        with _access_log_to_devnull():
            async with AsyncExitStack() as stack:
                await stack.enter_async_context(app.lifespan())
                await stack.enter_async_context(bare.lifespan())
                bare_holder["payload"] = await _fetch_json(app)
                await _check_same_payload(app, bare)
                results = await harness.alternate(
                    {"bare Litestar": _driver(bare), "Reciprocity app": _driver(app)},
                    rounds=ROUNDS,
                    ops=REQUESTS,
                    warmup=WARMUP,
                )
    return _report(results)


def _settings(tmp: Path) -> Settings:
    """Test settings on a throwaway database; the key is random like a real deployment's."""
    alphabet = string.ascii_letters + string.digits
    return Settings(
        environment="test",
        secret_key="".join(secrets.choice(alphabet) for _ in range(40)),
        database_url=f"sqlite:///{tmp}/bench.sqlite",
        var_dir=tmp,
    )


def _bare_app(holder: dict[str, Any]) -> Litestar:
    """One plain handler returning the dict the real endpoint returns (filled in before use)."""

    @get(PATH)
    async def service() -> dict[str, Any]:
        return holder["payload"]

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
    """Refuse to compare two apps that do not serve the same JSON."""
    ours, theirs = await _fetch_json(app), await _fetch_json(bare)
    if ours != theirs:
        raise RuntimeError(f"payloads differ: {ours!r} != {theirs!r}")


async def _fetch_json(app: Any) -> Any:
    status, body = await _call(app)
    if status != 200:
        raise RuntimeError(f"GET {PATH} answered {status}: {body[:200]!r}")
    return json.loads(body)


def _driver(app: Any) -> harness.Contender:
    async def run(n: int) -> None:
        for _ in range(n):
            status, _ = await _call(app)
            if status != 200:
                raise RuntimeError(f"GET {PATH} answered {status}")

    return run


async def _call(app: Any) -> tuple[int, bytes]:
    """One request through the ASGI interface, as a server would make it."""
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
    bare, app = results["bare Litestar"], results["Reciprocity app"]
    harness.print_header(
        f"HTTP: GET {PATH}, full app vs bare Litestar",
        f"in-process ASGI, {ROUNDS} alternating rounds x {REQUESTS} requests, medians",
    )
    harness.print_row(bare, bare, "req")
    harness.print_row(app, bare, "req")
    return harness.print_target("app / bare", harness.ratio(app, bare), TARGET)
