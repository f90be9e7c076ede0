"""The API's JSON rule: a body, or a declared body type, must be JSON; no body needs no type.

A cross-site HTML form always declares a type (urlencoded, multipart or text/plain), so it is
still refused even when it sends nothing; a script's bodyless POST (approve, withdraw) is not.
"""

from __future__ import annotations

from uuid import uuid4

import httpx
from litestar import Litestar

from app.datamap import Role
from app.errors import SEND_JSON
from tests.participation.test_api import coordinator_token
from tests.payments.conftest import key


async def test_a_post_with_no_body_and_no_type_passes_the_rule(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    finance = await coordinator_token(running_app, Role.finance)

    response = await client.post(
        f"/api/v1/payments/entries/{uuid4()}/approve", headers=finance | key()
    )

    assert "content-type" not in response.request.headers
    assert (response.status_code, response.headers["content-type"]) == (
        404,
        "application/problem+json",
    )


async def test_an_empty_body_declared_as_a_form_is_refused(client: httpx.AsyncClient) -> None:
    for declared in ("application/x-www-form-urlencoded", "text/plain", "multipart/form-data"):
        response = await client.post(
            "/api/v1/feedback", content=b"", headers={"content-type": declared}
        )

        assert (response.status_code, response.json()["detail"]) == (415, SEND_JSON)


async def test_a_body_without_a_type_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/feedback", content=b'{"satisfaction": "satisfied"}')

    assert "content-type" not in response.request.headers
    assert (response.status_code, response.json()["detail"]) == (415, SEND_JSON)
