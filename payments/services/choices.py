"""How a person chooses to be paid for an opportunity they were selected for: an informed choice.

Before choosing they see, in plain words, what the policy pays, the limits of the benefits they
named with their running total, and the facts every person should know (expenses are not
earnings; saying no or taking less is protected; vouchers are not a way round the rules; where
to get free advice). The record keeps the choice, the facts shown (sealed: they name the
person's benefits), the versions of the figures and the words, and who wrote it down. The
person can change it until a payment for the opportunity is approved; then it is locked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from app import audit, i18n
from app.db import transaction
from app.errors import Conflict, DomainError, FieldError, NotFound
from app.i18n import N_
from app.i18n import gettext as _
from app.sealed import Sealer
from participation.services import expressions
from payments.money import parse_pounds, pounds
from payments.services import benefit_rules, benefits, ledger, offers, thresholds
from payments.tables import PaymentChoice

LONDON = ZoneInfo("Europe/London")
WORDING_VERSION = "2026-11.1"
"""Version of the words below: change it whenever they change, so a record says what was read."""

ADVICE = {"yes": N_("Yes"), "no": N_("No"), "not_say": N_("I would rather not say")}

GENERAL = (
    N_(
        "Expenses are not earnings. Money we pay back for travel, food, care or other costs "
        "does not count for your benefits."
    ),
    N_(
        "You can say no to the fee, or take less. The benefit rules do not count money you did "
        "not take, because you are taking part as someone who uses services."
    ),
    N_(
        "Vouchers are not a way around the rules. The DWP has said vouchers do not affect "
        "Universal Credit. Other benefits may count vouchers as earnings."
    ),
    N_("The limits are for all the money you earn, not only what we pay you."),
)
"""Marked for translation: ``briefing`` gives them in the reader's language."""
ADVICE_PLACES = (
    (
        "Citizens Advice",
        "https://www.citizensadvice.org.uk",
        N_("Free, private advice on benefits."),
    ),
    (
        "Turn2us",
        "https://www.turn2us.org.uk",
        N_("A free benefits calculator, and help to find support."),
    ),
    (
        N_("Your local welfare rights service"),
        "",
        N_("Free advice from your council or a local charity. Ask us for their details."),
    ),
)
CARERS_UK = ("Carers UK", "https://www.carersuk.org", N_("Help for carers with Carer's Allowance."))


@dataclass(frozen=True)
class ChoiceView:
    id: UUID
    subject: UUID
    opportunity: UUID
    choice: str
    method: str
    reduced_pence: int | None
    charity: str
    advice: str
    threshold_version: str
    wording_version: str
    chosen_by: UUID | None
    chosen_at: datetime

    @property
    def words(self) -> str:
        """'A smaller amount: £20', 'Give my fee to a charity: Shelter'..."""
        label = _(offers.CHOICES[self.choice]) if self.choice in offers.CHOICES else self.choice
        if self.choice == "reduced" and self.reduced_pence is not None:
            return f"{label}: {pounds(self.reduced_pence)}"
        return f"{label}: {self.charity}" if self.choice == "charity" else label


@dataclass(frozen=True)
class Briefing:
    """Everything the person reads before choosing."""

    opportunity: UUID
    title: str
    on: date
    offer: offers.Offer
    declared: benefit_rules.Declared | None
    facts: list[benefit_rules.Fact]
    general: tuple[str, ...]
    places: tuple[tuple[str, str, str], ...]
    threshold_version: str
    choice: ChoiceView | None
    locked: bool


@dataclass(frozen=True)
class Answer:
    """What the person posted: checked by ``record``, each problem named for its field."""

    choice: str
    reduced: str = ""
    charity: str = ""
    advice: str = ""
    shown_version: str = ""


async def selected_for(subject: UUID) -> list[dict[str, Any]]:
    """The opportunities the person has a place on, each with their current choice (or None)."""
    mine = [row for row in await expressions.mine(subject) if row["status"] == "selected"]
    return [
        {
            "opportunity": row["opportunity"],
            "title": row["title"],
            "choice": await current(subject, row["opportunity"]),
        }
        for row in mine
    ]


