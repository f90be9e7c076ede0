"""The page shell and the HTTP edge: headers, errors, CSRF and the kernel pages."""

from __future__ import annotations

import re
from typing import Any

import httpx

from app.tables import ServiceFeedback
from app.web.middleware import CONTENT_SECURITY_POLICY


def csrf_from(response: httpx.Response) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', response.text)
    assert match, "the page has no CSRF field"
    return match.group(1)


async def test_home_page_greets_participants_and_staff(client: httpx.AsyncClient) -> None:
    response = await client.get("/")

    assert response.status_code == 200
    assert '<html lang="en-GB" dir="ltr" class="govuk-template">' in response.text
    assert '<h1 class="govuk-heading-xl">Help shape the services you use</h1>' in response.text
    assert "If you have lived experience" in response.text
    assert "If you work for the council or a partner" in response.text
    assert 'href="#main-content" class="govuk-skip-link"' in response.text


async def test_every_response_carries_the_security_headers(client: httpx.AsyncClient) -> None:
    for path in ("/", "/nowhere", "/api/v1/service", "/static/app.css"):
        response = await client.get(path)

        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert len(response.headers["x-request-id"]) == 32
        assert "strict-transport-security" not in response.headers


async def test_pages_are_not_cached_but_static_files_may_be(client: httpx.AsyncClient) -> None:
    page = await client.get("/")
    static = await client.get("/static/app.css")

    assert page.headers["cache-control"] == "no-store"
    assert static.headers.get("cache-control") != "no-store"


async def test_unknown_page_is_a_friendly_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/no-such-page", headers={"accept": "text/html"})

    assert response.status_code == 404
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in response.text
    assert "check you copied the entire address" in response.text


async def test_unknown_api_route_is_problem_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404
    assert body["title"] == "Page not found"
    assert body["request_id"] == response.headers["x-request-id"]


async def test_malformed_json_is_a_400_that_says_why(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/feedback", content=b"{not json", headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON is malformed")


async def test_wrong_content_type_is_a_415_that_says_what_to_send(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/api/v1/feedback",
        content=b"satisfaction=satisfied",
        headers={"content-type": "text/plain"},
    )

    assert response.status_code == 415
    assert response.json()["detail"] == (
        "Send the request body as JSON with the header Content-Type: application/json."
    )
    assert await ServiceFeedback.count() == 0


async def test_invalid_api_feedback_lists_each_field(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/feedback", json={"comments": "x" * 1201})

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "satisfaction", "message": "Select how you feel about the service"},
        {"field": "comments", "message": "Your comments must be 1200 characters or fewer"},
    ]
    assert await ServiceFeedback.count() == 0


async def test_api_feedback_is_stored(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/feedback", json={"satisfaction": "satisfied", "comments": "Clear and kind."}
    )

    assert response.status_code == 201
    rows = await ServiceFeedback.select(
        ServiceFeedback.id, ServiceFeedback.satisfaction, ServiceFeedback.comments
    )
    assert rows == [
        {"id": response.json()["id"], "satisfaction": "satisfied", "comments": "Clear and kind."}
    ]


async def test_form_without_csrf_token_is_refused_clearly(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/feedback", data={"satisfaction": "satisfied"}, headers={"accept": "text/html"}
    )

    assert response.status_code == 403
    assert "Your form has expired or was sent from another site." in response.text
    assert await ServiceFeedback.count() == 0


async def test_feedback_form_shows_the_error_summary(client: httpx.AsyncClient) -> None:
    token = csrf_from(await client.get("/feedback"))

    response = await client.post("/feedback", data={"_csrf_token": token, "comments": "Hello"})

    assert response.status_code == 400
    assert "<title>Error: Give feedback" in response.text
    assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in response.text
    assert (
        '<li><a href="#satisfaction">Select how you feel about the service</a></li>'
        in response.text
    )
    assert ">Hello</textarea>" in response.text
    assert await ServiceFeedback.count() == 0


async def test_feedback_form_stores_and_thanks(client: httpx.AsyncClient) -> None:
    token = csrf_from(await client.get("/feedback?came_from=/contact"))

    response = await client.post(
        "/feedback",
        data={
            "_csrf_token": token,
            "satisfaction": "very_satisfied",
            "comments": "Thanks",
            "came_from": "/contact",
        },
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/feedback/thank-you"
    rows = await ServiceFeedback.select(
        ServiceFeedback.satisfaction, ServiceFeedback.comments, ServiceFeedback.came_from
    )
    assert rows == [
        {"satisfaction": "very_satisfied", "comments": "Thanks", "came_from": "/contact"}
    ]


async def test_every_request_gets_its_own_vault(running_app: Any) -> None:
    from app.factory import provide_sealer

    first, second = provide_sealer(running_app.state), provide_sealer(running_app.state)

    assert first.vault is not second.vault
    assert first.vault.keyring is second.vault.keyring
