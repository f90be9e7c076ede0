"""The policy form as flat HTML and back: one form for a whole version.

Amounts are typed in pounds ("25", "25.50", "£25.50") and turned into pence exactly by
``parse_pounds`` (string parsing, never floats), so "25.555", "-5" or "abc" is an error on that
field rather than a sum nobody meant. Each activity, kind of expense and cap is a checkbox that
reveals its details; ``PolicyDraft`` does the rest of the checking, and its errors are mapped
back to the inputs that caused them, so the error summary links to the right box.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import ValidationError

from app.errors import DomainError, FieldError
from app.web.forms import FormInvalid
from payments import vocabulary as v
from payments.money import parse_pounds
from payments.schemas import PolicyDraft

Values = dict[str, Any]
Row = tuple[str, str]
"""Where a list item came from: (input prefix, which amount), like ("rate-workshop", "lead")."""

DATE_PARTS = ("day", "month", "year")
TEXTS = (
    "name",
    "pay_within_working_days",
    "cost_centre",
    "fee_ledger_code",
    "expense_ledger_code",
    "notes",
)
GROUPS = ("methods", "activities", "expenses", "caps")
RATE_PARTS = ("unit", "amount", "lead", "prep", "rounding")
EXPENSE_PARTS = ("basis", "rate", "cap", "receipt", "agree", "advance")
CAP_PARTS = ("amount", "action")
WHOLE = re.compile(r"^\d{1,6}$")
NOT_A_DATE = "not a date"

ROUNDINGS: dict[str, str] = {
    "up-1": "To the minute (no rounding)",
    "up-5": "Up to the next 5 minutes",
    "nearest-5": "To the nearest 5 minutes",
    "up-15": "Up to the next 15 minutes",
    "nearest-15": "To the nearest 15 minutes",
    "up-30": "Up to the next half hour",
    "nearest-30": "To the nearest half hour",
    "up-60": "Up to the next hour",
    "nearest-60": "To the nearest hour",
}

MESSAGES: dict[str, str] = {
    "name": "Enter a name for the policy, in 150 characters or fewer",
    "effective_from": "Enter the date this version starts, like 1 4 2026",
    "methods": "Select at least one way the council pays people",
    "pay_within_working_days": "Enter how many working days, from 1 to 90",
    "cost_centre": "Enter the cost centre in 40 characters or fewer",
    "fee_ledger_code": "Enter the ledger code for fees in 40 characters or fewer",
    "expense_ledger_code": "Enter the ledger code for expenses in 40 characters or fewer",
    "notes": "Enter notes in 4,000 characters or fewer",
    "activities": "Select at least one activity the policy pays for",
    "expenses": "Select kinds of expense from the list",
    "caps": "Select caps from the list",
}
PART_MESSAGES: dict[str, str] = {
    "unit": "Choose how this activity is paid: per hour, half day, day or task",
    "amount": "Enter an amount in pounds and pence, like 25.00",
    "lead": "Enter an amount in pounds and pence, like 35.00",
    "prep": "Enter preparation time in whole minutes, from 0 to 480",
    "rounding": "Choose how to round the time from the list",
    "basis": "Choose how this expense is paid from the list",
    "rate": "Enter the rate in pounds and pence, like 0.45, for a per-mile or flat-rate expense",
    "cap": "Enter the most it pays in pounds and pence, like 10.00, or leave it empty",
    "action": "Choose what happens at the cap from the list",
}
RATE_FIELDS = {
    "amount_pence": "amount",
    "unit": "unit",
    "rounding_minutes": "rounding",
    "rounding_mode": "rounding",
    "prep_minutes": "prep",
}
EXPENSE_FIELDS = {"basis": "basis", "rate_pence": "rate", "cap_pence": "cap"}
CAP_FIELDS = {"amount_pence": "amount", "action": "action"}


def field_order() -> list[str]:
    """Every input in the order the form shows them: the error summary follows it."""
    order = ["name", "effective_from", "methods", "pay_within_working_days"]
    order += ["cost_centre", "fee_ledger_code", "expense_ledger_code", "activities"]
    order += [f"rate-{code}-{part}" for code in v.ACTIVITIES for part in RATE_PARTS]
    order += ["expenses", *(f"expense-{code}-{p}" for code in v.EXPENSES for p in EXPENSE_PARTS)]
    order += ["caps", *(f"cap-{scope}-{part}" for scope in v.CAP_SCOPES for part in CAP_PARTS)]
    return [*order, "notes"]


FIELD_IDS: dict[str, str] = {"effective_from": "effective_from-day"}


def posted_values(posted: Any) -> Values:
    """What was typed, kept as typed so the form can show it again."""
    values: Values = {name: str(posted.get(name, "")).strip() for name in _text_names()}
    return values | {group: [c for c in posted.getall(group, []) if c] for group in GROUPS}


def _text_names() -> list[str]:
    names = [*TEXTS, *(f"effective_from-{p}" for p in DATE_PARTS)]
    names += [f"rate-{code}-{part}" for code in v.ACTIVITIES for part in RATE_PARTS]
    names += [f"expense-{code}-{p}" for code in v.EXPENSES for p in EXPENSE_PARTS]
    return names + [f"cap-{scope}-{part}" for scope in v.CAP_SCOPES for part in CAP_PARTS]


def values_of(draft: PolicyDraft) -> Values:
    """A version as the form's inputs. The form sets unit, preparation and rounding once per
    activity, so the taking-part rate's settings are shown (the leading rate's if there is
    no taking-part rate)."""
    day = draft.effective_from
    values: Values = dict.fromkeys(_text_names(), "") | _row_defaults()
    values |= {name: str(getattr(draft, name)) for name in TEXTS}
    values |= {f"effective_from-{p}": str(getattr(day, p)) for p in DATE_PARTS}
    values |= {"methods": list(draft.methods), "activities": [], "expenses": [], "caps": []}
    for rate in sorted(draft.rates, key=lambda r: r.role_level != "lead"):
        prefix = f"rate-{rate.activity}"
        mode = "up" if rate.rounding_minutes == 1 else rate.rounding_mode
        values |= {
            f"{prefix}-unit": rate.unit,
            f"{prefix}-prep": str(rate.prep_minutes),
            f"{prefix}-rounding": f"{mode}-{rate.rounding_minutes}",
            f"{prefix}-{'lead' if rate.role_level == 'lead' else 'amount'}": _money(
                rate.amount_pence
            ),
        }
        values["activities"] = _add(values["activities"], rate.activity)
    for rule in draft.expense_rules:
        values |= _expense_values(rule.category, rule.model_dump())
        values["expenses"].append(rule.category)
    for cap in draft.caps:
        values |= {f"cap-{cap.scope}-amount": _money(cap.amount_pence)}
        values |= {f"cap-{cap.scope}-action": cap.action}
        values["caps"].append(cap.scope)
    return values


def _row_defaults() -> Values:
    """What a row shows when ticked for the first time: the schema's own defaults."""
    values: Values = {}
    for code in v.ACTIVITIES:
        values |= {f"rate-{code}-unit": "hour", f"rate-{code}-prep": "0"}
        values |= {f"rate-{code}-rounding": "up-15"}
    for code in v.EXPENSES:
        values |= {f"expense-{code}-basis": "receipted", f"expense-{code}-receipt": "yes"}
    return values | {f"cap-{scope}-action": "warn" for scope in v.CAP_SCOPES}


