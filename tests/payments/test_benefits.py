"""Benefit declarations and the facts that follow (remuneration_rules.md section 4).

The scenarios are one table: what the person declared, the fees already approved this benefit
week or assessment period, the new payment, and the warning expected (or none). They run
through the real ledger and the real figures table, today, so the 2026/27 figures apply.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from app import audit
from app.errors import DomainError
from app.retention import RetentionRun
from app.sealed import Sealer
from app.tables import AuditEvent
from participation.services import consent
from payments.services import benefit_rules, benefits, thresholds
from payments.tables import BenefitDeclaration
from tests.payments.hc_support import declare, me, paid, person

TODAY = datetime.now(ZoneInfo("Europe/London")).date()
UC_NO_WA = {"uc_work_allowance": "no", "uc_housing": "yes"}
UC_WA_HOUSING = {"uc_work_allowance": "yes", "uc_housing": "yes"}
UC_WA_NO_HOUSING = {"uc_work_allowance": "yes", "uc_housing": "no"}
CARER_60 = {"ca_other_weekly_pence": 6000}
Scenario = tuple[str, tuple[str, ...], dict[str, Any], list[int], int, str | None]

SCENARIOS: list[Scenario] = [
    # name, benefits, details, earlier fees (pence), new fee, expected warning rule
    ("ESA: £250 in one week", ("ESA",), {}, [], 25000, "esa_pw_higher_weekly"),
    ("ESA: £15 is under £20", ("ESA",), {}, [], 1500, None),
    ("ESA: £20 exactly", ("ESA",), {}, [], 2000, None),
    ("ESA: £50 passes the lower limit", ("ESA",), {}, [], 5000, "esa_pw_lower_weekly"),
    ("ESA: £150 + £50 = £200 < £203.50", ("ESA",), {}, [15000], 5000, "esa_pw_lower_weekly"),
    ("ESA: £150 + £60 = £210 > £203.50", ("ESA",), {}, [15000], 6000, "esa_pw_higher_weekly"),
    ("CA: £150 + £60 job = £210 > £204", ("CA",), CARER_60, [], 15000, "ca_earnings_limit_weekly"),
    ("CA: £144 + £60 job = £204 exactly", ("CA",), CARER_60, [], 14400, None),
    ("CA: 1p over is over", ("CA",), CARER_60, [], 14401, "ca_earnings_limit_weekly"),
    ("CA: £150 with no other job", ("CA",), {}, [], 15000, None),
    (
        "CA: £100 + £50 earlier + £60 job",
        ("CA",),
        CARER_60,
        [5000],
        10000,
        "ca_earnings_limit_weekly",
    ),
    ("UC, no work allowance: any fee", ("UC",), UC_NO_WA, [], 100, "uc_taper"),
    (
        "UC, not sure of a work allowance",
        ("UC",),
        {"uc_work_allowance": "not_sure"},
        [],
        2500,
        "uc_taper",
    ),
    ("UC, work allowance: under £427", ("UC",), UC_WA_HOUSING, [], 30000, None),
    (
        "UC, work allowance: £200 + £300",
        ("UC",),
        UC_WA_HOUSING,
        [20000],
        30000,
        "uc_work_allowance_housing",
    ),
    ("UC, work allowance, no housing: under £710", ("UC",), UC_WA_NO_HOUSING, [20000], 30000, None),
    (
        "UC, work allowance, no housing: over",
        ("UC",),
        UC_WA_NO_HOUSING,
        [50000],
        30000,
        "uc_work_allowance_no_housing",
    ),
    ("PIP only: no income effect, a note", ("PIP",), {}, [], 7500, "change_of_circumstances"),
    ("DLA only", ("DLA",), {}, [], 7500, "change_of_circumstances"),
    ("AA only", ("AA",), {}, [], 7500, "change_of_circumstances"),
    ("HB: £5 is ignored", ("HB",), {}, [], 500, None),
    ("HB: only £5/£10/£20 ignored", ("HB",), {}, [], 7500, "hb_disregard_single"),
    ("PC: only £5/£10/£20 ignored", ("PC",), {}, [], 7500, "pc_disregard_single"),
    ("IS: only £5/£20 ignored", ("IS",), {}, [], 7500, "is_disregard_standard"),
    ("JSA: only £5/£20 ignored", ("JSA",), {}, [], 600, "jsa_disregard_standard"),
    ("CTR: depends on the local scheme", ("CTR",), {}, [], 7500, "ctr_local_scheme"),
    ("No benefits", ("none",), {}, [], 50000, None),
    ("Rather not say", ("prefer_not",), {}, [], 50000, None),
]


@pytest.mark.parametrize("case", [pytest.param(row, id=row[0]) for row in SCENARIOS])
async def test_section_4_scenarios(sealer: Sealer, case: Scenario) -> None:
    _, codes, details, earlier, new, expected = case
    subject = await person(sealer)
    await declare(sealer, subject, *codes, **details)
    for fee in earlier:
        await paid(subject, fee)

    warnings = await benefits.warnings_for(subject, new, TODAY, sealer=sealer)

    assert [w.rule_key for w in warnings] == ([expected] if expected else [])
    for warning in warnings:
        assert warning.text == benefits.FINANCE_WORDS[warning.rule_key]


def test_finance_words_never_name_a_benefit() -> None:
    names = [
        *benefit_rules.BENEFITS.values(),
        *benefit_rules.BENEFITS,
        "Carer",
        "Pension",
        "Housing",
    ]
    for text in benefits.FINANCE_WORDS.values():
        assert not [name for name in names if name in text and name not in ("none",)], text
    assert benefits.OVER == "This payment may take the person over a limit they told us about."


async def test_the_person_reads_the_facts_with_their_running_total(sealer: Sealer) -> None:
    subject = await person(sealer)
    await declare(sealer, subject, "ESA", "CA", **CARER_60)
    await paid(subject, 15000)
    await paid(subject, 2000)

    declared, facts = await benefits.facts_for(sealer, subject, 7500, TODAY, me(subject))

    assert declared is not None
    assert declared.benefits == ("ESA", "CA")
    esa, ca = facts
    week = benefit_rules.benefit_week(TODAY)
    assert (esa.title, esa.period, esa.so_far_pence, esa.with_new_pence) == (
        "Employment and Support Allowance (ESA)",
        week,
        17000,
        24500,
    )
    assert esa.rule_key == "esa_pw_higher_weekly"
    assert esa.lines[:2] == (
        "With ESA you can earn up to £20 a week.",
        "You can earn up to £203.50 a week if you work less than 16 hours a week and you have "
        "told the DWP (form PW1).",
    )
    assert esa.warning == "The full fee would take you over the higher limit."
    assert esa.unconfirmed  # £203.50 is derived, not read in a published table
    assert (ca.so_far_pence, ca.with_new_pence, ca.rule_key) == (
        23000,
        30500,
        "ca_earnings_limit_weekly",
    )
    assert "Even 1p over means no Carer's Allowance for that week." in ca.lines


async def test_uc_facts_say_how_much_less_and_when_the_period_runs(sealer: Sealer) -> None:
    subject = await person(sealer)
    await declare(sealer, subject, "UC", uc_work_allowance="no", uc_housing="no", uc_period_day=14)

    _, (uc,) = await benefits.facts_for(sealer, subject, 10000, TODAY, me(subject))

    assert "So £100 could mean about £55 less." in uc.lines
    assert "Your assessment period starts on day 14 of the month." in uc.lines
    assert uc.period == benefit_rules.assessment_period(TODAY, 14)


async def test_payments_in_another_week_do_not_count(sealer: Sealer) -> None:
    subject = await person(sealer)
    await declare(sealer, subject, "ESA")
    await paid(subject, 15000)

    this_week = await benefits.warnings_for(subject, 6000, TODAY, sealer=sealer)
    next_week = await benefits.warnings_for(subject, 6000, TODAY + timedelta(7), sealer=sealer)

    assert [w.rule_key for w in this_week] == ["esa_pw_higher_weekly"]
    assert [w.rule_key for w in next_week] == ["esa_pw_lower_weekly"]


async def test_one_line_per_different_warning_for_finance(sealer: Sealer) -> None:
    subject = await person(sealer)
    await declare(sealer, subject, "ESA", "CA", "HB", "PIP", **CARER_60)

    warnings = await benefits.warnings_for(subject, 25000, TODAY, sealer=sealer)

    assert [w.text for w in warnings] == [benefits.OVER, benefits.REDUCES, benefits.REPORT]


@pytest.mark.parametrize(
    ("on", "day", "start", "end"),
    [
        (date(2026, 11, 23), None, date(2026, 11, 1), date(2026, 11, 30)),
        (date(2026, 11, 23), 24, date(2026, 10, 24), date(2026, 11, 23)),
        (date(2026, 11, 24), 24, date(2026, 11, 24), date(2026, 12, 23)),
        (date(2027, 3, 1), 31, date(2027, 2, 28), date(2027, 3, 30)),
        (date(2026, 12, 31), 31, date(2026, 12, 31), date(2027, 1, 30)),
        (date(2027, 1, 3), 5, date(2026, 12, 5), date(2027, 1, 4)),
    ],
)
def test_assessment_periods(on: date, day: int | None, start: date, end: date) -> None:
    assert benefit_rules.assessment_period(on, day) == benefit_rules.Period(
        "assessment_period", start, end
    )


@pytest.mark.parametrize("on", [date(2026, 11, 23), date(2026, 11, 26), date(2026, 11, 29)])
def test_a_benefit_week_runs_monday_to_sunday(on: date) -> None:
    assert benefit_rules.benefit_week(on) == benefit_rules.Period(
        "week", date(2026, 11, 23), date(2026, 11, 29)
    )


async def test_without_consent_nothing_is_stored(sealer: Sealer) -> None:
    subject = await person(sealer)

    with pytest.raises(DomainError) as refused:
        await benefits.declare(
            sealer, subject, benefit_rules.Declared(("ESA",)), consented=False, actor=me(subject)
        )

    assert [e.field for e in refused.value.errors] == ["consent"]
    assert await BenefitDeclaration.count() == 0
    assert (await consent.current(subject))["benefit_information"] is False


@pytest.mark.parametrize(
    ("declared", "fields"),
    [
        (benefit_rules.Declared(()), ["benefits"]),
        (benefit_rules.Declared(("ESA", "lottery")), ["benefits"]),
        (benefit_rules.Declared(("ESA", "none")), ["benefits"]),
        (benefit_rules.Declared(("UC",)), ["uc_work_allowance"]),
        (benefit_rules.Declared(("UC",), "yes"), ["uc_housing"]),
        (benefit_rules.Declared(("UC",), "yes", "no", uc_period_day=32), ["uc_period_day"]),
    ],
)
async def test_a_declaration_that_makes_no_sense_is_refused(
    sealer: Sealer, declared: benefit_rules.Declared, fields: list[str]
) -> None:
    subject = await person(sealer)

    with pytest.raises(DomainError) as refused:
        await benefits.declare(sealer, subject, declared, consented=True, actor=me(subject))

    assert [e.field for e in refused.value.errors] == fields
    assert await BenefitDeclaration.count() == 0


async def test_sealed_at_rest_and_every_read_audited(sealer: Sealer) -> None:
    subject = await person(sealer)
    await declare(sealer, subject, "ESA", "UC", **UC_NO_WA)
    raw = await BenefitDeclaration.raw("SELECT benefits FROM benefit_declaration")

    assert len(raw) == 1
    stored = bytes(raw[0]["benefits"])
    for word in (b"ESA", b"UC", b"uc_work_allowance", b"benefits"):
        assert word not in stored
    before = await _views(subject)
    await benefits.current(sealer, subject, me(subject))
    await benefits.warnings_for(subject, 100, TODAY, sealer=sealer)
    assert await _views(subject) == before + 2
    changes = await AuditEvent.count().where(
        (AuditEvent.subject == subject)
        & (AuditEvent.field_group == "benefits")
        & (AuditEvent.action == "change")
    )
    assert changes == 1


async def test_withdrawing_consent_deletes_the_declarations(sealer: Sealer) -> None:
    kept = await person(sealer, "Kept Person")
    gone = await person(sealer)
    await declare(sealer, kept, "PIP")
    await declare(sealer, gone, "ESA")
    await declare(sealer, gone, "ESA", "HB")

    await benefits.withdraw(gone, me(gone))

    assert await BenefitDeclaration.count().where(BenefitDeclaration.subject == gone) == 0
    assert await BenefitDeclaration.count().where(BenefitDeclaration.subject == kept) == 1
    assert await benefits.current(sealer, gone, me(gone)) is None
    assert await benefits.warnings_for(gone, 50000, TODAY, sealer=sealer) == []


async def test_consent_withdrawn_elsewhere_leaves_nothing_to_read(sealer: Sealer) -> None:
    subject = await person(sealer)
    other = await person(sealer, "Kept Person")
    await declare(sealer, subject, "ESA")
    await declare(sealer, other, "ESA")
    await consent.record(subject, "benefit_information", False, "web", me(subject))

    dry = RetentionRun(datetime.now(UTC), True, sealer, None)  # type: ignore[arg-type]
    assert await benefits.purge_without_consent(dry) == 1
    assert await BenefitDeclaration.count() == 2
    assert await benefits.purge_without_consent() == 1
    assert await BenefitDeclaration.count() == 1
    assert await benefits.current(sealer, subject, me(subject)) is None


async def test_the_newest_declaration_is_the_one_that_counts(sealer: Sealer) -> None:
    subject = await person(sealer)
    await declare(sealer, subject, "ESA")
    await declare(sealer, subject, "PIP")

    warnings = await benefits.warnings_for(subject, 25000, TODAY, sealer=sealer)

    assert [w.rule_key for w in warnings] == ["change_of_circumstances"]


def test_assess_is_pure_and_names_each_benefit_in_order() -> None:
    figures = {
        key: thresholds.ThresholdView(
            UUID(int=n),
            "",
            key,
            "2026/27",
            amount,
            unit,
            "week",
            TODAY,
            None,
            "verified",
            "",
            "",
            "1",
        )
        for n, (key, amount, unit) in enumerate(
            [("esa_pw_lower_weekly", 2000, "pence"), ("esa_pw_higher_weekly", 20350, "pence")]
        )
    }
    week = benefit_rules.benefit_week(TODAY)
    periods = {"week": week, "assessment_period": benefit_rules.assessment_period(TODAY, None)}

    facts = benefit_rules.assess(
        benefit_rules.Declared(("PIP", "ESA")), figures, periods, {"week": 100}, None
    )

    assert [f.benefit for f in facts] == ["ESA", "PIP"]
    assert (facts[0].so_far_pence, facts[0].with_new_pence, facts[0].rule_key) == (100, None, None)
    assert facts[1].rule_key is None  # no payment, so nothing to note


async def _views(subject: UUID) -> int:
    return int(
        await AuditEvent.count().where(
            (AuditEvent.subject == subject)
            & (AuditEvent.field_group == "benefits")
            & (AuditEvent.action == audit.Action.view.value)
        )
    )