async def briefing(
    sealer: Sealer, subject: UUID, opportunity: UUID, actor: audit.Actor, on: date | None = None
) -> Briefing:
    """The facts for one opportunity the person was selected for (404 otherwise)."""
    title = await _selected_title(subject, opportunity)
    day = on or datetime.now(LONDON).date()
    offer = await offers.offer_for(opportunity, day)
    declared, facts = await benefits.facts_for(sealer, subject, offer.fee_pence, day, actor)
    figures = await thresholds.in_force(day)
    general = tuple(_(line) for line in GENERAL)
    if "trading_allowance" in figures:
        tax = _(
            "Tax: if all you get from small jobs like this is %(amount)s or less in a tax "
            "year (6 April to 5 April), you do not need to tell HMRC."
        )
        general += (tax % {"amount": figures["trading_allowance"].shown},)
    found = ADVICE_PLACES + ((CARERS_UK,) if declared and "CA" in declared.benefits else ())
    places = tuple((_(name), link, _(about)) for name, link, about in found)
    return Briefing(
        opportunity=opportunity,
        title=title,
        on=day,
        offer=offer,
        declared=declared,
        facts=facts,
        general=general,
        places=places,
        threshold_version=await thresholds.version(),
        choice=await current(subject, opportunity),
        locked=await ledger.has_approved(subject, opportunity),
    )


async def record(
    sealer: Sealer, subject: UUID, opportunity: UUID, answer: Answer, actor: audit.Actor
) -> UUID:
    """Record the person's informed choice with the facts they saw (one transaction)."""
    shown = await briefing(sealer, subject, opportunity, actor)
    if shown.locked:
        raise Conflict(_(LOCKED))
    if answer.shown_version and answer.shown_version != shown.threshold_version:
        message = _(
            "The benefit figures changed while you were reading. Read them again, then choose."
        )
        raise Conflict(message, errors=[FieldError("choice", message)])
    reduced, charity = _checked(answer, shown.offer)
    row = uuid4()
    facts = _facts_json(shown, answer.choice, reduced)
    async with transaction():
        if await ledger.has_approved(subject, opportunity):
            raise Conflict(_(LOCKED))
        sealed = await sealer.seal(PaymentChoice, row, subject, {"facts": facts})
        await PaymentChoice.insert(
            PaymentChoice(
                id=row,
                subject=subject,
                opportunity=opportunity,
                choice=answer.choice,
                method=offers.METHODS.get(answer.choice) or shown.offer.full_method,
                reduced_pence=reduced,
                charity=charity,
                threshold_version=shown.threshold_version,
                wording_version=WORDING_VERSION,
                advice=answer.advice,
                chosen_by=benefits.helper_of(actor, subject),
                **sealed,
            )
        )
        await audit.record(
            actor,
            audit.Action.change,
            subject=subject,
            field_group="payment choice",
            purpose="choose",
        )
    return row


LOCKED = N_(
    "Your payment has been approved, so this choice is now fixed. To change it, contact the "
    "co-production team."
)


async def current(subject: UUID, opportunity: UUID) -> ChoiceView | None:
    """The person's newest choice for the opportunity (no sealed facts: nothing to audit)."""
    row = (
        await PaymentChoice.select(*_VIEW_COLUMNS)
        .where((PaymentChoice.subject == subject) & (PaymentChoice.opportunity == opportunity))
        .order_by(PaymentChoice.chosen_at, ascending=False)
        .first()
    )
    return ChoiceView(**row) if row else None


async def facts_seen(sealer: Sealer, choice: UUID, actor: audit.Actor) -> dict[str, Any]:
    """What the person was shown when they chose (an audited read of the sealed facts)."""
    row = await PaymentChoice.select().where(PaymentChoice.id == choice).first()
    if row is None:
        raise NotFound("There is no such choice.")
    opened = (await sealer.open(PaymentChoice, row))["facts"]
    async with transaction():
        await audit.record(
            actor,
            audit.Action.view,
            subject=row["subject"],
            field_group="payment choice",
            purpose="facts seen",
        )
    return json.loads(opened.reveal()) if opened else {}


