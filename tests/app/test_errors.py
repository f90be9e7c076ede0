"""Unexpected failures show a reference, never a traceback or personal data; logs carry neither."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from litestar import get, post
from litestar.params import JSONBody

from app.auth.access import PUBLIC
from app.factory import create_app
from app.migrations import migrate
from tests.conftest import make_settings

CANARY = "canary-7f3a@example.org"


@get("/boom", name="boom")
async def boom() -> str:
    raise RuntimeError(f"failed while handling {CANARY}")


@post("/api/v1/echo", name="echo")
async def echo(data: JSONBody[dict[str, str]]) -> dict[str, str]:
    return data


@pytest.fixture
async def failing_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(
        tmp_path,
        f"sqlite:///{tmp_path / 'errors.sqlite'}",
        public_url="https://coproduction.example",
    )
    app = create_app(settings)
    app.register(boom)
    app.register(echo)
    app.state.access_rules |= {"boom": PUBLIC, "echo": PUBLIC}
    async with app.lifespan():
        await migrate()
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
            yield http


async def test_unexpected_error_page_shows_only_a_reference(
    failing_client: httpx.AsyncClient,
) -> None:
    response = await failing_client.get("/boom", headers={"accept": "text/html"})

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert f"Reference: <strong>{response.headers['x-request-id']}</strong>" in response.text
    assert CANARY not in response.text
    assert "Traceback" not in response.text
    assert "RuntimeError" not in response.text


async def test_unexpected_error_json_is_masked(failing_client: httpx.AsyncClient) -> None:
    response = await failing_client.get("/boom", headers={"accept": "application/json"})

    assert response.status_code == 500
    assert response.json() == {
        "type": "about:blank",
        "title": "Sorry, there is a problem with the service",
        "status": 500,
        "detail": "Try again later. If it keeps happening, contact us and give this reference.",
        "request_id": response.headers["x-request-id"],
    }


async def test_error_responses_carry_security_headers_and_hsts_over_https(
    failing_client: httpx.AsyncClient,
) -> None:
    response = await failing_client.get("/boom")

    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"


async def test_logs_never_carry_bodies_query_strings_or_cookies(
    failing_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # the test client's own log, not ours

    await failing_client.post(
        f"/api/v1/echo?email={CANARY}",
        json={"email": CANARY},
        headers={"authorization": f"Bearer {CANARY}", "cookie": f"session={CANARY}"},
    )
    await failing_client.get(f"/boom?email={CANARY}")

    everything = "\n".join(
        f"{record.getMessage()} {record.__dict__} {record.exc_text or ''}"
        for record in caplog.records
    )
    assert CANARY not in everything
    access = [r.getMessage() for r in caplog.records if r.name == "reciprocity.access"]
    assert [line.rsplit(" ", 1)[0] for line in access] == ["POST /api/v1/echo 201", "GET /boom 500"]
    errors = [r.getMessage() for r in caplog.records if r.name == "app.errors"]
    assert len(errors) == 1
    assert re.fullmatch(r"unhandled RuntimeError at test_errors\.py:\d+ in boom <- \S.*", errors[0])


async def test_the_access_log_names_the_route_never_the_token_in_a_link(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="reciprocity.access")
    token = "t0k3n" + "x" * 30

    await client.get(f"/calendar/{token}")
    await client.get(f"/sign-in/link/{token}")
    await client.get(f"/no-such-page/{token}")

    access = [r.getMessage() for r in caplog.records if r.name == "reciprocity.access"]
    assert [line.rsplit(" ", 2)[0] for line in access] == [
        "GET /calendar/{token}",
        "GET /sign-in/link/{token}",
        "GET (no route)",
    ]
    assert token not in "\n".join(
        f"{r.getMessage()} {r.__dict__}" for r in caplog.records if r.name == "reciprocity.access"
    )
