"""The files finance takes into the council's finance system: one locked batch as CSV or XLSX.

Why it is built this way:

- **An explicit allow-list** (``COLUMNS``): what a finance system needs to pay someone and post
  the cost, nothing more. Nothing about lived experience, benefits or access needs can reach a
  file, because no query here reads those tables. Bank details appear in full only in these
  files; pages show them masked (``masked_payees``).
- **RFC 4180 CSV**: comma-separated, CRLF line ends, fields quoted only when they must be,
  UTF-8 without a byte-order mark (a mark breaks exact header matching in importers; people
  who open files in a spreadsheet get the XLSX). Text cells starting ``= + - @``, tab or
  carriage return get a leading apostrophe (OWASP CSV injection). Amounts are numbers we
  format from integer pence ourselves, so a negative amount stays ``-25.00``.
- **The same bytes on every download**: rows in ``batches.members`` order, no clock read, the
  workbook's creation date is the batch's lock time. The first download stores the CSV's
  SHA-256 on the batch; every later CSV or XLSX download is checked against it, and a
  mismatch (say, bank details changed after locking) is refused, never served.
- **Streamed**: entries are read a thousand at a time with their payees' sealed details; the
  finance data key is read once per query (primed, as ``Sealer.prime_from`` does) and only
  the three bank fields are decrypted. A download spools to a temporary file (on disk past a
  few megabytes) so the hash can be checked before the first byte is sent.
- **XLSX via XlsxWriter**: its zip members carry a fixed 1980 timestamp and its document
  dates can be set, so the bytes are deterministic (openpyxl stamps the save time into the
  file and the zip). Constant-memory mode writes rows through a temporary file.
- **One audit event per download**: who, which batch and how many people's details were
  decrypted.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any, Final
from uuid import UUID
from zoneinfo import ZoneInfo

import xlsxwriter

from app import audit
from app.errors import Conflict, NotFound
from app.sealed import KEY_COLUMNS, Sealer, key_join
from app.vault import FINANCE_OWNER
from events.services import scheduling
from participation.services.reach import escape_cell
from payments.money import decimal_pounds
from payments.services import batches, ledger
from payments.tables import ExportBatch, LedgerEntry, Payee, PolicyVersion

COLUMNS: Final = (
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
)
"""The allow-list, in file order. Changing it changes every batch's bytes: void and re-lock."""

MONEY: Final = frozenset({"amount", "fee_amount", "expense_amount"})
BANK_FIELDS: Final = ("account_name", "sort_code", "account_number")
ROWS_PER_QUERY: Final = 1000
SPOOL_IN_MEMORY: Final = 8 * 1024 * 1024
CHUNK: Final = 64 * 1024
LONDON: Final = ZoneInfo("Europe/London")
CSV_TYPE: Final = "text/csv; charset=utf-8"
XLSX_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHANGED = (
    "This batch's file is not the same as when it was first downloaded, so it has not been "
    "sent. Payment details may have changed since it was locked. Void the batch and lock a "
    "new one."
)


@dataclass(frozen=True)
class Download:
    """A checked file ready to send: read it in chunks with ``chunks``, then it is closed."""

    file: IO[bytes]
    sha256: str
    filename: str
    media_type: str

    def chunks(self) -> Iterator[bytes]:
        try:
            while block := self.file.read(CHUNK):
                yield block
        finally:
            self.file.close()


@dataclass(frozen=True)
class MaskedPayee:
    """What pages show of how a person is paid: never the full bank details."""

    reference: str
    account: str
    sort_code: str


@dataclass(frozen=True)
class _Batch:
    id: UUID
    reference: str
    sha256: str
    locked_at: datetime


async def stream_csv(batch: UUID, *, sealer: Sealer, actor: audit.Actor) -> AsyncIterator[bytes]:
    """The batch's CSV, a header then about a thousand rows per chunk (not yet checked against
    the stored hash: ``download_csv`` and ``csv_bytes`` do that)."""
    found = await _batch(batch)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    async for lines in _lines(found, sealer, actor):
        for line in lines:
            writer.writerow(_csv_cells(line))
        yield out.getvalue().encode()
        out.seek(0)
        out.truncate()
    if out.tell():
        yield out.getvalue().encode()


