"""Placeholder: filled by the ledger work."""

from typing import Any

ROUTES: list[Any] = []
ACCESS: dict[str, Any] = {}