def read_draft(values: Values) -> PolicyDraft:
    """The ``PolicyDraft`` the typed values say; raises ``FormInvalid`` naming each input."""
    problems: dict[str, str] = {}
    rates, rate_rows = _rates(values, problems)
    rules, rule_rows = _expense_rules(values, problems)
    caps, cap_rows = _caps(values, problems)
    data: dict[str, Any] = {name: values[name] for name in TEXTS}
    data |= {
        "effective_from": _day(values),
        "methods": values["methods"],
        "pay_within_working_days": _whole(values["pay_within_working_days"]),
        "rates": rates,
        "expense_rules": rules,
        "caps": caps,
    }
    try:
        draft = PolicyDraft.model_validate(data)
    except ValidationError as exc:
        rows = {"rates": rate_rows, "expense_rules": rule_rows, "caps": cap_rows}
        for error in exc.errors():
            name = _input_of(error["loc"], rows)
            if name == "activities" and values["activities"] and problems:
                continue  # ticked, but each one's amount is wrong: say that, not this
            problems.setdefault(name, _message_for(name))
    if problems:
        order = {name: index for index, name in enumerate(field_order())}
        ordered = sorted(problems, key=lambda name: order.get(name, len(order)))
        raise FormInvalid([FieldError(name, problems[name]) for name in ordered], values)
    return draft


