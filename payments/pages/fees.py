"""Placeholder: filled by the fees work."""

from typing import Any

ROUTES: list[Any] = []
ACCESS: dict[str, Any] = {}
NAVIGATION: list[Any] = []
