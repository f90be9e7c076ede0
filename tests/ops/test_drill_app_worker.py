"""Fault drill: an app worker is killed (SIGKILL) in the middle of a steady stream of reads and
writes through nginx.

What it proves: nginx routes around the dead worker at once: only a request in flight on it
at the kill can fail, and only once (the client never retries; nginx never replays a POST, so a
POST in flight gets one 502; a GET the worker had not begun answering goes to the other one).
A GET whose answer the worker had begun to send when it died is cut off: nginx has already
passed the status line on and cannot start again, so the client sees the body end early once
(a browser shows a broken page; reloading works). Nothing is half-written: every write the
client saw succeed is in the database, complete, once; a write the client saw fail is either
wholly there or wholly absent. The worker, started again, serves and gets traffic again.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from ops.stack import Stack
from tests.ops.drill_support import (
    api_token,
    fetch,
    private_redis,
    running_stack,
)

pytestmark = pytest.mark.xdist_group("ops")

PEOPLE = "/api/v1/participants"
CLIENTS = 4
BEFORE_KILL = 12
AFTER_KILL = 16


@dataclass(frozen=True)
class Call:
    """One request of the stream, as the client saw it (status 0: no answer at all)."""

    method: str
    name: str
    started: float
    ended: float
    status: int
    upstream: str
    error: str = ""  # the client's exception when no whole answer came


class Stream:
    """``CLIENTS`` clients each writing a new person, reading them back and reading a page,
    over and over, until told to stop."""

    def __init__(self, http: httpx.AsyncClient, headers: dict[str, str]) -> None:
        self.http, self.headers = http, headers
        self.calls: list[Call] = []
        self.created: dict[str, str] = {}  # name -> id, for every 201
        self.stop = asyncio.Event()
        self._numbers = itertools.count()

    async def run(self) -> None:
        await asyncio.gather(*(self._client() for _ in range(CLIENTS)))

    def writes_ok(self, since: float = 0.0) -> int:
        return sum(
            1 for c in self.calls if c.method == "POST" and c.status == 201 and c.started >= since
        )

    async def _client(self) -> None:
        while not self.stop.is_set():
            name = f"Drill Person {next(self._numbers)}"
            body = {
                "about": {"preferred_name": name},
                "contact": {"email": f"{name.lower().replace(' ', '.')}@example.org"},
                "consents": ["register", "contact"],
            }
            response = await self._call("POST", PEOPLE, name, json=body)
            if response is not None and response.status_code == 201:
                self.created[name] = response.json()["id"]
                await self._call("GET", f"{PEOPLE}/{self.created[name]}", name)
            await self._call("GET", "/feedback", name)

    async def _call(
        self, method: str, path: str, name: str, **kwargs: Any
    ) -> httpx.Response | None:
        started = time.monotonic()
        try:
            response = await self.http.request(method, path, headers=self.headers, **kwargs)
        except httpx.HTTPError as exc:
            ended = time.monotonic()
            self.calls.append(Call(method, name, started, ended, 0, "", type(exc).__name__))
            return None
        upstream = response.headers.get("x-upstream", "")
        self.calls.append(
            Call(method, name, started, time.monotonic(), response.status_code, upstream)
        )
        return response


def answered_by(call: Call) -> str:
    """The worker that gave the final answer (nginx lists every one it tried)."""
    return call.upstream.split(", ")[-1]


async def wait_async(condition: Any, deadline_s: float, what: str) -> None:
    deadline = time.monotonic() + deadline_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"within {deadline_s:.0f} s: {what}")
        await asyncio.sleep(0.05)


@pytest.fixture
def stack(tmp_path: Path) -> Any:
    with (
        private_redis() as redis,
        running_stack(tmp_path / "stack", redis_url=redis.url, database="worker_kill") as running,
    ):
        yield running


async def test_killing_an_app_worker_mid_load_loses_and_repeats_nothing(stack: Stack) -> None:
    headers = api_token(stack)
    dead = f"127.0.0.1:{stack.app_port(0)}"
    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as http:
        stream = Stream(http, headers)
        load = asyncio.create_task(stream.run())
        await wait_async(lambda: stream.writes_ok() >= BEFORE_KILL, 60, "writes before the kill")
        kill_started = time.monotonic()
        await asyncio.to_thread(stack.kill_app_worker, 0)
        killed = time.monotonic()
        await wait_async(
            lambda: stream.writes_ok(since=killed) >= AFTER_KILL, 60, "writes after the kill"
        )
        stream.stop.set()
        await load

    calls = stream.calls
    failed = [c for c in calls if c.status >= 500 or c.status == 0]
    in_flight = [c for c in failed if c.started <= killed and c.ended >= kill_started]
    assert failed == in_flight, "only a request in flight at the kill may fail"
    assert {(c.method, c.status, c.error) for c in failed} <= {
        ("POST", 502, ""),  # sent to the worker, which died before answering: never replayed
        ("GET", 0, "RemoteProtocolError"),  # the worker died in the middle of its answer
    }, failed
    assert len(failed) <= CLIENTS
    after = [c for c in calls if c.started > killed]
    assert len(after) >= AFTER_KILL * 2
    assert {c.status for c in after} <= {200, 201}
    assert dead not in {answered_by(c) for c in after}
    assert len({answered_by(c) for c in calls if c.ended < kill_started}) == 2  # both served

    outcomes = Counter(f"{c.method} {c.status or c.error}" for c in failed)
    print(
        f"drill: {len(calls)} requests, {stream.writes_ok()} writes; in flight failed: {outcomes}"
    )
    await assert_nothing_half_written(stack, stream, {c.name for c in failed})
    await restarted_worker_serves(stack, headers)


async def assert_nothing_half_written(stack: Stack, stream: Stream, failed: set[str]) -> None:
    """Every 201 is in the database once and whole; a write the client saw fail is either all
    there or not at all; nothing exists that the client did not send."""
    url = stack.config.database_url
    people = {str(r["id"]) for r in await fetch(url, "SELECT id FROM participant")}
    succeeded = set(stream.created.values())
    assert succeeded <= people
    extra = people - succeeded
    assert len(extra) <= len(failed)
    consents = await fetch(url, "SELECT subject, COUNT(*) AS n FROM consent_event GROUP BY 1")
    assert {str(r["subject"]): r["n"] for r in consents} == dict.fromkeys(people, 2)
    created = await fetch(
        url,
        "SELECT subject, COUNT(*) AS n FROM audit_event WHERE field_group = 'profile' "
        "AND purpose = 'create' GROUP BY 1",
    )
    assert {str(r["subject"]): r["n"] for r in created} == dict.fromkeys(people, 1)

    headers = api_token(stack)
    async with httpx.AsyncClient(base_url=stack.url, headers=headers, timeout=30) as http:
        names = [await _name_of(http, subject) for subject in sorted(people)]
    assert len(names) == len(set(names)), "a write was applied twice"
    assert set(stream.created) <= set(names)
    assert set(names) - set(stream.created) <= failed


async def _name_of(http: httpx.AsyncClient, subject: str) -> str:
    """Read a profile back whole (decrypted under its own key, consents and all)."""
    profile = await http.get(f"{PEOPLE}/{subject}")
    assert profile.status_code == 200, profile.text
    body = profile.json()
    assert (body["consents"]["register"], body["consents"]["contact"]) == (True, True)
    assert body["contact"]["email"].endswith("@example.org")
    return str(body["about"]["preferred_name"])


async def restarted_worker_serves(stack: Stack, headers: dict[str, str]) -> None:
    """Started again, the worker answers directly and nginx sends it traffic again (after the
    fail_timeout it was marked down for)."""
    await asyncio.to_thread(stack.start_app_worker, 0)
    back = f"127.0.0.1:{stack.app_port(0)}"
    async with httpx.AsyncClient(headers=headers, timeout=30) as http:
        direct = await http.get(f"{stack.app_url(0)}{PEOPLE}")
        assert direct.status_code == 200

        async def served_by_it() -> bool:
            response = await http.get(f"{stack.url}/feedback")
            assert response.status_code == 200
            return bool(response.headers.get("x-upstream") == back)

        deadline = time.monotonic() + 20
        while not await served_by_it():
            assert time.monotonic() < deadline, "nginx never sent traffic to the restarted worker"
            await asyncio.sleep(0.1)
