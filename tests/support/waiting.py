"""Waiting for a state with a deadline: tests never sleep and hope."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(condition: Callable[[], T], deadline_s: float, what: str) -> T:
    """Poll ``condition`` until it returns something truthy; fail naming ``what`` at the
    deadline. Drills never sleep and hope: they wait for the state they need, and no longer."""
    deadline = time.monotonic() + deadline_s
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"within {deadline_s:.0f} s: {what}")
        time.sleep(0.05)
