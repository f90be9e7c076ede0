"""Who may call what: one declarative table, checked by one guard on every route. Deny by default.

Every route handler has a ``name``; ``RULES`` (the kernel's, plus each domain's ``ACCESS``)
says who may call it. A route missing from the table answers 404 to everyone, and a test fails
on it. Object scoping (a participant sees only themselves) is the services' job on top of this.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from app import i18n
from app.auth.sessions import SessionData
from app.datamap import Role
from app.db import transaction
from app.i18n import N_
from app.tables import Account, ApiToken

STAGE_SIGNED_IN = "signed-in"
STAGE_MFA = "mfa"
STAGE_MFA_SETUP = "mfa-setup"


@dataclass(frozen=True)
class Rule:
    """``roles`` None = anyone; ``stages``: session stages that count; ``fresh``: re-auth."""

    roles: frozenset[str] | None = None
    stages: frozenset[str] = frozenset({STAGE_SIGNED_IN})
    fresh: bool = False


PUBLIC = Rule()
SIGNED_IN = Rule(roles=frozenset({r.value for r in Role}))
STAFF = Rule(roles=frozenset({Role.coordinator, Role.organiser, Role.finance, Role.admin}))
PARTICIPANT = Rule(roles=frozenset({Role.participant}))
ADMIN_FRESH = Rule(roles=frozenset({Role.admin}), fresh=True)
MFA_STEP = Rule(
    roles=frozenset({Role.coordinator, Role.organiser, Role.finance, Role.admin}),
    stages=frozenset({STAGE_MFA}),
)
MFA_SETUP = Rule(
    roles=frozenset({Role.coordinator, Role.organiser, Role.finance, Role.admin}),
    stages=frozenset({STAGE_MFA_SETUP}),
)


def roles(*names: Role) -> Rule:
    return Rule(roles=frozenset(names))


@dataclass(frozen=True)
class CurrentUser:
    """The caller: anonymous, or an account with roles, reached by session or API token."""

    account_id: UUID | None = None
    kind: str = "anonymous"
    roles: frozenset[str] = frozenset()
    stage: str = ""
    session_id: str | None = None
    session: SessionData | None = None
    via_token: bool = False
    assisted_by: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_signed_in(self) -> bool:
        return self.account_id is not None and self.stage == STAGE_SIGNED_IN

    @property
    def is_fresh(self) -> bool:
        return self.session is not None and self.session.fresh_until > time.time()


ANONYMOUS = CurrentUser()


async def resolve_user(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser:
    """Find the caller from a bearer token or the session cookie; anything wrong = anonymous."""
    authorization = connection.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return await _from_token(connection, authorization[7:].strip())
    loaded = await connection.app.state.sessions.load(connection)
    if loaded is None:
        return ANONYMOUS
    session_id, data = loaded
    account = await _live_account(UUID(data.account))
    if account is None or account["session_version"] != data.version:
        return ANONYMOUS
    return CurrentUser(
        account_id=UUID(data.account),
        kind=data.kind,
        roles=_role_set(account["roles"]),
        stage=data.stage,
        session_id=session_id,
        session=data,
        assisted_by=data.assisted_by,
    )


ACCOUNT_STATE_TTL_S = 2.0
ACCOUNT_STATE_MAX = 10_000
_account_state: dict[UUID, tuple[float, dict[str, Any] | None]] = {}


async def _live_account(account_id: UUID) -> dict[str, Any] | None:
    """Roles and session version of a live account, read at most every 2 seconds per process.

    Every signed-in request needs them; a role change or a disabled account therefore takes
    effect on other workers within ``ACCOUNT_STATE_TTL_S`` (at once on this one, see
    ``forget_account``). That bound is the price of not reading the database twice per request.
    """
    now = time.monotonic()
    cached = _account_state.get(account_id)
    if cached is not None and now - cached[0] < ACCOUNT_STATE_TTL_S:
        return cached[1]
    rows = await Account.raw(
        "SELECT roles, session_version, kind FROM account WHERE id = {} AND disabled_at IS NULL",
        account_id,
    )
    state = dict(rows[0]) if rows else None
    if len(_account_state) > ACCOUNT_STATE_MAX:
        _account_state.clear()  # a cache, not a register: start again rather than grow
    _account_state[account_id] = (now, state)
    return state


def forget_account(account_id: UUID) -> None:
    """Drop this process's cached state of an account whose roles or status just changed."""
    _account_state.pop(account_id, None)


async def _from_token(connection: ASGIConnection[Any, Any, Any, Any], token: str) -> CurrentUser:
    from app.auth.one_time import digest  # noqa: PLC0415 - keeps this module importable alone

    hashed = digest(connection.app.state.secret_key, "api-token", token)
    row = (
        await ApiToken.select()
        .where((ApiToken.token_hash == hashed) & ApiToken.revoked_at.is_null())
        .first()
    )
    if row is None or row["expires_at"].timestamp() < time.time():
        return ANONYMOUS
    account = await _live_account(row["account"])
    if account is None:
        return ANONYMOUS
    granted = _role_set(row["roles"]) & _role_set(account["roles"])
    await _record_token_use(connection, row)
    return CurrentUser(
        account_id=row["account"],
        kind="staff",
        roles=granted,
        stage=STAGE_SIGNED_IN,
        via_token=True,
        extra={"token": row["id"]},
    )


