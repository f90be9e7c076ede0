"""A participant's bank details (R-PAY-4): a fresh sign-in to change them, sealed at rest under
the finance key, shown masked, an email in the same transaction as the change (discreet for a
safe-contact person, none without an email address), bad input refused with nothing written,
and nobody else can set them."""

from __future__ import annotations

import email
from email.message import Message
from typing import Any
from uuid import UUID

import httpx
import pytest
from litestar import Litestar

from app import audit, mail
from app.auth import accounts
from app.datamap import Role
from app.sealed import Sealer
from app.tables import AuditEvent, OutboxMessage
from payments.services import payees
from payments.tables import Payee
from tests.participation.conftest import add_person
from tests.payments.hc_support import me, signed_in
from tests.support.auth import csrf_headers, sign_in

GOOD = {"account_name": "Ms J Okafor", "sort_code": "40 11 62", "account_number": "12345678"}
SENDER = payees.Sender("Team <team@northshire.example>", "Reciprocity")


async def _person(sealer: Sealer, **contact: Any) -> UUID:
    values: dict[str, Any] = {"email": "jo.okafor@example.org"} | contact
    return await add_person(sealer, "Jo Okafor", **values)


async def _signed_in_as(
    app: Litestar, client: httpx.AsyncClient, sealer: Sealer, subject: UUID, *, fresh: bool
) -> dict[str, str]:
    new = accounts.NewAccount("participant", None, "Jo", (Role.participant,), account_id=subject)
    await accounts.create(sealer, new, audit.SYSTEM)
    await sign_in(app, client, subject, fresh=fresh)
    return await csrf_headers(client)


async def _emails_to(sealer: Sealer, subject: UUID) -> list[Message]:
    rows = await OutboxMessage.select().where(OutboxMessage.owner == subject)
    opened = [await sealer.open(OutboxMessage, row, ("message",)) for row in rows]
    return [email.message_from_string(o["message"].reveal()) for o in opened if o["message"]]


