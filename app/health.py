"""Probes for the load balancer and the orchestrator."""

from __future__ import annotations

from litestar import Response, get
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from app.db import is_ready


@get("/health/live", name="health-live", include_in_schema=False, sync_to_thread=False)
def live() -> dict[str, str]:
    """The process is up and serving; says nothing about its dependencies."""
    return {"status": "live"}


@get("/health/ready", name="health-ready", include_in_schema=False)
async def ready() -> Response[dict[str, str]]:
    """Ready only when the database answers, so a load balancer sends no traffic before."""
    if await is_ready():
        return Response({"status": "ready", "database": "ok"}, status_code=HTTP_200_OK)
    return Response(
        {"status": "not ready", "database": "unavailable"},
        status_code=HTTP_503_SERVICE_UNAVAILABLE,
    )


HEALTH_HANDLERS = [live, ready]
