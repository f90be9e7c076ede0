"""Account pages: who you are, API tokens, confirming it is you, and staff invitations.

(A coordinator gives a participant a sign-in code on paper from that person's page, in the
participation domain, so the account shares the profile's id.)"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.auth import accounts, passwords, signin, tokens
from app.auth.access import STAGE_MFA_SETUP, current_user
from app.auth.flow import ROLE_LABELS, actor_of, context, form_page, start_session
from app.datamap import Role
from app.errors import FieldError
from app.i18n import gettext as _
from app.sealed import Sealer
from app.web.pages import page

Form = URLEncodedBody[dict[str, str]]


class AccountPages(Controller):
    include_in_schema = False

    @get("/account", name="account")
    async def overview(
        self, request: Request[Any, Any, Any], sealer: NamedDependency[Sealer]
    ) -> Template:
        user = current_user(request)
        assert user.account_id is not None
        return page(
            "auth/account.html",
            _("Your account"),
            details=await accounts.own_details(sealer, user.account_id),
            roles=[ROLE_LABELS.get(r, r) for r in sorted(user.roles) if r != Role.participant],
            kind=user.kind,
            tokens=await tokens.list_tokens(user.account_id),
            can_invite=Role.admin in user.roles,
            can_assist=Role.coordinator in user.roles,
            own_roles=[(r, ROLE_LABELS[r]) for r in ROLE_LABELS if r in user.roles],
        )

    @post("/account/tokens", name="token-create")
    async def create_token(self, request: Request[Any, Any, Any], data: Form) -> Template:
        user = current_user(request)
        assert user.account_id is not None
        wanted = tuple(r for r in ROLE_LABELS if data.get(f"role-{r}") == "yes" and r in user.roles)
        name = data.get("name", "").strip()[:100] or "Script"
        days = int(data.get("days", "90")) if data.get("days", "90") in {"30", "90", "365"} else 90
        token = await tokens.create(
            request.app.state.secret_key,
            user.account_id,
            name,
            wanted or tuple(user.roles),
            days,
            actor_of(request),
        )
        return page(
            "auth/token_created.html", "Your new API token", token=token, token_name=name, days=days
        )

    @post("/account/tokens/{token_id:uuid}/revoke", name="token-revoke")
    async def revoke_token(
        self, request: Request[Any, Any, Any], token_id: FromPath[UUID]
    ) -> Redirect:
        user = current_user(request)
        assert user.account_id is not None
        if not await tokens.revoke(user.account_id, token_id, actor_of(request)):
            raise NotFoundException()
        return Redirect("/account", status_code=HTTP_303_SEE_OTHER)

    @get("/account/confirm", name="reauth")
    async def confirm_form(self, next_page: FromQuery[str] = "/account") -> Template:
        return _confirm_form({"next": _local(next_page)}, [])

    @post("/account/confirm", name="reauth-submit")
    async def confirm_submit(
        self, request: Request[Any, Any, Any], data: Form, sealer: NamedDependency[Sealer]
    ) -> Any:
        user = current_user(request)
        assert user.account_id is not None
        assert user.session is not None
        assert user.session_id is not None
        if not await signin.verify_totp(
            context(request, sealer), user.account_id, data.get("code", "")
        ):
            error = FieldError("code", "Enter the 6-digit code your authenticator app shows now")
            return _confirm_form(data, [error], 400)
        fresh = replace(user.session, fresh_until=time.time() + 5 * 60)
        await request.app.state.sessions.save(user.session_id, fresh)
        return Redirect(_local(data.get("next", "/account")), status_code=HTTP_303_SEE_OTHER)

    @get("/staff/invite", name="staff-invite")
    async def invite_form(self) -> Template:
        return _invite_form({}, [])

    @post("/staff/invite", name="staff-invite-submit")
    async def invite_submit(
        self, request: Request[Any, Any, Any], data: Form, sealer: NamedDependency[Sealer]
    ) -> Any:
        roles = tuple(r for r in ROLE_LABELS if data.get(f"role-{r}") == "yes")
        errors = _invite_errors(data, roles)
        if errors:
            return _invite_form(data, errors, 400)
        new = accounts.NewAccount("staff", data["email"].strip(), data["name"].strip(), roles)
        await tokens.invite_staff(request, sealer, new, actor_of(request))
        return page(
            "auth/done.html",
            "Invitation sent",
            lines=["We have emailed an invitation link. It works once, for 7 days."],
        )

    @get("/invitation/{token:str}", name="invitation")
    async def invitation_form(self, token: FromPath[str]) -> Template:
        return _password_form(token, {}, [])

    @post("/invitation/{token:str}", name="invitation-submit")
    async def invitation_submit(
        self,
        request: Request[Any, Any, Any],
        token: FromPath[str],
        data: Form,
        sealer: NamedDependency[Sealer],
    ) -> Any:
        password = data.get("password", "")
        problem = passwords.password_problem(password) if password else "Enter a password"
        if problem:
            return _password_form(token, {}, [FieldError("password", problem)], 400)
        account_id = await tokens.accept_invitation(context(request, sealer), token, password)
        if account_id is None:
            return page(
                "auth/done.html",
                "This invitation has expired",
                status_code=400,
                lines=["Ask your administrator to send a new invitation."],
            )
        return await start_session(
            request,
            account_id,
            STAGE_MFA_SETUP,
            Redirect("/account/two-step/set-up", status_code=HTTP_303_SEE_OTHER),
        )


def _local(target: str) -> str:
    """Only paths on this site: no open redirect through ``next``."""
    return target if target.startswith("/") and not target.startswith("//") else "/account"


def _invite_errors(data: dict[str, str], roles: tuple[str, ...]) -> list[FieldError]:
    errors = []
    if "@" not in data.get("email", ""):
        errors.append(
            FieldError("email", "Enter their work email address, like name@northshire.gov.uk")
        )
    if not data.get("name", "").strip():
        errors.append(FieldError("name", "Enter their full name"))
    if not roles:
        errors.append(FieldError("roles", "Select at least one role"))
    return errors


def _confirm_form(values: dict[str, str], errors: list[FieldError], status: int = 200) -> Template:
    field = {
        "name": "code",
        "label": "Code",
        "width": "10",
        "autocomplete": "one-time-code",
        "inputmode": "numeric",
    }
    return form_page(
        "Confirm it is you",
        "/account/confirm",
        [field],
        values,
        errors,
        submit="Continue",
        template="auth/confirm.html",
        status_code=status,
        guidance=[
            "You are about to do something that needs extra care. "
            "Enter the code your authenticator app shows now."
        ],
    )


def _invite_form(values: dict[str, str], errors: list[FieldError], status: int = 200) -> Template:
    fields = [
        {"name": "name", "label": "Full name", "autocomplete": "off", "spellcheck": False},
        {
            "name": "email",
            "label": "Work email address",
            "type": "email",
            "autocomplete": "off",
            "spellcheck": False,
        },
    ]
    return form_page(
        "Invite a staff member",
        "/staff/invite",
        fields,
        values,
        errors,
        submit="Send invitation",
        template="auth/invite.html",
        status_code=status,
        role_labels=ROLE_LABELS,
    )


def _password_form(
    token: str, values: dict[str, str], errors: list[FieldError], status: int = 200
) -> Template:
    field = {
        "name": "password",
        "label": "Create a password",
        "type": "password",
        "autocomplete": "new-password",
        "hint": "At least 12 characters. A few unrelated words together work well.",
    }
    return form_page(
        "Set up your account",
        f"/invitation/{token}",
        [field],
        values,
        errors,
        submit="Continue",
        status_code=status,
        guidance=["Next you will set up two-step verification with an app on your phone."],
    )
