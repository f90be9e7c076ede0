"""The kernel's JSON API under ``/api/v1`` and the rules every API route shares.

The API is exempt from CSRF tokens: staff scripts use bearer tokens, and participants' session
cookie is SameSite=Lax, so no other site's POST carries it. As a second guard, a request that
declares a body type must declare JSON, which no cross-site HTML form can send; a request with
no body at all (``approve``, ``withdraw``) needs no Content-Type. Every operation documents
the problem responses (RFC 9457 ``application/problem+json``) it can give, so clients and the
fuzzer (tests/app/test_fuzz_api.py) can hold it to them.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.exceptions import HTTPException
from litestar.openapi import ResponseSpec
from litestar.params import JSONBody
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE
from pydantic import BaseModel

from app import feedback
from app.auth.access import current_user
from app.errors import PROBLEM_JSON, SEND_JSON, STATUS_TITLES
from app.web.forms import parse_form

API_PREFIX = "/api/v1"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class ProblemField(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """Problem details (RFC 9457); ``errors`` names each field that needs correcting."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    request_id: str
    errors: list[ProblemField] | None = None


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the problem responses a route can give."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=STATUS_TITLES[status],
            media_type=PROBLEM_JSON,
            generate_examples=False,
        )
        for status in statuses
    }


class ServiceInfo(BaseModel):
    """Who runs this service and how to reach them."""

    service_name: str
    council_name: str
    contact_email: str
    version: str


class FeedbackCreated(BaseModel):
    id: int


async def require_json(request: Request[Any, Any, Any]) -> None:
    """Reject a body, or a declared body type, that is not JSON, saying what to send.

    Async: Litestar runs sync hooks in threads.
    """
    if request.method not in BODY_METHODS:
        return
    media_type, _ = request.content_type
    if media_type == "application/json":
        return
    if "content-type" not in request.headers and not _has_body(request):
        return
    raise HTTPException(status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE, detail=SEND_JSON)


def _has_body(request: Request[Any, Any, Any]) -> bool:
    length = request.headers.get("content-length", "0").strip()
    return length not in {"", "0"} or "transfer-encoding" in request.headers


@get("/service", name="api-service", summary="About this service", tags=["service"])
async def service_info(request: Request[Any, Any, Any]) -> ServiceInfo:
    """The council and contact details this deployment is configured with."""
    site = request.app.state.site
    return ServiceInfo(
        service_name=site.service_name,
        council_name=site.council_name,
        contact_email=site.contact_email,
        version=request.app.state.version,
    )


@post(
    "/feedback",
    name="api-feedback",
    summary="Send anonymous feedback about the service",
    tags=["service"],
    responses=problems(400, 415),
)
async def create_feedback(data: JSONBody[dict[str, Any]]) -> FeedbackCreated:
    """The feedback page's rules: a satisfaction value, at most 1200 characters of comments."""
    form = parse_form(feedback.FeedbackForm, data)
    return FeedbackCreated(id=await feedback.record_feedback(form))


class Me(BaseModel):
    """The caller as the service sees them: scripts use it to check their token works."""

    account_id: str
    kind: str
    roles: list[str]
    via_token: bool


@get(
    "/me",
    name="api-me",
    summary="Who am I signed in as",
    tags=["accounts"],
    responses=problems(401),
)
async def me(request: Request[Any, Any, Any]) -> Me:
    """The account and roles of the token (or session) that made this request."""
    user = current_user(request)
    return Me(
        account_id=str(user.account_id),
        kind=user.kind,
        roles=sorted(user.roles),
        via_token=user.via_token,
    )


def api_router(route_handlers: list[Any]) -> Router:
    """The ``/api/v1`` router: the kernel's handlers plus those each domain contributes."""
    return Router(
        path=API_PREFIX,
        route_handlers=[service_info, create_feedback, me, *route_handlers],
        before_request=require_json,
    )
