"""HTML controllers of the participation domain. Thin: parse, call one service, render."""

from typing import Any

ROUTES: list[Any] = []
ACCESS: dict[str, Any] = {}  # route name -> app.auth.access.Rule; deny by default
NAVIGATION: list[Any] = []
