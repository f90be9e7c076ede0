"""``make test``: the whole suite in parallel, on SQLite and (when it answers) PostgreSQL.

Run as ``python -m tests.run [pytest arguments]``. pytest's exit code 5 ("no tests ran") is a
failure here: a suite that silently collects nothing must never look green.
"""

from __future__ import annotations

import os
import sys

import pytest

NO_TESTS_COLLECTED = 5
WORKERS = os.environ.get("RECIPROCITY_TEST_WORKERS", "2")


def main(arguments: list[str]) -> int:
    code = pytest.main(["-n", WORKERS, "--dist", "loadgroup", "-q", *arguments])
    if code == NO_TESTS_COLLECTED:
        print("No tests ran: that is a failure, not a pass.", file=sys.stderr)
        return 1
    return int(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
