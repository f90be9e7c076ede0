"""A wrapper for decrypted values that will not show itself by accident.

``repr``, ``str``, f-strings, logging and JSON encoding all see ``<redacted>``; the only way to
the value is ``.reveal()``, which is easy to search for in review.
"""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")
REDACTED = "<redacted>"


class Sensitive(Generic[T]):
    """A decrypted personal value. Compare and hash it freely; print it never."""

    __slots__ = ("_value",)

    def __init__(self, value: T) -> None:
        self._value = value

    def reveal(self) -> T:
        return self._value

    def __repr__(self) -> str:
        return REDACTED

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return REDACTED

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sensitive):
            return bool(self._value == other._value)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        """Pickling (caches, task queues) yields the placeholder, not the value."""
        return (str, (REDACTED,))
