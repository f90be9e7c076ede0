"""Sign-in use cases: staff password then TOTP, participants by emailed link or code, paper codes.

Every outcome is audited (never with the secret). Answers never say whether an account exists:
an unknown email gets the same page, the same email-shaped delay and no email.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from litestar.exceptions import PermissionDeniedException

from app import audit
from app.auth import one_time, passwords, totp
from app.auth.accounts import find_by_email
from app.db import transaction
from app.sealed import Sealer
from app.tables import Account, RecoveryCode, SignInToken

LINK_LIFETIME = timedelta(minutes=10)
CODE_FAILURES_ALLOWED = 5


@dataclass(frozen=True)
class Context:
    """What every sign-in step needs: the request's sealer, the secret key, where it came from."""

    sealer: Sealer
    secret_key: str
    request_id: str = ""

    def digest(self, purpose: str, value: str) -> str:
        """The stored form of a typed or emailed secret; empty input matches nothing."""
        try:
            return one_time.digest(self.secret_key, purpose, value)
        except ValueError:
            return "-"

    async def audit(self, action: audit.Action, subject: UUID | None, purpose: str) -> None:
        actor = audit.Actor(id=str(subject) if subject else "unknown", role="sign-in")
        await audit.record(
            actor,
            action,
            subject=subject,
            field_group="sign-in",
            purpose=purpose,
            request_id=self.request_id,
        )


async def staff_password(ctx: Context, email: str, password: str) -> dict[str, Any] | None:
    """The staff account if email and password match; None (after the same work) otherwise."""
    account = await find_by_email(ctx.sealer, email)
    if account is None or account["kind"] != "staff" or not account["password_hash"]:
        await asyncio.to_thread(passwords.burn_time, password)
        await ctx.audit(audit.Action.sign_in_failed, None, "staff password")
        return None
    if not await asyncio.to_thread(passwords.verify_password, account["password_hash"], password):
        await ctx.audit(audit.Action.sign_in_failed, account["id"], "staff password")
        return None
    return account


async def start_mfa_setup(ctx: Context, account_id: UUID) -> bytes:
    """Give the account a new, not yet confirmed TOTP secret (sealed) and return it for the QR."""
    secret = totp.new_secret()
    sealed = await ctx.sealer.seal_fields(
        Account, account_id, account_id, {"totp_secret": secret.hex()}
    )
    await Account.update(
        {Account.totp_secret: sealed["totp_secret"], Account.mfa_enabled_at: None}
    ).where(Account.id == account_id)
    return secret


async def pending_secret(ctx: Context, account_id: UUID) -> bytes:
    """The TOTP secret being set up, made on first use and shown again on every reload.

    Never the secret of two-step verification that is already on: that must not be shown again.
    """
    row = await Account.select().where(Account.id == account_id).first()
    assert row is not None
    if row["mfa_enabled_at"] is not None:
        raise PermissionDeniedException("Two-step verification is already set up.")
    opened = (await ctx.sealer.open(Account, row, ("totp_secret",)))["totp_secret"]
    return bytes.fromhex(opened.reveal()) if opened else await start_mfa_setup(ctx, account_id)


async def confirm_mfa_setup(ctx: Context, account_id: UUID, code: str) -> list[str] | None:
    """Turn MFA on once the person proves their app shows the right code; returns recovery codes."""
    async with transaction():
        if not await verify_totp(ctx, account_id, code, enrolling=True):
            return None
        codes = one_time.new_recovery_codes()
        await RecoveryCode.delete().where(RecoveryCode.account == account_id)
        await RecoveryCode.insert(
            *[RecoveryCode(account=account_id, code_hash=ctx.digest("recovery", c)) for c in codes]
        )
        await Account.update({Account.mfa_enabled_at: datetime.now(UTC)}).where(
            Account.id == account_id
        )
        await ctx.audit(audit.Action.change, account_id, "two-step verification turned on")
    return codes


async def verify_totp(
    ctx: Context, account_id: UUID, code: str, *, enrolling: bool = False
) -> bool:
    """Check a TOTP code once: a code (time step) that worked can never work again."""
    row = await Account.select().where(Account.id == account_id).first()
    if (
        row is None
        or row["totp_secret"] is None
        or (row["mfa_enabled_at"] is None and not enrolling)
    ):
        return False
    sealed_secret = (await ctx.sealer.open(Account, row, ("totp_secret",)))["totp_secret"]
    if sealed_secret is None:
        return False
    secret = bytes.fromhex(sealed_secret.reveal())
    step = totp.verify(secret, code, now=time.time(), last_step=row["totp_last_step"])
    if step is None:
        await ctx.audit(audit.Action.sign_in_failed, account_id, "authenticator code")
        return False
    used = (
        await Account.update({Account.totp_last_step: step})
        .where((Account.id == account_id) & (Account.totp_last_step < step))
        .returning(Account.id)
    )
    if used:
        await ctx.audit(audit.Action.sign_in, account_id, "authenticator code")
    return bool(used)


