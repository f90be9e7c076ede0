"""The background job loop: every job on its schedule, a failing job never stops the others."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app import worker
from app.factory import background_jobs
from app.tables import JobRun
from tests.conftest import TEST_SECRET, make_settings


async def test_each_job_runs_at_once_then_on_its_own_schedule() -> None:
    runs = {"often": 0, "rarely": 0}
    three_often = asyncio.Event()

    async def often() -> str:
        runs["often"] += 1
        if runs["often"] == 3:
            three_often.set()
        return ""

    async def rarely() -> str:
        runs["rarely"] += 1
        return ""

    jobs = [worker.Job("often", 0.01, often), worker.Job("rarely", 3600, rarely)]
    loop = asyncio.create_task(worker.run_forever(jobs, tick_s=0.005))
    await asyncio.wait_for(three_often.wait(), timeout=10)
    loop.cancel()

    with pytest.raises(asyncio.CancelledError):
        await loop
    assert runs["rarely"] == 1
    assert runs["often"] >= 3


async def test_a_failing_job_is_logged_by_type_only_and_the_others_carry_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    later = asyncio.Event()

    async def broken() -> str:
        raise ValueError("jo@example.org could not be reached")

    async def fine() -> str:
        later.set()
        return "3 emails sent"

    with caplog.at_level(logging.INFO, logger="reciprocity.worker"):
        said = await worker.run_once(worker.Job("broken", 60, broken))
        loop = asyncio.create_task(
            worker.run_forever([worker.Job("broken", 60, broken), worker.Job("fine", 60, fine)])
        )
        await asyncio.wait_for(later.wait(), timeout=10)
        loop.cancel()

    assert said == "broken: failed (ValueError), will try again"
    assert [r.getMessage() for r in caplog.records if r.name == "reciprocity.worker"] == [
        "job broken failed (ValueError)",
        "job broken failed (ValueError)",
        "job fine: 3 emails sent",
    ]
    assert "example.org" not in caplog.text


def test_the_jobs_and_their_schedules(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "sqlite:///unused", outbox_poll_s=7)

    jobs = background_jobs(settings, lambda: pytest.fail("no job runs here"), TEST_SECRET)

    assert [(job.name, job.every_s, job.fleet_once) for job in jobs] == [
        ("email", 7, False),
        ("reminders", 15 * 60, True),
        ("retention", 24 * 60 * 60, True),
    ]


async def test_a_fleet_once_job_runs_once_per_slot_however_many_workers_try(db: Any) -> None:
    runs: list[str] = []

    async def remind() -> str:
        await asyncio.sleep(0.01)
        runs.append("ran")
        return "1 reminder emailed"

    job = worker.Job("reminders", 15 * 60, remind, fleet_once=True)
    slot_start = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    same_slot = [slot_start + timedelta(minutes=minute) for minute in (0, 5, 14, 14, 3, 9)]

    said = await asyncio.gather(*(worker.run_once(job, at) for at in same_slot))
    next_slot = await worker.run_once(job, slot_start + timedelta(minutes=15))

    assert sorted(said) == ["", "", "", "", "", "1 reminder emailed"]
    assert next_slot == "1 reminder emailed"
    assert len(runs) == 2
    assert await JobRun.count().where(JobRun.job == "reminders") == 2


async def test_a_failed_fleet_once_run_gives_its_slot_back(db: Any) -> None:
    attempts: list[int] = []

    async def flaky() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("mail server away")
        return "done"

    job = worker.Job("retention", 24 * 60 * 60, flaky, fleet_once=True)
    at = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)

    first = await worker.run_once(job, at)
    second = await worker.run_once(job, at + timedelta(hours=1))
    third = await worker.run_once(job, at + timedelta(hours=2))

    assert (first, second, third) == (
        "retention: failed (ConnectionError), will try again",
        "done",
        "",
    )
    assert len(attempts) == 2
