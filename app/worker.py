"""Background jobs: sending queued email, reminders before events, retention.

One loop runs every job when it falls due. On the embedded default it runs inside the web
process; at scale, ``reciprocity worker`` runs it as its own process, and several may run at
once: emails are claimed row by row before they are sent, and scheduled jobs (reminders,
retention) claim their slot of the schedule in the database, so the whole fleet runs each once
per slot. The jobs themselves come from the composition root
(``app.factory.background_jobs``), so this kernel module knows no domain.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from app.observability import count_job_run
from app.tables import JobRun

log = logging.getLogger("reciprocity.worker")


@dataclass(frozen=True)
class Job:
    """A named task run every ``every_s`` seconds; ``run`` returns a one-line summary with
    counts only (it is logged, so it never names anyone)."""

    name: str
    every_s: float
    run: Callable[[], Awaitable[str]]
    fleet_once: bool = False
    """Run once per ``every_s`` slot across every worker (claimed in ``job_run``), rather than
    in each worker: for jobs whose work is not claimed row by row."""


async def run_once(job: Job, at: datetime | None = None) -> str:
    """Run a job; a failure is logged by its type only, and the job is tried again next time:
    whatever it was working on stays queued, so nothing is lost. A fleet-once job whose slot
    another worker has claimed does nothing and says "". Each run is counted by its outcome
    (``reciprocity_job_runs_total``: ran, skipped or failed)."""
    slot = _slot(job, at or datetime.now(UTC)) if job.fleet_once else None
    try:
        if slot is not None and not await _claim(job, slot):
            count_job_run(job.name, "skipped")
            return ""
        summary = await job.run()
    except Exception as exc:  # noqa: BLE001 - any failure: log its type, try again later
        count_job_run(job.name, "failed")
        log.warning("job %s failed (%s)", job.name, type(exc).__name__)
        if slot is not None:
            await _release(slot)
        return f"{job.name}: failed ({type(exc).__name__}), will try again"
    count_job_run(job.name, "ran")
    if summary:
        log.info("job %s: %s", job.name, summary)
    return summary


async def run_forever(jobs: Sequence[Job], *, tick_s: float = 0.5) -> None:
    """Run each job now and then every ``every_s`` seconds, until cancelled (at shutdown)."""
    due = dict.fromkeys((job.name for job in jobs), 0.0)
    while True:
        now = time.monotonic()
        for job in jobs:
            if now >= due[job.name]:
                await run_once(job)
                due[job.name] = time.monotonic() + job.every_s
        await asyncio.sleep(min([tick_s, *(job.every_s for job in jobs)]))


async def last_claims() -> dict[str, datetime]:
    """When each fleet-once job last claimed a slot, on any worker (for the metrics)."""
    rows = await JobRun.select(JobRun.job, JobRun.claimed_at).order_by(JobRun.claimed_at)
    return {row["job"]: row["claimed_at"] for row in rows}


def _slot(job: Job, at: datetime) -> str:
    return f"{job.name}:{int(at.timestamp() // job.every_s)}"


async def _claim(job: Job, slot: str) -> bool:
    """Take the slot, or learn that another worker has (one atomic insert on both engines)."""
    won = (
        await JobRun.insert(JobRun(slot=slot, job=job.name))
        .on_conflict(action="DO NOTHING")
        .returning(JobRun._meta.primary_key)
    )
    return bool(won)


async def _release(slot: str) -> None:
    """Give a failed slot back, so the next worker to try may run it; never raises."""
    try:
        await JobRun.delete().where(JobRun.slot == slot)
    except Exception as exc:  # noqa: BLE001 - the database may be what failed
        log.warning("job slot not released (%s)", type(exc).__name__)
