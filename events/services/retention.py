"""The events domain's retention rules (run by ``reciprocity retention run``).

Check-in notes are an event's running log, not a record about one person (see
``events.datamap``), so no erasure reaches them: they are deleted six months after their event
ended, long enough for the debrief, the follow-ups and the lessons for the next session.
Everything else in events goes with the person's profile.
"""

from __future__ import annotations

from datetime import timedelta

from piccolo.columns.combination import WhereRaw

from app.retention import RetentionRule, RetentionRun, delete_where
from events.datamap import NOTES_KEPT
from events.tables import CheckInNote

NOTES_KEPT_FOR = timedelta(days=183)


async def _old_check_in_notes(run: RetentionRun) -> int:
    ended_before = WhereRaw(
        "event IN (SELECT id FROM event WHERE ends_at < {})", run.now - NOTES_KEPT_FOR
    )
    return await delete_where(CheckInNote, ended_before, run)


RETENTION = (RetentionRule("check-in notes", NOTES_KEPT, _old_check_in_notes),)
