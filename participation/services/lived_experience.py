"""The council's own list of lived experiences: kept by admins, chosen from by participants."""

from __future__ import annotations

import re

from app import audit
from app.db import transaction
from app.errors import DomainError, FieldError
from participation.tables import LivedExperienceOption
from participation.vocabulary import LIVED_EXPERIENCE_DEFAULTS


async def options(include_retired: bool = False) -> dict[str, str]:
    """``code -> label`` in the council's order; the defaults until the council changes them."""
    await _seed_defaults()
    query = LivedExperienceOption.select().order_by(LivedExperienceOption.position)
    if not include_retired:
        query = query.where(LivedExperienceOption.active == True)  # noqa: E712 - SQL
    return {row["code"]: row["label"] for row in await query}


async def check_codes(codes: list[str]) -> None:
    """Refuse codes not on the list (retired ones may stay on a profile that has them)."""
    unknown = set(codes) - set(await options(include_retired=True))
    if unknown:
        message = "Select from the list, or leave them all unticked"
        raise DomainError(message, errors=[FieldError("lived_experience", message)])


async def add(label: str, actor: audit.Actor) -> str:
    """Add an experience to the end of the list; the code is made from the label."""
    code = re.sub(r"[^a-z0-9]+", "_", label.casefold()).strip("_")[:40] or "other"
    async with transaction():
        current = await options(include_retired=True)
        if code in current:
            message = "That is already on the list"
            raise DomainError(message, errors=[FieldError("label", message)])
        await LivedExperienceOption.insert(
            LivedExperienceOption(code=code, label=label, position=len(current))
        )
        await audit.record(actor, audit.Action.change, field_group="lived experience list")
    return code


async def set_active(code: str, active: bool, actor: audit.Actor) -> None:
    async with transaction():
        await LivedExperienceOption.update({LivedExperienceOption.active: active}).where(
            LivedExperienceOption.code == code
        )
        await audit.record(actor, audit.Action.change, field_group="lived experience list")


async def _seed_defaults() -> None:
    if await LivedExperienceOption.exists():
        return
    async with transaction():
        if await LivedExperienceOption.exists():
            return
        await LivedExperienceOption.insert(
            *(
                LivedExperienceOption(code=code, label=label, position=position)
                for position, (code, label) in enumerate(LIVED_EXPERIENCE_DEFAULTS.items())
            )
        )
