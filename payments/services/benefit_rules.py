"""The benefit rules as facts: pure functions from a declaration, the figures in force and the
money already paid in a benefit week or UC assessment period to what a person should know
(remuneration_rules.md sections 1 and 4). Nothing here reads or writes the database, so every
scenario can be tested from a table; ``benefits`` feeds it the real figures and ledger totals.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from payments.money import pounds
from payments.services.thresholds import ThresholdView

BENEFITS = {
    "UC": "Universal Credit",
    "ESA": "Employment and Support Allowance (ESA)",
    "CA": "Carer's Allowance",
    "IS": "Income Support",
    "JSA": "Jobseeker's Allowance (JSA)",
    "HB": "Housing Benefit",
    "PC": "Pension Credit",
    "PIP": "Personal Independence Payment (PIP)",
    "DLA": "Disability Living Allowance (DLA)",
    "AA": "Attendance Allowance",
    "CTR": "Council Tax Reduction",
    "none": "I do not get any benefits",
    "prefer_not": "I would rather not say",
}
ALONE = ("none", "prefer_not")
"""Answers that cannot go with any other."""
YES_NO_UNSURE = {"yes": "Yes", "no": "No", "not_sure": "I am not sure"}

IGNORED = "The full fee is more than the amount they ignore."
PERSON_WORDS = {
    "uc_taper": "The full fee would make your Universal Credit go down.",
    "uc_work_allowance_housing": "The full fee would take you over your work allowance.",
    "uc_work_allowance_no_housing": "The full fee would take you over your work allowance.",
    "esa_pw_lower_weekly": "The full fee would take you over the lower limit.",
    "esa_pw_higher_weekly": "The full fee would take you over the higher limit.",
    "ca_earnings_limit_weekly": "The full fee would take you over the limit.",
    "is_disregard_standard": IGNORED,
    "jsa_disregard_standard": IGNORED,
    "hb_disregard_single": IGNORED,
    "pc_disregard_single": IGNORED,
}
"""What the person reads when a fee passes a limit; the notes about PIP and council tax
reduction are already in the facts' lines."""


