"""Retention: each data-map entry's "how long" carried out by ``reciprocity retention run``.

A rule counts (``--dry-run``) or deletes what its retention period has passed, judged
against ``now``, so a run can be tested with a frozen clock. Rules are idempotent: a second run
finds nothing more. The kernel declares its own rules; each domain adds a ``RETENTION`` list.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from piccolo.table import Table

from app.db import transaction
from app.mail import SENT_KEPT_DAYS, finished_before
from app.sealed import Sealer
from app.settings import Settings
from app.tables import JobRun, OutboxMessage, ServiceFeedback, SignInToken


@dataclass(frozen=True)
class RetentionRun:
    """One run: its clock, whether it only counts, and what rules may need to act."""

    now: datetime
    dry_run: bool
    sealer: Sealer
    settings: Settings


@dataclass(frozen=True)
class RetentionRule:
    name: str
    period: str
    """The retention the data map states, in the words the operator reads."""
    apply: Callable[[RetentionRun], Awaitable[int]]
    """Delete (or, in a dry run, count) what is due; returns how many records."""


async def delete_where(table: type[Table], condition: Any, run: RetentionRun) -> int:
    """Count the rows matching ``condition``; delete them unless this is a dry run."""
    async with transaction():
        count: int = await table.count().where(condition)
        if count and not run.dry_run:
            await table.delete().where(condition)
    return count


async def _feedback(run: RetentionRun) -> int:
    cutoff = run.now - timedelta(days=365)
    return await delete_where(ServiceFeedback, ServiceFeedback.created_at < cutoff, run)


async def _sign_in_tokens(run: RetentionRun) -> int:
    cutoff = run.now - timedelta(days=1)
    return await delete_where(SignInToken, SignInToken.expires_at < cutoff, run)


async def _outbox(run: RetentionRun) -> int:
    cutoff = run.now - timedelta(days=SENT_KEPT_DAYS)
    return await delete_where(OutboxMessage, finished_before(cutoff), run)


async def _job_runs(run: RetentionRun) -> int:
    cutoff = run.now - timedelta(days=30)
    return await delete_where(JobRun, JobRun.claimed_at < cutoff, run)


KERNEL_RETENTION = (
    RetentionRule("anonymous feedback", "12 months from submission", _feedback),
    RetentionRule("sign-in links and codes", "1 day after they expire", _sign_in_tokens),
    RetentionRule("sent emails", f"{SENT_KEPT_DAYS} days after sending", _outbox),
    RetentionRule("scheduled job claims", "30 days", _job_runs),
)


async def run_rules(
    rules: tuple[RetentionRule, ...] | list[RetentionRule], run: RetentionRun
) -> list[tuple[RetentionRule, int]]:
    """Apply every rule in order; each commits on its own, so a failure keeps earlier work."""
    return [(rule, await rule.apply(run)) for rule in rules]
