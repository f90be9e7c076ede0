"""The dated benefit figures: shipped as data, loaded once, in force by date, edited by admins
(audited, and the table's version changes every time), and the admin pages over HTTP."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from uuid import UUID

import httpx
import pytest
from litestar import Litestar

from app import audit
from app.errors import DomainError, NotFound
from app.tables import AuditEvent
from payments import money
from payments.services import thresholds
from payments.tables import BenefitThreshold
from tests.payments.hc_support import signed_in

ADMIN = audit.Actor(id="00000000-0000-4000-8000-0000000000ad", role="admin")
RESEARCH = {  # remuneration_rules.md section 1: (rule, tax year) -> (pence or %, status)
    ("uc_work_allowance_housing", "2025/26"): (41100, "verified"),
    ("uc_work_allowance_housing", "2026/27"): (42700, "secondary"),
    ("uc_work_allowance_no_housing", "2025/26"): (68400, "verified"),
    ("uc_work_allowance_no_housing", "2026/27"): (71000, "secondary"),
    ("uc_taper", "2025/26"): (55, "verified"),
    ("uc_taper", "2026/27"): (55, "verified"),
    ("esa_pw_lower_weekly", "2026/27"): (2000, "verified"),
    ("esa_pw_higher_weekly", "2025/26"): (19550, "verified"),
    ("esa_pw_higher_weekly", "2026/27"): (20350, "derived"),
    ("ca_earnings_limit_weekly", "2025/26"): (19600, "secondary"),
    ("ca_earnings_limit_weekly", "2026/27"): (20400, "secondary"),
    ("is_disregard_standard", "2026/27"): (500, "secondary"),
    ("jsa_disregard_standard", "2026/27"): (500, "secondary"),
    ("hb_disregard_single", "2026/27"): (500, "secondary"),
    ("hb_disregard_couple", "2026/27"): (1000, "secondary"),
    ("hb_disregard_higher", "2026/27"): (2000, "unverified"),
    ("pc_disregard_single", "2026/27"): (500, "verified"),
    ("pc_disregard_higher", "2026/27"): (2000, "verified"),
    ("trading_allowance", "2026/27"): (100000, "verified"),
    ("nlw_hourly", "2025/26"): (1221, "secondary"),
    ("nlw_hourly", "2026/27"): (1271, "secondary"),
}


async def test_the_shipped_figures_are_the_research_figures(db: None) -> None:
    added = await thresholds.ensure_loaded()
    rows = {(r.rule_key, r.tax_year): r for r in await thresholds.every()}

    assert added == len(thresholds.shipped()) == 38
    for key, (amount, status) in RESEARCH.items():
        assert (rows[key].amount, rows[key].status) == (amount, status), key
    assert rows["uc_taper", "2026/27"].unit == "percent"
    assert rows["uc_taper", "2026/27"].shown == "55%"
    assert rows["esa_pw_higher_weekly", "2026/27"].shown == "£203.50"
    assert rows["trading_allowance", "2026/27"].period == "tax_year"
    assert rows["uc_work_allowance_housing", "2026/27"].period == "assessment_period"
    for row in rows.values():
        assert row.status in thresholds.STATUSES
        assert row.source == "" or row.source.startswith(("https://", "http://"))
        assert row.source or row.status == "unverified"


async def test_loading_again_adds_nothing_and_keeps_an_admins_change(db: None) -> None:
    await thresholds.ensure_loaded()
    figure = (await thresholds.in_force(date(2026, 6, 1)))["ca_earnings_limit_weekly"]
    await thresholds.change(figure.id, _change(figure, amount=20500), ADMIN)

    assert await thresholds.ensure_loaded() == 0
    assert await BenefitThreshold.count() == 38
    assert (await thresholds.get(figure.id)).amount == 20500


@pytest.mark.parametrize(
    ("day", "esa_higher", "ca_limit"),
    [
        (date(2025, 4, 6), None, None),  # before the first shipped year starts
        (date(2025, 4, 7), 19550, 19600),
        (date(2026, 4, 5), 19550, 19600),
        (date(2026, 4, 6), 20350, 20400),
        (date(2031, 1, 1), 20350, 20400),  # the newest figures stay until new ones come
    ],
)
async def test_the_figure_in_force_depends_on_the_day(
    db: None, day: date, esa_higher: int | None, ca_limit: int | None
) -> None:
    found = await thresholds.in_force(day)

    assert (found["esa_pw_higher_weekly"].amount if esa_higher else None) == esa_higher
    assert (found["ca_earnings_limit_weekly"].amount if ca_limit else None) == ca_limit
    if esa_higher is None:
        assert "esa_pw_higher_weekly" not in found


async def test_every_change_is_audited_and_changes_the_version(db: None) -> None:
    first = await thresholds.version()
    figure = (await thresholds.in_force(date(2026, 6, 1)))["esa_pw_higher_weekly"]
    before = await _audit_count()

    await thresholds.change(figure.id, _change(figure, status="verified"), ADMIN)
    second = await thresholds.version()
    await thresholds.change(figure.id, _change(figure, status="verified"), ADMIN)
    third = await thresholds.version()

    assert len({first, second, third}) == 3
    assert await _audit_count() == before + 2
    changed = await thresholds.get(figure.id)
    assert (changed.status, changed.table_version, str(changed.id)) == (
        "verified",
        third,
        str(figure.id),
    )
    stored = await BenefitThreshold.select().where(BenefitThreshold.id == figure.id).first()
    assert stored is not None
    assert str(stored["updated_by"]) == ADMIN.id


async def test_a_bad_change_is_refused_and_changes_nothing(db: None) -> None:
    figure = (await thresholds.in_force(date(2026, 6, 1)))["esa_pw_higher_weekly"]
    version = await thresholds.version()

    with pytest.raises(DomainError) as refused:
        await thresholds.change(
            figure.id,
            _change(figure, status="sure", effective_to=date(2020, 1, 1), source="ftp://x"),
            ADMIN,
        )

    assert [e.field for e in refused.value.errors] == ["status", "effective_to", "source"]
    assert await thresholds.get(figure.id) == figure
    assert await thresholds.version() == version
    with pytest.raises(NotFound):
        await thresholds.change(UUID(int=1), _change(figure), ADMIN)


async def test_starting_the_next_tax_year_copies_the_newest_as_unverified(db: None) -> None:
    year = await thresholds.start_next_tax_year(ADMIN)
    rows = await thresholds.every()
    new = [r for r in rows if r.tax_year == "2027/28"]

    assert year == "2027/28"
    assert len(new) == 19
    assert {r.status for r in new} == {"unverified"}
    ca = (await thresholds.in_force(date(2027, 4, 6)))["ca_earnings_limit_weekly"]
    assert (ca.tax_year, ca.amount, ca.effective_from) == ("2027/28", 20400, date(2027, 4, 6))
    old = (await thresholds.in_force(date(2027, 4, 5)))["ca_earnings_limit_weekly"]
    assert (old.tax_year, old.effective_to) == ("2026/27", date(2027, 4, 5))
    with pytest.raises(DomainError, match="2027/28 figures have already been started"):
        await thresholds.start_next_tax_year(ADMIN)
    assert await BenefitThreshold.count() == 38 + 19


@pytest.mark.parametrize(
    ("typed", "pence"),
    [("25", 2500), ("25.50", 2550), ("£1,000.00", 100000), (" 0.05 ", 5), ("0", 0)],
)
def test_pounds_are_read_to_the_penny(typed: str, pence: int) -> None:
    assert money.parse_pounds(typed, "amount") == pence


@pytest.mark.parametrize("typed", ["25.5", "25.505", "-3", "1e3", "twenty", "", "100000.01"])
def test_anything_but_whole_pence_is_refused(typed: str) -> None:
    with pytest.raises(DomainError) as refused:
        money.parse_pounds(typed, "amount")
    assert refused.value.errors[0].field == "amount"


async def test_an_admin_sees_and_changes_a_figure(
    running_app: Litestar, client: httpx.AsyncClient, db: None
) -> None:
    admin = await signed_in(running_app, client, "admin")
    listing = await client.get("/benefit-figures")
    assert listing.status_code == 200
    assert "Carer&#39;s Allowance earnings limit" in listing.text
    assert "£204" in listing.text
    assert "Secondary" in listing.text
    figure = (await thresholds.in_force(date(2026, 6, 1)))["ca_earnings_limit_weekly"]
    version = await thresholds.version()

    shown = await client.get(f"/benefit-figures/{figure.id}")
    assert shown.status_code == 200
    assert 'value="204"' in shown.text
    saved = await client.post(
        f"/benefit-figures/{figure.id}",
        data=_posted(figure, amount="210.00", status="verified"),
        headers=admin.headers,
    )

    assert saved.status_code == 303
    changed = await thresholds.get(figure.id)
    assert (changed.amount, changed.status) == (21000, "verified")
    assert await thresholds.version() != version


@pytest.mark.parametrize(
    "case",
    [
        ({"amount": "204.5"}, "amount", "Enter the amount in pounds and pence"),
        ({"amount": "-1"}, "amount", "Enter the amount in pounds and pence"),
        ({"status": "maybe"}, "status", "Select how sure we are of this figure"),
        ({"effective_from-month": "13"}, "effective_from", "Enter the date it starts"),
    ],
)
async def test_a_wrong_figure_gets_an_error_summary_and_nothing_changes(
    running_app: Litestar,
    client: httpx.AsyncClient,
    db: None,
    case: tuple[dict[str, str], str, str],
) -> None:
    changes, field, message = case
    admin = await signed_in(running_app, client, "admin")
    figure = (await thresholds.in_force(date(2026, 6, 1)))["ca_earnings_limit_weekly"]
    version = await thresholds.version()

    refused = await client.post(
        f"/benefit-figures/{figure.id}", data=_posted(figure, **changes), headers=admin.headers
    )

    assert refused.status_code == 400
    assert "govuk-error-summary" in refused.text
    assert f'href="#{field}' in refused.text
    assert message in refused.text
    assert await thresholds.get(figure.id) == figure
    assert await thresholds.version() == version


@pytest.mark.parametrize("role", ["participant", "coordinator", "finance"])
async def test_only_admins_reach_the_figures(
    running_app: Litestar, client: httpx.AsyncClient, db: None, role: str
) -> None:
    signed = await signed_in(running_app, client, role)
    figure = (await thresholds.in_force(date(2026, 6, 1)))["ca_earnings_limit_weekly"]

    assert (await client.get("/benefit-figures")).status_code == 403
    posted = await client.post(
        f"/benefit-figures/{figure.id}", data=_posted(figure, amount="1"), headers=signed.headers
    )
    assert posted.status_code == 403
    assert await thresholds.get(figure.id) == figure


def _change(figure: thresholds.ThresholdView, **changes: Any) -> thresholds.Change:
    values: dict[str, Any] = {
        "amount": figure.amount,
        "status": figure.status,
        "effective_from": figure.effective_from,
        "effective_to": figure.effective_to,
        "source": figure.source,
        "notes": figure.notes,
    }
    return thresholds.Change(**(values | changes))


def _posted(figure: thresholds.ThresholdView, **changes: str) -> dict[str, str]:
    start = figure.effective_from
    values = {
        "amount": figure.typed,
        "status": figure.status,
        "effective_from-day": str(start.day),
        "effective_from-month": str(start.month),
        "effective_from-year": str(start.year),
        "source": figure.source,
        "notes": figure.notes,
    }
    return values | changes


async def _audit_count() -> int:
    return int(
        await AuditEvent.count().where(
            (AuditEvent.actor == ADMIN.id) & (AuditEvent.field_group == "benefit figures")
        )
    )


def test_the_data_files_are_valid_json_with_one_row_per_rule_and_year() -> None:
    rows = thresholds.shipped()
    keys = [thresholds.once_of(row) for row in rows]
    assert len(keys) == len(set(keys))
    for path in thresholds.DATA_DIR.glob("thresholds_*.json"):
        assert json.loads(path.read_text())["rows"]
