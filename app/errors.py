"""Domain errors and their one mapping to HTTP.

Services raise a ``DomainError`` subclass with a message a person can act on; the handlers
here turn it (and every framework error) into a 4xx page or JSON problem details. Anything
unexpected becomes a 500 that shows only a request id: never a traceback, never personal data.
A database (or Redis) that does not answer (stopped, restarting, unreachable) is not a bug: it
becomes a 503 "the service is unavailable" with a Retry-After, and the first request after it is
back succeeds on its own (the connection pool replaces dead connections).

Error pages are in the reader's language: the titles and friendly details below are marked with
``N_`` and translated when the page is built. JSON problem details stay in English: scripts read
them, and their titles are part of the API's documented contract.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from asyncpg.exceptions import (
    AdminShutdownError,
    CannotConnectNowError,
    CrashShutdownError,
    InterfaceError,
    PostgresConnectionError,
    TooManyConnectionsError,
)
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotFoundException
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_303_SEE_OTHER,
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app import i18n
from app.crypto import DecryptionFailed, KeyDestroyed
from app.i18n import N_
from app.web.request_context import request_id_of

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
SEND_JSON = "Send the request body as JSON with the header Content-Type: application/json."
FORM_EXPIRED = N_(
    "Your form has expired or was sent from another site. Go back, reload the page and try again."
)


@dataclass(frozen=True)
class FieldError:
    """One problem with one input: ``field`` is the form or JSON key, ``message`` the fix."""

    field: str
    message: str


@dataclass
class DomainError(Exception):
    """A business rule said no. The message is shown to the person as it is."""

    message: str
    errors: list[FieldError] = field(default_factory=list)
    status_code: int = 400
    title: str = "There is a problem"

    def __str__(self) -> str:
        return self.message


@dataclass
class NotFound(DomainError):
    status_code: int = 404
    title: str = "Page not found"


@dataclass
class Conflict(DomainError):
    status_code: int = 409
    title: str = "This has changed"


@dataclass
class Forbidden(DomainError):
    status_code: int = 403
    title: str = "You cannot do this"


STATUS_TITLES = {
    400: N_("There is a problem"),
    401: N_("Sign in to continue"),
    403: N_("You cannot do this"),
    404: N_("Page not found"),
    405: N_("This page cannot do that"),
    409: N_("This has changed"),
    413: N_("What you sent is too large"),
    415: N_("We cannot read what you sent"),
    422: N_("Check what you sent"),
    410: N_("These details were erased"),
    429: N_("Too many attempts"),
    500: N_("Sorry, there is a problem with the service"),
    503: N_("Sorry, the service is unavailable"),
}

FRIENDLY_DETAILS = {
    404: N_(
        "If you typed the web address, check it is correct. If you pasted it, check you copied "
        "the entire address."
    ),
    500: N_("Try again later. If it keeps happening, contact us and give this reference."),
    503: N_(
        "You will be able to use the service again soon: try again in a few minutes. "
        "If it keeps happening, contact us and give this reference."
    ),
}

RETRY_AFTER_S = 30
"""What a 503 asks clients to wait: about how long a database restart or fail-over takes."""

CONNECTION_ERRNOS = frozenset(
    {
        errno.ECONNREFUSED,
        errno.ECONNRESET,
        errno.ECONNABORTED,
        errno.EHOSTUNREACH,
        errno.ENETUNREACH,
        errno.ETIMEDOUT,
        errno.EPIPE,
    }
)
SERVER_GONE = (
    PostgresConnectionError,  # connection does not exist / failure / rejected
    CannotConnectNowError,  # starting up or shutting down
    AdminShutdownError,  # "terminating connection due to administrator command"
    CrashShutdownError,
    TooManyConnectionsError,
    RedisConnectionError,  # the shared store (sessions, throttles) at scale
    RedisTimeoutError,
)
CLOSED_CONNECTION = ("connection is closed", "connection was closed", "pool is closing")
SQLITE_UNAVAILABLE = ("unable to open", "disk i/o")


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    if request.url.path.startswith(("/api/", "/schema")):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def problem_response(
    request: Request[Any, Any, Any],
    status: int,
    detail: str,
    errors: list[FieldError] | None = None,
) -> Response[Any]:
    """Build the response for an error, as JSON problem details or as a page."""
    title = STATUS_TITLES.get(status, "There is a problem")
    reference = request_id_of(request.scope)
    headers = {"Retry-After": str(RETRY_AFTER_S)} if status == HTTP_503_SERVICE_UNAVAILABLE else {}
    if _wants_json(request):
        body: dict[str, Any] = {
            "type": "about:blank",
            "title": title,
            "status": status,
            "detail": detail,
            "request_id": reference,
        }
        if errors:
            body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
        return Response(content=body, status_code=status, media_type=PROBLEM_JSON, headers=headers)
    return Template(
        template_name="error.html",
        context={
            "title": _shown(title),
            "detail": _shown(detail),
            "status": status,
            "reference": reference,
        },
        status_code=status,
        media_type=MediaType.HTML,
        headers=headers,
    )


def _shown(text: str) -> str:
    """``text`` in the reader's language when it is a marked message (a title, a friendly
    detail, a form's message); anything else (already translated, or from the framework) as is.
    """
    return i18n.gettext(text) if text else text


def handle_domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    return problem_response(request, exc.status_code, exc.message, exc.errors)


def handle_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """Framework errors (validation, CSRF, 404, 405...): keep the safe message, mask 5xx."""
    status = exc.status_code
    if status >= HTTP_500_INTERNAL_SERVER_ERROR:
        return handle_unexpected(request, exc)
    if not _wants_json(request) and (redirect := _sign_in_redirect(request, exc)):
        return redirect
    detail = FRIENDLY_DETAILS.get(status) if isinstance(exc, NotFoundException) else None
    return problem_response(request, status, detail or _plain_detail(exc), _field_errors(exc))


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Log the failure against the request id and show only that id.

    The log names the exception type and where it happened, not its message: messages and
    local values can hold whatever the request carried (an email, an address).
    """
    if dependency_unavailable(exc):
        logger.warning(
            "database or shared store unavailable: %s at %s",
            type(exc).__name__,
            where_it_happened(exc),
            extra={"request_id": request_id_of(request.scope)},
        )
        return problem_response(request, HTTP_503_SERVICE_UNAVAILABLE, FRIENDLY_DETAILS[503])
    logger.error(
        "unhandled %s at %s",
        type(exc).__name__,
        where_it_happened(exc),
        extra={"request_id": request_id_of(request.scope)},
    )
    return problem_response(request, HTTP_500_INTERNAL_SERVER_ERROR, FRIENDLY_DETAILS[500])