async def _record_token_use(
    connection: ASGIConnection[Any, Any, Any, Any], row: dict[str, Any]
) -> None:
    """Every use of a token is audited (which token, which route), and dated on the token."""
    from app import audit  # noqa: PLC0415 - audit imports tables only; kept beside its one use
    from app.web.request_context import request_id_of  # noqa: PLC0415 - idem

    async with transaction():
        await ApiToken.update({ApiToken.last_used_at: datetime.now(UTC)}).where(
            ApiToken.id == row["id"]
        )
        await audit.record(
            audit.Actor(id=str(row["account"]), role=row["roles"]),
            audit.Action.token_use,
            subject=row["account"],
            field_group="api tokens",
            purpose=f"{connection.scope.get('method', '')} {connection.scope['path']}"[:200],
            request_id=request_id_of(connection.scope),
        )


def _role_set(text: str) -> frozenset[str]:
    return frozenset(part for part in text.split(",") if part)


def rules_for(handler: BaseRouteHandler, table: dict[str, Rule]) -> Rule | None:
    """The route's rule; Litestar's own OPTIONS answers and OpenAPI document are public."""
    name = handler.name or ""
    if name in table:
        return table[name]
    if not name and getattr(handler, "http_methods", set()) == {"OPTIONS"}:
        return PUBLIC
    if getattr(handler.fn, "__module__", "").startswith("litestar._openapi"):
        return PUBLIC  # the OpenAPI document describes only the API; nothing personal
    return None


NO_CALLER = frozenset({"health-live", "health-ready", "metrics"})
"""Routes that never look up who is calling (they are public and read nothing personal)."""


async def access_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """The one guard: look the route up, find the caller, let them through or say no."""
    rule = rules_for(handler, connection.app.state.access_rules)
    if rule is None:
        raise NotFoundException()
    if handler.name in NO_CALLER:
        return  # probes and metrics must answer while the database is down: nobody to look up
    user = await resolve_user(connection)
    connection.scope["state"]["user"] = user
    if user.roles - {Role.participant}:
        i18n.switch_to(i18n.DEFAULT)
    check(rule, user)


def check(rule: Rule, user: CurrentUser) -> None:
    if rule.roles is None:
        return
    if user.account_id is None or user.stage not in rule.stages:
        raise NotAuthorizedException("Sign in to continue.")
    if not user.roles & rule.roles:
        raise PermissionDeniedException(N_("Your account cannot do this."))
    if rule.fresh and not (user.is_fresh or user.via_token):
        raise PermissionDeniedException("Confirm it is you to continue.", extra={"reauth": True})


def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser:
    user: CurrentUser = connection.scope["state"].get("user", ANONYMOUS)
    return user


KERNEL_RULES: dict[str, Rule] = {
    # pages anyone may see
    "home": PUBLIC,
    "accessibility": PUBLIC,
    "privacy": PUBLIC,
    "contact": PUBLIC,
    "feedback": PUBLIC,
    "feedback-submit": PUBLIC,
    "feedback-done": PUBLIC,
    "health-live": PUBLIC,
    "health-ready": PUBLIC,
    "metrics": PUBLIC,  # its own bearer token when RECIPROCITY_METRICS_TOKEN is set (app.health)
    "static": PUBLIC,
    "static/head": PUBLIC,
    "api-service": PUBLIC,
    "api-me": SIGNED_IN,
    "api-feedback": PUBLIC,
    # signing in and out
    "sign-in": PUBLIC,
    "staff-sign-in": PUBLIC,
    "staff-sign-in-submit": PUBLIC,
    "email-sign-in": PUBLIC,
    "email-sign-in-submit": PUBLIC,
    "email-code": PUBLIC,
    "email-code-submit": PUBLIC,
    "email-link": PUBLIC,
    "email-link-submit": PUBLIC,
    "activate": PUBLIC,
    "activate-submit": PUBLIC,
    "invitation": PUBLIC,
    "invitation-submit": PUBLIC,
    "sign-out": PUBLIC,
    "dev-sign-in": PUBLIC,
    "dev-sign-in-submit": PUBLIC,
    "mfa": MFA_STEP,
    "mfa-submit": MFA_STEP,
    "mfa-recovery": MFA_STEP,
    "mfa-recovery-submit": MFA_STEP,
    "mfa-setup": MFA_SETUP,
    "mfa-setup-submit": MFA_SETUP,
    # accounts
    "account": SIGNED_IN,
    "today": roles(Role.coordinator, Role.admin),
    "token-create": STAFF,
    "token-revoke": STAFF,
    "reauth": STAFF,
    "reauth-submit": STAFF,
    "staff-invite": ADMIN_FRESH,
    "staff-list": roles(Role.admin),
    "staff-edit": ADMIN_FRESH,
    "staff-roles": ADMIN_FRESH,
    "staff-disable": ADMIN_FRESH,
    "staff-invite-submit": ADMIN_FRESH,
    # Easy Read symbols (app.symbols_pages): staff keep them, anyone may see a picture
    "symbols": roles(Role.coordinator, Role.admin),
    "symbols-add": roles(Role.coordinator, Role.admin),
    "symbol-change": roles(Role.coordinator, Role.admin),
    "symbol-change-submit": roles(Role.coordinator, Role.admin),
    "symbol-delete": roles(Role.coordinator, Role.admin),
    "symbol-image": PUBLIC,
}
