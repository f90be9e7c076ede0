"""Dated benefit and tax figures (work allowances, permitted-work limits, earnings limits,
disregards), shipped as data and kept up to date by admins when April uprating comes.

The figures live in ``payments/data/thresholds_*.json`` (one file per tax year, straight from
the research, with each figure's source and how sure we are of it). They are loaded into
``BenefitThreshold`` the way the lived-experience list is seeded: on first use, idempotently
(``once`` = benefit:rule_key:tax_year is unique), so a new file adds its rows and an admin's
edit is never overwritten. The table has one version string, a counter that goes up with every
change, so an informed-choice record can say which figures the person saw.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from app import audit
from app.db import is_duplicate, transaction
from app.errors import DomainError, FieldError, NotFound
from payments.money import pounds, typed_pounds
from payments.tables import BenefitThreshold

DATA_DIR = Path(__file__).resolve().parents[1] / "data"

STATUSES = {
    "verified": "Verified: read in the source",
    "secondary": "Secondary: seen only in a secondary source",
    "derived": "Derived: worked out from a verified rule",
    "unverified": "Unverified: a placeholder",
}
PERIODS = {
    "week": "a week",
    "assessment_period": "an assessment period (a month)",
    "tax_year": "a tax year",
    "hour": "an hour",
}
LABELS = {
    "uc_work_allowance_housing": "Universal Credit work allowance, with housing costs",
    "uc_work_allowance_no_housing": "Universal Credit work allowance, no housing costs",
    "uc_taper": "Universal Credit taper",
    "esa_pw_lower_weekly": "ESA permitted work, lower limit",
    "esa_pw_higher_weekly": "ESA permitted work, higher limit",
    "ca_earnings_limit_weekly": "Carer's Allowance earnings limit",
    "is_disregard_standard": "Income Support: earnings ignored",
    "is_disregard_higher": "Income Support: earnings ignored, higher",
    "jsa_disregard_standard": "Jobseeker's Allowance: earnings ignored",
    "jsa_disregard_higher": "Jobseeker's Allowance: earnings ignored, higher",
    "hb_disregard_single": "Housing Benefit: earnings ignored, single",
    "hb_disregard_couple": "Housing Benefit: earnings ignored, couple",
    "hb_disregard_lone_parent": "Housing Benefit: earnings ignored, lone parent",
    "hb_disregard_higher": "Housing Benefit: earnings ignored, higher",
    "pc_disregard_single": "Pension Credit: earnings ignored, single",
    "pc_disregard_couple": "Pension Credit: earnings ignored, couple",
    "pc_disregard_higher": "Pension Credit: earnings ignored, higher",
    "trading_allowance": "Income tax trading allowance",
    "nlw_hourly": "National Living Wage (21 and over)",
}


@dataclass(frozen=True)
class ThresholdView:
    """One figure as people read it."""

    id: UUID
    benefit: str
    rule_key: str
    tax_year: str
    amount: int
    unit: str
    period: str
    effective_from: date
    effective_to: date | None
    status: str
    source: str
    notes: str
    table_version: str

    @property
    def label(self) -> str:
        return LABELS.get(self.rule_key, self.rule_key)

    @property
    def shown(self) -> str:
        """£203.50, or 55% for the taper."""
        return f"{self.amount}%" if self.unit == "percent" else pounds(self.amount)

    @property
    def typed(self) -> str:
        """The amount as an admin types it: 203.50, or 55."""
        return str(self.amount) if self.unit == "percent" else typed_pounds(self.amount)


@dataclass(frozen=True)
class Change:
    """What an admin may change about one figure."""

    amount: int
    status: str
    effective_from: date
    effective_to: date | None
    source: str
    notes: str


def shipped() -> list[dict[str, Any]]:
    """Every row of every data file, oldest tax year first."""
    rows: list[dict[str, Any]] = []
    for path in sorted(DATA_DIR.glob("thresholds_*.json")):
        rows += json.loads(path.read_text(encoding="utf-8"))["rows"]
    return rows


def once_of(row: dict[str, Any]) -> str:
    return f"{row['benefit']}:{row['rule_key']}:{row['tax_year']}"


async def ensure_loaded() -> int:
    """Add any shipped figure the table does not have yet; returns how many were added.

    Safe to call on every read and from several workers at once: ``once`` is unique, and an
    existing row (perhaps changed by an admin) is never touched.
    """
    rows = shipped()
    present = {r["once"] for r in await BenefitThreshold.select(BenefitThreshold.once)}
    missing = [row for row in rows if once_of(row) not in present]
    if not missing:
        return 0
    try:
        async with transaction():
            version_ = str(await _version_number() + 1)
            await BenefitThreshold.insert(*(_new_row(row, version_) for row in missing))
    except Exception as exc:
        if is_duplicate(exc):
            return 0  # another worker loaded them first: the same rows, from the same files
        raise
    return len(missing)


async def in_force(on: date) -> dict[str, ThresholdView]:
    """Each rule's figure on ``on``: the row that started most recently on or before it (and
    has not ended). Rules with no figure for that day are missing from the answer."""
    await ensure_loaded()
    rows = (
        await BenefitThreshold.select()
        .where(BenefitThreshold.effective_from <= on)
        .order_by(BenefitThreshold.effective_from)
    )
    found: dict[str, ThresholdView] = {}
    for row in rows:
        if row["effective_to"] is None or row["effective_to"] >= on:
            found[row["rule_key"]] = _view(row)
    return found


async def version() -> str:
    """The table's version: it changes on every edit and every load of new figures."""
    await ensure_loaded()
    return str(await _version_number())


