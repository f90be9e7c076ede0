""" "You said, we did": what the people who took part in an opportunity told us, what changed
because of it (or did not, and why), and sending that back to them.

Sending goes to everyone selected for the opportunity who still agrees to be contacted and has
not paused. Those whose route is email get an email through the outbox, in the same
transaction that marks the outcome sent, so it is sent once, however often the button is
pressed. For a person who needs safe contact the email is discreet: it names neither the
opportunity nor what was said, only that there is news and how to hear it. Everyone else
(phone, text, post, an intermediary) is listed for the coordinator to tell by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar
from uuid import UUID, uuid4

from pydantic import Field, model_validator

from app import audit, i18n, mail
from app.db import transaction
from app.errors import Conflict, NotFound
from app.i18n import gettext as _
from app.redact import Sensitive
from app.sealed import Sealer
from app.web.forms import FieldProblem, FormModel
from participation.services import contact, opportunities
from participation.services.selection import Sender
from participation.tables import Expression, Outcome

CHANGED: dict[str, str] = {"yes": "Yes", "partly": "Partly", "no": "No"}
MAX_TEXT = 2000


class OutcomeForm(FormModel):
    """One thing people told us and what we did about it, in words they would use."""

    said: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)] = ""
    did: Annotated[str, Field(max_length=MAX_TEXT)] = ""
    changed: str = ""
    why_not: Annotated[str, Field(max_length=MAX_TEXT)] = ""

    messages: ClassVar[dict[str, str]] = {
        "said": f"Enter what people told you, in {MAX_TEXT} characters or fewer",
        "did": f"Write what you did in {MAX_TEXT} characters or fewer",
        "changed": "Select whether it changed anything: yes, partly or no",
        "why_not": f"Write why not in {MAX_TEXT} characters or fewer",
    }

    @model_validator(mode="after")
    def _explained(self) -> OutcomeForm:
        if self.changed not in CHANGED:
            raise FieldProblem("changed")
        if self.changed != "yes" and not self.why_not:
            raise FieldProblem("why_not", "Explain why it did not change, or only partly")
        if self.changed != "no" and not self.did:
            raise FieldProblem("did", "Enter what changed because of what people said")
        return self


@dataclass(frozen=True)
class ByHand:
    """Someone to tell in person: the coordinator sees their name and their chosen route."""

    subject: UUID
    name: Sensitive[str] | None
    route: str


@dataclass(frozen=True)
class Sent:
    emailed: int
    by_hand: list[ByHand]
    not_contactable: int


async def record(opportunity: UUID, form: OutcomeForm, actor: audit.Actor) -> UUID:
    await opportunities.get(opportunity)
    outcome = uuid4()
    async with transaction():
        await Outcome.insert(
            Outcome(
                id=outcome,
                opportunity=opportunity,
                said=form.said,
                did=form.did,
                changed=form.changed,
                why_not=form.why_not if form.changed != "yes" else "",
            )
        )
        await audit.record(actor, audit.Action.change, field_group="outcome", purpose="record")
    return outcome


async def of(opportunity: UUID) -> list[dict[str, Any]]:
    """The opportunity's outcomes, oldest first."""
    rows = (
        await Outcome.select()
        .where(Outcome.opportunity == opportunity)
        .order_by(Outcome.created_at)
    )
    return list(rows)


def message(outcome: dict[str, Any], title: str, safe_contact: bool) -> str:
    """The email text; for safe contact nothing that names the work or what was said. In the
    current language; what people said and what was done stay in the coordinator's words."""
    if safe_contact:
        return _(
            "Thank you for taking part recently. We have news about what changed because of "
            "what you told us. Contact us when it is safe for you, and we will tell you."
        )
    did = _("What we did: %(did)s") % {"did": outcome["did"]}
    why_not = {"why_not": outcome["why_not"]}
    result = {
        "yes": did,
        "partly": f"{did}\n\n" + _("Why not all of it: %(why_not)s") % why_not,
        "no": _("We could not change this, and this is why: %(why_not)s") % why_not,
    }[outcome["changed"]]
    thanks = _('Thank you for taking part in "%(title)s".') % {"title": title}
    said = _("You said: %(said)s") % {"said": outcome["said"]}
    return f"{thanks}\n\n{said}\n\n{result}"


async def send(
    sealer: Sealer, opportunity: UUID, outcome: UUID, actor: audit.Actor, sender: Sender
) -> Sent:
    """Send once: the outcome is marked sent in the transaction that queues the emails."""
    details = await opportunities.get(opportunity)
    async with transaction():
        claimed = (
            await Outcome.update({Outcome.sent_at: datetime.now(UTC)})
            .where(
                (Outcome.id == outcome)
                & (Outcome.opportunity == opportunity)
                & Outcome.sent_at.is_null()
            )
            .returning(*Outcome.all_columns())
        )
        if not claimed:
            if await Outcome.exists().where(
                (Outcome.id == outcome) & (Outcome.opportunity == opportunity)
            ):
                raise Conflict("This has already been sent to the people who took part.")
            raise NotFound("There is no such outcome.")
        selected = await _selected(opportunity)
        allowed = await contact.contactable(selected)
        emailed, by_hand = 0, []
        for subject in allowed:
            route = await contact.route_for(sealer, subject, actor)
            if route.route != "email" or route.email is None:
                by_hand.append(ByHand(subject, route.name, route.route))
                continue
            with i18n.use_locale(route.language):
                text = message(claimed[0], details["title"], route.safe_contact)
                team = (
                    _("From the team") if route.safe_contact else _("From the co-production team")
                )
                body = "\n\n".join((_("Hello,"), text, team)) + "\n"
                subject_line = _("What changed")
            contact.check_discreet(route, text, (details["title"],))
            email = mail.Email(to=route.email.reveal(), subject=subject_line, text=body)
            await mail.queue(sealer, subject, email, sender.mail_from)
            emailed += 1
        await audit.record(actor, audit.Action.change, field_group="outcome", purpose="send")
    return Sent(emailed, by_hand, len(selected) - len(allowed))


async def to_tell_by_hand(sealer: Sealer, opportunity: UUID, actor: audit.Actor) -> list[ByHand]:
    """Selected, contactable people whose route is not email (an audited read each)."""
    people = []
    for subject in await contact.contactable(await _selected(opportunity)):
        route = await contact.route_for(sealer, subject, actor)
        if route.route != "email" or route.email is None:
            people.append(ByHand(subject, route.name, route.route))
    return people


async def _selected(opportunity: UUID) -> list[UUID]:
    rows = (
        await Expression.select(Expression.subject)
        .where((Expression.opportunity == opportunity) & (Expression.status == "selected"))
        .order_by(Expression.created_at)
    )
    return [row["subject"] for row in rows]
