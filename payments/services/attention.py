"""What needs a coordinator today from payments (``app.web.today``): people who came to an event
and have hours recorded, but no fee proposed yet. Proposing is a coordinator's (or organiser's)
job; approving is finance's, so approvals are not listed here.

Counts and event titles only, from ``proposals.due``: no sealed field is read.
"""

from __future__ import annotations

from datetime import datetime

from app import audit
from app.sealed import Sealer
from app.web.today import SOON, Attention
from payments.services import proposals

PAYMENTS = "Payments"


async def needs_attention(sealer: Sealer, actor: audit.Actor, now: datetime) -> list[Attention]:
    """One item per event with fees still to propose, oldest event first (waiting longest)."""
    rows = sorted(await proposals.due(), key=lambda row: row["starts_at"])
    return [
        Attention(
            PAYMENTS,
            f"{row['pending']} {'person' if row['pending'] == 1 else 'people'} who came to "
            f"{row['title']} {'is' if row['pending'] == 1 else 'are'} waiting for a fee "
            "to be proposed",
            row["pending"],
            "/finance/fees",
            SOON,
        )
        for row in rows
    ]
