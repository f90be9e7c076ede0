"""The "what you will be paid" letter, for one opportunity a person was selected for, before
they take part: what the policy pays, how they chose to be paid (or that they have not chosen),
when, expenses and how they are paid back, their rights, and where to get free advice.

Why: the research (remuneration rules, section 6 point 2, from NIHR) says to tell people the
amount, method and timing in writing in advance. Two layouts of the same words: standard print,
and Easy Read (16 pt, 1.5 line spacing, one short sentence a line, the key fact in bold, space
between lines). Both name no programme or opportunity for a safe-contact person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from docx.shared import Pt

from app import audit
from app.docs import BODY_SIZE, as_bytes, new_document
from app.errors import NotFound
from app.sealed import Sealer
from events.services.documents import Team
from payments import vocabulary
from payments.money import pounds
from payments.services import choices, documents, offers, policy

EASY_READ_SIZE = Pt(16)
EASY_READ_HEADING = Pt(22)
EASY_READ_SPACING = 1.5


@dataclass(frozen=True)
class Said:
    """One idea in one short sentence; ``key`` is the fact in it that Easy Read prints bold."""

    text: str
    key: str = ""


async def what_you_will_be_paid(
    sealer: Sealer,
    subject: UUID,
    opportunity: UUID,
    actor: audit.Actor,
    team: Team,
    *,
    easy_read: bool = False,
    today: date | None = None,
) -> bytes:
    """The letter for one opportunity the person was selected for (404 otherwise)."""
    place = next(
        (p for p in await choices.selected_for(subject) if p["opportunity"] == opportunity), None
    )
    if place is None:
        raise NotFound("There is no such opportunity for you.")
    day = today or datetime.now(documents.LONDON).date()
    route = await documents.route_of(sealer, subject, actor)
    discreet = route.safe_contact if route else True
    title = documents.DISCREET if discreet else str(place["title"])
    offer = await offers.offer_for(opportunity, day)
    in_force = await policy.current(day)
    sections = [
        ("Your fee", _fee(offer)),
        ("How you will be paid", _how(place["choice"], team)),
        ("When you will be paid", _when(in_force)),
        ("Expenses", _expenses(in_force, offer)),
        ("Your rights", _rights()),
        ("Free advice", _advice()),
        ("Questions?", [Said(f"Ring us on {team.phone}.", team.phone), Said(team.email)]),
    ]
    name = route.name.reveal() if route and route.name else ""
    opening = [Said(f"Dear {name or 'you'},"), Said(f"You have a place on: {title}.", title)]
    render = _easy_read if easy_read else _standard
    return render(team.council, opening, sections)


def _fee(offer: offers.Offer) -> list[Said]:
    if offer.policy_title is None:
        return [
            Said("We do not know the fee yet.", "do not know the fee"),
            Said("We will tell you before you take part."),
        ]
    said = [Said(f"We pay {offer.rate_words}.", offer.rate_words)] if offer.rate_words else []
    for session in offer.sessions:
        if session.fee_pence is not None:
            fee = pounds(session.fee_pence)
            said.append(Said(f"For the session on {session.when}, the fee is {fee}.", fee))
    return said or [Said("We will tell you the fee before you take part.")]


def _how(current: choices.ChoiceView | None, team: Team) -> list[Said]:
    if current is None:
        return [
            Said("You have not chosen how to be paid yet.", "not chosen"),
            Said(f"Choose on the Your payments page, or ring us on {team.phone}."),
        ]
    return [
        Said(f"You chose: {current.words}.", current.words),
        Said("You can change your choice until we approve the payment."),
    ]


def _when(in_force: policy.PolicyView | None) -> list[Said]:
    if in_force is None:
        return [Said("We will tell you when we will pay you.")]
    days = f"{in_force.draft.pay_within_working_days} working days"
    return [Said(f"We pay you within {days} after you take part.", days)]


def _expenses(in_force: policy.PolicyView | None, offer: offers.Offer) -> list[Said]:
    method = vocabulary.METHODS.get(offer.full_method, "Bank transfer").lower()
    said = [Said("We pay back what it costs you to take part.")]
    rules = in_force.draft.expense_rules if in_force else []
    for rule in rules:
        label = vocabulary.EXPENSES.get(rule.category, rule.category)
        basis = vocabulary.EXPENSE_BASES.get(rule.basis, rule.basis).lower()
        said.append(Said(f"{label}: {basis}.", label))
    if any(rule.receipt_required for rule in rules):
        said.append(Said("Keep your receipts.", "receipts"))
    said.append(Said(f"We pay expenses back by {method}.", method))
    said.append(Said("Expenses are not earnings.", "not earnings"))
    return said


def _rights() -> list[Said]:
    return [
        Said("You can say no to the fee.", "say no"),
        Said("You can ask for a smaller amount.", "smaller amount"),
        Said("You can stop taking part at any time."),
    ]


def _advice() -> list[Said]:
    said = [Said("Get free advice about benefits before you decide.", "free advice")]
    for name, link, what in choices.ADVICE_PLACES:
        said.append(Said(f"{name}: {what}{' ' + link if link else ''}", name))
    return said


Sections = list[tuple[str, list[Said]]]


def _standard(council: str, opening: list[Said], sections: Sections) -> bytes:
    document = new_document(BODY_SIZE)
    document.add_paragraph(council)
    document.add_heading("What you will be paid", level=0)
    for said in opening:
        document.add_paragraph(said.text)
    for heading, lines in sections:
        document.add_heading(heading, level=1)
        document.add_paragraph(" ".join(said.text for said in lines))
    document.add_paragraph("The co-production team")
    return as_bytes(document)


def _easy_read(council: str, opening: list[Said], sections: Sections) -> bytes:
    """Large print (16 pt, 1.5 spacing), one short sentence a line, key facts bold, space."""
    document = new_document(EASY_READ_SIZE)
    normal = document.styles["Normal"].paragraph_format
    normal.line_spacing = EASY_READ_SPACING
    normal.space_after = Pt(18)
    for style in ("Title", "Heading 1"):
        document.styles[style].font.size = EASY_READ_HEADING
    document.add_paragraph(council)
    document.add_heading("What you will be paid", level=0)
    for said in opening:
        _bold_key(document.add_paragraph(), said)
    for heading, lines in sections:
        document.add_heading(heading, level=1)
        for said in lines:
            _bold_key(document.add_paragraph(), said)
    document.add_paragraph("The co-production team")
    return as_bytes(document)


def _bold_key(paragraph: Any, said: Said) -> None:
    before, key, after = said.text.partition(said.key) if said.key else (said.text, "", "")
    paragraph.add_run(before)
    if key:
        paragraph.add_run(key).bold = True
        paragraph.add_run(after)