@dataclass(frozen=True)
class Declared:
    """A person's declaration, as they gave it."""

    benefits: tuple[str, ...]
    uc_work_allowance: str = ""  # yes | no | not_sure
    uc_housing: str = ""  # yes | no | not_sure
    uc_period_day: int | None = None  # 1-31: the day their assessment period starts
    ca_other_weekly_pence: int | None = None

    def to_json(self) -> str:
        return json.dumps(self.__dict__ | {"benefits": list(self.benefits)}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Declared:
        values = json.loads(text)
        return cls(**values | {"benefits": tuple(values["benefits"])})


@dataclass(frozen=True)
class Period:
    """A benefit week or UC assessment period, both days included."""

    kind: str  # week | assessment_period
    start: date
    end: date

    @property
    def words(self) -> str:
        span = f"{_day(self.start)} to {_day(self.end)}"
        return f"this week ({span})" if self.kind == "week" else f"this assessment period ({span})"


@dataclass(frozen=True)
class Fact:
    """The facts about one benefit the person named."""

    benefit: str
    title: str
    lines: tuple[str, ...]
    period: Period | None = None
    so_far_pence: int | None = None
    with_new_pence: int | None = None
    rule_key: str | None = None  # set when the new payment passes a limit or reduces it
    figures: tuple[ThresholdView, ...] = field(default=())

    @property
    def warning(self) -> str:
        """What the person reads when the full fee passes a limit ("" when it does not)."""
        return PERSON_WORDS.get(self.rule_key or "", "")

    @property
    def unconfirmed(self) -> bool:
        return any(f.status != "verified" for f in self.figures)


def assess(
    declared: Declared,
    figures: dict[str, ThresholdView],
    periods: dict[str, Period],
    totals: dict[str, int],
    amount_pence: int | None,
) -> list[Fact]:
    """The facts for each benefit named, in the order of ``BENEFITS`` (pure: easy to test)."""
    facts = []
    for code in BENEFITS:
        if code in declared.benefits and code in RULES:
            facts.append(RULES[code](Inputs(declared, figures, periods, totals, amount_pence)))
    return facts


@dataclass(frozen=True)
class Inputs:
    declared: Declared
    figures: dict[str, ThresholdView]
    periods: dict[str, Period]
    totals: dict[str, int]
    amount: int | None

    def running(self, kind: str, extra: int = 0) -> tuple[Period, int, int | None]:
        so_far = self.totals.get(kind, 0) + extra
        with_new = None if self.amount is None else so_far + self.amount
        return self.periods[kind], so_far, with_new


def _uc(given: Inputs) -> Fact:
    taper = given.figures["uc_taper"]
    period, so_far, with_new = given.running("assessment_period")
    lines = [
        "Universal Credit counts money in the assessment period you get it.",
        f"Your assessment period starts on day {given.declared.uc_period_day} of the month."
        if given.declared.uc_period_day
        else "You did not tell us the day your assessment period starts. We used the "
        "calendar month. Your online account shows your real dates.",
    ]
    if given.declared.uc_work_allowance == "yes":
        key = (
            "uc_work_allowance_no_housing"
            if given.declared.uc_housing == "no"
            else ("uc_work_allowance_housing")
        )
        allowance = given.figures[key]
        lines += [
            f"You can earn {allowance.shown} in an assessment period before your Universal "
            "Credit goes down.",
            f"After that, it goes down by {taper.amount}p for each £1 you earn.",
        ]
        if given.declared.uc_housing != "no":
            other = given.figures["uc_work_allowance_no_housing"]
            lines.append(f"(It is {other.shown} if your Universal Credit has no help with rent.)")
        over = with_new is not None and with_new > allowance.amount
        figures: tuple[ThresholdView, ...] = (allowance, taper)
        rule = key if over else None
    else:
        lines.append(
            f"Without a work allowance, Universal Credit goes down by {taper.amount}p for "
            "each £1 you earn."
        )
        if given.declared.uc_work_allowance == "not_sure":
            lines.append(
                "You get a work allowance only if you look after a child or you have limited "
                "capability for work."
            )
        if given.amount:
            less = given.amount * taper.amount // 100
            lines.append(f"So {pounds(given.amount)} could mean about {pounds(less)} less.")
        figures, rule = (taper,), ("uc_taper" if given.amount else None)
    return _fact("UC", lines, (period, so_far, with_new), rule_key=rule, figures=figures)


def _esa(given: Inputs) -> Fact:
    lower, higher = given.figures["esa_pw_lower_weekly"], given.figures["esa_pw_higher_weekly"]
    period, so_far, with_new = given.running("week")
    lines = [
        f"With ESA you can earn up to {lower.shown} a week.",
        f"You can earn up to {higher.shown} a week if you work less than 16 hours a week "
        "and you have told the DWP (form PW1).",
        "Over that, your ESA can stop.",
    ]
    rule = None
    if with_new is not None and with_new > higher.amount:
        rule = "esa_pw_higher_weekly"
    elif with_new is not None and with_new > lower.amount:
        rule = "esa_pw_lower_weekly"
    return _fact("ESA", lines, (period, so_far, with_new), rule_key=rule, figures=(lower, higher))


def _ca(given: Inputs) -> Fact:
    limit = given.figures["ca_earnings_limit_weekly"]
    other = given.declared.ca_other_weekly_pence or 0
    period, so_far, with_new = given.running("week", extra=other)
    lines = [
        f"Carer's Allowance stops for any week you earn over {limit.shown}.",
        "Even 1p over means no Carer's Allowance for that week.",
    ]
    if other:
        lines.append(f"You told us you earn {pounds(other)} a week from other work. We added it.")
    else:
        lines.append("The limit is for everything you earn, so count any other work too.")
    rule = "ca_earnings_limit_weekly" if with_new is not None and with_new > limit.amount else None
    return _fact("CA", lines, (period, so_far, with_new), rule_key=rule, figures=(limit,))


def _ignored(code: str, key: str, others: tuple[tuple[str, str], ...]) -> Any:
    """Income Support, JSA, Housing Benefit, Pension Credit: only a small amount is ignored."""

    def rule(given: Inputs) -> Fact:
        base = given.figures[key]
        extra = [given.figures[k] for k, _ in others if k in given.figures]
        cases = ", ".join(
            f"{f.shown} {words}" for f, (_, words) in zip(extra, others, strict=False)
        )
        lines = [
            f"{BENEFITS[code]} ignores only {base.shown} a week of what you earn"
            + (f" ({cases})." if cases else "."),
            "The rest can make it go down.",
        ]
        period, so_far, with_new = given.running("week")
        over = with_new is not None and with_new > base.amount
        return _fact(
            code,
            lines,
            (period, so_far, with_new),
            rule_key=key if over else None,
            figures=(base, *extra),
        )

    return rule


def _not_means_tested(code: str) -> Any:
    def rule(given: Inputs) -> Fact:
        lines = [
            f"{BENEFITS[code]} does not go down when you are paid.",
            "But starting something new can count as a change you should tell them about.",
        ]
        return _fact(code, lines, rule_key="change_of_circumstances" if given.amount else None)

    return rule


def _ctr(given: Inputs) -> Fact:
    lines = [
        "Council Tax Reduction depends on your council's own rules.",
        "A payment could change it. Ask your council's council tax team.",
    ]
    return _fact("CTR", lines, rule_key="ctr_local_scheme" if given.amount else None)


RULES = {
    "UC": _uc,
    "ESA": _esa,
    "CA": _ca,
    "IS": _ignored("IS", "is_disregard_standard", (("is_disregard_higher", "in some cases"),)),
    "JSA": _ignored("JSA", "jsa_disregard_standard", (("jsa_disregard_higher", "in some cases"),)),
    "HB": _ignored(
        "HB",
        "hb_disregard_single",
        (
            ("hb_disregard_couple", "for a couple"),
            ("hb_disregard_lone_parent", "for a lone parent"),
            ("hb_disregard_higher", "in some other cases"),
        ),
    ),
    "PC": _ignored(
        "PC",
        "pc_disregard_single",
        (("pc_disregard_couple", "for a couple"), ("pc_disregard_higher", "in some cases")),
    ),
    "PIP": _not_means_tested("PIP"),
    "DLA": _not_means_tested("DLA"),
    "AA": _not_means_tested("AA"),
    "CTR": _ctr,
}


def _fact(
    code: str,
    lines: list[str],
    running: tuple[Period, int, int | None] | None = None,
    *,
    rule_key: str | None = None,
    figures: tuple[ThresholdView, ...] = (),
) -> Fact:
    period, so_far, with_new = running or (None, None, None)
    return Fact(code, BENEFITS[code], tuple(lines), period, so_far, with_new, rule_key, figures)


def benefit_week(on: date) -> Period:
    """Monday to Sunday around ``on``."""
    start = on - timedelta(days=on.weekday())
    return Period("week", start, start + timedelta(days=6))


def assessment_period(on: date, start_day: int | None) -> Period:
    """The UC assessment period around ``on``: from ``start_day`` of a month (or the month's
    last day when it is shorter) to the day before the next one; the calendar month if the
    day is not known."""
    day = start_day or 1
    start = _on_day(on.year, on.month, day)
    if start > on:
        year, month = (on.year, on.month - 1) if on.month > 1 else (on.year - 1, 12)
        start = _on_day(year, month, day)
    year, month = (start.year, start.month + 1) if start.month < 12 else (start.year + 1, 1)
    return Period("assessment_period", start, _on_day(year, month, day) - timedelta(days=1))


def _on_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _day(day: date) -> str:
    return day.strftime("%A %-d %B")


def words_of(declared: Declared) -> list[str]:
    """What the person told us, as a list they can read back."""
    said = [BENEFITS[code] for code in declared.benefits]
    if "UC" in declared.benefits:
        said.append(f"Work allowance: {YES_NO_UNSURE.get(declared.uc_work_allowance, '')}")
        said.append(
            f"Help with rent in Universal Credit: {YES_NO_UNSURE.get(declared.uc_housing, '')}"
        )
    if declared.ca_other_weekly_pence:
        said.append(f"Other earnings: {pounds(declared.ca_other_weekly_pence)} a week")
    return said


def as_dict(fact: Fact) -> dict[str, Any]:
    """A fact as stored (sealed) in an informed-choice record."""
    return {
        "benefit": fact.benefit,
        "lines": list(fact.lines),
        "period": fact.period.words if fact.period else "",
        "so_far_pence": fact.so_far_pence,
        "with_new_pence": fact.with_new_pence,
        "rule_key": fact.rule_key,
        "figures": {f.rule_key: [f.amount, f.status, f.tax_year] for f in fact.figures},
    }
