"""API tokens for staff scripts, and staff invitations.

Both are secrets shown once (on screen or in an email) and stored only as keyed hashes.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from litestar import Request

from app import audit, mail
from app.auth import accounts, one_time, passwords, signin
from app.db import transaction
from app.sealed import Sealer
from app.tables import Account, ApiToken, SignInToken
from app.web.request_context import request_id_of

INVITATION_LIFETIME = timedelta(days=7)


async def list_tokens(account_id: UUID) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.name,
            ApiToken.roles,
            ApiToken.created_at,
            ApiToken.expires_at,
            ApiToken.last_used_at,
        )
        .where((ApiToken.account == account_id) & ApiToken.revoked_at.is_null())
        .order_by(ApiToken.created_at)
    )
    return rows


async def create(  # noqa: PLR0917 - each argument is a distinct part of the token
    secret_key: str,
    account_id: UUID,
    name: str,
    roles: tuple[str, ...],
    days: int,
    actor: audit.Actor,
) -> str:
    """Make a token for the account's own use, limited to roles it holds; return it (once)."""
    token = one_time.new_api_token()
    async with transaction():
        await ApiToken.insert(
            ApiToken(
                id=uuid4(),
                account=account_id,
                name=name,
                roles=",".join(sorted(roles)),
                token_hash=one_time.digest(secret_key, "api-token", token),
                expires_at=datetime.now(UTC) + timedelta(days=days),
            )
        )
        await audit.record(
            actor,
            audit.Action.change,
            subject=account_id,
            field_group="api tokens",
            purpose=f"create API token '{name}'",
        )
    return token


async def revoke(account_id: UUID, token_id: UUID, actor: audit.Actor) -> bool:
    """Revoke one of the account's own tokens; False for anyone else's (the page answers 404)."""
    async with transaction():
        rows = (
            await ApiToken.update({ApiToken.revoked_at: datetime.now(UTC)})
            .where(
                (ApiToken.id == token_id)
                & (ApiToken.account == account_id)
                & ApiToken.revoked_at.is_null()
            )
            .returning(ApiToken.id)
        )
        if rows:
            await audit.record(
                actor,
                audit.Action.change,
                subject=account_id,
                field_group="api tokens",
                purpose="revoke API token",
            )
    return bool(rows)


async def invite_staff(
    request: Request[Any, Any, Any], sealer: Sealer, new: accounts.NewAccount, actor: audit.Actor
) -> UUID:
    """Create the staff account (no password yet) and email a single-use invitation link."""
    settings = request.app.state.settings
    token = one_time.new_link_token()
    async with transaction():
        account_id = await accounts.create(sealer, new, actor)
        await SignInToken.insert(
            SignInToken(
                id=uuid4(),
                purpose="invite",
                account=account_id,
                created_by=UUID(actor.id),
                token_hash=one_time.digest(request.app.state.secret_key, "invite", token),
                expires_at=datetime.now(UTC) + INVITATION_LIFETIME,
            )
        )
        link = f"{settings.public_url}/invitation/{token}"
        text = (
            f"You have been invited to use {settings.service_name} at {settings.council_name}.\n\n"
            f"Set up your account with this link (it works once, for 7 days):\n{link}\n"
        )
        assert new.email is not None
        await mail.queue(
            sealer,
            account_id,
            mail.Email(to=new.email, subject="Your invitation", text=text),
            settings.mail_from,
        )
        await audit.record(
            actor,
            audit.Action.change,
            subject=account_id,
            field_group="account",
            purpose="staff invitation sent",
            request_id=request_id_of(request.scope),
        )
    return account_id


async def accept_invitation(ctx: signin.Context, token: str, password: str) -> UUID | None:
    """Use the invitation once and set the password; MFA set-up comes next."""
    hashed = await asyncio.to_thread(
        passwords.hash_password, password
    )  # slow on purpose: not in the lock
    async with transaction():
        account_id = await signin.redeem_link(ctx, token, purpose="invite", digest_purpose="invite")
        if account_id is None:
            return None
        await Account.update({Account.password_hash: hashed}).where(Account.id == account_id)
    return account_id