async def csv_bytes(batch: UUID, *, sealer: Sealer, actor: audit.Actor) -> bytes:
    """The whole CSV in memory, checked against (or first stored as) the batch's SHA-256."""
    body = b"".join([chunk async for chunk in stream_csv(batch, sealer=sealer, actor=actor)])
    await _check(batch, hashlib.sha256(body).hexdigest())
    return body


async def xlsx_bytes(batch: UUID, *, sealer: Sealer, actor: audit.Actor) -> bytes:
    """The same rows as a workbook; the CSV of the same rows must hash to the stored SHA-256."""
    with tempfile.TemporaryFile() as spool:
        await _write_xlsx(batch, spool, sealer, actor)
        spool.seek(0)
        return spool.read()


async def download_csv(batch: UUID, *, sealer: Sealer, actor: audit.Actor) -> Download:
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 - Download closes it
    try:
        digest = hashlib.sha256()
        async for chunk in stream_csv(batch, sealer=sealer, actor=actor):
            digest.update(chunk)
            spool.write(chunk)
        await _check(batch, digest.hexdigest())
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return Download(spool, digest.hexdigest(), await _filename(batch, "csv"), CSV_TYPE)


async def download_xlsx(batch: UUID, *, sealer: Sealer, actor: audit.Actor) -> Download:
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - Download closes it
    try:
        await _write_xlsx(batch, spool, sealer, actor)
        spool.seek(0)
        digest = hashlib.sha256()
        while block := spool.read(CHUNK):
            digest.update(block)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return Download(spool, digest.hexdigest(), await _filename(batch, "xlsx"), XLSX_TYPE)


async def masked_payees(
    sealer: Sealer, subjects: list[UUID], actor: audit.Actor
) -> dict[UUID, MaskedPayee]:
    """Each person's payee reference and masked bank details ("****5678"), one audit event
    per person shown. People with no bank details on file are left out."""
    shown: dict[UUID, MaskedPayee] = {}
    wanted = sorted(set(subjects), key=str)
    for start in range(0, len(wanted), ROWS_PER_QUERY):
        for row in await _payee_rows(sealer, wanted[start : start + ROWS_PER_QUERY]):
            opened = await sealer.open(Payee, row, ("sort_code", "account_number"))
            sort_code, number = (_plain(opened[c]) for c in ("sort_code", "account_number"))
            shown[_uuid(row["subject"])] = MaskedPayee(
                reference=row["reference"],
                account=f"****{number[-4:]}" if number else "",
                sort_code=f"**-**-{sort_code[-2:]}" if sort_code else "",
            )
    await audit.record_views(actor, list(shown), field_group="payee", purpose="check a payment")
    return shown


async def batch_entries(batch: UUID, limit: int) -> tuple[list[ledger.EntryView], int]:
    """The first ``limit`` members of a batch as the ledger shows them, and how many it has."""
    members = await batches.members(batch)
    shown = members[:limit]
    rows = await LedgerEntry.select().where(LedgerEntry.id.is_in(shown)) if shown else []
    order = {entry: n for n, entry in enumerate(shown)}
    rows.sort(key=lambda row: order[_uuid(row["id"])])
    return await ledger.views(rows), len(members)


# --- Reading the rows -------------------------------------------------------------------------


async def _batch(batch: UUID) -> _Batch:
    row = (
        await ExportBatch.select(
            ExportBatch.reference, ExportBatch.status, ExportBatch.sha256, ExportBatch.locked_at
        )
        .where(ExportBatch.id == batch)
        .first()
    )
    if row is None:
        raise NotFound("There is no such batch.")
    if row["status"] == "voided":
        raise Conflict("This batch was voided, so there is no file to pay from.")
    return _Batch(batch, row["reference"], row["sha256"], row["locked_at"])