STATE_WORDS = {
    "proposed": N_("Waiting to be approved"),
    "approved": N_("Approved. We will pay it soon"),
    "batched": N_("Being paid"),
    "paid": N_("Paid"),
    "reversed": N_("Cancelled"),
}
KIND_WORDS = {
    "fee": N_("Fee"),
    "expense": N_("Expenses"),
    "voucher": N_("Voucher"),
    "reversal": N_("Correction"),
}
"""Marked for translation: ``state_words`` and ``kind_words`` give them in the reader's language."""


def state_words(state: str) -> str:
    return _(STATE_WORDS[state]) if state in STATE_WORDS else state


def kind_words(kind: str) -> str:
    return _(KIND_WORDS[kind]) if kind in KIND_WORDS else kind.title()


async def payments_of(subject: UUID) -> list[dict[str, Any]]:
    """The person's own payments, newest first, in plain words (in the reader's language; an
    expense's description is the kind of expense's label, so that is translated too)."""
    rows = await ledger.entries(subject=subject, limit=1000)
    return [
        {
            "when": i18n.day(entry.created_at.astimezone(LONDON).date()),
            "what": kind_words(entry.kind),
            "description": _(entry.description)
            if entry.kind == "expense" and entry.description
            else entry.description,
            "amount": pounds(entry.amount_pence),
            "state": state_words(entry.state),
        }
        for entry in reversed(rows)
    ]


def _checked(answer: Answer, offer: offers.Offer) -> tuple[int | None, str]:
    """The smaller amount (pence) and the charity, or a 400 naming each wrong answer."""
    problems: list[FieldError] = []
    reduced: int | None = None
    charity = answer.charity.strip()
    if answer.choice not in offer.offered:
        problems.append(FieldError("choice", _("Select how you want to be paid")))
    if answer.choice == "reduced":
        reduced = _reduced(answer.reduced, offer.fee_pence, problems)
    if answer.choice == "charity" and not 2 <= len(charity) <= 150:
        problems.append(
            FieldError("charity", _("Enter the name of the charity (150 letters or fewer)"))
        )
    if answer.advice not in ADVICE:
        problems.append(FieldError("advice", _("Say if you have had free advice about this")))
    if problems:
        raise DomainError(problems[0].message, errors=problems)
    return reduced, charity if answer.choice == "charity" else ""


def _reduced(text: str, fee: int | None, problems: list[FieldError]) -> int | None:
    if fee is None:
        problems.append(
            FieldError("reduced", _("We do not know the fee yet, so choose another way for now"))
        )
        return None
    try:
        pence = parse_pounds(text, "reduced", N_("the amount you want"))
    except DomainError as wrong:
        problems.extend(wrong.errors)
        return None
    if pence == 0:
        problems.append(FieldError("reduced", _("Enter more than £0, or choose no fee")))
    elif pence > fee:
        message = _("Enter %(amount)s or less. That is the full fee") % {"amount": pounds(fee)}
        problems.append(FieldError("reduced", message))
    return pence


def _facts_json(shown: Briefing, choice: str, reduced: int | None) -> str:
    offer = shown.offer
    return json.dumps(
        {
            "on": shown.on.isoformat(),
            "policy": offer.policy_title,
            "sessions": [[s.title, s.when, s.minutes, s.fee_pence] for s in offer.sessions],
            "rate": offer.rate_words,
            "benefits": list(shown.declared.benefits) if shown.declared else [],
            "facts": [benefit_rules.as_dict(fact) for fact in shown.facts],
            "general": list(shown.general),
            "advice_places": [name for name, _, _ in shown.places],
            "choice": choice,
            "reduced_pence": reduced,
        },
        sort_keys=True,
    )


async def _selected_title(subject: UUID, opportunity: UUID) -> str:
    for row in await expressions.mine(subject):
        if row["opportunity"] == opportunity and row["status"] == "selected":
            return str(row["title"])
    raise NotFound(_("There is no such opportunity for you."))


_VIEW_COLUMNS = (
    PaymentChoice.id,
    PaymentChoice.subject,
    PaymentChoice.opportunity,
    PaymentChoice.choice,
    PaymentChoice.method,
    PaymentChoice.reduced_pence,
    PaymentChoice.charity,
    PaymentChoice.advice,
    PaymentChoice.threshold_version,
    PaymentChoice.wording_version,
    PaymentChoice.chosen_by,
    PaymentChoice.chosen_at,
)
