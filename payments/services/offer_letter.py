"""The "what you will be paid" letter, for one opportunity a person was selected for, before
they take part: what the policy pays, how they chose to be paid (or that they have not chosen),
when, expenses and how they are paid back, their rights, and where to get free advice.

Why: the research (remuneration rules, section 6 point 2, from NIHR) says to tell people the
amount, method and timing in writing in advance. One set of words, three layouts: standard
print, Easy Read (``app.accessible_docs``: one short sentence a line, a picture beside it, the
key fact in bold) and large print; each as a web page and a .docx. Written in the person's
language, and naming no programme or opportunity for a safe-contact person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from app import accessible_docs, audit, i18n, symbols
from app.accessible_docs import Line, Section
from app.docs import BODY_SIZE, as_bytes, new_document
from app.errors import NotFound
from app.i18n import gettext as _
from app.sealed import Sealer
from events.services.documents import Team
from payments import vocabulary
from payments.money import pounds
from payments.services import choices, documents, offers, policy


@dataclass(frozen=True)
class Said:
    """One idea in one short sentence; ``key`` is the fact in it that Easy Read prints bold."""

    text: str
    key: str = ""


@dataclass(frozen=True)
class Letter:
    """The letter's words, already in the reader's language; the layouts only arrange them."""

    council: str
    title: str
    opening: tuple[Said, ...]
    sections: tuple[tuple[str, tuple[Said, ...]], ...]
    sign_off: str


async def compose(
    sealer: Sealer,
    subject: UUID,
    opportunity: UUID,
    actor: audit.Actor,
    team: Team,
    *,
    today: date | None = None,
) -> Letter:
    """The letter for one opportunity the person was selected for (404 otherwise), in the
    person's own language (their contact route's), or the current one when they have none."""
    place = next(
        (p for p in await choices.selected_for(subject) if p["opportunity"] == opportunity), None
    )
    if place is None:
        raise NotFound(_("There is no such opportunity for you."))
    day = today or datetime.now(documents.LONDON).date()
    route = await documents.route_of(sealer, subject, actor)
    with i18n.use_locale(route.language if route else i18n.current()):
        discreet = route.safe_contact if route else True
        title = _(documents.DISCREET) if discreet else str(place["title"])
        offer = await offers.offer_for(opportunity, day)
        in_force = await policy.current(day)
        name = route.name.reveal() if route and route.name else ""
        return Letter(
            council=team.council,
            title=_("What you will be paid"),
            opening=(
                Said(_("Dear %(name)s,") % {"name": name} if name else _("Dear you,")),
                Said(_("You have a place on: %(title)s.") % {"title": title}, title),
            ),
            sections=(
                (_("Your fee"), _fee(offer)),
                (_("How you will be paid"), _how(place["choice"], team)),
                (_("When you will be paid"), _when(in_force)),
                (_("Expenses"), _expenses(in_force, offer)),
                (_("Your rights"), _rights()),
                (_("Free advice"), _advice()),
                (_("Questions?"), _questions(team)),
            ),
            sign_off=_("The co-production team"),
        )


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
    """The letter as a .docx: standard print, or Easy Read with the staff's pictures."""
    letter = await compose(sealer, subject, opportunity, actor, team, today=today)
    if easy_read:
        return easy_read_docx(letter, await easy_read_sections(letter))
    return standard_docx(letter)


def _fee(offer: offers.Offer) -> tuple[Said, ...]:
    if offer.policy_title is None:
        return (
            Said(_("We do not know the fee yet."), _("do not know the fee")),
            Said(_("We will tell you before you take part.")),
        )
    said = [Said(_("We pay %(rate)s.") % {"rate": offer.rate_words}, offer.rate_words)]
    said = said if offer.rate_words else []
    for session in offer.sessions:
        if session.fee_pence is not None:
            fee = pounds(session.fee_pence)
            text = _("For the session on %(when)s, the fee is %(fee)s.")
            said.append(Said(text % {"when": session.when, "fee": fee}, fee))
    return tuple(said) or (Said(_("We will tell you the fee before you take part.")),)


def _how(current: choices.ChoiceView | None, team: Team) -> tuple[Said, ...]:
    if current is None:
        return (
            Said(_("You have not chosen how to be paid yet."), _("not chosen")),
            Said(
                _("Choose on the Your payments page, or ring us on %(phone)s.")
                % {"phone": team.phone}
            ),
        )
    words = _(current.words)
    return (
        Said(_("You chose: %(choice)s.") % {"choice": words}, words),
        Said(_("You can change your choice until we approve the payment.")),
    )


