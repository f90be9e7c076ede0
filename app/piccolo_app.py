"""Piccolo app for the kernel's own tables (service feedback now; audit log and outbox later)."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="kernel",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=table_finder(["app.tables"], exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
