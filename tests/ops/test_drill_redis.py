"""Fault drill: Redis, which holds the fleet's sessions and sign-in throttles, is restarted and
comes back empty (it keeps nothing on disk).

What it proves: the worst a person sees is "sign in again" (the sign-in page, or 401 from the
API), never a 5xx, from either worker; signing in again works at once; and nothing written
to the database before the restart is lost (Redis holds no record of its own).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import httpx
import pytest

from app.auth.sessions import RECENT_S
from ops.private import PrivateRedis
from ops.stack import Stack
from tests.ops.drill_support import (
    api_token,
    fetch,
    form_token,
    private_redis,
    running_stack,
    sign_in,
)
from tests.support.waiting import wait_for

pytestmark = pytest.mark.xdist_group("ops")


@pytest.fixture
def redis() -> Iterator[PrivateRedis]:
    with private_redis() as server:
        yield server


@pytest.fixture
def stack(tmp_path: Path, redis: PrivateRedis) -> Iterator[Stack]:
    with running_stack(tmp_path / "stack", redis_url=redis.url, database="redis_restart") as up:
        yield up


def test_restarting_redis_means_signing_in_again_at_worst(
    stack: Stack, redis: PrivateRedis
) -> None:
    with httpx.Client(base_url=stack.url, timeout=30) as person:
        sign_in(stack, person)
        token = api_token(stack)
        send_feedback(person, "Before the restart")
        for index in (0, 1):  # each worker holds its own connections to Redis
            assert signed_in_page(person, stack.app_url(index)).status_code == 200
        before = asyncio.run(database_counts(stack))

        redis.restart()

        for index in (0, 1):
            answers: list[tuple[int, str | None]] = []
            wait_for(
                partial(signed_out, person, stack.app_url(index), answers),
                RECENT_S + 5,
                f"worker {index} to send the person to sign in again",
            )
            # a worker trusts a session it read less than RECENT_S ago: 200 until then
            assert set(answers[:-1]) <= {(200, None)}
            assert answers[-1] == (303, "/sign-in")
            api = person.get(f"{stack.app_url(index)}/api/v1/me")
            assert api.status_code == 401, api.text
        sign_in(stack, person)
        for index in (0, 1):
            assert signed_in_page(person, stack.app_url(index)).status_code == 200
        send_feedback(person, "After the restart")

    after = asyncio.run(database_counts(stack))
    signed_in_again = before["audit_event"] + 1  # the second sign-in is audited, like the first
    added_feedback = before["service_feedback"] + 1
    assert after == {**before, "audit_event": signed_in_again, "service_feedback": added_feedback}
    me = httpx.get(f"{stack.url}/api/v1/me", headers=token)
    assert me.status_code == 200, "an API token made before the restart still works"
    assert me.json()["via_token"] is True


def signed_out(person: httpx.Client, base: str, answers: list[tuple[int, str | None]]) -> bool:
    """Ask for the account page once, keeping the answer; True once it is the redirect to sign
    in. Any 5xx fails at once."""
    page = signed_in_page(person, base)
    assert page.status_code < 500, page.text[:300]
    answers.append((page.status_code, page.headers.get("location")))
    return page.status_code == 303


def signed_in_page(person: httpx.Client, base: str) -> httpx.Response:
    """The account page straight from one worker, with the person's cookies."""
    return person.get(f"{base}/account")


def send_feedback(person: httpx.Client, comment: str) -> None:
    """Send feedback through the form (CSRF token and all), as a person would."""
    page = person.get("/feedback")
    sent = person.post(
        "/feedback",
        data={
            "_csrf_token": form_token(page.text),
            "satisfaction": "satisfied",
            "comments": comment,
        },
    )
    assert (sent.status_code, sent.headers.get("location")) == (303, "/feedback/thank-you")


async def database_counts(stack: Stack) -> dict[str, int]:
    """Rows in every table that a restart of Redis must not touch."""
    url = stack.config.database_url
    counts: dict[str, int] = {}
    for table in ("account", "api_token", "audit_event", "service_feedback", "data_key"):
        rows = await fetch(url, f"SELECT COUNT(*) AS n FROM {table}")
        counts[table] = int(rows[0]["n"])
    return counts
