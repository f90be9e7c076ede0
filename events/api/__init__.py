"""JSON controllers of the events domain, mounted under ``/api/v1`` by the factory. Thin.

``events``: organisers' venues, events, invitations and staff-recorded replies. ``mine``: a
participant's own events and replies. ``models`` shapes the answers; ``common`` holds the
sender, the "still ahead" rule and the invitation reads both share.
"""

from __future__ import annotations

from typing import Any

from events.api import events, mine

ROUTES: list[Any] = [*events.ROUTES, *mine.ROUTES]
ACCESS: dict[str, Any] = events.ACCESS | mine.ACCESS  # route name -> Rule; deny by default
