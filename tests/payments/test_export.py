"""The finance export files: the allow-list, RFC 4180, formula escaping, nothing special
category, exact amounts, the same bytes (and SHA-256) on every download, and XLSX cells equal to
the CSV's."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import openpyxl
import pytest
from openpyxl.utils.escape import unescape

from app import audit
from app.errors import Conflict
from app.sealed import Sealer
from app.tables import AuditEvent
from app.vault import Vault
from participation import schemas
from participation.services import profiles
from payments.money import decimal_pounds
from payments.services import batches, export, vouchers
from payments.tables import ExportBatch, Payee
from tests.participation.conftest import COORDINATOR, add_person
from tests.payments.hx_support import (
    FINANCE,
    POLICY_NAME,
    add_event,
    add_payee,
    approved_entry,
    approved_policy,
    locked,
)
from tests.support.canaries import canary

ALLOW_LIST = [
    "batch_reference",
    "line",
    "payee_reference",
    "account_name",
    "sort_code",
    "account_number",
    "amount",
    "fee_amount",
    "expense_amount",
    "payment_method",
    "cost_centre",
    "ledger_code",
    "policy_version",
    "voucher_serials",
    "entry_id",
    "event_date",
]


def parsed(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))


def xlsx_rows(body: bytes) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    assert sheet is not None
    return [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]


def _cell(value: Any) -> Any:
    """As a spreadsheet shows it: OOXML writes a carriage return as ``_x000D_``, which
    openpyxl leaves as it is in inline strings."""
    return "" if value is None else unescape(value) if isinstance(value, str) else value


async def two_people_batch(sealer: Sealer) -> tuple[UUID, dict[str, Any]]:
    """A fee (with an event on a summer evening) and an expense for Jo, a fee for Ash."""
    policy = await approved_policy()
    jo, ash = uuid4(), uuid4()
    refs = {
        "jo": await add_payee(sealer, jo, sort_code="20-00-00", account_number="55779911"),
        "ash": await add_payee(sealer, ash, name="Ash Patel", account_number="12345678"),
    }
    event = await add_event(datetime(2026, 6, 30, 23, 30, tzinfo=UTC))  # 1 July in London
    fee = await approved_entry(jo, 2505, policy=policy, event=event)
    expense = await approved_entry(jo, 340, kind="expense", policy=policy)
    other = await approved_entry(ash, 100_000, policy=policy, method="cheque")
    batch = await locked([other, fee, expense])
    return batch, {"refs": refs, "fee": fee, "expense": expense, "other": other}


async def test_the_file_has_exactly_the_allowed_columns_in_member_order(
    db: None, sealer: Sealer
) -> None:
    batch, made = await two_people_batch(sealer)

    body = await export.csv_bytes(batch, sealer=sealer, actor=FINANCE)
    rows = parsed(body)

    reference = (await batches.view(batch)).reference
    assert rows[0] == ALLOW_LIST
    assert [row[14] for row in rows[1:]] == [str(m) for m in await batches.members(batch)]
    by_entry = {row[14]: dict(zip(ALLOW_LIST, row, strict=True)) for row in rows[1:]}
    assert by_entry[str(made["fee"])] | {"line": "?"} == {
        "batch_reference": reference,
        "line": "?",
        "payee_reference": made["refs"]["jo"],
        "account_name": "Ms J Okafor",
        "sort_code": "20-00-00",
        "account_number": "55779911",
        "amount": "25.05",
        "fee_amount": "25.05",
        "expense_amount": "0.00",
        "payment_method": "bank_transfer",
        "cost_centre": "CC-4410",
        "ledger_code": "5120",
        "policy_version": f"{POLICY_NAME} v3",
        "voucher_serials": "",
        "entry_id": str(made["fee"]),
        "event_date": "2026-07-01",
    }
    expense = by_entry[str(made["expense"])]
    assert (expense["amount"], expense["fee_amount"], expense["expense_amount"]) == (
        "3.40",
        "0.00",
        "3.40",
    )
    assert (expense["ledger_code"], expense["event_date"]) == ("5135", "")
    assert by_entry[str(made["other"])]["amount"] == "1000.00"
    assert [row[1] for row in rows[1:]] == ["1", "2", "3"]
    assert body.count(b"\r\n") == 4
    assert b"\n" not in body.replace(b"\r\n", b"")


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
async def test_cells_a_spreadsheet_could_run_are_escaped(
    db: None, sealer: Sealer, prefix: str
) -> None:
    subject = uuid4()
    name = f'{prefix}HYPERLINK("http://x.example","click"), Smith'
    await add_payee(sealer, subject, name=name)
    batch = await locked([await approved_entry(subject, 1500)])

    body = await export.csv_bytes(batch, sealer=sealer, actor=FINANCE)
    xlsx = xlsx_rows(await export.xlsx_bytes(batch, sealer=sealer, actor=FINANCE))

    assert parsed(body)[1][3] == "'" + name
    assert xlsx[1][3] == "'" + name


async def test_no_special_category_data_reaches_either_file(db: None, sealer: Sealer) -> None:
    subject = await add_person(sealer, "Rowan Canary")
    planted = [canary("lived"), canary("words"), canary("access"), canary("diet"), canary("note")]
    await profiles.update(
        sealer,
        subject,
        schemas.LivedExperience(lived_experience_words=f"{planted[0]} {planted[1]}"),
        COORDINATOR,
    )
    await profiles.update(
        sealer, subject, schemas.AccessNeeds(other=planted[2], dietary=planted[3]), COORDINATOR
    )
    await add_payee(sealer, subject, name="R Canary")
    batch = await locked([await approved_entry(subject, 2000, description=planted[4])])

    body = await export.csv_bytes(batch, sealer=sealer, actor=FINANCE)
    workbook = await export.xlsx_bytes(batch, sealer=sealer, actor=FINANCE)

    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        unzipped = b"".join(archive.read(name) for name in archive.namelist())
    assert parsed(body)[1][3] == "R Canary"  # the payee is there...
    assert b"R Canary" in unzipped
    for value in planted:  # ...and nothing from the profile or the entry's description
        assert value.encode() not in body
        assert value.encode() not in unzipped


async def test_every_download_is_the_same_bytes_with_the_stored_sha256(
    db: None, sealer: Sealer
) -> None:
    batch, _ = await two_people_batch(sealer)

    first = await export.csv_bytes(batch, sealer=sealer, actor=FINANCE)
    stored = await ExportBatch.select(ExportBatch.sha256).where(ExportBatch.id == batch).first()
    download = await export.download_csv(batch, sealer=sealer, actor=FINANCE)
    second = b"".join(download.chunks())
    fresh = Sealer(Vault(sealer.vault.keyring), sealer.datamap)  # no key cached yet
    streamed = b"".join([c async for c in export.stream_csv(batch, sealer=fresh, actor=FINANCE)])

    assert stored is not None
    assert stored["sha256"] == hashlib.sha256(first).hexdigest() == download.sha256
    assert second == first == streamed
    assert download.filename == f"payments-{(await batches.view(batch)).reference}.csv"
    xlsx = await export.xlsx_bytes(batch, sealer=sealer, actor=FINANCE)
    assert await export.xlsx_bytes(batch, sealer=sealer, actor=FINANCE) == xlsx


async def test_a_file_that_changed_since_the_first_download_is_refused(
    db: None, sealer: Sealer
) -> None:
    subject = uuid4()
    await add_payee(sealer, subject)
    batch = await locked([await approved_entry(subject, 1500)])
    await export.csv_bytes(batch, sealer=sealer, actor=FINANCE)
    payee = await Payee.select(Payee.id).where(Payee.subject == subject).first()
    assert payee is not None
    changed: dict[Any, Any] = await sealer.seal_fields(
        Payee, payee["id"], subject, {"account_number": "99990000"}
    )
    await Payee.update(changed).where(Payee.id == payee["id"])

    with pytest.raises(Conflict, match="not the same as when it was first downloaded"):
        await export.csv_bytes(batch, sealer=sealer, actor=FINANCE)
    with pytest.raises(Conflict, match="not the same as when it was first downloaded"):
        await export.download_xlsx(batch, sealer=sealer, actor=FINANCE)


@pytest.mark.parametrize(
    ("pence", "pounds"),
    [(1, "0.01"), (99, "0.99"), (100, "1.00"), (2505, "25.05"), (10_000_000, "100000.00")],
)
async def test_amounts_are_exact_pounds_from_pence(
    db: None, sealer: Sealer, pence: int, pounds: str
) -> None:
    subject = uuid4()
    await add_payee(sealer, subject)
    batch = await locked([await approved_entry(subject, pence)])

    row = parsed(await export.csv_bytes(batch, sealer=sealer, actor=FINANCE))[1]
    cells = xlsx_rows(await export.xlsx_bytes(batch, sealer=sealer, actor=FINANCE))[1]

    assert (row[6], row[7], row[8]) == (pounds, pounds, "0.00")
    assert round(cells[6] * 100) == pence
    assert decimal_pounds(-pence) == "-" + pounds


async def test_the_workbook_holds_the_same_cells_as_the_csv(db: None, sealer: Sealer) -> None:
    batch, _ = await two_people_batch(sealer)

    csv_rows = parsed(await export.csv_bytes(batch, sealer=sealer, actor=FINANCE))
    cells = xlsx_rows(await export.xlsx_bytes(batch, sealer=sealer, actor=FINANCE))

    assert cells[0] == csv_rows[0]
    money = {ALLOW_LIST.index(c) for c in ("amount", "fee_amount", "expense_amount")}
    for sheet_row, csv_row in zip(cells[1:], csv_rows[1:], strict=True):
        as_text = [
            decimal_pounds(round(cell * 100)) if i in money else str(cell)
            for i, cell in enumerate(sheet_row)
        ]
        assert as_text == csv_row
    assert len(cells) == len(csv_rows) == 4


async def test_the_file_streams_in_chunks_that_join_to_the_whole(
    db: None, sealer: Sealer, monkeypatch: pytest.MonkeyPatch
) -> None:
    subject = uuid4()
    await add_payee(sealer, subject)
    entries = [await approved_entry(subject, 100 + n) for n in range(5)]
    batch = await locked(entries)
    monkeypatch.setattr(export, "ROWS_PER_QUERY", 2)

    chunks = [c async for c in export.stream_csv(batch, sealer=sealer, actor=FINANCE)]

    assert len(chunks) == 3
    assert b"".join(chunks) == await export.csv_bytes(batch, sealer=sealer, actor=FINANCE)
    assert len(parsed(b"".join(chunks))) == 6


async def test_each_download_is_audited_once_naming_the_batch_and_how_many_people(
    db: None, sealer: Sealer
) -> None:
    batch, _ = await two_people_batch(sealer)
    reference = (await batches.view(batch)).reference
    someone = audit.Actor(id=str(uuid4()), role="finance")  # the audit log is never emptied

    await export.csv_bytes(batch, sealer=sealer, actor=someone)
    await export.xlsx_bytes(batch, sealer=sealer, actor=someone)

    events = await AuditEvent.select().where(AuditEvent.actor == someone.id)
    assert [(e["action"], e["field_group"], e["purpose"]) for e in events] == [
        ("export", "payee", f"finance file of batch {reference}: 2 people")
    ] * 2


async def test_pages_see_bank_details_masked(db: None, sealer: Sealer) -> None:
    subject, nobody = uuid4(), uuid4()
    reference = await add_payee(sealer, subject, sort_code="20-45-77", account_number="55779911")

    someone = audit.Actor(id=str(uuid4()), role="finance")

    shown = await export.masked_payees(sealer, [subject, nobody], someone)

    assert shown == {subject: export.MaskedPayee(reference, "****9911", "**-**-77")}
    views = await AuditEvent.select().where(AuditEvent.actor == someone.id)
    assert [(v["action"], v["subject"]) for v in views] == [("view", subject)]


async def test_a_voided_batch_has_no_file(db: None, sealer: Sealer) -> None:
    subject = uuid4()
    await add_payee(sealer, subject)
    batch = await locked([await approved_entry(subject, 1500)])
    await batches.void(batch, "Wrong amounts", FINANCE)

    with pytest.raises(Conflict, match="voided"):
        await export.csv_bytes(batch, sealer=sealer, actor=FINANCE)


async def test_a_voucher_entry_carries_its_serial_the_same_on_every_download(
    db: None, sealer: Sealer
) -> None:
    person = uuid4()
    await add_payee(sealer, person)
    entry = await approved_entry(person, 2500, kind="voucher", method="e_voucher")
    new = vouchers.NewVoucher(entry, "Love2shop", "L2S-0001-7788", datetime(2027, 6, 1).date())
    await vouchers.issue(sealer, new, FINANCE, datetime(2026, 11, 23).date())
    batch = await locked([entry])

    first = await export.csv_bytes(batch, sealer=sealer, actor=FINANCE)
    fresh = Sealer(Vault(sealer.vault.keyring), sealer.datamap)  # no key cached yet

    assert parsed(first)[1][13] == "L2S-0001-7788"
    assert await export.csv_bytes(batch, sealer=fresh, actor=FINANCE) == first


async def test_a_batch_read_in_pages_keeps_member_order_and_each_payees_details(
    db: None, sealer: Sealer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages of two rows (a thousand in use) and room for one payee's details at a time: every
    member once, in members order, numbered on across pages, each line with its own payee's
    bank details."""
    monkeypatch.setattr(export, "ROWS_PER_QUERY", 2)
    monkeypatch.setattr(export, "PAYEES_CACHED", 1)
    policy = await approved_policy()
    jo, ash = uuid4(), uuid4()
    await add_payee(sealer, jo, account_number="55779911")
    await add_payee(sealer, ash, name="Ash Patel", account_number="12345678")
    people = [jo, ash, jo, jo, ash]
    entries = [await approved_entry(p, 1000 + n, policy=policy) for n, p in enumerate(people)]
    batch = await locked(entries)

    rows = parsed(await export.csv_bytes(batch, sealer=sealer, actor=FINANCE))

    assert [row[14] for row in rows[1:]] == [str(m) for m in await batches.members(batch)]
    assert [row[1] for row in rows[1:]] == ["1", "2", "3", "4", "5"]
    account = {row[14]: (row[3], row[5]) for row in rows[1:]}
    jo_bank, ash_bank = ("Ms J Okafor", "55779911"), ("Ash Patel", "12345678")
    assert [account[str(e)] for e in entries] == [jo_bank, ash_bank, jo_bank, jo_bank, ash_bank]
