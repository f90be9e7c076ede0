"""Development only: one-time sign-in links, so a newcomer is in within a minute.

``reciprocity users dev-sign-in`` makes one for a dev admin (every staff role);
``reciprocity demo`` makes one for each of the demo council's accounts. Each link works once,
for 10 minutes, and lands on that person's own home. The route exists only when
RECIPROCITY_ENVIRONMENT=development; production never registers it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app import audit
from app.auth import accounts, one_time, signin
from app.auth.access import STAGE_SIGNED_IN
from app.auth.flow import confirm_page, context, start_session
from app.datamap import Role
from app.sealed import Sealer
from app.tables import Account, SignInToken
from app.web.pages import page

DEV_ADMIN_EMAIL = "dev.admin@northshire.example"
DEV_ADMIN_ID = UUID("00000000-0000-4000-8000-00000000de00")
"""Fixed, so the demo can tell the dev admin from someone's real account."""
LANDINGS = (
    (Role.coordinator, "/today"),
    (Role.organiser, "/events"),
    (Role.finance, "/finance"),
    (Role.admin, "/staff"),
    (Role.participant, "/profile"),
)
"""Where each role starts: what needs them (the first role held wins)."""


async def dev_sign_in_link(
    sealer: NamedDependency[Sealer], secret_key: str, public_url: str
) -> str:
    """Make sure the dev admin exists and return a fresh single-use link (10 minutes)."""
    account = await accounts.find_by_email(sealer, DEV_ADMIN_EMAIL)
    if account is None:
        new = accounts.NewAccount(
            "staff",
            DEV_ADMIN_EMAIL,
            "Dev Admin",
            tuple(accounts.STAFF_ROLES),
            account_id=DEV_ADMIN_ID,
        )
        account_id = await accounts.create(sealer, new, audit.SYSTEM)
    else:
        account_id = account["id"]
    return await sign_in_link(account_id, secret_key, public_url)


async def sign_in_link(account: UUID, secret_key: str, public_url: str) -> str:
    """A fresh single-use link (10 minutes) that signs in as ``account``: development only
    (the route that redeems it exists nowhere else)."""
    token = one_time.new_link_token()
    await SignInToken.insert(
        SignInToken(
            id=uuid4(),
            purpose="dev",
            account=account,
            token_hash=one_time.digest(secret_key, "link", token),
            expires_at=datetime.now(UTC) + timedelta(minutes=10),
        )
    )
    return f"{public_url}/sign-in/dev/{token}"


async def landing(account: UUID) -> str:
    """The home of the account's first role in ``LANDINGS``; the account page for one with
    every staff role (the dev admin chooses where to go from there)."""
    rows = await Account.select(Account.roles).where(Account.id == account)
    held = set(rows[0]["roles"].split(",")) if rows else set()
    if held >= set(accounts.STAFF_ROLES):
        return "/account"
    return next((path for role, path in LANDINGS if role in held), "/account")


class DevSignIn(Controller):
    include_in_schema = False

    @get("/sign-in/dev/{token:str}", name="dev-sign-in")
    async def confirm(self, token: FromPath[str]) -> Template:
        return confirm_page(
            "Sign in without a password",
            f"/sign-in/dev/{token}",
            "Development only: this signs you in to the account the link was made for "
            "(the dev admin, or a demo council account).",
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
                lines=[
                    "Run 'make run' again (or 'reciprocity users dev-sign-in') for a new link, "
                    "or 'reciprocity demo --links' for the demo council's."
                ],
            )
        return await start_session(
            request,
            account_id,
            STAGE_SIGNED_IN,
            Redirect(await landing(account_id), status_code=HTTP_303_SEE_OTHER),
        )
