"""JSON controllers of the events domain, mounted under ``/api/v1`` by the factory. Thin."""

from typing import Any

ROUTES: list[Any] = []
ACCESS: dict[str, Any] = {}  # route name -> app.auth.access.Rule; deny by default
