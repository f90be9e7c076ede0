"""Observability: JSON logs with request ids and nothing personal, /metrics, readiness, and a
clear 503 (then recovery on its own) when the database goes away."""

from __future__ import annotations

import io
import json
import logging
import re
import socket
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest
from litestar import Litestar, get
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from app import mail, worker
from app.auth.access import PUBLIC
from app.errors import dependency_unavailable
from app.factory import create_app
from app.migrations import migrate
from app.observability import JsonFormatter, TextFormatter
from app.sealed import Sealer
from app.tables import JobRun, OutboxMessage
from tests.conftest import make_settings
from tests.support.canaries import canary

SECRET = "secret-jo@example.org"
"""Put in an exception's message: the logs may name the exception, never say what it said."""
REDIS_URL = "redis://127.0.0.1:6379/15"
METRICS_TOKEN = "metrics-token-0123456789abcdef"

probe_log = logging.getLogger("app.probe")


@get("/probe", name="probe", sync_to_thread=False)
def probe() -> str:
    """Logs a plain line and a caught exception while serving a request."""
    probe_log.info("probe line")
    try:
        raise RuntimeError(f"could not reach {SECRET}")
    except RuntimeError:
        probe_log.warning("probe caught", exc_info=True)
    return "ok"


async def app_client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    async with app.lifespan():
        await migrate()
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


def console_stream() -> io.StringIO:
    """Point the app's one log handler (configured by ``create_app``) at a buffer."""
    (handler,) = [h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)]
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    handler.setStream(stream)
    return stream


@pytest.fixture
async def json_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        make_settings(tmp_path, f"sqlite:///{tmp_path / 'o.sqlite'}", log_format="json")
    )
    app.register(probe)
    app.state.access_rules |= {"probe": PUBLIC}
    async for http in app_client(app):
        yield http


async def test_json_logs_one_object_a_line_every_line_with_the_request_id(
    json_client: httpx.AsyncClient,
) -> None:
    planted = canary("email")
    stream = console_stream()

    response = await json_client.get("/probe", params={"email": planted})

    request_id = response.headers["x-request-id"]
    lines = [json.loads(text) for text in stream.getvalue().splitlines()]
    mine = [line for line in lines if line.get("request_id") == request_id]
    assert [line["logger"] for line in mine] == ["app.probe", "app.probe", "reciprocity.access"]
    said, caught, access = mine
    assert set(said) == {"time", "level", "logger", "message", "request_id"}
    assert (said["level"], said["message"]) == ("INFO", "probe line")
    assert set(caught) == {
        "time",
        "level",
        "logger",
        "message",
        "request_id",
        "exception",
        "frames",
    }
    assert caught["exception"] == "RuntimeError"
    assert re.fullmatch(r"test_observability\.py:\d+ in probe", caught["frames"])
    assert set(access) == {
        "time", "level", "logger", "message", "request_id", "method", "path", "status",
        "duration_ms",
    }  # fmt: skip
    assert (access["method"], access["path"], access["status"]) == ("GET", "/probe", 200)
    assert isinstance(access["duration_ms"], float)
    assert datetime.fromisoformat(access["time"]).utcoffset() == timedelta(0)
    ours = json.dumps([line for line in lines if not line["logger"].startswith("httpx")])
    assert planted not in ours  # (httpx, the test's own client, logs the URL it requested)
    assert SECRET not in ours
    assert "?" not in access["message"]


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("0123456789abcdef0123456789abcdef", True),
        ("jo@example.org", False),
        ("0123456789ABCDEF0123456789ABCDEF", False),
        ("0123456789abcdef0123456789abcdef0", False),
    ],
    ids=["load balancer id", "anything else", "upper case", "too long"],
)
async def test_the_load_balancers_request_id_is_kept_only_in_our_shape(
    json_client: httpx.AsyncClient, sent: str, kept: bool
) -> None:
    stream = console_stream()

    response = await json_client.get("/probe", headers={"X-Request-ID": sent})

    request_id = response.headers["x-request-id"]
    assert (request_id == sent) is kept
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    logged = [json.loads(text) for text in stream.getvalue().splitlines()]
    assert sent not in json.dumps(logged) or kept


