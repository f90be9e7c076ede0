"""The payments domain's retention rules (run by ``reciprocity retention run``).

The ledger itself is kept for the financial year plus six years and cannot be deleted (see
``payments.tables``); what goes is the short-lived: stored answers to payment requests, kept
only so a retry within a week gets the same answer.
"""

from __future__ import annotations

from app.retention import RetentionRule
from payments.services import benefits, idempotency

RETENTION = (
    RetentionRule(
        "benefits people told us about, once they withdraw their consent",
        "as soon as the consent is withdrawn",
        benefits.purge_without_consent,
    ),
    RetentionRule(
        "answers to payment requests (Idempotency-Key)",
        f"{idempotency.KEPT_DAYS} days after the request",
        idempotency.purge,
    ),
)
