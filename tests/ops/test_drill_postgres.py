"""Fault drill: PostgreSQL is stopped for 10 seconds under a running fleet, then started again.

What it proves: during the outage every page that needs the database answers 503 with a clear
page ("Sorry, the service is unavailable", never a traceback or nginx's bare error), the API
answers 503 problem details, and each worker's readiness probe says 503 so a load balancer
would stop sending it traffic; once PostgreSQL is back, requests succeed again on their own,
within a bounded time, with no worker restarted.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ops.private import PrivatePostgres, throwaway_postgres
from ops.stack import Stack
from tests.ops.drill_support import (
    UNAVAILABLE,
    api_token,
    private_redis,
    running_stack,
    sign_in,
)
from tests.support.waiting import wait_for

pytestmark = pytest.mark.xdist_group("ops")

OUTAGE_S = 10.0
RECOVERY_DEADLINE_S = 20.0


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    with throwaway_postgres() as server:
        yield server


@pytest.fixture
def stack(tmp_path: Path, postgres: PrivatePostgres) -> Iterator[Stack]:
    with (
        private_redis() as redis,
        running_stack(tmp_path / "stack", redis_url=redis.url, database_url=postgres.url) as up,
    ):
        yield up


def test_stopping_postgres_gives_a_clear_503_and_recovers_on_its_own(
    stack: Stack, postgres: PrivatePostgres
) -> None:
    headers = api_token(stack)
    workers = [stack.app_url(index) for index in range(stack.config.app_workers)]
    pids_before = {name: pid for name, pid, _ in stack.status()}
    with httpx.Client(base_url=stack.url, timeout=30) as person:
        sign_in(stack, person)
        assert_all_served(person, headers)

        postgres.stop()
        outage_ends = time.monotonic() + OUTAGE_S
        rounds = 0
        while time.monotonic() < outage_ends:  # keep asking all through the outage
            assert_unavailable(person, headers, workers)
            rounds += 1
        assert rounds >= 3
        postgres.start()
        restarted = time.monotonic()

        wait_for(
            lambda: all_served(person, headers),
            RECOVERY_DEADLINE_S,
            "requests to succeed again after PostgreSQL came back",
        )
        recovered_in = time.monotonic() - restarted
        for _ in range(5):  # and they keep succeeding: no dead connection left in any pool
            assert_all_served(person, headers)
        for base in workers:
            assert httpx.get(f"{base}/health/ready").status_code == 200
    assert recovered_in < RECOVERY_DEADLINE_S
    print(f"drill: {rounds} rounds of 503s in the outage; served again {recovered_in:.2f} s after")
    assert {name: pid for name, pid, _ in stack.status()} == pids_before, "restarted"


def assert_unavailable(person: httpx.Client, headers: dict[str, str], workers: list[str]) -> None:
    """A page, a form post and the API all say 503 plainly; every worker is not ready."""
    page = person.get("/account")
    assert page.status_code == 503, page.text[:300]
    assert UNAVAILABLE in page.text
    assert "Traceback" not in page.text
    assert page.headers.get("retry-after")
    api = person.get("/api/v1/participants", headers=headers)
    assert api.status_code == 503, api.text[:300]
    assert api.headers["content-type"].startswith("application/problem+json")
    assert api.json()["title"] == UNAVAILABLE
    for base in workers:
        ready = httpx.get(f"{base}/health/ready")
        assert ready.status_code == 503
        assert ready.json()["database"] == "unavailable"


def all_served(person: httpx.Client, headers: dict[str, str]) -> bool:
    """True when the page and the API both answer 200 (anything but 200 or 503 fails)."""
    page = person.get("/account")
    api = person.get("/api/v1/participants", headers=headers)
    assert {page.status_code, api.status_code} <= {200, 503}, (page.text[:300], api.text[:300])
    return page.status_code == api.status_code == 200


def assert_all_served(person: httpx.Client, headers: dict[str, str]) -> None:
    assert all_served(person, headers)
