"""The request id: one random reference per request, shown on error pages and in every log line.

It lets a person quote "reference 3f2a..." to the help desk and lets an officer find the log
line, without either of them seeing anything personal.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

REQUEST_ID_HEADER = "x-request-id"


def request_id_of(scope: Any) -> str:
    """Return this request's id, creating it on first use."""
    state: dict[str, Any] = scope.setdefault("state", {})
    request_id = state.get("request_id")
    if request_id is None:
        request_id = uuid4().hex
        state["request_id"] = request_id
    return str(request_id)