def default_draft(today: date) -> PolicyDraft:
    """A starting point when no version is in force: figures from published policies (about
    £25 an hour, £50 a half day for market events, HMRC's 45p a mile), to check before approving."""
    return PolicyDraft.model_validate(
        {
            "name": "Involvement payments",
            "effective_from": today,
            "methods": [*DEFAULT_METHODS],
            "notes": "Starting figures from published policies. Check each one before approving.",
            "rates": [
                {"activity": code, "amount_pence": 2500}
                if code != "market_event"
                else {"activity": code, "unit": "half_day", "amount_pence": 5000}
                for code in v.ACTIVITIES
            ],
            "expense_rules": [
                {"category": "public_transport"},
                {"category": "mileage_car", "basis": "per_mile", "rate_pence": 45},
                {"category": "parking"},
                {"category": "taxi", "pre_approval_required": True, "advance_allowed": True},
                {"category": "subsistence", "cap_pence": 1000},
                *(
                    {"category": code, "pre_approval_required": True, "advance_allowed": True}
                    for code in ("replacement_care", "childcare", "personal_assistant")
                ),
                {"category": "interpreter", "pre_approval_required": True},
            ],
        }
    )


DEFAULT_METHODS: tuple[str, ...] = ("bank_transfer", "cash", "e_voucher", "pay_to_charity")
DEFAULT_METHODS += ("reduced_amount", "expenses_only")


def _rates(values: Values, problems: dict[str, str]) -> tuple[list[Any], list[Row]]:
    rates: list[Any] = []
    rows: list[Row] = []
    for code in (c for c in v.ACTIVITIES if c in values["activities"]):
        prefix = f"rate-{code}"
        mode, _, minutes = values[f"{prefix}-rounding"].partition("-")
        shared = {
            "activity": code,
            "unit": values[f"{prefix}-unit"],
            "rounding_mode": mode,
            "rounding_minutes": _whole(minutes),
            "prep_minutes": _whole(values[f"{prefix}-prep"] or "0"),
        }
        typed = {level: values[f"{prefix}-{part}"] for part, level in _LEVELS.items()}
        if not any(typed.values()):
            problems[f"{prefix}-amount"] = "Enter what the policy pays for taking part, like 25.00"
        for part, level in _LEVELS.items():
            if typed[level]:
                amount = _pounds(typed[level], f"{prefix}-{part}", _WHAT[part], problems)
                rates.append(shared | {"role_level": level, "amount_pence": amount})
                rows.append((prefix, part))
    return rates, rows


_LEVELS = {"amount": "participant", "lead": "lead"}
_WHAT = {"amount": "the amount for taking part", "lead": "the amount for leading"}


