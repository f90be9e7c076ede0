"""JSON controllers of the participation domain, mounted under ``/api/v1`` by the factory. Thin.

``own``: a participant's own profile and rights (``/me``). ``people``: coordinators working
with people's profiles (``/participants``). ``recruitment``: opportunities, expressions of
interest and the review board. They read bodies with ``support`` and answer with ``views``.
"""

from __future__ import annotations

from typing import Any

from participation.api import own, people, recruitment

ROUTES: list[Any] = [*own.ROUTES, *people.ROUTES, *recruitment.ROUTES]
ACCESS: dict[str, Any] = own.ACCESS | people.ACCESS | recruitment.ACCESS  # deny by default
