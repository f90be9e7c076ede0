"""Running migrations, and proving that tables, migration files and databases agree.

Piccolo's ``migrations new --auto`` only prints "No changes detected", so drift is checked here:
``model_drift`` asks Piccolo's own differ whether the table classes need a new migration, and
``schema_drift`` compares a migrated database's real columns with the table classes. CI runs
both (``reciprocity migrate --check``) on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from typing import Any

from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.commands.new import AutoMigrationManager
from piccolo.conf.apps import Finder
from piccolo.engine.base import Engine
from piccolo.table import Table


async def migrate() -> str:
    """Apply every pending migration of every app, in dependency order; return Piccolo's report."""
    report = io.StringIO()
    with contextlib.redirect_stdout(report), warnings.catch_warnings():
        # a column widened on PostgreSQL: SQLite enforces no length, so there is nothing to do
        warnings.filterwarnings("ignore", message=".*SQLITE doesn't support changes in length")
        result = await run_forwards("all")
    if not result.success:
        raise RuntimeError(f"Migrations failed: {result.message}\n{report.getvalue()}")
    return report.getvalue()


async def model_drift() -> list[str]:
    """Apps whose table classes differ from what their migration files build."""
    drifted = []
    for app_config in Finder().get_app_configs():
        manager = AutoMigrationManager(auto_input="n")
        with contextlib.redirect_stdout(io.StringIO()):
            statements = await manager.get_alter_statements(app_config=app_config)
        if any(group.statements for group in statements):
            drifted.append(app_config.app_name)
    return drifted


async def schema_drift(engine: Engine[Any]) -> list[str]:
    """Differences between the migrated database's columns and the table classes."""
    problems = []
    for table in Finder().get_table_classes():
        expected = {column._meta.db_column_name for column in table._meta.columns}
        actual = await _database_columns(engine, table)
        if not actual:
            problems.append(f"table {table._meta.tablename} is missing")
            continue
        for name in sorted(expected - actual):
            problems.append(f"{table._meta.tablename}.{name} is missing from the database")
        for name in sorted(actual - expected):
            problems.append(f"{table._meta.tablename}.{name} is in the database but not the model")
    return problems


async def _database_columns(engine: Engine[Any], table: type[Table]) -> set[str]:
    name = table._meta.tablename
    if engine.engine_type == "sqlite":
        rows = await engine.run_ddl(f"PRAGMA table_info('{name}')")
        return {row["name"] for row in rows}
    rows = await engine.run_ddl(
        "SELECT column_name FROM information_schema.columns "
        f"WHERE table_schema = current_schema() AND table_name = '{name}'"
    )
    return {row["column_name"] for row in rows}
