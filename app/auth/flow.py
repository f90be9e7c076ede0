"""Shared steps of the sign-in pages: sessions, throttling, the emailed code, form rendering."""

from __future__ import annotations

import hmac
import time
from typing import Any
from uuid import UUID

from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.response import Template

from app import audit, i18n, mail
from app.auth import signin
from app.auth.access import STAGE_SIGNED_IN, current_user
from app.auth.sessions import SessionData
from app.datamap import Role
from app.errors import FieldError
from app.i18n import gettext as _
from app.sealed import Sealer
from app.tables import Account
from app.web.locale import ONE_YEAR
from app.web.pages import page
from app.web.request_context import request_id_of

ATTEMPT_COOKIE = "sign_in_attempt"
CSRF_COOKIE = "csrftoken"
ROLE_LABELS: dict[str, str] = {
    Role.coordinator: "Co-production coordinator",
    Role.organiser: "Event organiser",
    Role.finance: "Finance officer",
    Role.admin: "Administrator",
}


def actor_of(request: Request[Any, Any, Any]) -> audit.Actor:
    """The signed-in person, as the audit log records them (id and roles, never a name)."""
    user = current_user(request)
    return audit.Actor(
        id=str(user.account_id), role=",".join(sorted(user.roles)), assisted_by=user.assisted_by
    )


def context(request: Request[Any, Any, Any], sealer: Sealer) -> signin.Context:
    return signin.Context(sealer, request.app.state.secret_key, request_id_of(request.scope))


def client_address(request: Request[Any, Any, Any]) -> str:
    """The peer address; the server only rewrites it from proxy headers for trusted proxies."""
    return request.client.host if request.client else "unknown"


async def throttled(request: Request[Any, Any, Any], identifier: str) -> bool:
    """Count this attempt; True when the identifier or the address has had too many.

    The identifier (an email, a code) is keyed-hashed first: the store never holds it.
    """
    secret = request.app.state.secret_key.encode()
    key = hmac.new(
        secret, b"throttle:" + identifier.strip().casefold().encode(), "sha256"
    ).hexdigest()
    return not await request.app.state.throttle.allow(key, client_address(request))


async def start_session(
    request: Request[Any, Any, Any], account_id: UUID, stage: str, response: Response[Any]
) -> Response[Any]:
    """Begin a session at ``stage`` under a new id, ending whatever session came before."""
    rows = await Account.raw("SELECT kind, session_version FROM account WHERE id = {}", account_id)
    now = time.time()
    data = SessionData(
        account=str(account_id),
        kind=rows[0]["kind"],
        stage=stage,
        version=rows[0]["session_version"],
        created=now,
        seen=now,
        fresh_until=now + 5 * 60 if stage == "signed-in" else 0.0,
    )
    await request.app.state.sessions.begin(
        response, data, replacing=current_user(request).session_id
    )
    response.delete_cookie(ATTEMPT_COOKIE, path="/")
    if stage == STAGE_SIGNED_IN and (chosen := await _chosen_language(request, account_id)):
        response.set_cookie(i18n.COOKIE, chosen, path="/", max_age=ONE_YEAR, samesite="lax")
    return response


async def _chosen_language(request: Request[Any, Any, Any], account_id: UUID) -> str | None:
    """A participant's profile language, so their pages are in it from the moment they sign in."""
    language_of = request.app.state.get("language_of")
    return await language_of(request.app.state, account_id) if language_of else None


async def end_session(request: Request[Any, Any, Any], response: Response[Any]) -> Response[Any]:
    """End the caller's session on ``response``: forgotten by every worker and every cookie
    expired, in this response (signing out, or after a person deletes their account).

    No Clear-Site-Data: every page is sent with Cache-Control: no-store and the service keeps
    nothing in browser storage, so there is nothing else to clear, and Chromium applies that
    header asynchronously: seen in CI to wipe the fresh form token of the next page, so the
    person's next form failed as "expired".
    """
    await request.app.state.sessions.end(response, current_user(request).session_id)
    response.delete_cookie(ATTEMPT_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


def attempt_cookie(request: Request[Any, Any, Any], attempt: str) -> Cookie:
    https = request.app.state.settings.uses_https
    return Cookie(
        key=ATTEMPT_COOKIE,
        value=attempt,
        path="/",
        httponly=True,
        secure=https,
        samesite="lax",
        max_age=15 * 60,
    )


async def settle_email_sign_in(request: Request[Any, Any, Any], sealer: Sealer, email: str) -> UUID:
    """Make the code and link; email them only if the account exists. Same answer either way."""
    issued = await signin.request_participant_sign_in(context(request, sealer), email)
    if issued.account is not None:
        settings = request.app.state.settings
        await mail.queue(
            sealer,
            issued.account,
            sign_in_email(settings.public_url, email, issued),
            settings.mail_from,
        )
    return issued.attempt


def sign_in_email(public_url: str, to: str, issued: signin.EmailedSignIn) -> mail.Email:
    """Discreet on purpose: no programme, no name, nothing an abuser reading the inbox could use.

    Written in the language of the request that asked for it: the person is reading the page
    in that language as the email arrives (and an unknown address gets no email to choose for).
    """
    link = f"{public_url}/sign-in/link/{issued.link_token}"
    text = (
        _("Your sign-in code is %(code)s") % {"code": issued.code}
        + "\n\n"
        + _("Or use this link to sign in:")
        + f"\n{link}\n\n"
        + _("The code and the link work once, for 10 minutes.")
        + "\n"
        + _("If you did not ask to sign in, you can ignore this email.")
        + "\n"
    )
    return mail.Email(to=to, subject=_("Your sign-in code"), text=text)


def confirm_page(title: str, action: str, guidance: str) -> Template:
    """A page with one button that POSTs to ``action``: links are opened, only buttons act."""
    return page(
        "auth/confirm_link.html", title, action=action, guidance=guidance, submit=_("Sign in")
    )


def form_page(
    title: str,
    action: str,
    fields: list[dict[str, Any]],
    values: dict[str, str],
    errors: list[FieldError],
    *,
    submit: str,
    template: str = "auth/form_page.html",
    guidance: list[str] | None = None,
    links: list[dict[str, str]] | None = None,
    status_code: int = 200,
    **context: Any,
) -> Template:
    """A simple form step; the shell shows the error summary when ``errors`` is not empty."""
    return page(
        template,
        title,
        status_code=status_code,
        action=action,
        fields=fields,
        values=values,
        errors=errors,
        field_ids={f["name"]: f["name"] for f in fields},
        submit=submit,
        guidance=guidance or [],
        links=links or [],
        **context,
    )