async def use_recovery_code(ctx: Context, account_id: UUID, code: str) -> bool:
    used = (
        await RecoveryCode.update({RecoveryCode.used_at: datetime.now(UTC)})
        .where(
            (RecoveryCode.account == account_id)
            & (RecoveryCode.code_hash == ctx.digest("recovery", code))
            & RecoveryCode.used_at.is_null()
        )
        .returning(RecoveryCode.account)
    )
    await ctx.audit(
        audit.Action.sign_in if used else audit.Action.sign_in_failed, account_id, "recovery code"
    )
    return bool(used)


@dataclass(frozen=True)
class EmailedSignIn:
    """What the caller emails: only when ``account`` is known; ``attempt`` is always returned."""

    attempt: UUID
    account: UUID | None
    link_token: str
    code: str


async def request_participant_sign_in(ctx: Context, email: str) -> EmailedSignIn:
    """Make a link and a code for a participant's email; unknown emails get an unused attempt."""
    account = await find_by_email(ctx.sealer, email)
    attempt, token, code = uuid4(), one_time.new_link_token(), one_time.new_code()
    if account is None or account["kind"] != "participant":
        await ctx.audit(
            audit.Action.sign_in_failed, None, "email sign-in requested for unknown address"
        )
        return EmailedSignIn(attempt, None, token, code)
    await SignInToken.insert(
        SignInToken(
            id=attempt,
            purpose="participant",
            account=account["id"],
            token_hash=ctx.digest("link", token),
            code_hash=ctx.digest("code", code),
            expires_at=datetime.now(UTC) + LINK_LIFETIME,
        )
    )
    return EmailedSignIn(attempt, account["id"], token, code)


async def redeem_link(
    ctx: Context, token: str, purpose: str = "participant", digest_purpose: str = "link"
) -> UUID | None:
    """Use a link once, within its lifetime; concurrent uses: exactly one wins."""
    where = (SignInToken.token_hash == ctx.digest(digest_purpose, token)) & (
        SignInToken.purpose == purpose
    )
    return await _redeem(where, ctx)


async def redeem_code(ctx: Context, attempt: UUID, code: str) -> UUID | None:
    """Use the emailed code of this browser's attempt; five wrong codes end the attempt."""
    where = (SignInToken.id == attempt) & (SignInToken.code_hash == ctx.digest("code", code))
    account = await _redeem(where, ctx)
    if account is None:
        await SignInToken.update({SignInToken.failures: SignInToken.failures + 1}).where(
            SignInToken.id == attempt
        )
        await SignInToken.update({SignInToken.used_at: datetime.now(UTC)}).where(
            (SignInToken.id == attempt) & (SignInToken.failures >= CODE_FAILURES_ALLOWED)
        )
    return account


async def issue_activation_code(
    ctx: Context, account_id: UUID, issued_by: audit.Actor, days: int = 14
) -> str:
    """A code to print or read out for someone with no email; single use, expires."""
    code = one_time.new_activation_code()
    async with transaction():
        await SignInToken.update({SignInToken.used_at: datetime.now(UTC)}).where(
            (SignInToken.account == account_id)
            & (SignInToken.purpose == "activation")
            & SignInToken.used_at.is_null()
        )
        await SignInToken.insert(
            SignInToken(
                id=uuid4(),
                purpose="activation",
                account=account_id,
                token_hash=ctx.digest("activation", code),
                created_by=UUID(issued_by.id),
                expires_at=datetime.now(UTC) + timedelta(days=days),
            )
        )
        await audit.record(
            issued_by,
            audit.Action.change,
            subject=account_id,
            field_group="sign-in",
            purpose="activation code issued on paper",
            request_id=ctx.request_id,
        )
    return code


async def redeem_activation_code(ctx: Context, code: str) -> UUID | None:
    where = (SignInToken.token_hash == ctx.digest("activation", code)) & (
        SignInToken.purpose == "activation"
    )
    return await _redeem(where, ctx)


async def _redeem(where: Any, ctx: Context) -> UUID | None:
    now = datetime.now(UTC)
    rows = (
        await SignInToken.update({SignInToken.used_at: now})
        .where(where & SignInToken.used_at.is_null() & (SignInToken.expires_at > now))
        .returning(SignInToken.account)
    )
    account = rows[0]["account"] if rows else None
    await ctx.audit(
        audit.Action.sign_in if account else audit.Action.sign_in_failed, account, "single-use code"
    )
    return account
