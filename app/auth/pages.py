"""Sign-in pages: staff (password, then authenticator code), participants (emailed code or link,
or a code on paper), two-step set-up and recovery, and sign-out. Thin: parse, call, render.

Every answer is the same whether or not an account exists, and every attempt counts against the
shared throttle for that email (or code) and for the client address.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.auth import forms, signin, totp
from app.auth.access import STAGE_MFA, STAGE_MFA_SETUP, STAGE_SIGNED_IN, current_user
from app.auth.flow import (
    ATTEMPT_COOKIE,
    attempt_cookie,
    confirm_page,
    context,
    end_session,
    form_page,
    settle_email_sign_in,
    start_session,
    throttled,
)
from app.datamap import Role
from app.errors import FieldError
from app.i18n import N_
from app.i18n import gettext as _
from app.sealed import Sealer
from app.tables import Account
from app.web.pages import page

Form = URLEncodedBody[dict[str, str]]
TOO_MANY_ATTEMPTS = N_("Too many attempts. Wait 15 minutes, then try again.")
"""The staff steps show it in English; a participant's steps in their language."""


class SignInPages(Controller):
    include_in_schema = False

    @get("/sign-in", name="sign-in")
    async def choose(self) -> Template:
        return page("auth/sign_in.html", _("Sign in"))

    @get("/sign-in/staff", name="staff-sign-in")
    async def staff_form(self) -> Template:
        return forms.staff_form({})

    @post("/sign-in/staff", name="staff-sign-in-submit")
    async def staff_submit(
        self, request: Request[Any, Any, Any], data: Form, sealer: NamedDependency[Sealer]
    ) -> Any:
        email, password = data.get("email", "").strip(), data.get("password", "")
        errors = _required(
            data, {"email": "Enter your work email address", "password": "Enter your password"}
        )
        if errors:
            return forms.staff_form(data, errors)
        if await throttled(request, email):
            return forms.staff_form(
                data,
                [FieldError("email", TOO_MANY_ATTEMPTS)],
                429,
            )
        account = await signin.staff_password(context(request, sealer), email, password)
        if account is None:
            return forms.staff_form(
                data, [FieldError("email", "Enter a correct email address and password")]
            )
        stage = STAGE_MFA if account["mfa_enabled_at"] else STAGE_MFA_SETUP
        target = "/sign-in/two-step" if stage == STAGE_MFA else "/account/two-step/set-up"
        return await start_session(
            request, account["id"], stage, Redirect(target, status_code=HTTP_303_SEE_OTHER)
        )

    @get("/sign-in/two-step", name="mfa")
    async def mfa_form(self) -> Template:
        return forms.mfa_form({})

    @post("/sign-in/two-step", name="mfa-submit")
    async def mfa_submit(
        self, request: Request[Any, Any, Any], data: Form, sealer: NamedDependency[Sealer]
    ) -> Any:
        user = current_user(request)
        assert user.account_id is not None
        if await throttled(request, str(user.account_id)):
            return forms.mfa_form(
                data,
                [FieldError("code", TOO_MANY_ATTEMPTS)],
                429,
            )
        if not await signin.verify_totp(
            context(request, sealer), user.account_id, data.get("code", "")
        ):
            return forms.mfa_form(
                data,
                [FieldError("code", "Enter the 6-digit code your authenticator app shows now")],
            )
        return await _signed_in(request, user.account_id)

    @get("/sign-in/recovery", name="mfa-recovery")
    async def recovery_form(self) -> Template:
        return forms.recovery_form({})

    @post("/sign-in/recovery", name="mfa-recovery-submit")
    async def recovery_submit(
        self, request: Request[Any, Any, Any], data: Form, sealer: NamedDependency[Sealer]
    ) -> Any:
        user = current_user(request)
        assert user.account_id is not None
        if await throttled(request, str(user.account_id)):
            return forms.recovery_form(
                data,
                [FieldError("code", TOO_MANY_ATTEMPTS)],
                429,
            )
        if not await signin.use_recovery_code(
            context(request, sealer), user.account_id, data.get("code", "")
        ):
            return forms.recovery_form(
                data, [FieldError("code", "Enter one of your unused recovery codes")]
            )
        return await _signed_in(request, user.account_id)

    @get("/account/two-step/set-up", name="mfa-setup")
    async def mfa_setup_form(
        self, request: Request[Any, Any, Any], sealer: NamedDependency[Sealer]
    ) -> Template:
        return await _setup_page(request, sealer, {}, [])

    @post("/account/two-step/set-up", name="mfa-setup-submit")
    async def mfa_setup_submit(
        self, request: Request[Any, Any, Any], data: Form, sealer: NamedDependency[Sealer]
    ) -> Any:
        user = current_user(request)
        assert user.account_id is not None
        codes = await signin.confirm_mfa_setup(
            context(request, sealer), user.account_id, data.get("code", "")
        )
        if codes is None:
            error = FieldError("code", "Enter the 6-digit code your authenticator app shows now")
            return await _setup_page(request, sealer, data, [error])
        response = page("auth/recovery_codes.html", "Save your recovery codes", codes=codes)
        return await _signed_in(request, user.account_id, response)

    @get("/sign-in/email", name="email-sign-in")
    async def email_form(self) -> Template:
        return forms.email_form({})

    @post("/sign-in/email", name="email-sign-in-submit")
    async def email_submit(
        self, request: Request[Any, Any, Any], data: Form, sealer: NamedDependency[Sealer]
    ) -> Any:
        email = data.get("email", "").strip()
        if "@" not in email:
            return forms.email_form(
                data, [FieldError("email", _("Enter your email address, like name@example.com"))]
            )
        if await throttled(request, email):
            return forms.email_form(
                data,
                [FieldError("email", _(TOO_MANY_ATTEMPTS))],
                429,
            )
        attempt = await settle_email_sign_in(request, sealer, email)
        response = Redirect("/sign-in/email/code", status_code=HTTP_303_SEE_OTHER)
        response.set_cookie(attempt_cookie(request, str(attempt)))
        return response

    @get("/sign-in/email/code", name="email-code")
    async def code_form(self) -> Template:
        return forms.code_form({})

    @post("/sign-in/email/code", name="email-code-submit")
    async def code_submit(
        self, request: Request[Any, Any, Any], data: Form, sealer: NamedDependency[Sealer]
    ) -> Any:
        attempt = request.cookies.get(ATTEMPT_COOKIE, "")
        if await throttled(request, attempt or "no-attempt"):
            return forms.code_form(
                data,
                [FieldError("code", _(TOO_MANY_ATTEMPTS))],
                429,
            )
        account = await signin.redeem_code(
            context(request, sealer), _uuid(attempt), data.get("code", "")
        )
        if account is None:
            return forms.code_form(
                data, [FieldError("code", _("Enter the 6-digit code from the email we sent you"))]
            )
        return await _signed_in(request, account)

    @get("/sign-in/link/{token:str}", name="email-link")
    async def link_confirm(self, token: FromPath[str]) -> Template:
        """Read-only on purpose: mail scanners open links, and must not use them up."""
        return confirm_page(
            _("Sign in to Reciprocity"),
            f"/sign-in/link/{token}",
            _("Select the button to finish signing in."),
        )

    @post("/sign-in/link/{token:str}", name="email-link-submit")
    async def link_submit(
        self, request: Request[Any, Any, Any], token: FromPath[str], sealer: NamedDependency[Sealer]
    ) -> Any:
        account = await signin.redeem_link(context(request, sealer), token)
        if account is None:
            return page(
                "auth/confirm_link.html",
                _("This link has expired"),
                status_code=400,
                action="/sign-in/email",
                submit=_("Get a new code"),
                guidance=_("Sign-in links work once, for 10 minutes. You can ask for a new one."),
            )
        return await _signed_in(request, account)

    @get("/sign-in/activate", name="activate")
    async def activate_form(self) -> Template:
        return forms.activate_form({})

    @post("/sign-in/activate", name="activate-submit")
    async def activate_submit(
        self, request: Request[Any, Any, Any], data: Form, sealer: NamedDependency[Sealer]
    ) -> Any:
        code = data.get("code", "")
        if await throttled(request, code or "empty"):
            return forms.activate_form(
                data,
                [FieldError("code", _(TOO_MANY_ATTEMPTS))],
                429,
            )
        account = await signin.redeem_activation_code(context(request, sealer), code)
        if account is None:
            return forms.activate_form(
                data, [FieldError("code", _("Enter the code exactly as it is on your letter"))]
            )
        return await _signed_in(request, account)

    @post("/sign-out", name="sign-out")
    async def sign_out(self, request: Request[Any, Any, Any]) -> Response[Any]:
        return await end_session(request, page("auth/signed_out.html", _("You have signed out")))


