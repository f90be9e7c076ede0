"""The email outbox on both engines, against a real SMTP server: encrypted while it waits,
committed with the caller's change, sent exactly once, retried with back-off, never sent to an
erased person, and never logged."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from app import mail, mail_message
from app.db import transaction
from app.factory import data_map
from app.keyring import new_keyring_json, parse_keyring
from app.mail import Attachment, CalendarPart, DeliveryReport, Email, deliver_due, queue
from app.sealed import Sealer
from app.settings import Settings
from app.tables import OutboxMessage, ServiceFeedback
from app.vault import Vault
from tests.conftest import TEST_SECRET, make_settings
from tests.support.canaries import canary
from tests.support.smtp import CapturingSMTPServer

FROM = "Northshire Co-production <no-reply@northshire.example>"
INVITE = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Reciprocity//EN\r\nMETHOD:REQUEST\r\n"
    b"BEGIN:VEVENT\r\nUID:panel-1@northshire.example\r\nDTSTAMP:20270105T090000Z\r\n"
    b"DTSTART:20270112T100000Z\r\nSUMMARY:Evaluation panel\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.fixture
async def sealer(db: Any) -> Sealer:
    return Sealer(Vault(parse_keyring(new_keyring_json(key_id="t"))), data_map())


@pytest.fixture
def settings(tmp_path: Path, smtp_server: CapturingSMTPServer) -> Settings:
    return _settings(tmp_path, smtp_server.port)


def _settings(tmp_path: Path, port: int) -> Settings:
    url = f"sqlite:///{tmp_path / 'unused.sqlite'}"  # the db fixture's engine is the one bound
    return make_settings(tmp_path, url, smtp_host="127.0.0.1", smtp_port=port, mail_from=FROM)


def letter(**overrides: Any) -> Email:
    """An email whose address, subject and body are canaries: any of them in a log fails."""
    values: dict[str, Any] = {
        "to": f"{canary('email')}@example.org",
        "subject": f"{canary('subject')} – your panel",
        "text": f"{canary('body')}\nThe café is on the ground floor.",
        **overrides,
    }
    return Email(**values)


async def row_of(message_id: UUID) -> dict[str, Any]:
    row = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
    assert row is not None
    return row


async def test_a_queued_email_is_stored_encrypted(sealer: Sealer) -> None:
    email, owner = letter(), uuid4()

    message_id = await queue(sealer, owner, email, FROM)

    row = await row_of(message_id)
    stored = bytes(row["recipient"]) + bytes(row["message"])
    for plain in (email.to, email.subject.split()[0], email.text.split()[0], "example.org"):
        assert plain.encode() not in stored
    assert (row["owner"], row["status"], row["attempts"], row["sealed_with"]) == (
        owner,
        "queued",
        0,
        sealer.marker,
    )
    opened = await sealer.open(OutboxMessage, row)
    assert opened["recipient"] is not None
    assert opened["recipient"].reveal() == email.to


async def test_an_email_is_delivered_once_with_its_headers_and_bodies(
    sealer: Sealer, settings: Settings, smtp_server: CapturingSMTPServer
) -> None:
    email = letter(html="<p>The café is on the ground floor.</p>")
    message_id = await queue(sealer, uuid4(), email, FROM)
    now = datetime.now(UTC)

    first = await deliver_due(sealer, settings, now=now)
    again = await deliver_due(sealer, settings, now=now + timedelta(hours=1))

    assert (first, again) == (DeliveryReport(sent=1), DeliveryReport())
    [received] = smtp_server.messages
    assert (received["From"], received["To"], received["Subject"]) == (
        FROM,
        email.to,
        email.subject,
    )
    assert received["Message-ID"].endswith("@northshire.example>")
    assert abs(parsedate_to_datetime(received["Date"]) - now) < timedelta(minutes=1)
    assert received.get_content_type() == "multipart/alternative"
    assert _body(received, "plain") == email.text.replace("\n", "\r\n") + "\r\n"
    assert _body(received, "html") == "<p>The café is on the ground floor.</p>\r\n"
    row = await row_of(message_id)
    assert (row["status"], row["sent_at"], row["claimed_until"], row["attempts"]) == (
        "sent",
        now,
        None,
        0,
    )


def _body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None
    return str(part.get_content())


async def test_a_calendar_invite_and_an_attachment_survive_delivery(
    sealer: Sealer, settings: Settings, smtp_server: CapturingSMTPServer
) -> None:
    email = letter(
        html="<p>Evaluation panel</p>",
        calendar=CalendarPart(INVITE, method="REQUEST"),
        attachments=[Attachment("travel.pdf", "application/pdf", b"%PDF-1.7 route")],
    )
    await queue(sealer, uuid4(), email, FROM)

    assert await deliver_due(sealer, settings) == DeliveryReport(sent=1)

    [received] = smtp_server.messages
    assert [part.get_content_type() for part in received.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
        "application/pdf",
    ]
    calendar = next(part for part in received.walk() if part.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content().encode() == INVITE
    [attached] = received.iter_attachments()
    assert (attached.get_filename(), attached.get_content()) == ("travel.pdf", b"%PDF-1.7 route")


class Abandoned(Exception):
    """The caller's change fails after it queued its email."""


