"""The kernel's JSON API under ``/api/v1`` and the rules every API route shares.

The API authenticates with bearer tokens only, never with the session cookie, so it is exempt
from CSRF; in exchange, every request with a body must say it is JSON.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.exceptions import HTTPException
from litestar.params import JSONBody
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE
from pydantic import BaseModel

from app import feedback
from app.auth.access import current_user
from app.errors import SEND_JSON
from app.web.forms import parse_form

API_PREFIX = "/api/v1"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class ServiceInfo(BaseModel):
    """Who runs this service and how to reach them."""

    service_name: str
    council_name: str
    contact_email: str
    version: str


class FeedbackCreated(BaseModel):
    id: int


async def require_json(request: Request[Any, Any, Any]) -> None:
    """Reject a body not declared as JSON, saying what to send (async: sync hooks use threads)."""
    if request.method in BODY_METHODS:
        media_type, _ = request.content_type
        if media_type != "application/json":
            raise HTTPException(
                status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                detail=SEND_JSON,
            )


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


@get("/me", name="api-me", summary="Who am I signed in as", tags=["accounts"])
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