async def every() -> list[ThresholdView]:
    """Every figure, newest tax year first, in the data files' order within a year."""
    await ensure_loaded()
    order = {key: position for position, key in enumerate(LABELS)}
    rows = [_view(row) for row in await BenefitThreshold.select()]
    rows.sort(key=lambda v: (_year_start(v.tax_year), -order.get(v.rule_key, 99)), reverse=True)
    return rows


async def get(threshold: UUID) -> ThresholdView:
    row = await BenefitThreshold.select().where(BenefitThreshold.id == threshold).first()
    if row is None:
        raise NotFound("There is no such figure.")
    return _view(row)


async def change(threshold: UUID, new: Change, actor: audit.Actor) -> None:
    """Correct one figure (amount, dates, status, source); audited, and the version goes up."""
    _check(new)
    async with transaction():
        await get(threshold)
        await BenefitThreshold.update(
            {
                BenefitThreshold.amount: new.amount,
                BenefitThreshold.status: new.status,
                BenefitThreshold.effective_from: new.effective_from,
                BenefitThreshold.effective_to: new.effective_to,
                BenefitThreshold.source: new.source,
                BenefitThreshold.notes: new.notes,
                BenefitThreshold.table_version: str(await _version_number() + 1),
                BenefitThreshold.updated_by: _staff_id(actor),
                BenefitThreshold.updated_at: datetime.now(UTC),
            }
        ).where(BenefitThreshold.id == threshold)
        await audit.record(
            actor, audit.Action.change, field_group="benefit figures", purpose="change"
        )


async def start_next_tax_year(actor: audit.Actor) -> str:
    """Copy the newest tax year's figures into the next one, marked unverified, for admins to
    correct when uprating is announced; the copied rows end the day before the new ones start.
    Refused while the newest year is all unchecked copies (so a second click adds nothing).
    Returns the new tax year ("2027/28")."""
    async with transaction():
        rows = await every()
        if not rows:
            raise NotFound("There are no figures to copy.")
        newest = rows[0].tax_year
        start = _year_start(newest) + 1
        year = f"{start}/{str(start + 1)[-2:]}"
        latest = [row for row in rows if row.tax_year == newest]
        if all(row.status == "unverified" for row in latest):
            raise DomainError(
                f"The {newest} figures have already been started and none is checked yet. "
                "Check and change them before starting another year."
            )
        version_ = str(await _version_number() + 1)
        await BenefitThreshold.insert(*(_next_year(row, year, version_, actor) for row in latest))
        for row in latest:
            if row.effective_to is None:
                await BenefitThreshold.update(
                    {BenefitThreshold.effective_to: _a_year_on(row.effective_from) - _DAY}
                ).where(BenefitThreshold.id == row.id)
        await audit.record(
            actor, audit.Action.change, field_group="benefit figures", purpose=f"start {year}"
        )
    return year


_DAY = timedelta(days=1)


def _next_year(row: ThresholdView, year: str, version_: str, actor: audit.Actor) -> Any:
    return BenefitThreshold(
        id=uuid4(),
        benefit=row.benefit,
        rule_key=row.rule_key,
        tax_year=year,
        amount=row.amount,
        unit=row.unit,
        period=row.period,
        effective_from=_a_year_on(row.effective_from),
        effective_to=None,
        status="unverified",
        source=row.source,
        notes=f"Copied from {row.tax_year}: check against the new rates and change it.",
        table_version=version_,
        once=f"{row.benefit}:{row.rule_key}:{year}",
        updated_by=_staff_id(actor),
    )


def _a_year_on(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _check(new: Change) -> None:
    problems = []
    if new.status not in STATUSES:
        problems.append(FieldError("status", "Select how sure we are of this figure"))
    if new.effective_to is not None and new.effective_to < new.effective_from:
        problems.append(FieldError("effective_to", "The end date must be after the start date"))
    if new.source and not new.source.startswith(("https://", "http://")):
        problems.append(FieldError("source", "Enter the source as a web address, or leave it"))
    if problems:
        raise DomainError(problems[0].message, errors=problems)


async def _version_number() -> int:
    rows = await BenefitThreshold.select(BenefitThreshold.table_version)
    return max((int(r["table_version"]) for r in rows if r["table_version"].isdigit()), default=0)


def _new_row(row: dict[str, Any], version_: str) -> Any:
    values = {k: row[k] for k in ("benefit", "rule_key", "tax_year", "amount", "unit", "period")}
    return BenefitThreshold(
        id=uuid4(),
        **values,
        effective_from=date.fromisoformat(row["effective_from"]),
        effective_to=date.fromisoformat(row["effective_to"]) if row["effective_to"] else None,
        status=row["status"],
        source=row["source"],
        notes=row["notes"],
        table_version=version_,
        once=once_of(row),
    )


def _view(row: dict[str, Any]) -> ThresholdView:
    return ThresholdView(**{name: row[name] for name in ThresholdView.__dataclass_fields__})


def _year_start(tax_year: str) -> int:
    return int(tax_year[:4])


def _staff_id(actor: audit.Actor) -> UUID | None:
    try:
        return UUID(actor.id)
    except ValueError:
        return None