async def test_the_email_rolls_back_with_the_callers_change(sealer: Sealer) -> None:
    with pytest.raises(Abandoned):
        async with transaction():
            await ServiceFeedback.insert(ServiceFeedback(satisfaction="satisfied"))
            await queue(sealer, uuid4(), letter(), FROM)
            raise Abandoned

    assert (await ServiceFeedback.count(), await OutboxMessage.count()) == (0, 0)


async def test_the_email_commits_with_the_callers_change(sealer: Sealer) -> None:
    async with transaction():
        await ServiceFeedback.insert(ServiceFeedback(satisfaction="satisfied"))
        await queue(sealer, uuid4(), letter(), FROM)

    assert (await ServiceFeedback.count(), await OutboxMessage.count()) == (1, 1)


async def test_concurrent_workers_deliver_each_email_exactly_once(
    sealer: Sealer, settings: Settings, smtp_server: CapturingSMTPServer
) -> None:
    subjects = [f"Panel {number}" for number in range(10)]
    for subject in subjects:
        await queue(sealer, uuid4(), letter(subject=subject), FROM)

    reports = await asyncio.gather(
        deliver_due(sealer, settings, batch=3), deliver_due(sealer, settings, batch=3)
    )

    assert sorted(message["Subject"] for message in smtp_server.messages) == subjects
    assert sum(report.sent for report in reports) == 10
    assert await OutboxMessage.count().where(OutboxMessage.status == "sent") == 10


