"""Canaries: unique strings written into sensitive fields, that must never reach a log line.

The suite runs with the root logger at DEBUG and a trap handler that keeps every record. After
each test, ``assert_no_canary_logged`` fails the test if any canary it planted shows up in a
message, its arguments or a formatted traceback.
"""

from __future__ import annotations

import logging
import secrets

PLANTED: set[str] = set()


def canary(label: str) -> str:
    """A unique, searchable value for one sensitive field."""
    value = f"canary-{label}-{secrets.token_hex(6)}"
    PLANTED.add(value)
    return value


class LogTrap(logging.Handler):
    """Keeps every log record of the current test, at every level."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def leaked(self) -> list[str]:
        if not PLANTED:
            return []
        formatter = logging.Formatter()
        leaks = []
        for record in self.records:
            text = f"{record.getMessage()} {record.args!r} {record.__dict__!r}"
            if record.exc_info:
                text += formatter.formatException(record.exc_info)
            leaks += [f"{record.name}: {c}" for c in PLANTED if c in text]
        return leaks
