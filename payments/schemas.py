"""Requests of the payments domain: what a remuneration policy version says.

Money is whole pence (strict integers: 12.5 or "12" are refused, not rounded), so a typing
slip can never become a payment nobody meant.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from payments import vocabulary

Pence = Annotated[int, Field(strict=True, ge=0, le=10_000_000)]
"""A sum of money in pence: whole, not negative, at most £100,000."""


def _one_of(value: str, choices: dict[str, str], what: str) -> str:
    if value not in choices:
        raise ValueError(f"Choose the {what} from the list")
    return value


class Rate(BaseModel):
    """What the policy pays for one activity at one role level."""

    model_config = ConfigDict(extra="forbid")

    activity: str
    role_level: str = "participant"
    unit: str = "hour"
    amount_pence: Pence
    rounding_minutes: Annotated[int, Field(strict=True)] = 15
    rounding_mode: str = "up"
    prep_minutes: Annotated[int, Field(strict=True, ge=0, le=480)] = 0

    @field_validator("activity")
    @classmethod
    def _activity(cls, value: str) -> str:
        return _one_of(value, vocabulary.ACTIVITIES, "activity")

    @field_validator("role_level")
    @classmethod
    def _role_level(cls, value: str) -> str:
        return _one_of(value, vocabulary.ROLE_LEVELS, "role level")

    @field_validator("unit")
    @classmethod
    def _unit(cls, value: str) -> str:
        return _one_of(value, vocabulary.UNITS, "unit")

    @field_validator("rounding_mode")
    @classmethod
    def _rounding_mode(cls, value: str) -> str:
        return _one_of(value, vocabulary.ROUNDING_MODES, "rounding")

    @field_validator("rounding_minutes")
    @classmethod
    def _rounding_minutes(cls, value: int) -> int:
        if value not in (1, 5, 15, 30, 60):
            raise ValueError("Round to 1, 5, 15, 30 or 60 minutes")
        return value


class ExpenseRule(BaseModel):
    """How the policy pays one kind of expense."""

    model_config = ConfigDict(extra="forbid")

    category: str
    basis: str = "receipted"
    rate_pence: Pence = 0
    cap_pence: Pence | None = None
    receipt_required: bool = True
    pre_approval_required: bool = False
    advance_allowed: bool = False

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        return _one_of(value, vocabulary.EXPENSES, "kind of expense")

    @field_validator("basis")
    @classmethod
    def _basis(cls, value: str) -> str:
        return _one_of(value, vocabulary.EXPENSE_BASES, "way of paying")

    @model_validator(mode="after")
    def _rate_when_needed(self) -> ExpenseRule:
        if self.basis != "receipted" and self.rate_pence == 0:
            raise ValueError("Enter the rate in pence for a per-mile or flat-rate expense")
        return self


class Cap(BaseModel):
    """An organisational cap: not a benefit limit."""

    model_config = ConfigDict(extra="forbid")

    scope: str
    amount_pence: Pence
    action: str = "warn"

    @field_validator("scope")
    @classmethod
    def _scope(cls, value: str) -> str:
        return _one_of(value, vocabulary.CAP_SCOPES, "cap")

    @field_validator("action")
    @classmethod
    def _action(cls, value: str) -> str:
        return _one_of(value, vocabulary.CAP_ACTIONS, "cap action")


class PolicyDraft(BaseModel):
    """Everything one version of the remuneration policy says."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=150)]
    effective_from: date
    methods: list[str] = Field(min_length=1)
    pay_within_working_days: Annotated[int, Field(strict=True, ge=1, le=90)] = 10
    cost_centre: Annotated[str, Field(max_length=40)] = ""
    fee_ledger_code: Annotated[str, Field(max_length=40)] = ""
    expense_ledger_code: Annotated[str, Field(max_length=40)] = ""
    notes: Annotated[str, Field(max_length=4000)] = ""
    rates: list[Rate] = Field(min_length=1)
    expense_rules: list[ExpenseRule] = []
    caps: list[Cap] = []

    @field_validator("methods")
    @classmethod
    def _methods(cls, value: list[str]) -> list[str]:
        for method in value:
            _one_of(method, vocabulary.METHODS, "payment method")
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _one_rate_each(self) -> PolicyDraft:
        keys = [(r.activity, r.role_level) for r in self.rates]
        if len(keys) != len(set(keys)):
            raise ValueError("Give each activity and role level one rate only")
        categories = [e.category for e in self.expense_rules]
        if len(categories) != len(set(categories)):
            raise ValueError("Give each kind of expense one rule only")
        return self
