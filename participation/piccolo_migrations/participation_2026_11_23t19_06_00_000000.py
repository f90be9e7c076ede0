"""The consent ledger is append-only: the database refuses UPDATE (retention may DELETE)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T19:06:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "consent ledger refuses updates"

SQLITE = [
    """CREATE TRIGGER consent_event_no_update BEFORE UPDATE ON consent_event
       BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END""",
]

POSTGRES = [
    """CREATE FUNCTION consent_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'the consent ledger is append-only'; END $$""",
    """CREATE TRIGGER consent_event_no_update BEFORE UPDATE ON consent_event
       FOR EACH ROW EXECUTE FUNCTION consent_event_append_only()""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="participation", description=DESCRIPTION)

    async def create_triggers() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in POSTGRES if engine.engine_type == "postgres" else SQLITE:
            await engine.run_ddl(statement)

    manager.add_raw(create_triggers)
    return manager