async def _lines(
    found: _Batch, sealer: Sealer, actor: audit.Actor
) -> AsyncIterator[list[dict[str, Any]]]:
    """Every member as a dict of ``COLUMNS``, ``ROWS_PER_QUERY`` at a time, in members order."""
    members = await batches.members(found.id)
    await _audit_download(found, actor)
    policies: dict[Any, dict[str, Any]] = {}
    events: dict[Any, str] = {}
    for start in range(0, len(members), ROWS_PER_QUERY):
        ids = members[start : start + ROWS_PER_QUERY]
        rows = {_uuid(r["id"]): r for r in await _entry_rows(sealer, ids)}
        lines = []
        for number, entry in enumerate(ids, start=start + 1):
            row = rows[entry]
            bank = await _bank_details(sealer, row)
            policy = await _policy(policies, row["policy"])
            event_date = await _event_date(events, row["event"])
            lines.append(_line(found, number, row, bank=bank, policy=policy, event_date=event_date))
        yield lines


async def _entry_rows(sealer: Sealer, ids: list[UUID]) -> list[dict[str, Any]]:
    """The entries, their payee's sealed bank details and the finance data key, one query."""
    marks = ",".join("{}" for _ in ids)
    rows: list[dict[str, Any]] = await LedgerEntry.raw(
        "SELECT e.id, e.kind, e.amount_pence, e.method, e.policy, e.event, "  # noqa: S608 - our names
        "p.id AS payee_id, p.reference, p.account_name, p.sort_code, p.account_number, "
        f"k.owner AS key_owner, {KEY_COLUMNS} FROM ledger_entry e "
        f"LEFT JOIN payee p ON p.subject = e.subject {key_join('{}')} "
        f"WHERE e.id IN ({marks})",
        FINANCE_OWNER,
        *ids,
    )
    return sealer.prime_from(rows, "key_owner")


async def _payee_rows(sealer: Sealer, subjects: list[UUID]) -> list[dict[str, Any]]:
    marks = ",".join("{}" for _ in subjects)
    rows: list[dict[str, Any]] = await Payee.raw(
        "SELECT p.id, p.subject, p.reference, p.sort_code, p.account_number, "  # noqa: S608
        f"k.owner AS key_owner, {KEY_COLUMNS} FROM payee p {key_join('{}')} "
        f"WHERE p.subject IN ({marks})",
        FINANCE_OWNER,
        *subjects,
    )
    return sealer.prime_from(rows, "key_owner")


async def _bank_details(sealer: Sealer, row: dict[str, Any]) -> dict[str, str]:
    if row["payee_id"] is None:
        return dict.fromkeys(BANK_FIELDS, "")
    opened = await sealer.open(Payee, {**row, "id": row["payee_id"]}, BANK_FIELDS)
    return {column: _plain(opened[column]) for column in BANK_FIELDS}


async def _policy(cache: dict[Any, dict[str, Any]], policy: Any) -> dict[str, Any]:
    """A policy version's name and codes, read once per export."""
    if policy not in cache:
        row = None
        if policy is not None:
            row = (
                await PolicyVersion.select(
                    PolicyVersion.name,
                    PolicyVersion.version,
                    PolicyVersion.cost_centre,
                    PolicyVersion.fee_ledger_code,
                    PolicyVersion.expense_ledger_code,
                )
                .where(PolicyVersion.id == _uuid(policy))
                .first()
            )
        cache[policy] = dict(row) if row else {}
    return cache[policy]


async def _event_date(cache: dict[Any, str], event: Any) -> str:
    """The day of the entry's event in Europe/London, read once per event; "" without one."""
    if event not in cache:
        cache[event] = ""
        if event is not None:
            try:
                row, _ = await scheduling.get(_uuid(event))
            except NotFound:
                pass
            else:
                cache[event] = row["starts_at"].astimezone(LONDON).date().isoformat()
    return cache[event]


