"""Models, migration files and migrated databases agree, on every engine; drift is caught."""

from __future__ import annotations

from typing import Any

import pytest
from piccolo.columns import Varchar
from piccolo.conf.apps import Finder
from piccolo.table import Table

from app.migrations import migrate, model_drift, schema_drift
from app.tables import ServiceFeedback


class Unmigrated(Table):
    """A table with no migration, to prove the checks notice one."""

    label = Varchar()


@pytest.fixture
def kernel_with_unmigrated_table() -> Any:
    config = Finder().get_app_config("kernel")
    config.table_classes.append(Unmigrated)
    yield config
    config.table_classes.remove(Unmigrated)


async def test_models_match_the_migration_files() -> None:
    assert await model_drift() == []


async def test_migrated_database_matches_the_models(db: Any) -> None:
    assert await schema_drift(db) == []


async def test_migrating_twice_changes_nothing(db: Any) -> None:
    report = await migrate()

    assert "No migrations need to be run" in report
    assert await schema_drift(db) == []


async def test_a_model_without_migration_is_reported(
    db: Any, kernel_with_unmigrated_table: Any
) -> None:
    assert await model_drift() == ["kernel"]
    assert await schema_drift(db) == ["table unmigrated is missing"]


async def test_a_column_missing_from_the_database_is_reported(db: Any) -> None:
    extra = Varchar()
    extra._meta.name = "extra"
    extra._meta._table = ServiceFeedback
    columns = ServiceFeedback._meta.columns
    columns.append(extra)
    try:
        assert await schema_drift(db) == ["service_feedback.extra is missing from the database"]
    finally:
        columns[:] = [
            column for column in columns if column is not extra
        ]  # Column.__eq__ builds SQL
