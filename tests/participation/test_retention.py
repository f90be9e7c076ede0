"""Retention with a frozen clock: what has expired goes, the rest stays, a second run finds 0."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from litestar import Litestar

from app.factory import retention_rules
from app.retention import RetentionRun, run_rules
from app.sealed import Sealer
from app.tables import OutboxMessage, ServiceFeedback
from participation.services import profiles, rights
from participation.tables import ConsentEvent, ErasureRecord, Participant
from tests.participation.conftest import COORDINATOR, new_profile

NOW = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)


async def _age(subject: UUID, days: int) -> None:
    when = NOW - timedelta(days=days)
    await Participant.update({Participant.last_active_at: when}).where(Participant.id == subject)


async def _run(app: Litestar, sealer: Sealer, now: datetime, dry: bool = False) -> dict[str, int]:
    run = RetentionRun(now, dry, sealer, app.state.settings)
    return {rule.name: count for rule, count in await run_rules(retention_rules(), run)}


async def test_inactive_profiles_are_reminded_then_erased_and_active_ones_stay(
    running_app: Litestar, sealer: Sealer
) -> None:
    inactive = await profiles.create(
        sealer, new_profile("Ola", email="ola@example.org"), COORDINATOR
    )
    no_email = await profiles.create(
        sealer, new_profile("Pat", email=None, route="post", address="1 High St"), COORDINATOR
    )
    active = await profiles.create(sealer, new_profile("Ria", email="ria@example.org"), COORDINATOR)
    await _age(inactive, 800)
    await _age(no_email, 731)
    await _age(active, 700)

    first = await _run(running_app, sealer, NOW)
    again = await _run(running_app, sealer, NOW)

    assert first["reminders to inactive profiles"] == 2
    assert again["reminders to inactive profiles"] == 0
    assert first["inactive profiles erased"] == 0
    reminders = await OutboxMessage.select(OutboxMessage.owner)
    assert [row["owner"] for row in reminders] == [inactive]

    later = NOW + timedelta(days=61)
    erased = await _run(running_app, sealer, later)
    assert erased["inactive profiles erased"] == 2
    assert (await _run(running_app, sealer, later))["inactive profiles erased"] == 0
    remaining = {row["id"] for row in await Participant.select(Participant.id)}
    assert remaining == {active}
    records = await ErasureRecord.select(ErasureRecord.subject, ErasureRecord.requested_by)
    assert sorted((r["subject"], r["requested_by"]) for r in records) == sorted(
        [(inactive, "retention"), (no_email, "retention")]
    )


async def test_using_the_profile_after_a_reminder_keeps_it(
    running_app: Litestar, sealer: Sealer
) -> None:
    subject = await profiles.create(sealer, new_profile("Ola"), COORDINATOR)
    await _age(subject, 800)
    await _run(running_app, sealer, NOW)
    await Participant.update({Participant.last_active_at: NOW + timedelta(days=3)}).where(
        Participant.id == subject
    )

    result = await _run(running_app, sealer, NOW + timedelta(days=90))

    assert result["inactive profiles erased"] == 0
    assert await profiles.exists(subject)


async def test_dry_run_counts_without_changing_anything(
    running_app: Litestar, sealer: Sealer
) -> None:
    subject = await profiles.create(sealer, new_profile("Ola"), COORDINATOR)
    await _age(subject, 800)
    await ServiceFeedback.insert(
        ServiceFeedback(satisfaction="satisfied", created_at=NOW - timedelta(days=400))
    )

    dry = await _run(running_app, sealer, NOW, dry=True)

    assert dry["reminders to inactive profiles"] == 1
    assert dry["anonymous feedback"] == 1
    row = await Participant.select(Participant.reminded_at).where(Participant.id == subject).first()
    assert row == {"reminded_at": None}
    assert await ServiceFeedback.count() == 1
    assert await OutboxMessage.count() == 0


async def test_consent_and_erasure_records_go_six_years_after_the_person_left(
    running_app: Litestar, sealer: Sealer
) -> None:
    old, recent = [
        await profiles.create(sealer, new_profile(name, email=f"{name}@example.org"), COORDINATOR)
        for name in ("Old", "Recent")
    ]
    await _erase_at(running_app, sealer, old, NOW - timedelta(days=6 * 365 + 10))
    await _erase_at(running_app, sealer, recent, NOW - timedelta(days=365))

    result = await _run(running_app, sealer, NOW)

    assert result["consent records"] == 2
    assert result["erasure records"] == 1
    subjects = {row["subject"] for row in await ConsentEvent.select(ConsentEvent.subject)}
    assert subjects == {recent}
    assert [r["subject"] for r in await ErasureRecord.select(ErasureRecord.subject)] == [recent]
    second = await _run(running_app, sealer, NOW)
    assert (second["consent records"], second["erasure records"]) == (0, 0)


async def _erase_at(app: Litestar, sealer: Sealer, subject: UUID, when: datetime) -> None:
    record = await rights.erase(sealer, subject, "self", COORDINATOR)
    await ErasureRecord.update({ErasureRecord.at: when}).where(ErasureRecord.id == record.id)
