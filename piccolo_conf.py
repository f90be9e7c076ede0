"""Piccolo project configuration: the app registry, and the engine for Piccolo's own CLI.

The running service does not rely on ``DB`` being right at import time: ``app.db.bind_engine``
points it (and every table) at the engine built from the service's settings at start-up.
"""

from typing import Any

from piccolo.conf.apps import AppRegistry
from piccolo.engine.base import Engine

APP_REGISTRY = AppRegistry(
    apps=[
        "app.piccolo_app",
        "participation.piccolo_app",
        "events.piccolo_app",
        "payments.piccolo_app",
    ]
)


def __getattr__(name: str) -> Engine[Any]:
    """``DB`` is resolved on each access, so Piccolo's CLI and the service share one engine."""
    if name == "DB":
        from app.db import current_engine  # noqa: PLC0415 - app.db must not import this at load

        return current_engine()
    raise AttributeError(name)
