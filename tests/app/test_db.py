"""The one-transaction-per-use-case rule and the readiness probe, on every engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import app.db as app_db
from app.sqlite_engine import EmbeddedSQLiteEngine
from app.tables import ServiceFeedback


async def test_a_failing_use_case_writes_nothing(db: Any) -> None:
    with pytest.raises(RuntimeError):
        async with app_db.transaction():
            await ServiceFeedback.insert(ServiceFeedback(satisfaction="satisfied"))
            raise RuntimeError("second step failed")

    assert await ServiceFeedback.count() == 0


async def test_a_finished_use_case_is_committed(db: Any) -> None:
    async with app_db.transaction():
        await ServiceFeedback.insert(ServiceFeedback(satisfaction="neither"))

    assert await ServiceFeedback.select(ServiceFeedback.satisfaction) == [
        {"satisfaction": "neither"}
    ]


async def test_ready_when_the_database_answers(db: Any) -> None:
    assert await app_db.is_ready() is True


async def test_not_ready_when_the_database_cannot_open(db: Any, tmp_path: Path) -> None:
    broken = EmbeddedSQLiteEngine(path=tmp_path / "missing-dir" / "x.sqlite")
    app_db.bind_engine(broken)
    try:
        assert await app_db.is_ready() is False
    finally:
        app_db.bind_engine(db)
        await broken.close()
