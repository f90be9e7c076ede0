"""Probes for the load balancer and the orchestrator, and metrics for Prometheus.

Liveness says the process serves; readiness says it can do useful work (the database answers,
and Redis too when one is configured), so a load balancer stops sending traffic to a worker that
cannot. ``/metrics`` is for the monitoring system only: a bearer token guards it when one is set.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from litestar import Request, Response, get
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_401_UNAUTHORIZED,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from prometheus_client import REGISTRY, generate_latest
from redis.asyncio import Redis

from app.db import is_ready
from app.mail import status_counts
from app.observability import record_job_claims, record_outbox
from app.settings import Settings
from app.worker import last_claims

METRICS_MEDIA_TYPE = "text/plain; version=0.0.4"
"""Prometheus' classic text format, which every server version reads (Litestar adds the charset)."""
T = TypeVar("T")
PROBE_TIMEOUT_S = 2.0
"""A dependency slower than this to answer a trivial question counts as down."""


@get("/health/live", name="health-live", include_in_schema=False, sync_to_thread=False)
def live() -> dict[str, str]:
    """The process is up and serving; says nothing about its dependencies."""
    return {"status": "live"}


@get("/health/ready", name="health-ready", include_in_schema=False)
async def ready(request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
    """Ready only when every dependency answers; the body names each one and nothing else."""
    settings: Settings = request.app.state.settings
    checks = {"database": await is_ready()}
    if settings.redis_url:
        checks["redis"] = await redis_answers(settings.redis_url)
    body = {name: "ok" if fine else "unavailable" for name, fine in checks.items()}
    if all(checks.values()):
        return Response({"status": "ready", **body}, status_code=HTTP_200_OK)
    return Response({"status": "not ready", **body}, status_code=HTTP_503_SERVICE_UNAVAILABLE)


async def redis_answers(url: str) -> bool:
    """True when Redis answers PING within ``PROBE_TIMEOUT_S``."""
    client = Redis.from_url(
        url, socket_connect_timeout=PROBE_TIMEOUT_S, socket_timeout=PROBE_TIMEOUT_S
    )
    try:
        async with asyncio.timeout(PROBE_TIMEOUT_S):
            return bool(await client.ping())
    except Exception:  # noqa: BLE001 - any failure means "not ready"; the probe reports it
        return False
    finally:
        await client.aclose()


@get("/metrics", name="metrics", include_in_schema=False)
async def metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
    """This worker's metrics in Prometheus' text format, with the outbox figures read now."""
    settings: Settings = request.app.state.settings
    token = settings.metrics_token.get_secret_value()
    if token and not bearer_matches(request.headers.get("authorization", ""), token):
        return Response(
            b"",
            status_code=HTTP_401_UNAUTHORIZED,
            headers={"WWW-Authenticate": "Bearer"},
            media_type="text/plain",
        )
    record_outbox(await _from_database(status_counts))
    record_job_claims(await _from_database(last_claims))
    return Response(generate_latest(REGISTRY), media_type=METRICS_MEDIA_TYPE)


def bearer_matches(authorization: str, token: str) -> bool:
    """Compare in constant time, so the answer's timing says nothing about the token."""
    scheme, _, presented = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        presented.strip().encode(), token.encode()
    )


async def _from_database(read: Callable[[], Awaitable[T]]) -> T | None:
    """Fleet-wide figures from the database; None when it does not answer (the scrape still
    succeeds, with ``reciprocity_database_up 0``)."""
    try:
        async with asyncio.timeout(PROBE_TIMEOUT_S):
            return await read()
    except Exception:  # noqa: BLE001 - a scrape must not fail because the database did
        return None


HEALTH_HANDLERS = [live, ready, metrics]
