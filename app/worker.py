"""Background jobs: sending queued email, reminders before events, retention.

One loop runs every job when it falls due. On the embedded default it runs inside the web
process; at scale, ``reciprocity worker`` runs it as its own process, and several may run at
once: every job is safe to run twice (emails and reminders are claimed row by row before they
are sent; retention rules are idempotent). The jobs themselves come from the composition root
(``app.factory.background_jobs``), so this kernel module knows no domain.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

log = logging.getLogger("reciprocity.worker")


@dataclass(frozen=True)
class Job:
    """A named task run every ``every_s`` seconds; ``run`` returns a one-line summary with
    counts only (it is logged, so it never names anyone)."""

    name: str
    every_s: float
    run: Callable[[], Awaitable[str]]


async def run_once(job: Job) -> str:
    """Run a job; a failure is logged by its type only, and the job is tried again next time:
    whatever it was working on stays queued, so nothing is lost."""
    try:
        summary = await job.run()
    except Exception as exc:  # noqa: BLE001 - any failure: log its type, try again later
        log.warning("job %s failed (%s)", job.name, type(exc).__name__)
        return f"{job.name}: failed ({type(exc).__name__}), will try again"
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
