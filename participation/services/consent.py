"""Consent per purpose: an append-only ledger, and the current state every query respects.

Each grant or withdrawal is a ``ConsentEvent`` with the version and SHA-256 of the exact words
shown. ``Participant.consents`` (the purposes granted now) is rewritten in the same
transaction, so "stop contacting me" takes effect on the very next query that builds a list.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from piccolo.columns.combination import WhereRaw

from app import audit
from app.db import transaction
from app.errors import DomainError, FieldError, NotFound
from app.i18n import N_
from participation.tables import ConsentEvent, Participant


@dataclass(frozen=True)
class Wording:
    purpose: str
    version: str
    title: str
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


CURRENT: dict[str, Wording] = {
    w.purpose: w
    for w in (
        Wording(
            "register",
            "2026-11",
            N_("Being on the involvement register"),
            N_(
                "We keep your profile so we can invite you to help shape services. "
                "You can see, change or delete it at any time."
            ),
        ),
        Wording(
            "contact",
            "2026-11",
            N_("Being contacted about opportunities"),
            N_(
                "We contact you, the way you chose, when there is something you might want to do. "
                "You can stop this at any time and we will not contact you about opportunities."
            ),
        ),
        Wording(
            "share_access_needs",
            "2026-11",
            N_("Sharing your access needs with event organisers"),
            N_(
                "We tell the people organising an event what they need to arrange for you, like "
                "step-free access or an interpreter. We never tell them why."
            ),
        ),
        Wording(
            "equality_monitoring",
            "2026-11",
            N_("Equality monitoring"),
            N_(
                "We use your answers about age, ethnicity and similar things only to count how "
                "well we reach everyone. Nobody sees your answers with your name."
            ),
        ),
        Wording(
            "benefit_information",
            "2026-11",
            N_("Benefit information for payments"),
            N_(
                "If you tell us which benefits you get, we use it only to show you the limits that "
                "matter to you before you choose how to be paid. We never give it to anyone else."
            ),
        ),
    )
}
"""The words shown now, per purpose. A new version goes here; old ones move to EARLIER.
Titles and texts are marked ``N_``: a participant reads them in their language, while the
ledger's version and hash are of these English words, the version the translations render."""

EARLIER: dict[tuple[str, str], Wording] = {}
"""Wordings no longer shown, by (purpose, version): kept so old records can be read back."""

CHANNELS = ("web", "paper", "phone", "in_person")


def wording(purpose: str, version: str) -> Wording | None:
    current = CURRENT.get(purpose)
    if current is not None and current.version == version:
        return current
    return EARLIER.get((purpose, version))


async def record(
    subject: UUID, purpose: str, granted: bool, channel: str, actor: audit.Actor
) -> None:
    """Append a grant or withdrawal of the current wording and update the current state.

    Recording the same answer again is harmless: the ledger shows it, the state is unchanged.
    """
    if purpose not in CURRENT:
        message = "Select which use of their information this is about"
        raise DomainError(message, errors=[FieldError("purpose", message)])
    if channel not in CHANNELS:
        message = "Select how they gave their answer: on paper, by phone or in person"
        raise DomainError(message, errors=[FieldError("channel", message)])
    shown = CURRENT[purpose]
    async with transaction():
        row = (
            await Participant.select(Participant.consents).where(Participant.id == subject).first()
        )
        if row is None:
            raise NotFound("There is no profile for this person.")
        granted_now = set(filter(None, row["consents"].split(",")))
        granted_now = granted_now | {purpose} if granted else granted_now - {purpose}
        await ConsentEvent.insert(
            ConsentEvent(
                id=uuid4(),
                subject=subject,
                purpose=purpose,
                granted=granted,
                wording_version=shown.version,
                wording_hash=shown.sha256,
                channel=channel,
                assisted_by=_assistant(actor, subject),
            )
        )
        await Participant.update({Participant.consents: _joined(granted_now)}).where(
            Participant.id == subject
        )
        await audit.record(
            actor,
            audit.Action.change,
            subject=subject,
            field_group="consent",
            purpose=f"{'grant' if granted else 'withdraw'} {purpose}",
        )


async def current(subject: UUID) -> dict[str, bool]:
    """Every purpose with whether it is granted now (never asked = not granted)."""
    row = await Participant.select(Participant.consents).where(Participant.id == subject).first()
    granted = set(row["consents"].split(",")) if row else set()
    return {purpose: purpose in granted for purpose in CURRENT}


async def history(subject: UUID) -> list[dict[str, Any]]:
    """The ledger for one person, oldest first, with the title of the words they saw."""
    rows = (
        await ConsentEvent.select().where(ConsentEvent.subject == subject).order_by(ConsentEvent.at)
    )
    for row in rows:
        shown = wording(row["purpose"], row["wording_version"])
        row["title"] = shown.title if shown else row["purpose"]
    return list(rows)


def granted_condition(purpose: str) -> WhereRaw:
    """A query condition on ``Participant``: people who have ``purpose`` granted now."""
    return WhereRaw(f"{CONTAINS_SQL.format(column='consents')}", f"%,{purpose},%")


CONTAINS_SQL = "(',' || {column} || ',') LIKE {{}}"
"""SQL for "this comma-separated code column contains a code" (pattern ``%,code,%``)."""


def _joined(purposes: set[str]) -> str:
    return ",".join(p for p in CURRENT if p in purposes)


def _assistant(actor: audit.Actor, subject: UUID) -> UUID | None:
    """Who helped: a staff member acting for the person, or the assistant of their session."""
    helper = actor.assisted_by or (actor.id if actor.id != str(subject) else "")
    try:
        return UUID(helper) if helper else None
    except ValueError:
        return None