async def _signed_in(
    request: Request[Any, Any, Any], account_id: UUID, response: Response[Any] | None = None
) -> Any:
    landing = response or Redirect(await _landing(account_id), status_code=HTTP_303_SEE_OTHER)
    return await start_session(request, account_id, STAGE_SIGNED_IN, landing)


async def _landing(account_id: UUID) -> str:
    """Coordinators start on what needs them today; everyone else on their account."""
    rows = await Account.raw("SELECT roles FROM account WHERE id = {}", account_id)
    held = set(rows[0]["roles"].split(",")) if rows else set()
    return "/today" if Role.coordinator in held else "/account"


async def _setup_page(
    request: Request[Any, Any, Any],
    sealer: NamedDependency[Sealer],
    values: dict[str, str],
    errors: list[FieldError],
) -> Template:
    """The QR code of the secret being set up: the same one on every reload until confirmed."""
    user = current_user(request)
    assert user.account_id is not None
    secret = await signin.pending_secret(context(request, sealer), user.account_id)
    uri = totp.provisioning_uri(
        secret, f"{request.app.state.site.council_name} staff", request.app.state.site.service_name
    )
    return form_page(
        "Set up two-step verification",
        "/account/two-step/set-up",
        [forms.CODE_FIELD],
        values,
        errors,
        template="auth/mfa_setup.html",
        submit="Turn on two-step verification",
        qr=totp.qr_svg_data_uri(uri),
        typed_secret=totp.format_secret_for_typing(secret),
        status_code=400 if errors else 200,
    )


def _required(data: dict[str, str], messages: dict[str, str]) -> list[FieldError]:
    return [
        FieldError(name, message)
        for name, message in messages.items()
        if not data.get(name, "").strip()
    ]


def _uuid(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        return UUID(int=0)
