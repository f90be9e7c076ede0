"""The outermost ASGI layer: security headers, an access log and request metrics on every response.

It wraps Litestar's own handler (routing and exception handling included), so 404s, CSRF
rejections and 500s carry the same headers as any page, and are timed and counted like any page.
The access log is an allow-list: method, route template, status, duration and request id. No query
string, body, cookie or header value is ever logged, because those are where personal data and
secrets travel. The request id is also put in a context variable for the whole request, so every
other log line written while serving it carries the same id (``app.observability``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.i18n import Language
from app.observability import IN_FLIGHT, current_request_id, observe_request
from app.web.locale import LocaleMiddleware
from app.web.request_context import REQUEST_ID_HEADER, request_id_of

access_log = logging.getLogger("reciprocity.access")

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

BASE_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
NO_STORE = (b"cache-control", b"no-store")
STATIC_PREFIX = "/static/"


class ShellMiddleware:
    """Adds the headers above, a request id and (over https) HSTS; logs one line per request."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_of(scope)
        method = str(scope.get("method", ""))
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = self._headers(scope, message.get("headers", ()), request_id)
            await send(message)

        context = current_request_id.set(request_id)
        IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            IN_FLIGHT.dec()
            seconds = time.perf_counter() - started
            observe_request(scope, status, seconds)
            path = logged_path(scope)
            access_log.info(
                "%s %s %s %.1fms",
                method,
                path,
                status,
                seconds * 1000,
                extra={
                    "request_id": request_id,
                    "method": method,
                    "path": path,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 1),
                },
            )
            current_request_id.reset(context)

    def _headers(
        self, scope: Scope, headers: Iterable[tuple[bytes, bytes]], request_id: str
    ) -> list[tuple[bytes, bytes]]:
        present = {name.lower() for name, _ in headers}
        extra = [h for h in BASE_HEADERS if h[0] not in present]
        extra.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
        if self.https:
            extra.append(HSTS)
        if not scope["path"].startswith(STATIC_PREFIX) and b"cache-control" not in present:
            extra.append(NO_STORE)
        return [*headers, *extra]


def logged_path(scope: Scope) -> str:
    """The matched route's template (``/calendar/{token}``), never the path as sent: paths carry
    sign-in, reply and calendar tokens, and a path no route matched may hold anything a person
    typed. So a log line says which page, not which link."""
    return str(scope.get("path_template") or "(no route)")


def wrap(app: Any, *, https: bool, languages: tuple[Language, ...]) -> None:
    """Install the middleware outside Litestar's exception handling (see the module docstring),
    the language choice inside it, so error pages are in the reader's language too."""
    app.asgi_handler = ShellMiddleware(LocaleMiddleware(app.asgi_handler, languages), https=https)
