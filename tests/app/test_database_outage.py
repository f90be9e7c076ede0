"""The database goes away: every page and API call answers a clear 503, then recovers on its own.

The drill runs the app against a private PostgreSQL cluster (ops/private.py),
stops it with ``pg_ctl -m fast`` as an operator would, and starts it again, without restarting
the app. The machine's shared PostgreSQL is never touched.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from uuid import UUID

import httpx
import pytest
from litestar import Litestar, get

from app.auth.access import PUBLIC, forget_account
from app.datamap import Role
from app.factory import create_app
from app.migrations import migrate
from ops.private import PrivatePostgres, throwaway_postgres
from tests.conftest import make_settings
from tests.support.auth import make_account, sign_in

UNAVAILABLE = "Sorry, the service is unavailable"
TRY_AGAIN = "try again in a few minutes"
PAGE = {"accept": "text/html"}


@get("/api/v1/unreachable", name="unreachable", sync_to_thread=False)
def unreachable() -> str:
    raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")


@get("/unreachable-page", name="unreachable-page", sync_to_thread=False)
def unreachable_page() -> str:
    raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")


@pytest.fixture
async def refused_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(make_settings(tmp_path, f"sqlite:///{tmp_path / 'o.sqlite'}"))
    app.register(unreachable)
    app.register(unreachable_page)
    app.state.access_rules |= {"unreachable": PUBLIC, "unreachable-page": PUBLIC}
    async with app.lifespan():
        await migrate()
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


def assert_unavailable_page(response: httpx.Response) -> None:
    assert response.status_code == 503
    assert response.headers["retry-after"] == "30"
    assert response.headers["content-type"].startswith("text/html")
    assert UNAVAILABLE in response.text
    assert TRY_AGAIN in response.text
    assert f"Reference: <strong>{response.headers['x-request-id']}</strong>" in response.text
    assert "5432" not in response.text
    assert "ConnectionRefusedError" not in response.text


def assert_unavailable_problem(response: httpx.Response) -> None:
    assert response.status_code == 503
    assert response.headers["retry-after"] == "30"
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["title"]) == (503, UNAVAILABLE)
    assert TRY_AGAIN in body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]


async def test_a_refused_connection_is_a_503_page_and_problem(
    refused_client: httpx.AsyncClient,
) -> None:
    assert_unavailable_page(await refused_client.get("/unreachable-page", headers=PAGE))
    assert_unavailable_problem(await refused_client.get("/api/v1/unreachable"))


@pytest.fixture(scope="module")
def cluster() -> Iterator[PrivatePostgres]:
    with throwaway_postgres() as running:
        yield running


@pytest.fixture
async def outage_app(cluster: PrivatePostgres, tmp_path: Path) -> AsyncIterator[Litestar]:
    app = create_app(make_settings(tmp_path, cluster.url))
    async with app.lifespan():
        await migrate()
        yield app


async def signed_in_participant(app: Litestar, http: httpx.AsyncClient) -> UUID:
    account = await make_account(app, "participant", (Role.participant,))
    await sign_in(app, http, account)
    return account


async def test_pages_answer_503_while_postgres_is_down_and_recover_without_a_restart(
    outage_app: Litestar, cluster: PrivatePostgres
) -> None:
    transport = httpx.ASGITransport(app=outage_app, raise_app_exceptions=False)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as http,
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as probes,
    ):  # a load balancer's probes and Prometheus send no session cookie
        account = await signed_in_participant(outage_app, http)
        assert (await http.get("/account", headers=PAGE)).status_code == 200

        await asyncio.to_thread(cluster.stop)
        try:
            forget_account(account)  # this worker's 2-second cache of the account's roles
            assert_unavailable_page(await http.get("/account", headers=PAGE))
            assert_unavailable_problem(await http.get("/api/v1/me"))
            ready = await probes.get("/health/ready")
            assert (ready.status_code, ready.json()) == (
                503,
                {"status": "not ready", "database": "unavailable"},
            )
            assert "reciprocity_database_up 0.0" in (await probes.get("/metrics")).text
        finally:
            await asyncio.to_thread(cluster.start)

        forget_account(account)
        assert (await http.get("/account", headers=PAGE)).status_code == 200
        assert (await http.get("/api/v1/me")).status_code == 200
        assert (await probes.get("/health/ready")).status_code == 200


async def test_after_a_restart_the_pool_hands_out_no_dead_connection(
    outage_app: Litestar, cluster: PrivatePostgres
) -> None:
    """Every pooled connection dies with the server; asyncpg notices each closing socket and
    opens a new connection on the next acquire, so the first requests after the restart work."""
    transport = httpx.ASGITransport(app=outage_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        account = await signed_in_participant(outage_app, http)
        # fill the pool with several live connections, as a busy worker's would be
        pages = await asyncio.gather(*(http.get("/account", headers=PAGE) for _ in range(5)))
        assert [page.status_code for page in pages] == [200] * 5

        await asyncio.to_thread(cluster.stop)
        await asyncio.to_thread(cluster.start)

        forget_account(account)
        after = await asyncio.gather(*(http.get("/account", headers=PAGE) for _ in range(5)))
        assert [page.status_code for page in after] == [200] * 5


async def test_redis_not_answering_is_a_503_page_too(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    settings = make_settings(
        tmp_path, f"sqlite:///{tmp_path / 'r.sqlite'}", redis_url=f"redis://127.0.0.1:{closed}/0"
    )
    app = create_app(settings)
    async with app.lifespan():
        await migrate()
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            http.cookies.set("session", "a-session-id")  # sessions live in Redis at scale

            assert_unavailable_page(await http.get("/account", headers=PAGE))