def _line(
    found: _Batch,
    number: int,
    row: dict[str, Any],
    *,
    bank: dict[str, str],
    policy: dict[str, Any],
    event_date: str,
) -> dict[str, Any]:
    """One member's cells: text as stored (escaped later, per format), money as pence."""
    amount: int = row["amount_pence"]
    expense = row["kind"] == "expense"
    return {
        "batch_reference": found.reference,
        "line": number,
        "payee_reference": row["reference"] or "",
        **bank,
        "amount": amount,
        "fee_amount": 0 if expense else amount,
        "expense_amount": amount if expense else 0,
        "payment_method": row["method"],
        "cost_centre": policy.get("cost_centre", ""),
        "ledger_code": policy.get("expense_ledger_code" if expense else "fee_ledger_code", ""),
        "policy_version": f"{policy['name']} v{policy['version']}" if policy else "",
        "voucher_serials": "",
        "entry_id": str(_uuid(row["id"])),
        "event_date": event_date,
    }


def _csv_cells(line: dict[str, Any]) -> list[str]:
    return [
        decimal_pounds(line[c])
        if c in MONEY
        else str(line[c])
        if c == "line"
        else escape_cell(line[c])
        for c in COLUMNS
    ]


# --- XLSX -------------------------------------------------------------------------------------


async def _write_xlsx(batch: UUID, target: IO[bytes], sealer: Sealer, actor: audit.Actor) -> None:
    """Rows as cells (money as numbers shown with two decimals, text as text, never as a
    formula), while the CSV of the same rows is hashed and checked against the batch."""
    found = await _batch(batch)
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    locked = found.locked_at.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    workbook.set_properties({"title": f"Payments batch {found.reference}", "created": locked})
    try:
        await _fill_sheet(workbook, found, sealer, actor)
    finally:
        workbook.close()


async def _fill_sheet(workbook: Any, found: _Batch, sealer: Sealer, actor: audit.Actor) -> None:
    sheet = workbook.add_worksheet("Payments")
    money = workbook.add_format({"num_format": "0.00"})
    sheet.write_row(0, 0, COLUMNS)
    digest, out = hashlib.sha256(), io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    async for lines in _lines(found, sealer, actor):
        for line in lines:
            cells = _csv_cells(line)
            writer.writerow(cells)
            _xlsx_row(sheet, money, line, cells)
        digest.update(out.getvalue().encode())
        out.seek(0)
        out.truncate()
    digest.update(out.getvalue().encode())
    await _check(found.id, digest.hexdigest())


def _xlsx_row(sheet: Any, money: Any, line: dict[str, Any], cells: list[str]) -> None:
    row = line["line"]
    for column, (name, text) in enumerate(zip(COLUMNS, cells, strict=True)):
        if name in MONEY:
            sheet.write_number(row, column, line[name] / 100, money)
        elif name == "line":
            sheet.write_number(row, column, row)
        else:
            sheet.write_string(row, column, text)


# --- Checks and records -----------------------------------------------------------------------


async def _check(batch: UUID, sha256: str) -> None:
    """Store the first download's hash; refuse any later file that hashes differently."""
    await ExportBatch.update({ExportBatch.sha256: sha256}).where(
        (ExportBatch.id == batch) & (ExportBatch.sha256 == "")
    )
    row = await ExportBatch.select(ExportBatch.sha256).where(ExportBatch.id == batch).first()
    if row is None or row["sha256"] != sha256:
        raise Conflict(CHANGED)


async def _audit_download(found: _Batch, actor: audit.Actor) -> None:
    """One event before anything is decrypted: who, which batch, how many people."""
    rows = await LedgerEntry.raw(
        "SELECT COUNT(DISTINCT e.subject) AS people FROM entry_state s "
        "JOIN ledger_entry e ON e.id = s.entry WHERE s.batch = {} AND s.state = 'batched'",
        found.id,
    )
    people = int(rows[0]["people"])
    await audit.record(
        actor,
        audit.Action.export,
        field_group="payee",
        purpose=f"finance file of batch {found.reference}: "
        + (f"{people} people" if people != 1 else "1 person"),
    )


async def _filename(batch: UUID, extension: str) -> str:
    return f"payments-{(await _batch(batch)).reference}.{extension}"


def _plain(value: Any) -> str:
    return "" if value is None else str(value.reveal())


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))
