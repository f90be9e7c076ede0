"""Canaries: unique strings written into sensitive fields, that must never reach a log line,
an error page, a response header or a URL.

The suite runs with the root logger at DEBUG and a trap that keeps every record (``LogTrap``),
and with every in-process HTTP call scanned as it happens (``ResponseTrap``). After each test,
tests/conftest.py fails the test if any canary it planted shows up in either.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from urllib.parse import unquote_plus

import httpx

PLANTED: set[str] = set()
TEST_TOOLS = ("httpx", "httpcore", "mail.log")
"""Loggers of the test's own tools (its HTTP client, its SMTP server), not of the product."""


def canary(label: str) -> str:
    """A unique, searchable value for one sensitive field."""
    value = f"canary-{label}-{secrets.token_hex(6)}"
    PLANTED.add(value)
    return value


class LogTrap:
    """Keeps every log record of the current test, at every level, from every logger.

    It sits in the log record factory rather than among the root logger's handlers: the app's
    own logging set-up (run by every ``create_app``) replaces those handlers, and a trap that
    silently falls off would let leaks pass.
    """

    def __init__(self) -> None:
        self.records: list[logging.LogRecord] = []

    def install(self) -> None:
        make_record = logging.getLogRecordFactory()

        def trapping_factory(*args: object, **kwargs: object) -> logging.LogRecord:
            record = make_record(*args, **kwargs)
            self.records.append(record)
            return record

        logging.setLogRecordFactory(trapping_factory)

    def scanned(self) -> int:
        """How many records ``leaked`` reads (those of the product, not the test's tools)."""
        return sum(not record.name.startswith(TEST_TOOLS) for record in self.records)

    def leaked(self) -> list[str]:
        if not PLANTED:
            return []
        formatter = logging.Formatter()
        leaks = []
        for record in self.records:
            if record.name.startswith(TEST_TOOLS):
                continue
            text = f"{record.getMessage()} {record.args!r} {record.__dict__!r}"
            if record.exc_info:
                text += formatter.formatException(record.exc_info)
            leaks += [f"{record.name}: {c}" for c in PLANTED if c in text]
        return leaks


LINK = re.compile(
    rb"""(?:href|src|action|formaction)\s*=\s*["'](?!mailto:|tel:|sms:)([^"']*)["']""",
    re.IGNORECASE,
)
"""Link targets in a page that a browser would request, and so put in access logs and history
(``mailto:`` and ``tel:`` open the person's own mail or phone app and reach no server)."""
WATCH_URLS = "_canary_watch_urls"


class ResponseTrap:
    """Scans what the app shows the outside world for planted canaries, on every in-process call.

    It wraps ``httpx.ASGITransport`` itself rather than one client's event hooks, so every
    client a test builds on the app (the shared fixture, one sharing its transport, a test's
    own) is scanned without asking. Three places may never hold a sensitive value: response
    headers (a ``Location`` or a cookie ends up in logs and browser history), error bodies
    (status 400 and up, pages and problem details alike, which people paste into tickets) and
    the link targets of a page (they become URLs). Request URLs are scanned too on transports
    marked with ``watch_urls``: a test that requests a URL with a value in it is acting out a
    page that made one. An error page may repeat what its own request sent, as a form shown
    again with the person's answers does; it may show nothing else.
    """

    def __init__(self) -> None:
        self.leaks: list[str] = []
        self.places = 0
        """Places scanned: one per header block, error body, page's links and request URL."""

    def install(self) -> None:
        original = httpx.ASGITransport.handle_async_request

        async def scanned(transport: httpx.ASGITransport, request: httpx.Request) -> httpx.Response:
            sent = await request.aread()
            if getattr(transport, WATCH_URLS, False):
                self.scan(f"URL of {request.method} {request.url.path}", str(request.url))
            response = await original(transport, request)
            await response.aread()
            self.check(request, sent, response)
            return response

        httpx.ASGITransport.handle_async_request = scanned  # type: ignore[method-assign,assignment]

    @staticmethod
    def watch_urls(transport: httpx.ASGITransport) -> httpx.ASGITransport:
        """Scan the URLs this transport is asked for, as well as its responses."""
        setattr(transport, WATCH_URLS, True)
        return transport

    def check(self, request: httpx.Request, sent: bytes, response: httpx.Response) -> None:
        where = f"{request.method} {request.url.path} -> {response.status_code}"
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.multi_items())
        self.scan(f"headers of {where}", headers)
        if response.status_code >= 400:
            echoed = str(request.url) + "\n" + sent.decode(errors="replace")
            self.scan(f"error body of {where}", response.text, echoed)
        elif "html" in response.headers.get("content-type", ""):
            self.places += 1
            if PLANTED:  # the links are only worth finding when there is something to look for
                links = b"\n".join(LINK.findall(response.content)).decode(errors="replace")
                self.scan(f"links of {where}", links, counted=True)

    def scan(self, where: str, text: str, echoed: str = "", *, counted: bool = False) -> None:
        """Record every planted canary in ``text`` that ``echoed`` (what the request sent,
        which the person already holds) does not explain. URL-encoding is undone first."""
        self.places += 0 if counted else 1
        if not PLANTED:
            return  # nothing planted yet, so nothing to find
        text, echoed = unquote_plus(text), unquote_plus(echoed)
        self.leaks += [
            f"{where}: {value}" for value in PLANTED if value in text and value not in echoed
        ]


@dataclass
class ScanTally:
    """The leak-scan figure (F6) for a run: canaries planted, places scanned, checks made.

    A check is one canary looked for in one place (a log record, a header block, an error
    body, a page's links, a URL); only tests that planted canaries count, as only they can
    find any. Each pytest-xdist worker keeps its own and the controller adds them up.
    """

    tests: int = 0
    canaries: int = 0
    places: int = 0
    checks: int = 0

    def add(self, canaries: int, places: int) -> None:
        if canaries:
            self.tests += 1
            self.canaries += canaries
            self.places += places
            self.checks += canaries * places

    def merge(self, other: dict[str, int]) -> None:
        for name, value in other.items():
            setattr(self, name, getattr(self, name) + value)

    def summary(self) -> str:
        return (
            f"leak scan: {self.canaries} canaries planted in {self.tests} tests, looked for in "
            f"{self.places} places (log records, headers, error bodies, links, URLs): "
            f"{self.checks} checks"
        )
