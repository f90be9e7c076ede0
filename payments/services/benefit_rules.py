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

from babel.dates import format_date

from app import i18n
from app.i18n import N_
from app.i18n import gettext as _
from payments.money import pounds
from payments.services.thresholds import ThresholdView

BENEFITS = {
    "UC": N_("Universal Credit"),
    "ESA": N_("Employment and Support Allowance (ESA)"),
    "CA": N_("Carer's Allowance"),
    "IS": N_("Income Support"),
    "JSA": N_("Jobseeker's Allowance (JSA)"),
    "HB": N_("Housing Benefit"),
    "PC": N_("Pension Credit"),
    "PIP": N_("Personal Independence Payment (PIP)"),
    "DLA": N_("Disability Living Allowance (DLA)"),
    "AA": N_("Attendance Allowance"),
    "CTR": N_("Council Tax Reduction"),
    "none": N_("I do not get any benefits"),
    "prefer_not": N_("I would rather not say"),
}
"""Labels marked for translation: ``translated(BENEFITS)`` where a person reads them."""
ALONE = ("none", "prefer_not")
"""Answers that cannot go with any other."""
YES_NO_UNSURE = {"yes": N_("Yes"), "no": N_("No"), "not_sure": N_("I am not sure")}

IGNORED = N_("The full fee is more than the amount they ignore.")
OVER_ALLOWANCE = N_("The full fee would take you over your work allowance.")
PERSON_WORDS = {
    "uc_taper": N_("The full fee would make your Universal Credit go down."),
    "uc_work_allowance_housing": OVER_ALLOWANCE,
    "uc_work_allowance_no_housing": OVER_ALLOWANCE,
    "esa_pw_lower_weekly": N_("The full fee would take you over the lower limit."),
    "esa_pw_higher_weekly": N_("The full fee would take you over the higher limit."),
    "ca_earnings_limit_weekly": N_("The full fee would take you over the limit."),
    "is_disregard_standard": IGNORED,
    "jsa_disregard_standard": IGNORED,
    "hb_disregard_single": IGNORED,
    "pc_disregard_single": IGNORED,
}
"""What the person reads when a fee passes a limit; the notes about PIP and council tax
reduction are already in the facts' lines."""


def translated(labels: dict[str, str]) -> dict[str, str]:
    """Marked labels in the current language, for a form's choices."""
    return {code: _(label) for code, label in labels.items()}


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
        span = _("%(start)s to %(end)s") % {"start": _day(self.start), "end": _day(self.end)}
        if self.kind == "week":
            return _("this week (%(span)s)") % {"span": span}
        return _("this assessment period (%(span)s)") % {"span": span}


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
        words = PERSON_WORDS.get(self.rule_key or "", "")
        return _(words) if words else ""

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
        _("Universal Credit counts money in the assessment period you get it."),
        _("Your assessment period starts on day %(day)s of the month.")
        % {"day": given.declared.uc_period_day}
        if given.declared.uc_period_day
        else _(
            "You did not tell us the day your assessment period starts. We used the "
            "calendar month. Your online account shows your real dates."
        ),
    ]
    if given.declared.uc_work_allowance == "yes":
        key = (
            "uc_work_allowance_no_housing"
            if given.declared.uc_housing == "no"
            else ("uc_work_allowance_housing")
        )
        allowance = given.figures[key]
        lines += [
            _(
                "You can earn %(amount)s in an assessment period before your Universal "
                "Credit goes down."
            )
            % {"amount": allowance.shown},
            _("After that, it goes down by %(pence)sp for each £1 you earn.")
            % {"pence": taper.amount},
        ]
        if given.declared.uc_housing != "no":
            other = given.figures["uc_work_allowance_no_housing"]
            lines.append(
                _("(It is %(amount)s if your Universal Credit has no help with rent.)")
                % {"amount": other.shown}
            )
        over = with_new is not None and with_new > allowance.amount
        figures: tuple[ThresholdView, ...] = (allowance, taper)
        rule = key if over else None
    else:
        lines.append(
            _(
                "Without a work allowance, Universal Credit goes down by %(pence)sp for "
                "each £1 you earn."
            )
            % {"pence": taper.amount}
        )
        if given.declared.uc_work_allowance == "not_sure":
            lines.append(
                _(
                    "You get a work allowance only if you look after a child or you have "
                    "limited capability for work."
                )
            )
        if given.amount:
            less = given.amount * taper.amount // 100
            lines.append(
                _("So %(fee)s could mean about %(less)s less.")
                % {"fee": pounds(given.amount), "less": pounds(less)}
            )
        figures, rule = (taper,), ("uc_taper" if given.amount else None)
    return _fact("UC", lines, (period, so_far, with_new), rule_key=rule, figures=figures)


