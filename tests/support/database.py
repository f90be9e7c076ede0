"""Database helpers for tests."""

from __future__ import annotations

from typing import Any

from piccolo.engine.base import Engine

from app.db import all_tables


async def empty_all_tables(engine: Engine[Any]) -> None:
    """Delete every row of every app table (not the migration records), on either engine."""
    # The audit log and the payment ledger refuse deletion by design: tests that read them
    # filter by the rows they made.
    kept = {"migration", "audit_event", "ledger_entry", "entry_state"}
    names = [t._meta.tablename for t in all_tables() if t._meta.tablename not in kept]
    if not names:
        return
    if engine.engine_type == "postgres":
        await engine.run_ddl(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
        return
    for name in names:
        await engine.run_ddl(f"DELETE FROM {name}")
