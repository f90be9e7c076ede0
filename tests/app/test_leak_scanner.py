"""The suite-wide canary scan finds what it should, and only that.

tests/conftest.py fails any test after which a planted canary shows up in an error body, a
response header, a page's links or a requested URL. These tests drive a small real app through
the same transport every test uses, read what the trap collected, then empty it (so that the
leaks they provoke on purpose do not fail them), and prove that the fixture fails a leaking
test in a pytest of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar, MediaType, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.exceptions import ValidationException
from litestar.response import Redirect

from tests.conftest import RESPONSE_TRAP
from tests.support.canaries import PLANTED, canary

ROOT = Path(__file__).resolve().parents[2]
SECRET: dict[str, str] = {}
"""The canary each route leaks, planted by the fixture before any request."""


@get("/problem", media_type=MediaType.JSON)
async def problem() -> None:
    raise ValidationException(f"Nobody called {SECRET['name']}")


@get("/moved")
async def moved() -> Redirect:
    return Redirect(f"/people?name={SECRET['name']}")


@get("/cookie")
async def cookie() -> Response[str]:
    return Response("ok", cookies=[Cookie(key="last", value=SECRET["name"])])


@get("/page", media_type=MediaType.HTML)
async def page() -> str:
    return f'<p>{SECRET["name"]}</p><a href="/search?q={SECRET["email"]}">Find</a>'


@get("/mail-link", media_type=MediaType.HTML)
async def mail_link() -> str:
    return f'<p><a href="mailto:{SECRET["email"]}">{SECRET["email"]}</a></p>'


@post("/form", media_type=MediaType.HTML, status_code=400)
async def form_again(request: Request[Any, Any, Any]) -> str:
    typed = (await request.form()).get("name", "")
    return f'<p class="error">Enter a shorter name</p><input name="name" value="{typed}">'


@post("/form-and-more", media_type=MediaType.HTML, status_code=400)
async def form_and_more(request: Request[Any, Any, Any]) -> str:
    typed = (await request.form()).get("name", "")
    return f'<input name="name" value="{typed}"><p>Did you mean {SECRET["email"]}?</p>'


@get("/fine", media_type=MediaType.HTML)
async def fine() -> str:
    return f'<p>Hello {SECRET["name"]}</p><a href="/people/42">Profile</a>'


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    SECRET.update(name=canary("scanner-name"), user=canary("scanner-email"))
    SECRET["email"] = SECRET["user"] + "@example.org"
    handlers = [problem, moved, cookie, page, mail_link, form_again, form_and_more, fine]
    transport = RESPONSE_TRAP.watch_urls(httpx.ASGITransport(app=Litestar(handlers)))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
    RESPONSE_TRAP.leaks.clear()  # provoked on purpose, and asserted on by each test


def _found() -> list[str]:
    return sorted(RESPONSE_TRAP.leaks)


async def test_a_canary_in_a_problem_body_is_found(http: httpx.AsyncClient) -> None:
    response = await http.get("/problem")

    assert response.status_code == 400
    assert _found() == [f"error body of GET /problem -> 400: {SECRET['name']}"]


async def test_a_canary_in_a_location_or_a_cookie_is_found(http: httpx.AsyncClient) -> None:
    await http.get("/moved")
    await http.get("/cookie")

    assert _found() == [
        f"headers of GET /cookie -> 200: {SECRET['name']}",
        f"headers of GET /moved -> 302: {SECRET['name']}",
    ]


async def test_following_a_redirect_finds_the_url_as_well(http: httpx.AsyncClient) -> None:
    await http.get("/moved", follow_redirects=True)

    assert _found() == [
        f"URL of GET /people: {SECRET['name']}",
        f"headers of GET /moved -> 302: {SECRET['name']}",
    ]


async def test_a_canary_in_a_link_is_found_but_not_in_the_text(http: httpx.AsyncClient) -> None:
    response = await http.get("/page")

    assert SECRET["name"] in response.text
    assert _found() == [f"links of GET /page -> 200: {SECRET['user']}"]


async def test_mail_links_and_plain_text_of_pages_are_allowed(http: httpx.AsyncClient) -> None:
    await http.get("/mail-link")
    await http.get("/fine")

    assert _found() == []


async def test_a_form_shown_again_may_repeat_only_what_was_sent(http: httpx.AsyncClient) -> None:
    again = await http.post("/form", data={"name": SECRET["name"]})
    more = await http.post("/form-and-more", data={"name": SECRET["name"]})

    assert (again.status_code, more.status_code) == (400, 400)
    assert _found() == [f"error body of POST /form-and-more -> 400: {SECRET['user']}"]


async def test_a_url_with_a_canary_is_found(http: httpx.AsyncClient) -> None:
    await http.get("/fine", params={"who": SECRET["email"]})

    assert _found() == [f"URL of GET /fine: {SECRET['user']}"]


async def test_nothing_is_found_before_anything_is_planted(http: httpx.AsyncClient) -> None:
    planted = set(PLANTED)
    PLANTED.clear()
    try:
        await http.get("/problem")
        await http.get("/moved")
    finally:
        PLANTED.update(planted)

    assert _found() == []


def test_the_suite_fails_a_test_that_leaks() -> None:
    """A real pytest run of a test whose app leaks: it passes its own assertions, and fails."""
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/support/leaky_example.py",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "-n",
            "0",
            "-q",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
        check=False,
    )

    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 passed, 1 error in" in run.stdout
    assert "sensitive canaries reached responses or URLs" in run.stdout
    assert "error body of GET /people/someone -> 404: canary-leaky-name-" in run.stdout