async def test_two_workers_that_pick_the_same_emails_send_each_once(
    db: Any,
    sealer: Sealer,
    settings: Settings,
    smtp_server: CapturingSMTPServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Force the race: both workers select the same due rows before either claims them.

    Only PostgreSQL runs claims side by side; SQLite's write transactions never overlap (the
    second would wait for the first's lock), which the test above covers.
    """
    if db.engine_type != "postgres":
        pytest.skip("SQLite serialises write transactions: this race cannot happen there")
    for number in range(4):
        await queue(sealer, uuid4(), letter(subject=f"Panel {number}"), FROM)
    picked: list[list[UUID]] = []
    both_picked = asyncio.Barrier(2)
    select_due = mail._due_ids

    async def in_step(now: datetime, batch: int) -> list[UUID]:
        ids = await select_due(now, batch)
        if len(picked) < 2:
            picked.append(ids)
            await both_picked.wait()  # inside each claim's transaction, before its UPDATE
        return ids

    monkeypatch.setattr(mail, "_due_ids", in_step)

    reports = await asyncio.gather(*(deliver_due(sealer, settings, batch=2) for _ in "ab"))

    assert len(picked[0]) == 2
    assert picked[0] == picked[1]
    assert sorted(m["Subject"] for m in smtp_server.messages) == [f"Panel {n}" for n in range(4)]
    assert sum(report.sent for report in reports) == 4


async def test_a_slow_batch_releases_what_it_has_not_sent(
    sealer: Sealer,
    settings: Settings,
    smtp_server: CapturingSMTPServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(mail, "SEND_BUDGET_S", -1.0)  # every batch is over budget after one
    for number in range(3):
        await queue(sealer, uuid4(), letter(subject=f"Panel {number}"), FROM)

    assert await deliver_due(sealer, settings, batch=3) == DeliveryReport(sent=3)
    assert sorted(m["Subject"] for m in smtp_server.messages) == ["Panel 0", "Panel 1", "Panel 2"]


async def test_an_unreachable_server_is_retried_with_back_off_then_failed(
    sealer: Sealer, tmp_path: Path
) -> None:
    unreachable = _settings(tmp_path, _closed_port())
    message_id = await queue(sealer, uuid4(), letter(), FROM)
    when, delays = datetime.now(UTC), []

    for attempt in range(1, mail.MAX_ATTEMPTS):
        assert await deliver_due(sealer, unreachable, now=when) == DeliveryReport(retrying=1)
        row = await row_of(message_id)
        assert (row["status"], row["attempts"], row["last_error"], row["claimed_until"]) == (
            "queued",
            attempt,
            "ConnectionRefusedError",
            None,
        )
        early = row["next_attempt_at"] - timedelta(seconds=1)
        assert await deliver_due(sealer, unreachable, now=early) == DeliveryReport()
        delays.append(row["next_attempt_at"] - when)
        when = row["next_attempt_at"]

    assert await deliver_due(sealer, unreachable, now=when) == DeliveryReport(failed=1)
    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 64)]
    row = await row_of(message_id)
    assert (row["status"], row["attempts"], row["last_error"]) == (
        "failed",
        8,
        "ConnectionRefusedError",
    )
    assert await deliver_due(sealer, unreachable, now=when + timedelta(days=1)) == DeliveryReport()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_an_erased_persons_email_is_dropped_not_sent(
    sealer: Sealer, settings: Settings, smtp_server: CapturingSMTPServer
) -> None:
    erased, kept = uuid4(), uuid4()
    dropped_id = await queue(sealer, erased, letter(subject="To the erased"), FROM)
    await queue(sealer, kept, letter(subject="To the kept"), FROM)
    assert await sealer.vault.destroy(erased)

    assert await deliver_due(sealer, settings) == DeliveryReport(sent=1, dropped=1)

    assert [message["Subject"] for message in smtp_server.messages] == ["To the kept"]
    assert (await row_of(dropped_id))["status"] == "dropped"
    assert await mail.status_counts() == {"queued": 0, "sent": 1, "failed": 0, "dropped": 1}


async def test_log_lines_carry_the_message_id_and_outcome_only(
    sealer: Sealer, settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sent_id = await queue(sealer, uuid4(), letter(), FROM)
    await deliver_due(sealer, settings)
    retried_id = await queue(sealer, uuid4(), letter(), FROM)
    await deliver_due(sealer, _settings(tmp_path, _closed_port()))

    assert [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "app.mail"] == [
        ("DEBUG", f"outbox message {sent_id}: queued"),
        ("INFO", f"outbox message {sent_id}: sent"),
        ("DEBUG", f"outbox message {retried_id}: queued"),
        ("WARNING", f"outbox message {retried_id}: retrying (ConnectionRefusedError)"),
    ]  # and the autouse canary check covers every record of every logger


def test_the_outbox_command_delivers_and_counts(
    tmp_path: Path, smtp_server: CapturingSMTPServer
) -> None:
    env = {
        "PATH": os.environ["PATH"],
        "RECIPROCITY_ENVIRONMENT": "development",
        "RECIPROCITY_VAR_DIR": str(tmp_path),
        "RECIPROCITY_SECRET_KEY": TEST_SECRET,
        "RECIPROCITY_SMTP_HOST": smtp_server.host,
        "RECIPROCITY_SMTP_PORT": str(smtp_server.port),
    }
    assert _run(env, "migrate").returncode == 0
    subprocess.run([sys.executable, "-c", QUEUE_ONE], env=env, check=True, timeout=60)

    before, delivered, after = (_run(env, *args) for args in (STATUS, DELIVER, STATUS))

    assert before.stdout == COUNTS.format(waiting=1, sent=0)
    assert delivered.stdout == "Sent 1; will try again later 0; failed 0; " + (
        "not sent because the person was erased 0.\n"
    )
    assert after.stdout == COUNTS.format(waiting=0, sent=1)
    assert [message["Subject"] for message in smtp_server.messages] == ["Your panel on Tuesday"]


STATUS, DELIVER = ("outbox", "status"), ("outbox", "deliver")
COUNTS = (
    "Waiting to be sent: {waiting}\nSent: {sent}\nFailed (gave up after 8 tries): 0\n"
    "Not sent: the person's data was erased: 0\n"
)
QUEUE_ONE = """
from uuid import uuid4
from app.cli_keys import sealer_for
from app.db import with_database
from app.factory import data_map
from app.mail import Email, queue
from app.settings import Settings
settings = Settings()
email = Email(to="p@example.org", subject="Your panel on Tuesday", text="See you there.")
sealer = sealer_for(settings, data_map())
with_database(settings, lambda: queue(sealer, uuid4(), email, settings.mail_from))
"""


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("reciprocity")), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


async def test_development_can_write_emails_to_a_folder(db: Any, tmp_path: Path) -> None:
    sealer = Sealer(Vault(parse_keyring(new_keyring_json(key_id="dir"))), data_map())
    settings = make_settings(tmp_path, "sqlite:///unused", mail_dir=tmp_path / "mail")
    await mail.queue(
        sealer, uuid4(), mail.Email(to="dev@example.org", subject="Hello", text="Hi"), "x@y.z"
    )

    report = await mail.deliver_due(sealer, settings)

    [written] = list((tmp_path / "mail").glob("*.eml"))
    parsed = email.message_from_bytes(written.read_bytes(), policy=email.policy.default)
    assert report.sent == 1
    assert (parsed["To"], parsed["Subject"], parsed.get_content()) == (
        "dev@example.org",
        "Hello",
        "Hi\r\n",
    )


async def test_finished_messages_are_purged_after_the_retention_period(
    db: Any, tmp_path: Path
) -> None:
    sealer = Sealer(Vault(parse_keyring(new_keyring_json(key_id="purge"))), data_map())
    ids = [
        await mail.queue(
            sealer, uuid4(), mail.Email(to="a@example.org", subject="s", text="t"), "x@y.z"
        )
        for _ in range(3)
    ]
    old = datetime.now(UTC) - timedelta(days=31)
    await OutboxMessage.update({OutboxMessage.created_at: old, OutboxMessage.status: "sent"}).where(
        OutboxMessage.id.is_in(ids[:2])
    )
    await OutboxMessage.update({OutboxMessage.created_at: old}).where(OutboxMessage.id == ids[2])

    first, second = await mail.purge_sent(), await mail.purge_sent()

    assert (first, second) == (2, 0)
    assert [row["id"] for row in await OutboxMessage.select(OutboxMessage.id)] == [ids[2]]


class _Refusing:
    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        return "550 5.1.1 No such mailbox"


async def test_a_permanent_refusal_is_not_retried(db: Any, tmp_path: Path) -> None:
    from aiosmtpd.controller import Controller

    from tests.support.smtp import _free_port

    port = _free_port()
    controller = Controller(_Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        sealer = Sealer(Vault(parse_keyring(new_keyring_json(key_id="refuse"))), data_map())
        await mail.queue(
            sealer, uuid4(), mail.Email(to="gone@example.org", subject="s", text="t"), "x@y.z"
        )
        settings = make_settings(
            tmp_path, "sqlite:///unused", smtp_host="127.0.0.1", smtp_port=port
        )
        report = await mail.deliver_due(sealer, settings)
    finally:
        controller.stop()

    rows = await OutboxMessage.select(
        OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.last_error
    )
    assert report.failed == 1
    assert rows == [{"status": "failed", "attempts": 1, "last_error": "SMTPRecipientsRefused"}]


class Crash(BaseException):
    """A worker dying between the SMTP send and recording it (not an error the code handles)."""


async def test_a_worker_killed_between_send_and_mark_delivers_each_message_once_by_id(
    sealer: Sealer,
    settings: Settings,
    smtp_server: CapturingSMTPServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At-least-once sending with a fixed Message-ID: after the crash and the lease, the message
    goes again with the same Message-ID, which mail systems treat as one message; it is then
    marked sent and never sent a third time. No message is lost."""
    for number in range(3):
        await queue(sealer, uuid4(), letter(subject=f"Panel {number}"), FROM)
    settle = mail._settle
    crashed: list[UUID] = []

    async def crash_once(row_id: UUID, status: Any, values: Any, error: str = "") -> Any:
        if not crashed:
            crashed.append(row_id)
            raise Crash
        return await settle(row_id, status, values, error)

    monkeypatch.setattr(mail, "_settle", crash_once)
    with pytest.raises(Crash):
        await deliver_due(sealer, settings, batch=3)
    monkeypatch.setattr(mail, "_settle", settle)
    after_lease = datetime.now(UTC) + mail.LEASE + timedelta(seconds=1)

    await deliver_due(sealer, settings, now=after_lease)
    await deliver_due(sealer, settings, now=after_lease + timedelta(minutes=5))

    ids = [message["Message-ID"] for message in smtp_server.messages]
    subjects = sorted({message["Subject"] for message in smtp_server.messages})
    assert subjects == ["Panel 0", "Panel 1", "Panel 2"]
    assert len(set(ids)) == 3
    assert len(ids) == 4  # the crashed one went twice, with the same Message-ID
    assert await OutboxMessage.count().where(OutboxMessage.status == "sent") == 3


# --- build_message: written directly, read the same as the email package's own composition ----

ODD_TEXT = "Line one\r\nline two\rline three\n\x0cform feed\n--===============1==\nno end"
WELSH = "\n".join(["Croeso i’r panel gwerthuso. Dewch â’ch ffrind."] * 12)
MESSAGES: dict[str, dict[str, Any]] = {
    "plain ASCII": {},
    "a long ASCII line": {"text": "word " * 40},
    "a few non-ASCII lines": {"text": "The café is on the ground floor.\nSee you there."},
    "mostly non-ASCII": {"text": "Здравствуйте! " * 30 + "\n" + "ملاحظة " * 30},
    "many non-ASCII lines": {"text": WELSH},
    "odd line endings": {"text": ODD_TEXT},
    "empty": {"text": ""},
    "html": {"html": "<p>The café is on the ground floor.</p>"},
    "calendar": {"calendar": CalendarPart(INVITE, method="REQUEST")},
    "html and a cancellation": {"html": "<p>x</p>", "calendar": CalendarPart(INVITE, "CANCEL")},
    "a named, accented recipient": {"to": "Zoë Ó Briain <zoe@example.org>"},
    "a long accented subject": {"subject": "Gwahoddiad: panel gwerthuso’r cymorth tai " * 3},
}


def _reading(raw: bytes) -> dict[str, Any]:
    """What a mail program reads: headers, each part's type, parameters, encoding, content."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts = [
        (
            part.get_content_type(),
            {
                k: v
                for k, v in part.get_params() or []
                if k not in {"boundary", part.get_content_type()}
            },
            part.get("Content-Transfer-Encoding"),
            None if part.is_multipart() else part.get_content(),
        )
        for part in message.walk()
    ]
    headers = {name: str(message[name]) for name in ("From", "To", "Subject", "MIME-Version")}
    return {"headers": headers, "parts": parts}


@pytest.mark.parametrize("shape", MESSAGES)
def test_a_written_message_reads_the_same_as_the_email_packages(shape: str) -> None:
    email_ = letter(**MESSAGES[shape])
    sender = "Tîm Cyd-gynhyrchu <team@northshire.example>" if "accented" in shape else FROM

    ours = mail.build_message(email_, sender)
    theirs = mail_message._composed(email_, sender).as_bytes()

    assert _reading(ours) == _reading(theirs)
    assert ours.decode("ascii").count("\n") == ours.count(b"\r\n")  # CRLF only
    assert max(len(line) for line in ours.split(b"\r\n")) <= 78
    message = email.message_from_bytes(ours, policy=email.policy.default)
    assert message["Message-ID"].endswith("@northshire.example>")
    assert abs(parsedate_to_datetime(message["Date"]) - datetime.now(UTC)) < timedelta(minutes=1)


def test_the_calendar_part_keeps_its_bytes_and_method() -> None:
    raw = mail.build_message(letter(calendar=CalendarPart(INVITE, method="CANCEL")), FROM)

    message = email.message_from_bytes(raw, policy=email.policy.default)
    [calendar] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert calendar.get_param("method") == "CANCEL"
    assert calendar.get_payload(decode=True) == INVITE


def test_a_line_break_in_a_header_is_refused_as_before() -> None:
    for bad in ({"subject": "Hello\r\nBcc: someone@example.org"}, {"to": "a@b.org\nBcc: c@d.org"}):
        with pytest.raises(ValueError, match="linefeed"):
            mail.build_message(letter(**bad), FROM)
        with pytest.raises(ValueError, match="linefeed"):
            mail_message._composed(letter(**bad), FROM)
