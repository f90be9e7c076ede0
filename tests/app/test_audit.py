"""The audit log is append-only on both engines, enforced by the database itself."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from app import audit
from app.db import transaction
from app.tables import AuditEvent


async def test_an_event_records_who_whose_and_why_but_no_value(db: Any) -> None:
    subject = uuid4()

    async with transaction():
        await audit.record(
            audit.Actor(id="staff-42", role="coordinator"),
            audit.Action.view,
            subject=subject,
            field_group="access needs",
            purpose="Plan the market event",
            request_id="a" * 32,
        )

    rows = await AuditEvent.select(
        AuditEvent.actor,
        AuditEvent.actor_role,
        AuditEvent.action,
        AuditEvent.field_group,
        AuditEvent.purpose,
    ).where(AuditEvent.subject == subject)
    assert rows == [
        {
            "actor": "staff-42",
            "actor_role": "coordinator",
            "action": "view",
            "field_group": "access needs",
            "purpose": "Plan the market event",
        }
    ]


async def test_raw_update_and_delete_are_refused(db: Any) -> None:
    subject = uuid4()
    await audit.record(audit.SYSTEM, audit.Action.export, subject=subject, purpose="test")

    with pytest.raises(Exception, match="append-only"):
        await db.run_ddl(
            f"UPDATE audit_event SET purpose = 'rewritten' WHERE subject = '{subject}'"
        )
    with pytest.raises(Exception, match="append-only"):
        await db.run_ddl(f"DELETE FROM audit_event WHERE subject = '{subject}'")

    assert await AuditEvent.select(AuditEvent.purpose).where(AuditEvent.subject == subject) == [
        {"purpose": "test"}
    ]


async def test_an_account_with_every_staff_role_is_audited_on_both_engines(db: Any) -> None:
    every_role = audit.Actor(id=str(uuid4()), role="admin,coordinator,finance,organiser")

    await audit.record(every_role, audit.Action.view, field_group="contact", purpose="widest role")

    rows = await AuditEvent.select(AuditEvent.actor_role).where(AuditEvent.actor == every_role.id)
    assert rows == [{"actor_role": "admin,coordinator,finance,organiser"}]
