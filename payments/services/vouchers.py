"""Vouchers given as payment: finance issues one for an approved ledger entry of kind
"voucher", records when it was handed over, and lists them with the serial masked.

Why it is built this way:

- **One voucher per entry** (``Voucher.entry`` is unique, checked first and caught again if two
  people press at once). Its value is the entry's amount, never typed again.
- **Issued while the entry is approved, before it is batched**, so a batch's export file (whose
  ``voucher_serials`` column shows the serial) is the same bytes on every download.
- **The serial is sealed under the finance key**: a serial is worth money to whoever reads it.
  Lists show only its last four characters (an audited view per person shown); the full serial
  is shown only on the "show serial" action, one audit event each time.
- **Providers from a short list** (``PROVIDERS``): the policy does not keep one yet, so this
  constant is the list finance chooses from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from app import audit
from app.db import is_duplicate, transaction
from app.errors import Conflict, DomainError, FieldError, Forbidden, NotFound
from app.sealed import KEY_COLUMNS, Sealer, key_join
from app.vault import FINANCE_OWNER
from payments.money import pounds
from payments.services import ledger
from payments.tables import LedgerEntry, Voucher

PROVIDERS: Final = ("Love2shop", "One4all", "Tesco", "Sainsbury's", "Argos")
"""The voucher providers finance may issue (a policy setting would replace this list)."""
ISSUERS: Final = frozenset({"finance", "admin"})
SERIAL: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{3,63}$")
LONDON: Final = ZoneInfo("Europe/London")
LONGEST_VALID: Final = 5 * 366
"""A voucher expiring more than about five years ahead is a typing slip."""


@dataclass(frozen=True)
class NewVoucher:
    """What finance types when issuing: the entry it pays, provider, serial and expiry."""

    entry: UUID
    provider: str
    serial: str
    expires_on: date | None


@dataclass(frozen=True)
class VoucherView:
    """A voucher as lists show it: the serial masked to its last four characters."""

    id: UUID
    entry: UUID
    subject: UUID
    payee_reference: str
    provider: str
    masked_serial: str
    value: str
    value_pence: int
    expires_on: date | None
    issued_at: datetime
    handed_over_at: datetime | None


async def issue(sealer: Sealer, new: NewVoucher, actor: audit.Actor, today: date) -> UUID:
    """Issue a voucher for an approved voucher entry (one transaction; nothing written when
    anything is wrong). ``today`` is the London day, for checking the expiry."""
    _must_be_finance(actor)
    serial = _checked(new, today)
    voucher = uuid4()
    async with transaction():
        await ledger.hold_entry(new.entry)
        entry = await _voucher_entry(new.entry)
        if await Voucher.exists().where(Voucher.entry == new.entry):
            raise Conflict("A voucher has already been issued for this payment.")
        sealed = await sealer.seal(Voucher, voucher, entry["subject"], {"serial": serial})
        row = Voucher(
            id=voucher,
            entry=new.entry,
            subject=entry["subject"],
            provider=new.provider,
            value_pence=entry["amount_pence"],
            expires_on=new.expires_on,
            issued_by=ledger.actor_uuid(actor),
            issued_at=datetime.now(UTC),
            **sealed,
        )
        try:
            await Voucher.insert(row)
        except Exception as error:
            if is_duplicate(error):
                raise Conflict("A voucher has already been issued for this payment.") from error
            raise
        await _audit(actor, audit.Action.change, entry["subject"], "issue a voucher")
    return voucher


async def hand_over(voucher: UUID, actor: audit.Actor) -> None:
    """Record that the voucher was given to the person, by whom and when (once)."""
    _must_be_finance(actor)
    async with transaction():
        row = await _voucher(voucher)
        if row["handed_over_at"] is not None:
            raise Conflict("This voucher has already been handed over.")
        await Voucher.update(
            {Voucher.handed_over_at: datetime.now(UTC), Voucher.handed_over_by: _id(actor)}
        ).where((Voucher.id == voucher) & Voucher.handed_over_at.is_null())
        await _audit(actor, audit.Action.change, row["subject"], "hand over a voucher")


async def listed(sealer: Sealer, actor: audit.Actor, limit: int = 200) -> list[VoucherView]:
    """Vouchers newest first, serials masked; one view event per person shown."""
    _must_be_finance(actor)
    rows: list[dict[str, Any]] = await Voucher.raw(
        f"SELECT v.*, p.reference AS payee_reference, k.owner AS key_owner, {KEY_COLUMNS} "  # noqa: S608
        f"FROM voucher v LEFT JOIN payee p ON p.subject = v.subject {key_join('{}')} "
        "ORDER BY v.issued_at DESC, v.id LIMIT {}",
        FINANCE_OWNER,
        max(1, min(limit, 1000)),
    )
    sealer.prime_from(rows, "key_owner")
    shown = [await _view(sealer, row) for row in rows]
    async with transaction():
        await audit.record_views(
            actor,
            sorted({v.subject for v in shown}, key=str),
            field_group="voucher",
            purpose="list vouchers (serials masked)",
        )
    return shown


async def reveal(sealer: Sealer, voucher: UUID, actor: audit.Actor) -> str:
    """The full serial, for finance to give or check it: audited every time."""
    _must_be_finance(actor)
    row = await _voucher(voucher)
    serial = await _serial(sealer, row)
    async with transaction():
        await _audit(actor, audit.Action.view, row["subject"], "show a voucher serial")
    return serial


async def voucher_for(entry: UUID) -> UUID | None:
    """The voucher issued for a ledger entry, if any."""
    row = await Voucher.select(Voucher.id).where(Voucher.entry == entry).first()
    return None if row is None else _uuid(row["id"])


def mask(serial: str) -> str:
    """Only the last four characters: enough to match a voucher in hand, not to spend it."""
    return f"****{serial[-4:]}" if serial else ""


# --- Checks -----------------------------------------------------------------------------------


def _checked(new: NewVoucher, today: date) -> str:
    """The serial, tidied; every problem with what was typed named at once (400)."""
    problems: list[FieldError] = []
    if new.provider not in PROVIDERS:
        problems.append(FieldError("provider", "Choose the voucher provider from the list"))
    serial = " ".join(new.serial.split())
    if not SERIAL.match(serial):
        problems.append(
            FieldError(
                "serial",
                "Enter the serial as printed on the voucher: 4 to 64 letters, numbers, "
                "spaces or dashes",
            )
        )
    if new.expires_on is None:
        problems.append(FieldError("expires_on", "Enter the date the voucher expires"))
    elif new.expires_on <= today:
        problems.append(FieldError("expires_on", "The expiry date must be in the future"))
    elif (new.expires_on - today).days > LONGEST_VALID:
        problems.append(FieldError("expires_on", "Check the expiry date: it is over 5 years away"))
    if problems:
        raise DomainError(problems[0].message, errors=problems)
    return serial


async def _voucher_entry(entry: UUID) -> dict[str, Any]:
    row = await LedgerEntry.select().where(LedgerEntry.id == entry).first()
    if row is None:
        raise NotFound("There is no such payment.")
    if row["kind"] != "voucher":
        raise _invalid("entry", "This payment is not a voucher payment.")
    state = await ledger.state_of(entry)
    if state != "approved":
        raise Conflict(STATE_WORDS.get(state, "This payment cannot have a voucher now."))
    return dict(row)


STATE_WORDS = {
    "proposed": "This payment must be approved before a voucher is issued for it.",
    "batched": "This payment is already in an export batch. Issue vouchers before batching.",
    "paid": "This payment has already been paid.",
    "reversed": "This payment was reversed, so no voucher can be issued for it.",
}


def _must_be_finance(actor: audit.Actor) -> None:
    if not set(actor.role.split(",")) & ISSUERS:
        raise Forbidden("Only finance can issue and hand over vouchers.")


async def _voucher(voucher: UUID) -> dict[str, Any]:
    row = await Voucher.select().where(Voucher.id == voucher).first()
    if row is None:
        raise NotFound("There is no such voucher.")
    return dict(row)


async def _serial(sealer: Sealer, row: dict[str, Any]) -> str:
    opened = (await sealer.open(Voucher, row, ("serial",)))["serial"]
    return "" if opened is None else str(opened.reveal())


async def _view(sealer: Sealer, row: dict[str, Any]) -> VoucherView:
    return VoucherView(
        id=_uuid(row["id"]),
        entry=_uuid(row["entry"]),
        subject=_uuid(row["subject"]),
        payee_reference=row["payee_reference"] or "",
        provider=row["provider"],
        masked_serial=mask(await _serial(sealer, row)),
        value=pounds(row["value_pence"]),
        value_pence=row["value_pence"],
        expires_on=_day(row["expires_on"]),
        issued_at=_moment(row["issued_at"]),
        handed_over_at=_moment(row["handed_over_at"]) if row["handed_over_at"] else None,
    )


async def _audit(actor: audit.Actor, action: audit.Action, subject: UUID, purpose: str) -> None:
    await audit.record(actor, action, subject=subject, field_group="voucher", purpose=purpose)


def _invalid(field: str, message: str) -> DomainError:
    return DomainError(message, errors=[FieldError(field, message)])


def _id(actor: audit.Actor) -> UUID | None:
    return ledger.actor_uuid(actor)


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _moment(value: Any) -> datetime:
    """Raw SQL gives SQLite timestamps as text; both engines give back an aware UTC time."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)
