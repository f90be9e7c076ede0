"""Sign-in for people on the register: a code on paper for someone a coordinator added, or an
emailed link for someone who expressed interest online. Their account takes the profile's id:
one person, one data key, one erasure."""

from __future__ import annotations

from uuid import UUID

from app import audit
from app.auth import accounts, signin
from app.datamap import Role
from app.db import transaction
from app.errors import NotFound
from app.sealed import Sealer
from app.tables import Account
from participation.tables import Participant


async def paper_code(ctx: signin.Context, subject: UUID, actor: audit.Actor) -> str:
    """Make their account from the profile if it has none, then issue a fresh code (an older
    unused one stops working)."""
    async with transaction():
        await _account_from_profile(ctx.sealer, subject, actor, assisted_by=UUID(actor.id))
        return await signin.issue_activation_code(ctx, subject, actor)


async def account_for_email_sign_in(
    sealer: Sealer, subject: UUID, actor: audit.Actor
) -> str | None:
    """Someone new who gave an email address when they expressed interest: make their account
    from the profile if it has none, so the sign-in pages can email them a link. Returns the
    address to send it to, or None when the profile has no email (they sign in another way).
    Raises ``Conflict`` if another account already has the address."""
    async with transaction():
        return await _account_from_profile(sealer, subject, actor, assisted_by=None)


async def _account_from_profile(
    sealer: Sealer, subject: UUID, actor: audit.Actor, *, assisted_by: UUID | None
) -> str | None:
    """The profile's email (or None); its account is created first if it has none."""
    row = await Participant.select().where(Participant.id == subject).first()
    if row is None:
        raise NotFound("There is no profile for this person.")
    opened = await sealer.open(Participant, row, ("preferred_name", "email"))
    name, email = opened["preferred_name"], opened["email"]
    address = email.reveal() if email else None
    if not await Account.exists().where(Account.id == subject):
        new = accounts.NewAccount(
            "participant",
            address,
            name.reveal() if name else "",
            (Role.participant,),
            assisted_by=assisted_by,
            account_id=subject,
        )
        await accounts.create(sealer, new, actor)
    return address