def _esa(given: Inputs) -> Fact:
    lower, higher = given.figures["esa_pw_lower_weekly"], given.figures["esa_pw_higher_weekly"]
    period, so_far, with_new = given.running("week")
    lines = [
        _("With ESA you can earn up to %(amount)s a week.") % {"amount": lower.shown},
        _(
            "You can earn up to %(amount)s a week if you work less than 16 hours a week "
            "and you have told the DWP (form PW1)."
        )
        % {"amount": higher.shown},
        _("Over that, your ESA can stop."),
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
        _("Carer's Allowance stops for any week you earn over %(amount)s.")
        % {"amount": limit.shown},
        _("Even 1p over means no Carer's Allowance for that week."),
    ]
    if other:
        lines.append(
            _("You told us you earn %(amount)s a week from other work. We added it.")
            % {"amount": pounds(other)}
        )
    else:
        lines.append(_("The limit is for everything you earn, so count any other work too."))
    rule = "ca_earnings_limit_weekly" if with_new is not None and with_new > limit.amount else None
    return _fact("CA", lines, (period, so_far, with_new), rule_key=rule, figures=(limit,))


def _ignored(code: str, key: str, others: tuple[tuple[str, str], ...]) -> Any:
    """Income Support, JSA, Housing Benefit, Pension Credit: only a small amount is ignored."""

    def rule(given: Inputs) -> Fact:
        base = given.figures[key]
        extra = [given.figures[k] for k, _ in others if k in given.figures]
        cases = ", ".join(
            f"{f.shown} {_(words)}" for f, (_key, words) in zip(extra, others, strict=False)
        )
        said = {"benefit": _(BENEFITS[code]), "amount": base.shown, "cases": cases}
        lines = [
            (
                _("%(benefit)s ignores only %(amount)s a week of what you earn (%(cases)s).")
                if cases
                else _("%(benefit)s ignores only %(amount)s a week of what you earn.")
            )
            % said,
            _("The rest can make it go down."),
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
            _("%(benefit)s does not go down when you are paid.") % {"benefit": _(BENEFITS[code])},
            _("But starting something new can count as a change you should tell them about."),
        ]
        return _fact(code, lines, rule_key="change_of_circumstances" if given.amount else None)

    return rule


def _ctr(given: Inputs) -> Fact:
    lines = [
        _("Council Tax Reduction depends on your council's own rules."),
        _("A payment could change it. Ask your council's council tax team."),
    ]
    return _fact("CTR", lines, rule_key="ctr_local_scheme" if given.amount else None)


SOME_CASES, COUPLE = N_("in some cases"), N_("for a couple")
RULES = {
    "UC": _uc,
    "ESA": _esa,
    "CA": _ca,
    "IS": _ignored("IS", "is_disregard_standard", (("is_disregard_higher", SOME_CASES),)),
    "JSA": _ignored("JSA", "jsa_disregard_standard", (("jsa_disregard_higher", SOME_CASES),)),
    "HB": _ignored(
        "HB",
        "hb_disregard_single",
        (
            ("hb_disregard_couple", COUPLE),
            ("hb_disregard_lone_parent", N_("for a lone parent")),
            ("hb_disregard_higher", N_("in some other cases")),
        ),
    ),
    "PC": _ignored(
        "PC",
        "pc_disregard_single",
        (("pc_disregard_couple", COUPLE), ("pc_disregard_higher", SOME_CASES)),
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
    title = _(BENEFITS[code])
    return Fact(code, title, tuple(lines), period, so_far, with_new, rule_key, figures)


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
    """'Monday 6 April' in the current language (the year is plain from the context)."""
    code = i18n.current()
    return format_date(day, "EEEE d MMMM", locale="en_GB" if code == i18n.DEFAULT else code)


def words_of(declared: Declared) -> list[str]:
    """What the person told us, as a list they can read back."""
    said = [_(BENEFITS[code]) for code in declared.benefits]
    if "UC" in declared.benefits:
        said.append(
            _("Work allowance: %(answer)s") % {"answer": _answer(declared.uc_work_allowance)}
        )
        said.append(
            _("Help with rent in Universal Credit: %(answer)s")
            % {"answer": _answer(declared.uc_housing)}
        )
    if declared.ca_other_weekly_pence:
        said.append(
            _("Other earnings: %(amount)s a week")
            % {"amount": pounds(declared.ca_other_weekly_pence)}
        )
    return said


def _answer(code: str) -> str:
    words = YES_NO_UNSURE.get(code, "")
    return _(words) if words else ""


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