def _when(in_force: policy.PolicyView | None) -> tuple[Said, ...]:
    if in_force is None:
        return (Said(_("We will tell you when we will pay you.")),)
    count = in_force.draft.pay_within_working_days
    days = i18n.ngettext("%(num)d working day", "%(num)d working days", count) % {"num": count}
    text = _("We pay you within %(days)s after you take part.") % {"days": days}
    return (Said(text, days),)


def _expenses(in_force: policy.PolicyView | None, offer: offers.Offer) -> tuple[Said, ...]:
    method = _(vocabulary.METHODS.get(offer.full_method, "Bank transfer")).lower()
    said = [Said(_("We pay back what it costs you to take part."))]
    rules = in_force.draft.expense_rules if in_force else []
    for rule in rules:
        label = _(vocabulary.EXPENSES.get(rule.category, rule.category))
        basis = _(vocabulary.EXPENSE_BASES.get(rule.basis, rule.basis)).lower()
        said.append(Said(_("%(expense)s: %(basis)s.") % {"expense": label, "basis": basis}, label))
    if any(rule.receipt_required for rule in rules):
        said.append(Said(_("Keep your receipts."), _("receipts")))
    said.append(Said(_("We pay expenses back by %(method)s.") % {"method": method}, method))
    said.append(Said(_("Expenses are not earnings."), _("not earnings")))
    return tuple(said)


def _rights() -> tuple[Said, ...]:
    return (
        Said(_("You can say no to the fee."), _("say no")),
        Said(_("You can ask for a smaller amount."), _("smaller amount")),
        Said(_("You can stop taking part at any time.")),
    )


def _advice() -> tuple[Said, ...]:
    said = [Said(_("Get free advice about benefits before you decide."), _("free advice"))]
    for name, link, what in choices.ADVICE_PLACES:
        shown = _(name)
        said.append(Said(f"{shown}: {_(what)}{' ' + link if link else ''}", shown))
    return tuple(said)


def _questions(team: Team) -> tuple[Said, ...]:
    return (Said(_("Ring us on %(phone)s.") % {"phone": team.phone}, team.phone), Said(team.email))


# The layouts ----------------------------------------------------------------------------------


def standard_docx(letter: Letter) -> bytes:
    """Standard print: a paragraph a section."""
    document = new_document(BODY_SIZE)
    document.add_paragraph(letter.council)
    document.add_heading(letter.title, level=0)
    for said in letter.opening:
        document.add_paragraph(said.text)
    for heading, lines in letter.sections:
        document.add_heading(heading, level=1)
        document.add_paragraph(" ".join(said.text for said in lines))
    document.add_paragraph(letter.sign_off)
    return as_bytes(document)


def framing(letter: Letter) -> accessible_docs.Letter:
    """Who it is from, the greeting and the place, and who signs it: around every layout."""
    opening = tuple(said.text for said in letter.opening)
    return accessible_docs.Letter(letter.council, opening, letter.sign_off)


async def easy_read_sections(letter: Letter) -> list[Section]:
    """Easy Read: a line a sentence, its key fact bold, the staff's picture beside it."""
    sections = [
        Section(heading, lines=tuple(line for s in said for line in _one_idea_a_line(s)))
        for heading, said in letter.sections
    ]
    return await symbols.illustrate(sections)


def _one_idea_a_line(said: Said) -> list[Line]:
    """A line a sentence: what the standard letter says in two sentences gets two lines."""
    parts = accessible_docs.sentences(said.text)
    return [Line(part, key=said.key if said.key in part else "") for part in parts]


def large_print_sections(letter: Letter) -> list[Section]:
    """Large print: the standard letter's paragraphs, in 18 pt."""
    return [
        Section(heading, paragraphs=(" ".join(s.text for s in said),))
        for heading, said in letter.sections
    ]


def easy_read_docx(letter: Letter, sections: list[Section]) -> bytes:
    return accessible_docs.easy_read(letter.title, sections, framing(letter))


def large_print_docx(letter: Letter) -> bytes:
    return accessible_docs.large_print(letter.title, large_print_sections(letter), framing(letter))
