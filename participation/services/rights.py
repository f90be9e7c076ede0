"""A person's rights, self-service or run by staff: download my data, withdraw, erasure.

Export and erasure walk the whole data map (``app.subject_rights``), so events and payments
are included the day those domains add their tables. Withdrawing is erasure at the person's
own request: one step, no reason asked.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from app import audit
from app.auth.access import forget_account
from app.db import transaction
from app.errors import NotFound
from app.i18n import N_
from app.sealed import Sealer
from app.subject_rights import Erased, erase_subject, export_subject
from participation.services import consent
from participation.tables import ErasureRecord, Participant

KEPT_FOR_FINANCE = N_(
    "Payment records (amount, date, who was paid) are kept for 6 years because HMRC and "
    "the council's auditors require it. They are locked away from everyone but finance."
)


async def download(sealer: Sealer, subject: UUID, actor: audit.Actor) -> dict[str, Any]:
    """Everything held about ``subject`` (subject access), audited as an export."""
    if not await Participant.exists().where(Participant.id == subject):
        raise NotFound("There is no profile for this person.")
    tables = await export_subject(sealer, sealer.datamap, subject)
    async with transaction():
        await audit.record(
            actor, audit.Action.export, subject=subject, field_group="all", purpose="subject access"
        )
    return {
        "subject": str(subject),
        "exported_at": datetime.now(UTC).isoformat(),
        "consent_wordings": {
            p: {"version": w.version, "title": w.title, "text": w.text, "sha256": w.sha256}
            for p, w in consent.CURRENT.items()
        },
        "tables": tables,
    }


def download_json(export: dict[str, Any]) -> bytes:
    return json.dumps(export, indent=2, ensure_ascii=False, default=str).encode()


async def erase(
    sealer: Sealer, subject: UUID, requested_by: str, actor: audit.Actor
) -> ErasureRecord:
    """Crypto-shred and delete everything about ``subject`` but what must be kept; record it.

    ``requested_by`` is "self" (they withdrew), "staff" (confirmed by a coordinator) or
    "retention" (an inactive profile reached its limit).
    """
    async with transaction():
        if not await Participant.exists().where(Participant.id == subject):
            raise NotFound("There is no profile for this person.")
        erased = await erase_subject(sealer, sealer.datamap, subject)
        record = ErasureRecord(
            id=uuid4(),
            subject=subject,
            requested_by=requested_by,
            actor=actor.id,
            deleted=_describe_deleted(erased),
            kept=_describe_kept(erased),
        )
        await ErasureRecord.insert(record)
        await audit.record(
            actor, audit.Action.erase, subject=subject, field_group="all", purpose=requested_by
        )
    forget_account(subject)
    return record


def _describe_deleted(erased: Erased) -> str:
    parts = [f"{table}: {count}" for table, count in sorted(erased.deleted.items())]
    key = "data key destroyed" if erased.key_destroyed else "no data key"
    return "; ".join([*parts, key])


def _describe_kept(erased: Erased) -> str:
    return "; ".join(f"{table}: {why}" for table, why in sorted(erased.kept.items()))
