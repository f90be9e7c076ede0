"""Accounts and signed-in clients for tests, made the way the service makes them."""

from __future__ import annotations

import re
import time
from uuid import UUID

import httpx
from litestar import Litestar, Response

from app import audit
from app.auth import accounts
from app.auth.access import STAGE_SIGNED_IN
from app.auth.sessions import SessionData
from app.datamap import Role
from app.factory import provide_sealer
from app.tables import Account

STAFF_PERSONAS: dict[str, tuple[str, ...]] = {
    "coordinator": (Role.coordinator,),
    "organiser": (Role.organiser,),
    "finance": (Role.finance,),
    "admin": (Role.admin,),
}


async def make_account(
    app: Litestar,
    kind: str,
    roles: tuple[str, ...],
    *,
    email: str | None = None,
    password: str | None = None,
) -> UUID:
    sealer = provide_sealer(app.state)
    new = accounts.NewAccount(kind, email, f"Test {kind}", roles, password=password)
    return await accounts.create(sealer, new, audit.SYSTEM)


async def sign_in(
    app: Litestar,
    client: httpx.AsyncClient,
    account_id: UUID,
    *,
    stage: str = STAGE_SIGNED_IN,
    fresh: bool = False,
) -> str:
    """Give ``client`` a session for the account, as the sign-in pages would; returns its id."""
    row = (
        await Account.select(Account.kind, Account.session_version)
        .where(Account.id == account_id)
        .first()
    )
    assert row is not None
    now = time.time()
    data = SessionData(
        account=str(account_id),
        kind=row["kind"],
        stage=stage,
        version=row["session_version"],
        created=now,
        seen=now,
        fresh_until=now + 300 if fresh else 0.0,
    )
    session_id = await app.state.sessions.begin(Response(None), data, replacing=None)
    client.cookies.set("session", session_id)
    return str(session_id)


async def csrf_headers(client: httpx.AsyncClient) -> dict[str, str]:
    """The CSRF header a page's form would carry (GET a page first for the cookie)."""
    if "csrftoken" not in client.cookies:
        await client.get("/contact")
    return {"x-csrftoken": client.cookies["csrftoken"]}


def form_token(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)
