"""Logs a collector can parse and metrics Prometheus can scrape, with nothing personal in either.

Logs: every line of a request carries its request id (a context variable the outermost
middleware sets), so one reference from an error page finds every line of that request. In JSON
each line is one object; in text, one plain line. Either way an exception is logged as its type
and its frames only: an exception's message and local values can hold whatever the request
carried (an email, an address), so they are never formatted.

Metrics live in this process (each app worker has its own counters; Prometheus scrapes each
worker and sums). Labels are bounded on purpose: the route's name, never its path (paths hold
ids), the status class, and a fixed set of methods.
"""

from __future__ import annotations

import json
import logging
import logging.config
from contextvars import ContextVar
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from prometheus_client import Counter, Gauge, Histogram

from app.errors import where_it_happened
from app.settings import Settings

current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)
"""The id of the request being served by this task, or None outside a request."""

ACCESS_FIELDS = ("method", "path", "status", "duration_ms")
"""Extra fields the access log line carries (see ``app.web.middleware``): an allow-list."""

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
QUIET_LOGGERS = ("aiosqlite", "asyncpg", "piccolo")
"""Database drivers log statement parameters at DEBUG: they stay at INFO, whatever the level."""

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class RequestIdFilter(logging.Filter):
    """Stamp each record with the current request's id, unless the caller gave one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id.get()
        return True


def describe_exception(exc_info: ExcInfo) -> str:
    """``TypeName at file:line in function <- ...``: the type and where, never the message."""
    exc = exc_info[1]
    if exc is None:
        return ""
    return f"{type(exc).__name__} at {where_it_happened(exc)}"


class TextFormatter(logging.Formatter):
    """Plain lines for a person at a terminal; tracebacks reduced to type and frames."""

    def formatException(self, ei: Any) -> str:  # noqa: N802 - logging's own name
        return describe_exception(ei)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: an allow-list of fields, so nothing else can slip in."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id is not None:
            line["request_id"] = request_id
        for name in ACCESS_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info and record.exc_info[1] is not None:
            line["exception"] = type(record.exc_info[1]).__name__
            line["frames"] = where_it_happened(record.exc_info[1])
        return json.dumps(line, default=str)


def logging_parts(settings: Settings) -> dict[str, Any]:
    """Formatters, filters and handlers for ``logging.config.dictConfig`` (and Litestar's
    ``LoggingConfig``): one handler, on stderr, in the format the settings ask for."""
    formatter: dict[str, Any] = (
        {"()": JsonFormatter}
        if settings.log_format == "json"
        else {"()": TextFormatter, "fmt": TEXT_FORMAT}
    )
    return {
        "formatters": {"standard": formatter},
        "filters": {"request_id": {"()": RequestIdFilter}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "standard",
                "filters": ["request_id"],
            }
        },
    }


def configure_logging(settings: Settings) -> None:
    """The same logging for a process that builds no app (``reciprocity worker``)."""
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            **logging_parts(settings),
            "root": {"level": settings.log_level, "handlers": ["console"]},
            "loggers": {name: {"level": "INFO"} for name in QUIET_LOGGERS},
        }
    )


# --- metrics -------------------------------------------------------------------------------

REQUEST_SECONDS = Histogram(
    "reciprocity_http_request_duration_seconds",
    "Time to answer an HTTP request, by method, route name and status class.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0),
)
IN_FLIGHT = Gauge(
    "reciprocity_http_requests_in_flight", "HTTP requests this worker is answering now."
)
OUTBOX_MESSAGES = Gauge(
    "reciprocity_outbox_messages",
    "Emails in the outbox by status, read from the database at scrape time (fleet-wide): "
    "queued is the backlog, failed are deliveries given up.",
    ["status"],
)
DATABASE_UP = Gauge(
    "reciprocity_database_up", "1 when the database answered this scrape's outbox query, else 0."
)
JOB_RUNS = Counter(
    "reciprocity_job_runs",
    "Background job runs in this process by job and outcome: ran, skipped (another worker "
    "had the slot) or failed.",
    ["job", "outcome"],
)

JOB_LAST_CLAIMED = Gauge(
    "reciprocity_job_last_claimed_timestamp_seconds",
    "When a scheduled job (reminders, retention) last claimed its slot on any worker, read "
    "from the database at scrape time: alert when it is older than two of the job's periods.",
    ["job"],
)

KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "unmatched"
"""The route label of a request no route matched (a 404 or 405 before routing)."""


def method_label(method: str) -> str:
    """The method, or ``other``: a client may send any word there."""
    return method if method in KNOWN_METHODS else "other"


def route_label(scope: Any) -> str:
    """The matched route handler's name (``participant-profile``), never the raw path."""
    handler = scope.get("route_handler")
    if handler is None:
        return UNMATCHED_ROUTE
    return str(getattr(handler, "name", None) or "unnamed")


def status_label(status: int) -> str:
    """``2xx``, ``3xx`` ...: the class, so a label set stays small."""
    return f"{status // 100}xx"


def observe_request(scope: Any, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(
        method_label(str(scope.get("method", ""))), route_label(scope), status_label(status)
    ).observe(seconds)


def count_job_run(job: str, outcome: str) -> None:
    """``outcome`` is ``ran``, ``skipped`` or ``failed`` (see ``app.worker.run_once``)."""
    JOB_RUNS.labels(job, outcome).inc()


def record_outbox(counts: dict[str, int] | None) -> None:
    """Publish the outbox figures just read, or (None) that the database did not answer."""
    DATABASE_UP.set(0 if counts is None else 1)
    if counts is None:
        OUTBOX_MESSAGES.clear()  # no stale figure presented as current
        return
    for status, count in counts.items():
        OUTBOX_MESSAGES.labels(status).set(count)


def record_job_claims(claims: dict[str, datetime] | None) -> None:
    """Publish when each scheduled job last ran anywhere in the fleet (None: not read)."""
    if claims is None:
        return
    for job, at in claims.items():
        JOB_LAST_CLAIMED.labels(job).set(at.timestamp())
