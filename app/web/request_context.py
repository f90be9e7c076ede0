"""The request id: one random reference per request, shown on error pages and in every log line.

It lets a person quote "reference 3f2a..." to the help desk and lets an officer find the log
line, without either of them seeing anything personal.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import uuid4

REQUEST_ID_HEADER = "x-request-id"
_OUR_SHAPE = re.compile(r"[0-9a-f]{32}")


def request_id_of(scope: Any) -> str:
    """Return this request's id, creating it on first use. The load balancer's id is kept when
    it has our shape (32 hex digits: ops/nginx.py sends one), so its log and ours match; any
    other value is ignored, so nothing a client writes reaches a log line."""
    state: dict[str, Any] = scope.setdefault("state", {})
    request_id = state.get("request_id")
    if request_id is None:
        sent = dict(scope.get("headers", ())).get(REQUEST_ID_HEADER.encode(), b"")
        sent_id = sent.decode("latin-1")
        request_id = sent_id if _OUR_SHAPE.fullmatch(sent_id) else uuid4().hex
        state["request_id"] = request_id
    return str(request_id)
