"""Subject access and erasure over the whole data map: everything of theirs, nothing of others."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest

from app import audit, mail
from app.crypto import KeyDestroyed
from app.datamap import Protection
from app.errors import NotFound
from app.sealed import Sealer
from app.tables import Account, AuditEvent, DataKey, OutboxMessage, SignInToken
from app.vault import FINANCE_OWNER
from events.tables import FeedToken, FollowUp, Invitation, LogisticsItem
from participation import schemas
from participation.schemas.recruitment import Interest
from participation.services import consent, expressions, opportunities, profiles, rights
from participation.tables import (
    ConsentEvent,
    ErasureRecord,
    Expression,
    InterestInvitation,
    Participant,
    Reviewer,
    Score,
)
from payments.tables import (
    BenefitDeclaration,
    ExpenseClaim,
    LedgerEntry,
    Payee,
    PaymentChoice,
    Voucher,
)
from tests.participation.conftest import COORDINATOR, new_profile
from tests.participation.recruiting import published
from tests.support.canaries import canary


async def seed_everywhere(sealer: Sealer, label: str, phone: str) -> dict[str, str]:
    """A person in every table that has a subject column, a canary in every sealed text."""
    values = {
        "name": canary(f"{label}-name"),
        "email": f"{canary(f'{label}-email')}@example.org",
        "words": canary(f"{label}-words"),
        "other": canary(f"{label}-other"),
        "dietary": canary(f"{label}-dietary"),
        "intermediary": canary(f"{label}-keyworker"),
        "address": canary(f"{label}-address"),
        "message": canary(f"{label}-message"),
        "answer": canary(f"{label}-answer"),
        "note": canary(f"{label}-note"),
        "comment": canary(f"{label}-comment"),
        "benefits": canary(f"{label}-benefits"),
        "facts": canary(f"{label}-facts"),
        "account_name": canary(f"{label}-account-name"),
        "expense": canary(f"{label}-expense"),
        "serial": canary(f"{label}-serial"),
    }
    profile = new_profile(
        values["name"],
        email=values["email"],
        phone=phone,
        address=values["address"],
        intermediary=schemas.Intermediary(name=values["intermediary"], contact="01632 960001"),
        safe_contact=True,
        language="cy",
    )
    subject = await profiles.create(sealer, profile, COORDINATOR)
    await _fill_sections(sealer, subject, values)
    await _account_with_same_id(sealer, subject, values)
    await mail.queue(
        sealer, subject, mail.Email(values["email"], "Hello", values["message"]), "team@x.org"
    )
    await SignInToken.insert(
        SignInToken(
            purpose="email",
            account=subject,
            token_hash=canary(f"{label}-token"),
            expires_at=datetime.now(UTC),
        )
    )
    await ErasureRecord.insert(ErasureRecord(subject=subject, requested_by="staff", actor="x"))
    await _recruitment(sealer, subject, values)
    await _events(subject)
    await _payments(sealer, subject, values)
    return values | {"id": str(subject), "phone": phone}


async def _events(subject: UUID) -> None:
    """Invited to an event, a calendar feed, a taxi to arrange, a debrief wanted."""
    event = uuid4()
    await Invitation.insert(
        Invitation(id=uuid4(), event=event, subject=subject, once=f"{event}:{subject}")
    )
    await FeedToken.insert(FeedToken(id=uuid4(), subject=subject, token_hash=uuid4().hex))
    await LogisticsItem.insert(
        LogisticsItem(
            id=uuid4(), event=event, subject=subject, need="taxi", detail="From home", owner=uuid4()
        )
    )
    await FollowUp.insert(
        FollowUp(id=uuid4(), event=event, subject=subject, preferred_time="Friday morning")
    )


async def _payments(sealer: Sealer, subject: UUID, values: dict[str, str]) -> None:
    """Benefits they declared, how they chose to be paid, their bank details and a fee."""
    declaration, choice, payee = uuid4(), uuid4(), uuid4()
    benefits = await sealer.seal(
        BenefitDeclaration, declaration, subject, {"benefits": values["benefits"]}
    )
    await BenefitDeclaration.insert(BenefitDeclaration(id=declaration, subject=subject, **benefits))
    facts = await sealer.seal(PaymentChoice, choice, subject, {"facts": values["facts"]})
    await PaymentChoice.insert(
        PaymentChoice(id=choice, subject=subject, opportunity=uuid4(), choice="full", **facts)
    )
    bank = await sealer.seal(
        Payee,
        payee,
        subject,
        {
            "account_name": values["account_name"],
            "sort_code": "108800",
            "account_number": "00012345",
        },
    )
    await Payee.insert(Payee(id=payee, subject=subject, reference=payee.hex[:12], **bank))
    entry = uuid4()
    await LedgerEntry.insert(
        LedgerEntry(
            id=entry, subject=subject, kind="voucher", amount_pence=2500, proposed_by=uuid4()
        )
    )
    claim, voucher = uuid4(), uuid4()
    claimed = await sealer.seal(
        ExpenseClaim, claim, subject, {"details": values["expense"], "receipt": "cmVjZWlwdA=="}
    )
    await ExpenseClaim.insert(
        ExpenseClaim(
            id=claim,
            subject=subject,
            category="taxi",
            amount_pence=1850,
            submitted_by=uuid4(),
            decided_by=uuid4(),
            **claimed,
        )
    )
    serial = await sealer.seal(Voucher, voucher, subject, {"serial": values["serial"]})
    await Voucher.insert(
        Voucher(
            id=voucher,
            entry=entry,
            subject=subject,
            provider="Love2shop",
            value_pence=2500,
            issued_by=uuid4(),
            handed_over_by=uuid4(),
            **serial,
        )
    )


async def _recruitment(sealer: Sealer, subject: UUID, values: dict[str, str]) -> None:
    """Their expression of interest (answers, notes), a score of it with a comment, a review
    they were co-opted onto, and an invitation to express interest."""
    opportunity = await published()
    question = (await opportunities.questions_of(opportunity))[0]
    interest = Interest(answers={str(question["id"]): values["answer"]})
    eoi, _ = await expressions.express(sealer, opportunity, subject, interest, COORDINATOR)
    notes = await sealer.seal_fields(Expression, eoi, subject, {"notes": values["note"]})
    await Expression.update(notes).where(Expression.id == eoi)
    score_id = uuid4()
    comment = await sealer.seal(Score, score_id, subject, {"comment": values["comment"]})
    await Score.insert(
        Score(
            id=score_id,
            expression=eoi,
            subject=subject,
            reviewer=uuid4(),
            criterion=uuid4(),
            once=f"{eoi}:{score_id}",
            score=4,
            **comment,
        )
    )
    await Reviewer.insert(
        Reviewer(
            id=uuid4(), opportunity=opportunity, account=subject, once=f"{opportunity}:{subject}"
        )
    )
    await InterestInvitation.insert(
        InterestInvitation(
            id=uuid4(), opportunity=opportunity, subject=subject, once=f"{opportunity}:{subject}"
        )
    )


async def _fill_sections(sealer: Sealer, subject: UUID, values: dict[str, str]) -> None:
    sections: list[schemas.Section] = [
        schemas.AboutYou(preferred_name=values["name"], date_of_birth=date(1980, 4, 2)),
        schemas.LivedExperience(lived_experience=["carer"], lived_experience_words=values["words"]),
        schemas.Equality(age="35_49", religion="prefer_not_to_say"),
        schemas.Involvement(activities=["surveys"], formats=["online"], never_days=["sun"]),
        schemas.AccessNeeds(
            adjustments=["interpreter", "dietary"],
            interpreter_language="Tigrinya",
            dietary=values["dietary"],
            other=values["other"],
            travel_help=["taxi"],
        ),
    ]
    for section in sections:
        await profiles.update(sealer, subject, section, COORDINATOR)
    await profiles.set_paused(subject, True, COORDINATOR)


async def _account_with_same_id(sealer: Sealer, subject: UUID, values: dict[str, str]) -> None:
    sealed = await sealer.seal(
        Account, subject, subject, {"email": values["email"], "display_name": values["name"]}
    )
    await Account.insert(Account(id=subject, kind="participant", roles="participant", **sealed))


@pytest.fixture
async def two_people(sealer: Sealer) -> tuple[dict[str, str], dict[str, str]]:
    return (
        await seed_everywhere(sealer, "ada", "07700 900101"),
        await seed_everywhere(sealer, "ben", "07700 900202"),
    )


async def test_export_holds_every_mapped_field_of_theirs_and_nothing_of_anyone_else(
    sealer: Sealer, two_people: tuple[dict[str, str], dict[str, str]]
) -> None:
    ada, ben = two_people

    export = await rights.download(sealer, UUID(ada["id"]), COORDINATOR)
    text = rights.download_json(export).decode()

    expected = {
        table_map.name: {f.column for f in table_map.exported} | set(table_map.export_context)
        for table_map in sealer.datamap.tables.values()
        if table_map.subject and table_map.exported
    }
    assert set(export["tables"]) == set(expected)
    for name, columns in expected.items():
        for record in export["tables"][name]:
            assert set(record) == columns, name
            personal = {f.column for f in sealer.datamap.tables[_table(sealer, name)].exported}
            assert [c for c in personal if record[c] is None] == [], name
    assert all(ada[key] in text for key in ("name", "email", "words", "other", "dietary"))
    assert all(ada[key] in text for key in ("intermediary", "address", "message"))
    assert all(ada[key] in text for key in ("answer", "note", "comment"))
    assert [value for key, value in ben.items() if value in text] == []
    assert json.loads(text)["subject"] == ada["id"]


def _table(sealer: Sealer, logical: str) -> str:
    return next(k for k, m in sealer.datamap.tables.items() if m.name == logical)


async def test_export_leaves_out_credentials_and_other_peoples_ids(
    sealer: Sealer, two_people: tuple[dict[str, str], dict[str, str]]
) -> None:
    ada, _ = two_people

    export = await rights.download(sealer, UUID(ada["id"]), COORDINATOR)

    account = export["tables"]["account"][0]
    assert "totp_secret" not in account
    assert "password_hash" not in account
    assert "assisted_by" not in export["tables"]["consent_event"][0]
    assert "actor" not in export["tables"]["audit_event"][0]
    assert "sign_in_token" not in export["tables"]
    assert export["tables"]["participant"][0]["activities"] == "surveys"


async def test_export_is_audited(
    sealer: Sealer, two_people: tuple[dict[str, str], dict[str, str]]
) -> None:
    ada, _ = two_people

    await rights.download(sealer, UUID(ada["id"]), COORDINATOR)

    events = await AuditEvent.select().where(
        (AuditEvent.subject == UUID(ada["id"])) & (AuditEvent.action == "export")
    )
    assert [(e["actor"], e["purpose"]) for e in events] == [(COORDINATOR.id, "subject access")]


async def test_erasure_leaves_nothing_readable_and_records_what_it_kept(
    sealer: Sealer, two_people: tuple[dict[str, str], dict[str, str]]
) -> None:
    ada, ben = two_people
    subject = UUID(ada["id"])
    key_row = await DataKey.select().where(DataKey.owner == subject).first()

    record = await rights.erase(sealer, subject, "staff", COORDINATOR)

    for table_map in sealer.datamap.tables.values():
        if table_map.subject and not table_map.kept_on_erasure:
            column = table_map.table._meta.get_column_by_name(table_map.subject)
            assert await table_map.table.count().where(column == subject) == 0, table_map.name
    assert await DataKey.select(DataKey.wrapped).where(DataKey.owner == subject) == [
        {"wrapped": None}
    ]
    assert await ConsentEvent.count().where(ConsentEvent.subject == subject) == 2
    stored = await ErasureRecord.select().where(ErasureRecord.id == record.id).first()
    assert stored is not None
    assert stored["requested_by"] == "staff"
    assert "participant: 1" in stored["deleted"]
    assert "data key destroyed" in stored["deleted"]
    assert "consent_event" in stored["kept"]
    assert "audit_event" in stored["kept"]
    fresh = Sealer(type(sealer.vault)(sealer.vault.keyring), sealer.datamap)
    with pytest.raises(KeyDestroyed):
        await fresh.vault._key_by_id(key_row["id"])
    still_there = await profiles.read(sealer, UUID(ben["id"]), COORDINATOR, "coordinator")
    assert still_there.about is not None
    assert still_there.about.preferred_name == ben["name"]


async def test_erasure_keeps_finance_key_records_readable(sealer: Sealer) -> None:
    """Finance keeps its ledger under the finance key: erasing a person cannot touch it."""
    subject = await profiles.create(sealer, new_profile("Kit Moreno"), COORDINATOR)
    ledger = await sealer.vault.encrypt_row(FINANCE_OWNER, "ledger", "1", {"payee": "K Moreno"})

    await rights.erase(sealer, subject, "self", audit.Actor(id=str(subject), role="participant"))

    fresh = Sealer(type(sealer.vault)(sealer.vault.keyring), sealer.datamap)
    assert await fresh.vault.decrypt_row("ledger", "1", ledger) == {"payee": "K Moreno"}


async def test_erasing_someone_unknown_is_a_clear_not_found(sealer: Sealer) -> None:
    with pytest.raises(NotFound):
        await rights.erase(sealer, UUID(int=7), "staff", COORDINATOR)
    assert await ErasureRecord.count() == 0


async def test_sealed_columns_of_participant_hold_no_plain_text(
    sealer: Sealer, two_people: tuple[dict[str, str], dict[str, str]]
) -> None:
    ada, _ = two_people
    row = await Participant.select().where(Participant.id == UUID(ada["id"])).first()
    raw = json.dumps(
        {k: bytes(v).hex() if isinstance(v, bytes | memoryview) else str(v) for k, v in row.items()}
    )

    sealed = [
        f.column
        for f in sealer.datamap.tables["participant"].fields
        if f.protection is not Protection.plain
    ]
    assert all(row[column] is not None for column in sealed)
    assert [key for key in ("name", "email", "words", "address") if ada[key] in raw] == []
    assert [k for k in ("name", "email") if ada[k].encode().hex() in raw] == []


async def test_consent_is_recorded_per_purpose_with_the_words_shown(sealer: Sealer) -> None:
    subject = await profiles.create(sealer, new_profile(consents=("register",)), COORDINATOR)

    await consent.record(subject, "contact", True, "phone", COORDINATOR)
    await consent.record(subject, "contact", False, "web", audit.Actor(str(subject), "participant"))

    assert (await consent.current(subject))["contact"] is False
    events = await consent.history(subject)
    assert [(e["purpose"], e["granted"], e["channel"]) for e in events] == [
        ("register", True, "in_person"),
        ("contact", True, "phone"),
        ("contact", False, "web"),
    ]
    shown = consent.CURRENT["contact"]
    assert events[1]["wording_hash"] == shown.sha256
    assert events[1]["wording_version"] == shown.version
    assert events[1]["assisted_by"] == UUID(COORDINATOR.id)
    assert events[2]["assisted_by"] is None


async def test_consent_ledger_refuses_rewrites(sealer: Sealer) -> None:
    subject = await profiles.create(sealer, new_profile(), COORDINATOR)

    with pytest.raises(Exception, match="append-only"):
        await ConsentEvent.update({ConsentEvent.granted: False}).where(
            ConsentEvent.subject == subject
        )
    assert (await consent.current(subject))["register"] is True


async def test_outbox_message_of_an_erased_person_is_gone(
    sealer: Sealer, two_people: tuple[dict[str, str], dict[str, str]]
) -> None:
    ada, ben = two_people

    await rights.erase(sealer, UUID(ada["id"]), "self", COORDINATOR)

    owners = {row["owner"] for row in await OutboxMessage.select(OutboxMessage.owner)}
    assert owners == {UUID(ben["id"])}