def test_text_logs_name_an_exception_and_where_never_what_it_said() -> None:
    try:
        raise ValueError(f"bad address {SECRET}")
    except ValueError as exc:
        record = logging.makeLogRecord(
            {
                "name": "app.x",
                "levelname": "ERROR",
                "msg": "failed",
                "exc_info": (ValueError, exc, exc.__traceback__),
            }
        )
    text = TextFormatter("%(levelname)s %(name)s %(message)s").format(record)
    as_json = json.loads(JsonFormatter().format(record))

    assert re.fullmatch(
        r"ERROR app\.x failed\nValueError at test_observability\.py:\d+ in test_\w+", text
    )
    assert SECRET not in text
    assert as_json["exception"] == "ValueError"
    assert SECRET not in json.dumps(as_json)


def sample(text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(text):
        for one in family.samples:
            if one.name == name and one.labels == labels:
                return float(one.value)
    return 0.0


async def test_metrics_count_requests_by_route_name_and_status_class(
    client: httpx.AsyncClient,
) -> None:
    count = "reciprocity_http_request_duration_seconds_count"
    before = (await client.get("/metrics")).text

    for _ in range(3):
        assert (await client.get("/")).status_code == 200
    assert (await client.get("/no/such/page-4711")).status_code == 404
    assert (await client.get("/static/app.css")).status_code == 200
    scrape = await client.get("/metrics")
    after = scrape.text

    assert scrape.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    home = {"method": "GET", "route": "home", "status": "2xx"}
    assert sample(after, count, **home) - sample(before, count, **home) == 3
    unmatched = {"method": "GET", "route": "unmatched", "status": "4xx"}
    assert sample(after, count, **unmatched) - sample(before, count, **unmatched) == 1
    static = {"method": "GET", "route": "static", "status": "2xx"}
    assert sample(after, count, **static) - sample(before, count, **static) == 1
    scrapes = {"method": "GET", "route": "metrics", "status": "2xx"}
    assert sample(after, count, **scrapes) - sample(before, count, **scrapes) == 1
    assert sample(after, "reciprocity_http_requests_in_flight") == 1  # this scrape itself
    label_sets = {
        frozenset(one.labels)
        for family in text_string_to_metric_families(after)
        if family.name == "reciprocity_http_request_duration_seconds"
        for one in family.samples
    }
    assert label_sets == {
        frozenset({"method", "route", "status"}),
        frozenset({"method", "route", "status", "le"}),
    }
    assert "page-4711" not in after
    assert "process_cpu_seconds_total" in after
    schema = (await client.get("/schema/openapi.json")).json()
    assert not [path for path in schema["paths"] if "metrics" in path]


async def test_metrics_read_the_outbox_from_the_database(
    client: httpx.AsyncClient, sealer: Sealer
) -> None:
    for subject in ("One", "Two", "Three"):
        await mail.queue(
            sealer, uuid4(), mail.Email(to="p@example.org", subject=subject, text="Hi"), "x@y.z"
        )
    first = await OutboxMessage.select(OutboxMessage.id).first()
    assert first is not None
    await OutboxMessage.update({OutboxMessage.status: "failed"}).where(
        OutboxMessage.id == first["id"]
    )

    text = (await client.get("/metrics")).text

    by_status = {s: sample(text, "reciprocity_outbox_messages", status=s) for s in mail.Status}
    assert by_status == {"queued": 2, "sent": 0, "failed": 1, "dropped": 0}
    assert sample(text, "reciprocity_database_up") == 1


async def test_metrics_say_when_each_scheduled_job_last_ran_anywhere(
    client: httpx.AsyncClient,
) -> None:
    async def quiet() -> str:
        return ""

    reminders = worker.Job("reminders", 15 * 60, quiet, fleet_once=True)
    first = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    later = first + timedelta(minutes=30)
    for at in (later, first):  # claimed by two workers, the later slot first
        await worker.run_once(reminders, at)
        slot = f"reminders:{int(at.timestamp() // reminders.every_s)}"
        await JobRun.update({JobRun.claimed_at: at}).where(JobRun.slot == slot)

    text = (await client.get("/metrics")).text

    last = sample(text, "reciprocity_job_last_claimed_timestamp_seconds", job="reminders")
    assert last == later.timestamp()


async def test_job_runs_are_counted_by_outcome(db: Any) -> None:
    def runs(job: str, outcome: str) -> float:
        value = REGISTRY.get_sample_value(
            "reciprocity_job_runs_total", {"job": job, "outcome": outcome}
        )
        return value or 0.0

    async def fine() -> str:
        return ""

    async def broken() -> str:
        raise OSError("mail server said no")

    name = f"obs-{uuid4().hex[:8]}"
    at = datetime.now().astimezone()
    await worker.run_once(worker.Job(name, 3600, fine, fleet_once=True), at)
    await worker.run_once(worker.Job(name, 3600, fine, fleet_once=True), at)  # same slot
    await worker.run_once(worker.Job(name, 3600, broken), at)

    assert (runs(name, "ran"), runs(name, "skipped"), runs(name, "failed")) == (1, 1, 1)


@pytest.fixture
async def guarded_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(
        tmp_path, f"sqlite:///{tmp_path / 'm.sqlite'}", metrics_token=METRICS_TOKEN
    )
    async for http in app_client(create_app(settings)):
        yield http


async def test_metrics_need_the_token_when_one_is_set(guarded_client: httpx.AsyncClient) -> None:
    async def status(authorization: str | None) -> int:
        headers = {"authorization": authorization} if authorization else {}
        return (await guarded_client.get("/metrics", headers=headers)).status_code

    assert await status(None) == 401
    assert await status("Bearer wrong-token") == 401
    assert await status(f"Basic {METRICS_TOKEN}") == 401
    assert await status(f"Bearer {METRICS_TOKEN}x") == 401
    assert await status(f"Bearer {METRICS_TOKEN}") == 200


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("redis_url", "status", "body"),
    [
        ("", 200, {"status": "ready", "database": "ok"}),
        (REDIS_URL, 200, {"status": "ready", "database": "ok", "redis": "ok"}),
        (
            f"redis://127.0.0.1:{closed_port()}/0",
            503,
            {"status": "not ready", "database": "ok", "redis": "unavailable"},
        ),
    ],
    ids=["no redis", "redis answers", "redis closed"],
)
async def test_readiness_names_the_dependency_that_failed(
    tmp_path: Path, redis_url: str, status: int, body: dict[str, str]
) -> None:
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'r.sqlite'}", redis_url=redis_url)
    async for http in app_client(create_app(settings)):
        response = await http.get("/health/ready")

        assert (response.status_code, response.json()) == (status, body)


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)"), True),
        (OSError("Multiple exceptions: [Errno 111] Connect call failed"), True),
        (asyncpg.exceptions.CannotConnectNowError("the database system is shutting down"), True),
        (asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"), True),
        (asyncpg.exceptions.AdminShutdownError("terminating connection"), True),
        (asyncpg.exceptions.InterfaceError("cannot perform operation: connection is closed"), True),
        (sqlite3.OperationalError("unable to open database file"), True),
        (sqlite3.OperationalError("disk I/O error"), True),
        (
            asyncpg.exceptions.InterfaceError("cannot call Connection.fetch(): wrong arguments"),
            False,
        ),
        (asyncpg.exceptions.UniqueViolationError("duplicate key"), False),
        (sqlite3.OperationalError("no such table: person"), False),
        (FileNotFoundError(2, "No such file"), False),
        (ValueError("bad"), False),
    ],
)
def test_only_connection_failures_count_as_the_database_being_unavailable(
    error: Exception, unavailable: bool
) -> None:
    assert dependency_unavailable(error) is unavailable


def test_a_connection_failure_behind_another_error_counts() -> None:
    def roll_back() -> None:
        try:
            raise ConnectionResetError(104, "Connection reset by peer")
        except ConnectionResetError as reset:
            raise RuntimeError("rollback failed") from reset

    with pytest.raises(RuntimeError) as wrapped:
        roll_back()

    assert dependency_unavailable(wrapped.value)