def _text(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


async def test_a_fresh_sign_in_saves_them_sealed_and_the_page_shows_them_masked(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    subject = await _person(sealer)
    headers = await _signed_in_as(running_app, client, sealer, subject, fresh=True)

    payments = await client.get("/your-payments")
    saved = await client.post("/your-payments/bank-details", data=GOOD, headers=headers)
    shown = await client.get("/your-payments/bank-details?saved=email")

    assert 'href="/your-payments/bank-details"' in payments.text

    assert saved.status_code == 303
    assert shown.status_code == 200
    assert "****5678" in shown.text
    assert "**-**-62" in shown.text
    assert "12345678" not in shown.text
    assert "40-11-62" not in shown.text
    assert "We have emailed you to say they changed." in shown.text
    row = await Payee.select().where(Payee.subject == subject).first()
    assert row is not None
    raw = b"".join(bytes(row[c]) for c in ("account_name", "sort_code", "account_number"))
    assert b"12345678" not in raw
    assert b"401162" not in raw
    assert b"40-11-62" not in raw
    assert b"Okafor" not in raw
    opened = await sealer.open(Payee, row)
    assert {k: v.reveal() for k, v in opened.items() if v} == {
        "account_name": "Ms J Okafor",
        "sort_code": "40-11-62",
        "account_number": "12345678",
    }
    assert len(row["reference"]) == 9
    assert row["reference"][0] == "P"
    assert row["reference"][1:].isalnum()
    assert row["reference"][1:] == row["reference"][1:].upper()
    changes = await AuditEvent.count().where(
        (AuditEvent.subject == subject) & (AuditEvent.field_group == "payee")
    )
    assert changes == 2  # the change, and the masked view on the page


async def test_a_sign_in_older_than_five_minutes_must_sign_in_again(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    subject = await _person(sealer)
    headers = await _signed_in_as(running_app, client, sealer, subject, fresh=False)

    refused = await client.post("/your-payments/bank-details", data=GOOD, headers=headers)
    shown = await client.get(refused.headers["location"])

    assert refused.status_code == 303
    assert refused.headers["location"] == "/your-payments/bank-details"
    assert shown.status_code == 200
    assert "Sign in again to give your bank details" in shown.text
    assert "you must have signed in in the last 5 minutes" in shown.text
    assert 'name="account_number"' not in shown.text
    assert await Payee.count().where(Payee.subject == subject) == 0
    assert await _emails_to(sealer, subject) == []


async def test_changing_them_keeps_the_reference_and_emails_the_person(sealer: Sealer) -> None:
    subject = await _person(sealer)

    first = await payees.save(sealer, subject, payees.BankDetails(**GOOD), me(subject), SENDER)
    changed = payees.BankDetails("Jo Okafor", "20-00-00", "87654321")
    second = await payees.save(sealer, subject, changed, me(subject), SENDER)

    assert (first.reference, first.emailed) == (second.reference, True)
    shown = await payees.masked(sealer, subject, me(subject))
    assert shown is not None
    assert (shown.reference, shown.account, shown.sort_code) == (
        first.reference,
        "****4321",
        "**-**-00",
    )
    sent = await _emails_to(sealer, subject)
    assert [m["Subject"] for m in sent] == ["Your bank details were changed"] * 2
    assert sent[0]["To"] == "jo.okafor@example.org"
    assert "Hello Jo Okafor," in _text(sent[0])
    assert "If you did not make it, reply to this email straight away." in _text(sent[0])


async def test_a_safe_contact_person_gets_discreet_words(sealer: Sealer) -> None:
    subject = await _person(sealer, safe_contact=True)

    await payees.save(sealer, subject, payees.BankDetails(**GOOD), me(subject), SENDER)

    [sent] = await _emails_to(sealer, subject)
    text = _text(sent).casefold()
    assert sent["Subject"] == "Your details were updated"
    for word in ("reciprocity", "bank", "pay", "co-production", "jo"):
        assert word not in text
        assert word not in sent["Subject"].casefold()


async def test_without_an_email_nothing_is_sent_and_the_page_says_a_coordinator_phones(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    subject = await _person(sealer, email=None, phone="01632 960 001", route="phone")
    headers = await _signed_in_as(running_app, client, sealer, subject, fresh=True)

    saved = await client.post("/your-payments/bank-details", data=GOOD, headers=headers)
    shown = await client.get(saved.headers["location"])

    assert saved.headers["location"] == "/your-payments/bank-details?saved=phone"
    assert "A coordinator will phone you to check it was you." in shown.text
    assert await _emails_to(sealer, subject) == []
    assert await Payee.count().where(Payee.subject == subject) == 1


async def test_the_email_and_the_change_commit_together(
    sealer: Sealer, monkeypatch: pytest.MonkeyPatch
) -> None:
    subject = await _person(sealer)
    real_queue = mail.queue

    async def queue_then_fail(*args: Any) -> UUID:
        await real_queue(*args)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(mail, "queue", queue_then_fail)
    with pytest.raises(RuntimeError):
        await payees.save(sealer, subject, payees.BankDetails(**GOOD), me(subject), SENDER)

    assert await Payee.count().where(Payee.subject == subject) == 0
    assert await OutboxMessage.count().where(OutboxMessage.owner == subject) == 0


@pytest.mark.parametrize(
    "case",
    [
        ("sort_code", "30-99-5", "Enter a 6-digit sort code, like 30-99-50"),
        ("sort_code", "3O-99-50", "Enter a 6-digit sort code, like 30-99-50"),
        ("account_number", "1234567", "Enter an 8-digit account number, like 00733445"),
        ("account_name", "  ", "Enter the name on the account, in 70 characters or fewer"),
        ("account_name", "J" * 71, "Enter the name on the account, in 70 characters or fewer"),
    ],
)
async def test_bad_input_is_refused_field_by_field_and_nothing_is_written(
    running_app: Litestar,
    client: httpx.AsyncClient,
    sealer: Sealer,
    case: tuple[str, str, str],
) -> None:
    field, typed, message = case
    subject = await _person(sealer)
    headers = await _signed_in_as(running_app, client, sealer, subject, fresh=True)

    refused = await client.post(
        "/your-payments/bank-details", data=GOOD | {field: typed}, headers=headers
    )

    assert refused.status_code == 400
    assert "There is a problem" in refused.text
    assert f'href="#{field}">{message}</a>' in refused.text
    assert await Payee.count().where(Payee.subject == subject) == 0
    assert await _emails_to(sealer, subject) == []


@pytest.mark.parametrize("role", ["finance", "coordinator"])
async def test_staff_cannot_set_anyones_bank_details(
    running_app: Litestar, client: httpx.AsyncClient, role: str
) -> None:
    staff = await signed_in(running_app, client, role)
    before = await Payee.count()

    refused = await client.post("/your-payments/bank-details", data=GOOD, headers=staff.headers)
    shown = await client.get("/your-payments/bank-details")

    assert (refused.status_code, shown.status_code) == (403, 403)
    assert await Payee.count() == before
