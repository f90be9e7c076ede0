"""Development only: a one-time sign-in link for a dev admin, so a newcomer is in within a minute.

The route exists only when RECIPROCITY_ENVIRONMENT=development; production never registers it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app import audit
from app.auth import accounts, one_time, signin
from app.auth.access import STAGE_SIGNED_IN
from app.auth.flow import confirm_page, context, start_session
from app.sealed import Sealer
from app.tables import SignInToken
from app.web.pages import page

DEV_ADMIN_EMAIL = "dev.admin@northshire.example"


async def dev_sign_in_link(
    sealer: NamedDependency[Sealer], secret_key: str, public_url: str
) -> str:
    """Make sure the dev admin exists and return a fresh single-use link (10 minutes)."""
    account = await accounts.find_by_email(sealer, DEV_ADMIN_EMAIL)
    if account is None:
        new = accounts.NewAccount(
            "staff", DEV_ADMIN_EMAIL, "Dev Admin", tuple(accounts.STAFF_ROLES)
        )
        account_id = await accounts.create(sealer, new, audit.SYSTEM)
    else:
        account_id = account["id"]
    token = one_time.new_link_token()
    await SignInToken.insert(
        SignInToken(
            id=uuid4(),
            purpose="dev",
            account=account_id,
            token_hash=one_time.digest(secret_key, "link", token),
            expires_at=datetime.now(UTC) + timedelta(minutes=10),
        )
    )
    return f"{public_url}/sign-in/dev/{token}"


class DevSignIn(Controller):
    include_in_schema = False

    @get("/sign-in/dev/{token:str}", name="dev-sign-in")
    async def confirm(self, token: FromPath[str]) -> Template:
        return confirm_page(
            "Sign in as the dev admin",
            f"/sign-in/dev/{token}",
            "Development only: this signs you in as an administrator (all staff roles).",
        )

    @post("/sign-in/dev/{token:str}", name="dev-sign-in-submit")
    async def submit(
        self, request: Request[Any, Any, Any], token: FromPath[str], sealer: NamedDependency[Sealer]
    ) -> Any:
        account_id = await signin.redeem_link(context(request, sealer), token, purpose="dev")
        if account_id is None:
            return page(
                "auth/done.html",
                "This link has expired",
                status_code=400,
                lines=["Run 'make run' again (or 'reciprocity users dev-sign-in') for a new link."],
            )
        return await start_session(
            request,
            account_id,
            STAGE_SIGNED_IN,
            Redirect("/account", status_code=HTTP_303_SEE_OTHER),
        )
