"""HTML controllers of the payments domain: each page module's routes, rules and links.

``policy``: the remuneration policy versions admins keep. ``thresholds``: the dated benefit
figures. ``choices``: a participant's benefits and how they choose to be paid. ``finance``:
approving payments, export batches and marking them paid. All thin: parse, call one service,
render.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from payments.pages import (
    bank,
    choices,
    dashboard,
    documents,
    expenses,
    fees,
    finance,
    offer_letter,
    policy,
    thresholds,
    vouchers,
)

MODULES: tuple[ModuleType, ...] = (
    policy,
    thresholds,
    choices,
    bank,
    expenses,
    finance,
    fees,
    vouchers,
    dashboard,
    documents,
    offer_letter,
)

ROUTES: list[Any] = [route for module in MODULES for route in module.ROUTES]
ACCESS: dict[str, Any] = {name: rule for module in MODULES for name, rule in module.ACCESS.items()}
NAVIGATION: list[Any] = [item for module in MODULES for item in getattr(module, "NAVIGATION", [])]
