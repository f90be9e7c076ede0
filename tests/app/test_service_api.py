"""Health probes and the OpenAPI document."""

from __future__ import annotations

import httpx


async def test_liveness_and_readiness(client: httpx.AsyncClient) -> None:
    live = await client.get("/health/live")
    ready = await client.get("/health/ready")

    assert (live.status_code, live.json()) == (200, {"status": "live"})
    assert (ready.status_code, ready.json()) == (200, {"status": "ready", "database": "ok"})


async def test_service_info_names_the_council(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/service")

    assert response.status_code == 200
    assert response.json() == {
        "service_name": "Reciprocity",
        "council_name": "Northshire County Council",
        "contact_email": "coproduction@northshire.example",
        "version": "0.1.0",
    }


async def test_openapi_documents_the_api_only(client: httpx.AsyncClient) -> None:
    response = await client.get("/schema/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "Reciprocity API"
    assert {"/api/v1/feedback", "/api/v1/me", "/api/v1/service"} <= set(document["paths"])
    assert [path for path in document["paths"] if not path.startswith("/api/v1/")] == []
    assert document["paths"]["/api/v1/feedback"]["post"]["summary"] == (
        "Send anonymous feedback about the service"
    )
