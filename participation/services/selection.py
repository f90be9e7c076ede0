"""The review board of one opportunity: who expressed interest, their answers, and moving them
through received -> shortlisted -> selected / reserve / not selected.

Each change is told to the person through the route they chose, in kind words. Email goes
through the outbox with the change; other routes (phone, text, post, an intermediary) are left
for the coordinator, and the board shows who still needs telling until it is marked done.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from piccolo.query.functions.aggregate import Count

from app import audit, i18n, mail
from app.db import transaction
from app.errors import DomainError, FieldError, NotFound
from app.i18n import gettext as _
from app.redact import Sensitive
from app.sealed import Sealer
from participation.schemas.recruitment import StatusChange
from participation.services import contact, opportunities
from participation.tables import Expression, Participant

TOLD_BY_EMAIL = ("shortlisted", "selected", "reserve", "not_selected")


@dataclass(frozen=True)
class Sender:
    """What a message needs from the settings: who it is from, and the service's address."""

    mail_from: str
    public_url: str


@dataclass(frozen=True)
class Applicant:
    """One row of the board. ``name`` is None on a blind board."""

    expression: UUID
    subject: UUID
    name: Sensitive[str] | None
    status: str
    answers: dict[str, Any]
    created_at: datetime
    told: bool
    route: str


async def board(
    sealer: Sealer, opportunity: UUID, actor: audit.Actor, *, blind: bool = False
) -> list[Applicant]:
    """Everyone who expressed interest, oldest first; audited as one view per person."""
    await opportunities.get(opportunity)
    rows = (
        await Expression.select()
        .where(Expression.opportunity == opportunity)
        .order_by(Expression.created_at)
    )
    people = await _people([row["subject"] for row in rows])
    applicants = []
    for row in rows:
        opened = await sealer.open(Expression, row, ("answers",))
        answers = json.loads(opened["answers"].reveal()) if opened["answers"] else {}
        person = people.get(row["subject"], {})
        name = None if blind else await _name(sealer, person)
        applicants.append(
            Applicant(
                expression=row["id"],
                subject=row["subject"],
                name=name,
                status=row["status"],
                answers=answers,
                created_at=row["created_at"],
                told=row["told_at"] is not None or row["status"] == "received",
                route=person.get("preferred_route", ""),
            )
        )
    await audit.record_views(
        actor,
        [a.subject for a in applicants],
        field_group="interest" if blind else "interest,identity",
        purpose=f"review board {opportunity}"[:200],
    )
    return applicants


async def set_status(
    sealer: Sealer, opportunity: UUID, change: StatusChange, actor: audit.Actor, sender: Sender
) -> int:
    """Move the chosen EOIs to a status; email those who chose email, in one transaction."""
    details = await opportunities.get(opportunity)
    now = datetime.now(UTC)
    async with transaction():
        rows = await Expression.select(Expression.id, Expression.subject, Expression.status).where(
            Expression.id.is_in(change.expressions) & (Expression.opportunity == opportunity)
        )
        if len(rows) != len(set(change.expressions)):
            raise NotFound("Some of those people did not express interest in this opportunity.")
        moving = [row for row in rows if row["status"] != change.status]
        for row in moving:
            told = await _tell(
                sealer,
                row["subject"],
                title=details["title"],
                status=change.status,
                actor=actor,
                sender=sender,
            )
            await Expression.update(
                {
                    Expression.status: change.status,
                    Expression.updated_at: now,
                    Expression.told_at: now if told else None,
                }
            ).where(Expression.id == row["id"])
            await audit.record(
                actor,
                audit.Action.change,
                subject=row["subject"],
                field_group="interest",
                purpose=f"status {change.status}",
            )
    return len(moving)


async def mark_told(opportunity: UUID, expression: UUID, actor: audit.Actor) -> None:
    """The coordinator told them by phone, text, post or through their intermediary."""
    async with transaction():
        done = (
            await Expression.update({Expression.told_at: datetime.now(UTC)})
            .where((Expression.id == expression) & (Expression.opportunity == opportunity))
            .returning(Expression.subject)
        )
        if not done:
            raise NotFound("There is no such expression of interest.")
        await audit.record(
            actor,
            audit.Action.change,
            subject=done[0]["subject"],
            field_group="interest",
            purpose="told",
        )


def message_for(status: str, title: str, safe_contact: bool) -> str:
    """Kind words for a change (never "rejected"); no programme name for safe contact. In the
    current language (the caller sets the person's own)."""
    if safe_contact:
        return _discreet_message(status)
    lines = {
        "shortlisted": _(
            'Thank you for your interest in "%(title)s". You are on our shortlist and we will '
            "be in touch soon."
        ),
        "selected": _(
            'Good news: you have a place for "%(title)s". We will be in touch with the details '
            "and to ask what you need to take part."
        ),
        "reserve": _(
            'Thank you for your interest in "%(title)s". You are on our reserve list: we will '
            "tell you straight away if a place comes up."
        ),
        "not_selected": _(
            'Thank you for your interest in "%(title)s". We cannot offer you a place this '
            "time. We would like to tell you about other chances to take part."
        ),
    }
    return lines[status] % {"title": title}


