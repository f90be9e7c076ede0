"""HTML controllers of the participation domain: each page module's routes, rules and links.

``profile``: a participant's own profile and rights. ``people``: staff working with people's
profiles. ``public`` and ``interest``: opportunities anyone can see, and expressing interest.
``opportunities``, ``board``, ``review``, ``matching`` and ``reach``: recruiting, selecting
and reporting. All thin: parse, call one service, render; ``*_views`` hold the words and the
mapping between flat form fields and schemas.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from participation.pages import (
    board,
    easy_read,
    interest,
    lived_experience,
    matching,
    opportunities,
    outcomes_easy_read,
    people,
    profile,
    public,
    reach,
    review,
    sign_in_code,
)

MODULES: tuple[ModuleType, ...] = (
    profile,
    people,
    sign_in_code,
    lived_experience,
    public,
    easy_read,
    interest,
    opportunities,
    board,
    review,
    matching,
    reach,
    outcomes_easy_read,
)

ROUTES: list[Any] = [route for module in MODULES for route in module.ROUTES]
ACCESS: dict[str, Any] = {name: rule for module in MODULES for name, rule in module.ACCESS.items()}
NAVIGATION: list[Any] = [item for module in MODULES for item in getattr(module, "NAVIGATION", [])]
