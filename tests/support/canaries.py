"""Canaries: unique strings written into sensitive fields, that must never reach a log line.

The suite runs with the root logger at DEBUG and a trap handler that keeps every record. After
each test, ``assert_no_canary_logged`` fails the test if any canary it planted shows up in a
message, its arguments or a formatted traceback.
"""

from __future__ import annotations

import logging
import secrets

PLANTED: set[str] = set()
TEST_TOOLS = ("httpx", "httpcore", "mail.log")
"""Loggers of the test's own tools (its HTTP client, its SMTP server), not of the product."""


def canary(label: str) -> str:
    """A unique, searchable value for one sensitive field."""
    value = f"canary-{label}-{secrets.token_hex(6)}"
    PLANTED.add(value)
    return value


class LogTrap:
    """Keeps every log record of the current test, at every level, from every logger.

    It sits in the log record factory rather than among the root logger's handlers: the app's
    own logging set-up (run by every ``create_app``) replaces those handlers, and a trap that
    silently falls off would let leaks pass.
    """

    def __init__(self) -> None:
        self.records: list[logging.LogRecord] = []

    def install(self) -> None:
        make_record = logging.getLogRecordFactory()

        def trapping_factory(*args: object, **kwargs: object) -> logging.LogRecord:
            record = make_record(*args, **kwargs)
            self.records.append(record)
            return record

        logging.setLogRecordFactory(trapping_factory)

    def leaked(self) -> list[str]:
        if not PLANTED:
            return []
        formatter = logging.Formatter()
        leaks = []
        for record in self.records:
            if record.name.startswith(TEST_TOOLS):
                continue
            text = f"{record.getMessage()} {record.args!r} {record.__dict__!r}"
            if record.exc_info:
                text += formatter.formatException(record.exc_info)
            leaks += [f"{record.name}: {c}" for c in PLANTED if c in text]
        return leaks
