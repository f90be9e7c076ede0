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
- **Streamed**: entries are read a thousand at a time with their payees' sealed details, in
  keyset pages that follow the members order (no list of the batch's ids, no ``IN`` lists);
  the finance data key is read once per download (primed, as ``Sealer.prime_from`` does) and
  only the three bank fields are decrypted, once per payee per download (people get many
  payments; the cache belongs to the download and is gone with it). A download spools to a
  temporary file (on disk past a few megabytes) so the hash can be checked before the first
  byte is sent.
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
from payments.tables import ExportBatch, LedgerEntry, Payee, PolicyVersion, Voucher

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
PAYEES_CACHED: Final = 50_000
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
    """Every member as a dict of ``COLUMNS``, ``ROWS_PER_QUERY`` at a time, in members order.

    Pages follow the members order by keyset (after the last entry of the page before), so a
    batch of any size is read in bounded memory without a list of its ids. Bank details are
    decrypted once per payee (people get many payments) into a cache that lives only as long
    as this download. The row count is checked against the batch's, so a file can never be
    short or doubled."""
    expected = await _audit_download(found, actor)
    await _prime_finance_key(sealer)
    policies: dict[Any, dict[str, Any]] = {}
    events: dict[Any, str] = {}
    payees: dict[str, dict[str, str]] = {}
    number, after = 0, None
    while number < expected and (rows := await _entry_page(found.id, after)):
        lines = []
        for row in rows:  # cache hits are checked here: no coroutine per row and lookup
            number += 1
            bank = payees.get(row["payee_id"]) or await _bank_details(sealer, payees, row)
            policy_id, event = row["policy"], row["event"]
            policy = (
                policies[policy_id] if policy_id in policies else await _policy(policies, policy_id)
            )
            event_date = events[event] if event in events else await _event_date(events, event)
            line = _line(found, number, row, bank=bank, policy=policy, event_date=event_date)
            line["voucher_serials"] = (
                "" if row["voucher_id"] is None else await _serial(sealer, row)
            )
            lines.append(line)
        after = rows[-1]["id"]
        yield lines
    if number != expected:
        raise Conflict(CHANGED)


async def _entry_page(batch: UUID, after: str | None) -> list[dict[str, Any]]:
    """Up to ``ROWS_PER_QUERY`` members after entry ``after`` (ids as text), with their payee's
    sealed bank details, in members order (oldest first, then id). One query; the scan walks
    the ledger's ``created_at`` index and looks each entry's state up by entry, so each page
    costs its own rows, not the batch's (``COALESCE`` keeps SQLite from using the batch index,
    which it would otherwise probe for every ledger row). The first page starts at the batch's
    oldest entry, so older ledger rows are not walked."""
    keyset = (
        "AND (e.created_at, e.id) > (SELECT l.created_at, l.id FROM ledger_entry l "
        "WHERE l.id = {}) "
        if after is not None
        else "AND e.created_at >= (SELECT MIN(f.created_at) FROM entry_state t "
        "JOIN ledger_entry f ON f.id = t.entry WHERE t.batch = {} AND t.state = 'batched') "
    )
    rows: list[dict[str, Any]] = await LedgerEntry.raw(
        "SELECT CAST(e.id AS TEXT) AS id, e.kind, e.amount_pence, e.method, "  # noqa: S608 - our names
        "CAST(e.policy AS TEXT) AS policy, CAST(e.event AS TEXT) AS event, "
        "CAST(p.id AS TEXT) AS payee_id, p.reference, p.account_name, p.sort_code, "
        "p.account_number, v.id AS voucher_id, v.serial AS voucher_serial "
        "FROM ledger_entry e CROSS JOIN entry_state s "
        "LEFT JOIN payee p ON p.subject = e.subject LEFT JOIN voucher v ON v.entry = e.id "
        "WHERE s.entry = e.id AND COALESCE(s.batch, e.id) = {} AND s.state = 'batched' "
        f"{keyset}ORDER BY e.created_at, e.id LIMIT {ROWS_PER_QUERY}",
        batch,
        batch if after is None else UUID(after),
    )
    return rows


async def _prime_finance_key(sealer: Sealer) -> None:
    """Read the finance data key once for the whole file (the rows need no key columns)."""
    rows = await LedgerEntry.raw(
        f"SELECT k.owner AS key_owner, {KEY_COLUMNS} FROM data_key k WHERE k.owner = {{}}",  # noqa: S608
        FINANCE_OWNER,
    )
    sealer.prime_from(rows, "key_owner")


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


async def _bank_details(
    sealer: Sealer, cache: dict[str, dict[str, str]], row: dict[str, Any]
) -> dict[str, str]:
    """The payee's bank details, decrypted once per payee per download (``cache`` belongs to
    one download; past ``PAYEES_CACHED`` people the longest held is dropped, so a batch of many
    people stays in bounded memory)."""
    payee = row["payee_id"]
    if payee is None:
        return dict.fromkeys(BANK_FIELDS, "")
    if payee not in cache:
        if len(cache) >= PAYEES_CACHED:
            del cache[next(iter(cache))]
        opened = await sealer.open(Payee, {**row, "id": payee}, BANK_FIELDS)
        cache[payee] = {column: _plain(opened[column]) for column in BANK_FIELDS}
    return cache[payee]


async def _serial(sealer: Sealer, row: dict[str, Any]) -> str:
    """The serial of the voucher issued for a voucher entry (sealed under the finance key, like
    bank details); "" for other entries. Vouchers are issued before batching, so it is fixed."""
    if row["voucher_id"] is None:
        return ""
    voucher = {"id": row["voucher_id"], "serial": row["voucher_serial"]}
    return _plain((await sealer.open(Voucher, voucher, ("serial",)))["serial"])


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
        "entry_id": str(row["id"]),
        "event_date": event_date,
    }


_FORMATS: Final = tuple(
    (c, decimal_pounds if c in MONEY else str if c == "line" else escape_cell) for c in COLUMNS
)
"""Each column with how its CSV cell is written: money from pence, the line number, or text
escaped against formulas."""


def _csv_cells(line: dict[str, Any]) -> list[str]:
    return [format_cell(line[c]) for c, format_cell in _FORMATS]


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


async def _audit_download(found: _Batch, actor: audit.Actor) -> int:
    """One event before anything is decrypted: who, which batch, how many people. Returns how
    many entries the batch has (the file must have exactly that many lines)."""
    rows = await LedgerEntry.raw(
        "SELECT COUNT(DISTINCT e.subject) AS people, COUNT(*) AS entries FROM entry_state s "
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
    return int(rows[0]["entries"])


async def _filename(batch: UUID, extension: str) -> str:
    return f"payments-{(await _batch(batch)).reference}.{extension}"


def _plain(value: Any) -> str:
    return "" if value is None else str(value.reveal())


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))
