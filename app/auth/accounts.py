"""Accounts: creating staff and participants, finding them by email, their roles.

Emails and names are sealed under each account's own data key; the email blind index finds
an account at sign-in without storing the address in the clear.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from app import audit
from app.auth.access import forget_account
from app.auth.passwords import hash_password
from app.datamap import Role
from app.db import transaction
from app.errors import Conflict
from app.sealed import Sealer
from app.tables import Account

STAFF_ROLES = (Role.coordinator, Role.organiser, Role.finance, Role.admin)


@dataclass(frozen=True)
class NewAccount:
    kind: str
    email: str | None
    display_name: str
    roles: tuple[str, ...]
    password: str | None = None
    assisted_by: UUID | None = None
    account_id: UUID | None = None
    """Give the account this id: a participant's account shares their profile's subject id."""


async def find_by_email(sealer: Sealer, email: str) -> dict[str, Any] | None:
    """The live account with this email (any spelling), or None."""
    for row in await sealer.find(Account, "email", email):
        if row["disabled_at"] is None:
            return row
    return None


async def create(sealer: Sealer, new: NewAccount, actor: audit.Actor) -> UUID:
    """Create an account; one account per email, checked inside the write transaction."""
    account_id = new.account_id or uuid4()
    hashed = await asyncio.to_thread(hash_password, new.password) if new.password else None
    async with transaction():
        if new.email and await find_by_email(sealer, new.email):
            raise Conflict("An account with this email address already exists.")
        sealed = await sealer.seal(
            Account, account_id, account_id, {"email": new.email, "display_name": new.display_name}
        )
        await Account.insert(
            Account(
                id=account_id,
                kind=new.kind,
                roles=",".join(sorted(new.roles)),
                password_hash=hashed,
                assisted_by=new.assisted_by,
                **sealed,
            )
        )
        await audit.record(
            actor,
            audit.Action.change,
            subject=account_id,
            field_group="account",
            purpose=f"create {new.kind} account",
        )
    return account_id


async def set_roles(account_id: UUID, roles: tuple[str, ...], actor: audit.Actor) -> None:
    """Change a staff member's roles and end all their sessions (they sign in again)."""
    await _change_and_end_sessions(
        account_id, {Account.roles: ",".join(sorted(roles))}, "roles", actor
    )


async def disable(account_id: UUID, actor: audit.Actor) -> None:
    """Stop an account from signing in, and end all its sessions."""
    await _change_and_end_sessions(
        account_id, {Account.disabled_at: datetime.now(UTC)}, "disabled", actor
    )


async def _change_and_end_sessions(
    account_id: UUID, changes: dict[Any, Any], what: str, actor: audit.Actor
) -> None:
    forget_account(account_id)
    async with transaction():
        await Account.update(
            {**changes, Account.session_version: Account.session_version + 1}
        ).where(Account.id == account_id)
        await audit.record(
            actor,
            audit.Action.change,
            subject=account_id,
            field_group="account",
            purpose=f"account {what} changed; sessions ended",
        )


async def own_details(sealer: Sealer, account_id: UUID) -> dict[str, str]:
    """The name and sign-in email a person sees on their own account page."""
    row = await Account.select().where(Account.id == account_id).first()
    if row is None:
        return {"name": "", "email": "", "two_step": ""}
    opened = await sealer.open(Account, row, ("display_name", "email"))
    details = {
        key: value.reveal() if value is not None else ""
        for key, value in (("name", opened["display_name"]), ("email", opened["email"]))
    }
    details["two_step"] = "On" if row["mfa_enabled_at"] else "Not set up"
    return details
