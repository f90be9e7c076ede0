"""The participation domain's retention rules (run by ``reciprocity retention run``).

Inactive profiles are first reminded (a discreet email when they have an address, in the
language they chose), then erased if nobody uses them in the weeks after. Consent records and
erasure records are kept 6 years after the person left, as proof, then deleted.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from piccolo.columns.combination import WhereRaw

from app import audit, i18n, mail
from app.db import transaction
from app.i18n import gettext as _
from app.i18n import ngettext
from app.retention import RetentionRule, RetentionRun, delete_where
from participation.services import rights
from participation.tables import ConsentEvent, ErasureRecord, Participant

SIX_YEARS = timedelta(days=6 * 365 + 2)
RETENTION_ACTOR = audit.Actor(id="retention", role="system")


def _not_reminded_since_active() -> WhereRaw:
    return WhereRaw("(reminded_at IS NULL OR reminded_at < last_active_at)")


async def _remind_inactive(run: RetentionRun) -> int:
    cutoff = run.now - timedelta(days=run.settings.profile_inactive_days)
    due = (Participant.last_active_at < cutoff) & _not_reminded_since_active()
    rows = await Participant.select(Participant.id, Participant.email, Participant.language).where(
        due
    )
    if run.dry_run:
        return len(rows)
    for row in rows:
        async with transaction():
            await Participant.update({Participant.reminded_at: run.now}).where(
                Participant.id == row["id"]
            )
            if row["email"] is not None:
                await _queue_reminder(run, row)
    return len(rows)


async def _queue_reminder(run: RetentionRun, row: dict[str, object]) -> None:
    opened = await run.sealer.open(Participant, row, ("email", "language"))
    address, language = opened["email"], opened["language"]
    if address is None:
        return
    with i18n.use_locale(language.reveal() if language else None):
        text = _reminder_text(run)
        subject_line = _("Do you want us to keep your details?")
    email = mail.Email(to=address.reveal(), subject=subject_line, text=text)
    owner = row["id"]
    assert isinstance(owner, UUID)
    await mail.queue(run.sealer, owner, email, run.settings.mail_from)


def _reminder_text(run: RetentionRun) -> str:
    """The reminder in the current language; the days counted with the language's plurals."""
    days = run.settings.profile_reminder_days
    sign_in = ngettext(
        "You have not used your account with us for a while. If you want us to keep your "
        "details, sign in at %(link)s within %(num)d day.",
        "You have not used your account with us for a while. If you want us to keep your "
        "details, sign in at %(link)s within %(num)d days.",
        days,
    ) % {"link": f"{run.settings.public_url}/sign-in", "num": days}
    do_nothing = _("If you do nothing, we will delete your details. You do not need to reply.")
    return "\n\n".join((_("Hello,"), sign_in, do_nothing)) + "\n"


async def _erase_after_reminder(run: RetentionRun) -> int:
    cutoff = run.now - timedelta(days=run.settings.profile_reminder_days)
    due = (Participant.reminded_at < cutoff) & WhereRaw("last_active_at < reminded_at")
    rows = await Participant.select(Participant.id).where(due)
    if not run.dry_run:
        for row in rows:
            await rights.erase(run.sealer, row["id"], "retention", RETENTION_ACTOR)
    return len(rows)


def _erased_before(run: RetentionRun) -> WhereRaw:
    return WhereRaw(
        "subject IN (SELECT subject FROM erasure_record WHERE at < {})", run.now - SIX_YEARS
    )


async def _old_consent(run: RetentionRun) -> int:
    return await delete_where(ConsentEvent, _erased_before(run), run)


async def _old_erasure_records(run: RetentionRun) -> int:
    return await delete_where(ErasureRecord, ErasureRecord.at < run.now - SIX_YEARS, run)


RETENTION = (
    RetentionRule("reminders to inactive profiles", "after 2 years unused", _remind_inactive),
    RetentionRule(
        "inactive profiles erased", "2 years unused and a reminder", _erase_after_reminder
    ),
    RetentionRule("consent records", "6 years after the person left", _old_consent),
    RetentionRule("erasure records", "6 years from the erasure", _old_erasure_records),
)