def dependency_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) says the database, or Redis, cannot be reached now.

    Only connection-level failures count: a constraint or a syntax error is a bug and stays a
    500. Drivers raise these from deep inside a query or a rollback, so the cause chain is read.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _is_outage(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _is_outage(error: BaseException) -> bool:
    text = str(error).lower()
    if isinstance(error, SERVER_GONE):
        return True
    if isinstance(error, InterfaceError):
        return any(phrase in text for phrase in CLOSED_CONNECTION)
    if isinstance(error, sqlite3.OperationalError):
        return any(phrase in text for phrase in SQLITE_UNAVAILABLE)
    if isinstance(error, ConnectionError | TimeoutError):
        return True  # refused, reset, aborted, broken pipe; a connect that timed out
    # asyncpg tries each address of a host name and raises "Multiple exceptions: ..."
    return isinstance(error, OSError) and (
        error.errno in CONNECTION_ERRNOS or text.startswith("multiple exceptions")
    )


def where_it_happened(exc: BaseException) -> str:
    """The stack as ``file:line in function`` frames, innermost last, with no values."""
    frames = traceback.extract_tb(exc.__traceback__)
    return " <- ".join(
        f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}" for frame in reversed(frames)
    )


def _sign_in_redirect(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any] | None:
    """On pages: not signed in -> the sign-in page; needs a fresh confirmation -> confirm page."""
    if exc.status_code == HTTP_401_UNAUTHORIZED:
        return Redirect("/sign-in", status_code=HTTP_303_SEE_OTHER)
    if (
        exc.status_code == HTTP_403_FORBIDDEN
        and isinstance(exc.extra, dict)
        and exc.extra.get("reauth")
    ):
        target = "/account/confirm?" + urlencode({"next_page": request.url.path})
        return Redirect(target, status_code=HTTP_303_SEE_OTHER)
    return None


def _plain_detail(exc: HTTPException) -> str:
    detail = str(exc.detail or "")
    if "CSRF" in detail:
        return FORM_EXPIRED
    if "Unsupported Media Type" in detail or exc.status_code == 415:
        return SEND_JSON
    return detail or STATUS_TITLES.get(exc.status_code, "There is a problem")


def _field_errors(exc: HTTPException) -> list[FieldError]:
    extra = exc.extra if isinstance(exc.extra, list) else []  # validation details only
    return [
        FieldError(field=str(item.get("key", "")), message=str(item.get("message", "")))
        for item in extra
        if isinstance(item, dict)
    ]


def handle_decryption_failed(
    request: Request[Any, Any, Any], exc: DecryptionFailed
) -> Response[Any]:
    """Fail closed: a security event in the log (never the value), a generic answer."""
    if isinstance(exc, KeyDestroyed):
        return problem_response(request, 410, "This person's details were erased at their request.")
    logger.warning(
        "security event: a stored value failed to decrypt at %s",
        where_it_happened(exc),
        extra={"request_id": request_id_of(request.scope)},
    )
    return problem_response(request, HTTP_500_INTERNAL_SERVER_ERROR, FRIENDLY_DETAILS[500])


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    DecryptionFailed: handle_decryption_failed,
    DomainError: handle_domain_error,
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}