def _discreet_message(status: str) -> str:
    """The same news, naming nothing: whole sentences, so each language can say it naturally."""
    return {
        "shortlisted": _(
            "Thank you for your interest in the opportunity you asked about. You are on our "
            "shortlist and we will be in touch soon."
        ),
        "selected": _(
            "Good news: you have a place for the opportunity you asked about. We will be in "
            "touch with the details and to ask what you need to take part."
        ),
        "reserve": _(
            "Thank you for your interest in the opportunity you asked about. You are on our "
            "reserve list: we will tell you straight away if a place comes up."
        ),
        "not_selected": _(
            "Thank you for your interest in the opportunity you asked about. We cannot offer "
            "you a place this time. We would like to tell you about other chances to take part."
        ),
    }[status]


async def _tell(
    sealer: Sealer,
    subject: UUID,
    *,
    title: str,
    status: str,
    actor: audit.Actor,
    sender: Sender,
) -> bool:
    """Queue an email when email is their route; False when a person must tell them."""
    if status not in TOLD_BY_EMAIL:
        return True
    route = await contact.route_for(sealer, subject, actor)
    if route.route != "email" or route.email is None:
        return False
    with i18n.use_locale(route.language):
        text = message_for(status, title, route.safe_contact)
        see = _("You can see this at %(link)s") % {"link": f"{sender.public_url}/profile/interest"}
        body = "\n\n".join((_("Hello,"), text, see)) + "\n"
        subject_line = _("An update from us")
    contact.check_discreet(route, text, (title,))
    email = mail.Email(to=route.email.reveal(), subject=subject_line, text=body)
    await mail.queue(sealer, subject, email, sender.mail_from)
    return True


async def _people(subjects: list[UUID]) -> dict[UUID, dict[str, Any]]:
    if not subjects:
        return {}
    rows = await Participant.select(
        Participant.id, Participant.preferred_name, Participant.preferred_route
    ).where(Participant.id.is_in(list(set(subjects))))
    return {row["id"]: row for row in rows}


async def _name(sealer: Sealer, person: dict[str, Any]) -> Sensitive[str] | None:
    if not person:
        return None
    opened = await sealer.open(Participant, person, ("preferred_name",))
    return opened["preferred_name"]


MAX_NOTE = 1000


async def set_note(
    sealer: Sealer, opportunity: UUID, expression: UUID, text: str, actor: audit.Actor
) -> None:
    """A coordinator's note on one EOI, sealed under the applicant's key ("" clears it)."""
    if len(text) > MAX_NOTE:
        message = "Write the note in 1,000 characters or fewer"
        raise DomainError(message, errors=[FieldError("note", message)])
    async with transaction():
        row = (
            await Expression.select(Expression.subject)
            .where((Expression.id == expression) & (Expression.opportunity == opportunity))
            .first()
        )
        if row is None:
            raise NotFound("There is no such expression of interest.")
        sealed: dict[Any, Any] = await sealer.seal_fields(
            Expression, expression, row["subject"], {"notes": text or None}
        )
        await Expression.update(sealed).where(Expression.id == expression)
        await audit.record(
            actor,
            audit.Action.change,
            subject=row["subject"],
            field_group="interest",
            purpose="note",
        )


async def notes_of(sealer: Sealer, opportunity: UUID) -> dict[UUID, Sensitive[str]]:
    """The notes on an opportunity's EOIs, by EOI id (shown with the board, which audits)."""
    rows = await Expression.select(Expression.id, Expression.notes).where(
        (Expression.opportunity == opportunity) & Expression.notes.is_not_null()
    )
    notes = {}
    for row in rows:
        note = (await sealer.open(Expression, row, ("notes",)))["notes"]
        if note is not None:
            notes[row["id"]] = note
    return notes


async def counts(opportunity_ids: list[UUID]) -> dict[UUID, dict[str, int]]:
    """How many EOIs each opportunity has, by status (for the coordinators' list)."""
    if not opportunity_ids:
        return {}
    rows = (
        await Expression.select(Expression.opportunity, Expression.status, Count(alias="n"))
        .where(Expression.opportunity.is_in(opportunity_ids))
        .group_by(Expression.opportunity, Expression.status)
    )
    found: dict[UUID, dict[str, int]] = {}
    for row in rows:
        found.setdefault(row["opportunity"], {})[row["status"]] = int(row["n"])
    return found


async def selected(opportunity: UUID) -> list[UUID]:
    """Who has a place: the people an event for this opportunity invites, in the order chosen."""
    rows = (
        await Expression.select(Expression.subject)
        .where((Expression.opportunity == opportunity) & (Expression.status == "selected"))
        .order_by(Expression.updated_at)
    )
    return [row["subject"] for row in rows]
