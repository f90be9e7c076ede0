"""JSON controllers of the payments domain, mounted under ``/api/v1`` by the factory. Thin.

``ledger``: proposing, approving and reversing payments, and export batches, each POST that
creates money guarded by an ``Idempotency-Key``.
"""

from __future__ import annotations

from typing import Any

from payments.api import ledger

ROUTES: list[Any] = [*ledger.ROUTES]
ACCESS: dict[str, Any] = dict(ledger.ACCESS)  # route name -> Rule; deny by default