def _expense_rules(values: Values, problems: dict[str, str]) -> tuple[list[Any], list[Row]]:
    rules: list[Any] = []
    rows: list[Row] = []
    for code in (c for c in v.EXPENSES if c in values["expenses"]):
        prefix = f"expense-{code}"
        rate, cap = values[f"{prefix}-rate"], values[f"{prefix}-cap"]
        rules.append(
            {
                "category": code,
                "basis": values[f"{prefix}-basis"],
                "rate_pence": _pounds(rate, f"{prefix}-rate", "the rate", problems) if rate else 0,
                "cap_pence": _pounds(cap, f"{prefix}-cap", "the most it pays", problems)
                if cap
                else None,
                "receipt_required": values[f"{prefix}-receipt"] == "yes",
                "pre_approval_required": values[f"{prefix}-agree"] == "yes",
                "advance_allowed": values[f"{prefix}-advance"] == "yes",
            }
        )
        rows.append((prefix, ""))
    return rules, rows


def _caps(values: Values, problems: dict[str, str]) -> tuple[list[Any], list[Row]]:
    caps: list[Any] = []
    rows: list[Row] = []
    for scope in (s for s in v.CAP_SCOPES if s in values["caps"]):
        prefix = f"cap-{scope}"
        typed = values[f"{prefix}-amount"]
        if not typed:
            problems[f"{prefix}-amount"] = "Enter the cap in pounds and pence, like 200.00"
        amount = _pounds(typed, f"{prefix}-amount", "the cap", problems) if typed else ""
        caps.append({"scope": scope, "amount_pence": amount, "action": values[f"{prefix}-action"]})
        rows.append((prefix, ""))
    return caps, rows


def _pounds(text: str, field: str, what: str, problems: dict[str, str]) -> int | str:
    """Pence, or the text as typed (which the schema then refuses) with the problem noted."""
    try:
        return parse_pounds(text, field, what)
    except DomainError as problem:
        problems.setdefault(field, problem.message)
        return text


def _input_of(loc: tuple[int | str, ...], rows: dict[str, list[Row]]) -> str:
    """The input a schema error belongs to: ("rates", 2, "amount_pence") -> the amount box of
    the third rate's activity."""
    if not loc:
        return "activities"
    if loc[0] not in rows:
        return str(loc[0])
    if len(loc) < 2 or not isinstance(loc[1], int):
        return {"rates": "activities", "expense_rules": "expenses", "caps": "caps"}[str(loc[0])]
    prefix, part = rows[str(loc[0])][loc[1]]
    attribute = str(loc[2]) if len(loc) > 2 else ""
    if loc[0] == "rates":
        name = RATE_FIELDS.get(attribute, "amount")
        return f"{prefix}-{part if name == 'amount' else name}"
    if loc[0] == "expense_rules":
        return f"{prefix}-{EXPENSE_FIELDS.get(attribute, 'rate')}"
    return f"{prefix}-{CAP_FIELDS.get(attribute, 'amount')}"


def _message_for(name: str) -> str:
    if name in MESSAGES:
        return MESSAGES[name]
    return PART_MESSAGES.get(name.rsplit("-", 1)[-1], "Check this answer")


def _expense_values(code: str, rule: dict[str, Any]) -> Values:
    prefix = f"expense-{code}"
    flags = {"receipt": "receipt_required", "agree": "pre_approval_required"}
    flags |= {"advance": "advance_allowed"}
    values: Values = {f"{prefix}-{part}": "yes" if rule[key] else "" for part, key in flags.items()}
    cap = rule["cap_pence"]
    return values | {
        f"{prefix}-basis": rule["basis"],
        f"{prefix}-rate": _money(rule["rate_pence"]) if rule["rate_pence"] else "",
        f"{prefix}-cap": "" if cap is None else _money(cap),
    }


def _day(values: Values) -> date | str:
    try:
        day, month, year = (int(values[f"effective_from-{p}"]) for p in DATE_PARTS)
        return date(year, month, day)
    except (ValueError, OverflowError):
        return NOT_A_DATE


def _whole(text: str) -> int | str:
    """A whole number as typed ("30"), or the text itself for the schema to refuse."""
    return int(text) if WHOLE.match(text) else text


def _money(pence: int) -> str:
    """Pence as the form shows them: 2500 -> "25.00"."""
    return f"{pence // 100}.{pence % 100:02d}"


def _add(codes: list[str], code: str) -> list[str]:
    return codes if code in codes else [*codes, code]
