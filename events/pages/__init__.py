"""HTML controllers of the events domain: each page module's routes, rules and links.

``venues`` and ``organiser``: places, events, invitations and replies for organisers.
``replies`` and ``feed``: a person's replies, their events and their calendar feed.
``logistics``, ``attendance`` and ``followups``: arranging needs, the day itself, and the
debrief after. All thin: parse, call one service, render.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from events.pages import (
    attendance,
    documents,
    easy_read,
    feed,
    followups,
    logistics,
    organiser,
    replies,
    venues,
)

MODULES: tuple[ModuleType, ...] = (
    venues,
    organiser,
    replies,
    easy_read,
    feed,
    logistics,
    attendance,
    followups,
    documents,
)

ROUTES: list[Any] = [route for module in MODULES for route in module.ROUTES]
ACCESS: dict[str, Any] = {name: rule for module in MODULES for name, rule in module.ACCESS.items()}
NAVIGATION: list[Any] = [item for module in MODULES for item in getattr(module, "NAVIGATION", [])]
