"""The audit log: one append-only row for every view, export or change of sensitive data.

It records who, in which role, whose data, which field group, why and when; never the value.
The table refuses UPDATE and DELETE through database triggers (see the kernel migration), so
not even a bug or a careless script can rewrite history.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID

from app.tables import AuditEvent


class Action(StrEnum):
    view = "view"
    export = "export"
    change = "change"
    erase = "erase"
    sign_in = "sign-in"
    sign_in_failed = "sign-in-failed"
    key_rotation = "key-rotation"
    token_use = "token-use"  # noqa: S105 - an action name, not a secret


@dataclass(frozen=True)
class Actor:
    """Who is acting: a staff or participant id (never a name), their role, and any assistant."""

    id: str
    role: str
    assisted_by: str = ""


SYSTEM = Actor(id="system", role="system")


async def record(
    actor: Actor,
    action: Action,
    *,
    subject: UUID | None = None,
    field_group: str = "",
    purpose: str = "",
    request_id: str = "",
) -> None:
    """Append one event inside the caller's transaction: event and change commit together."""
    await AuditEvent.insert(
        AuditEvent(
            actor=actor.id,
            actor_role=actor.role,
            assisted_by=actor.assisted_by,
            action=action.value,
            subject=subject,
            field_group=field_group,
            purpose=purpose,
            request_id=request_id,
        )
    )


async def record_views(
    actor: Actor, subjects: list[UUID], *, field_group: str, purpose: str, request_id: str = ""
) -> None:
    """One view event per person shown (a search results page), in a single statement."""
    if not subjects:
        return
    await AuditEvent.insert(
        *(
            AuditEvent(
                actor=actor.id,
                actor_role=actor.role,
                assisted_by=actor.assisted_by,
                action=Action.view.value,
                subject=subject,
                field_group=field_group,
                purpose=purpose,
                request_id=request_id,
            )
            for subject in subjects
        )
    )


async def events_about(
    subject: UUID, actions: tuple[Action, ...], limit: int = 50
) -> list[dict[str, Any]]:
    """The newest events of these kinds about one person: their history, never a value."""
    rows: list[dict[str, Any]] = (
        await AuditEvent.select(
            AuditEvent.at,
            AuditEvent.actor,
            AuditEvent.actor_role,
            AuditEvent.action,
            AuditEvent.field_group,
            AuditEvent.purpose,
        )
        .where(
            (AuditEvent.subject == subject) & AuditEvent.action.is_in([a.value for a in actions])
        )
        .order_by(AuditEvent.at, ascending=False)
        .limit(limit)
    )
    return rows
