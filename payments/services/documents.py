"""Payment documents a person can keep or show: a statement of their payments for a period, a
letter for the Jobcentre or benefits office, and (``offer_letter``) a "what you will be paid"
letter before they take part. All .docx, made with python-docx (``app.docs``).

Why: the research (remuneration rules, section 6) says people must be told the amount, method
and timing in writing before they take part, and need evidence for the DWP (a PW1 form, their
Universal Credit journal) that involvement is not employment. Fees and expenses are always
totalled apart: expenses are reimbursed costs, not earnings.

Discretion: a safe-contact person's documents never name the programme, the opportunity or the
event in what a keyworker or housemate would read (headings, titles): it says "Meeting".
Every statement or letter made is audited against the person (the research: "generate and log
the letter").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from app import audit
from app.db import transaction
from app.docs import BODY_SIZE, as_bytes, new_document
from app.errors import DomainError, FieldError, NotFound
from app.sealed import Sealer
from events.services import ics, scheduling
from events.services.documents import Team
from participation.services import contact, opportunities
from payments import vocabulary
from payments.money import pounds
from payments.services import batches, choices, ledger
from payments.tables import Payee

LONDON = ZoneInfo("Europe/London")
LONGEST_PERIOD = 366
"""Days a statement may cover at most: a year (a leap year's too)."""
COUNTED = ("approved", "batched", "paid")
"""States whose money the totals and the benefits letter count: agreed or paid, not cancelled."""
DISCREET = ics.DISCREET_TITLE


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def words(self) -> str:
        return f"{_day(self.start)} to {_day(self.end)}"


@dataclass(frozen=True)
class Line:
    """One payment in plain words."""

    day: str
    what: str
    kind: str
    earnings: bool
    amount_pence: int
    how: str
    state: str
    paid_on: str
    counted: bool


@dataclass(frozen=True)
class Statement:
    name: str
    reference: str
    period: Period
    lines: tuple[Line, ...]
    discreet: bool

    @property
    def fees_pence(self) -> int:
        return sum(x.amount_pence for x in self.lines if x.counted and x.earnings)

    @property
    def expenses_pence(self) -> int:
        return sum(x.amount_pence for x in self.lines if x.counted and not x.earnings)


def period(start: str, end: str) -> Period:
    """The dates typed (YYYY-MM-DD), checked: real dates, start before end, a year at most."""
    problems = []
    parsed = {}
    for field, text, what in (("from", start, "start"), ("to", end, "end")):
        try:
            parsed[field] = date.fromisoformat(text.strip())
        except ValueError:
            problems.append(FieldError(field, f"Enter the {what} date, for example 2026-04-06"))
    if not problems and parsed["from"] > parsed["to"]:
        problems.append(FieldError("to", "The end date must be the same as or after the start"))
    elif not problems and (parsed["to"] - parsed["from"]).days >= LONGEST_PERIOD:
        problems.append(FieldError("to", "Choose a period of one year or less"))
    if problems:
        raise DomainError(problems[0].message, errors=problems)
    return Period(parsed["from"], parsed["to"])


def this_tax_year(today: date) -> Period:
    """From the 6 April before ``today`` to ``today``: the form's starting values."""
    start = date(today.year if today >= date(today.year, 4, 6) else today.year - 1, 4, 6)
    return Period(start, today)


async def statement(
    sealer: Sealer, subject: UUID, within: Period, actor: audit.Actor, purpose: str
) -> Statement:
    """Every payment to the person made in the period, oldest first (an audited read)."""
    route = await route_of(sealer, subject, actor)
    start, end = ledger.london_midnight(within.start), ledger.london_midnight(within.end)
    rows = [
        e
        for e in await ledger.entries(subject=subject, limit=1000)
        if e.kind != "reversal" and start <= e.created_at < end + timedelta(days=1)
    ]
    discreet = route.safe_contact if route else True
    lines = tuple([await _line(e, discreet) for e in rows])
    async with transaction():
        await audit.record(
            actor, audit.Action.export, subject=subject, field_group="payments", purpose=purpose
        )
    name = route.name.reveal() if route and route.name else ""
    return Statement(name, await payee_reference(subject), within, lines, discreet)


async def payee_reference(subject: UUID) -> str:
    row = await Payee.select(Payee.reference).where(Payee.subject == subject).first()
    return str(row["reference"]) if row else ""


async def subject_of_reference(reference: str) -> UUID:
    """Whose payee reference this is (404 when nobody's)."""
    row = await Payee.select(Payee.subject).where(Payee.reference == reference.strip()).first()
    if row is None:
        raise NotFound("There is no payee with that reference.")
    return UUID(str(row["subject"]))


async def route_of(sealer: Sealer, subject: UUID, actor: audit.Actor) -> contact.Route | None:
    try:
        return await contact.route_for(sealer, subject, actor)
    except NotFound:
        return None


async def _line(entry: ledger.EntryView, discreet: bool) -> Line:
    paid_on = ""
    if entry.state == "paid" and entry.batch:
        found = (await batches.view(entry.batch)).paid_on
        paid_on = _day(found) if found else ""
    return Line(
        day=_day(entry.created_at.astimezone(LONDON).date()),
        what=await _what_for(entry, discreet),
        kind=choices.KIND_WORDS.get(entry.kind, entry.kind.title()),
        earnings=entry.kind in ledger.EARNINGS,
        amount_pence=entry.amount_pence,
        how=vocabulary.METHODS.get(entry.method, "Not set yet"),
        state=choices.STATE_WORDS.get(entry.state, entry.state),
        paid_on=paid_on,
        counted=entry.state in COUNTED,
    )


async def _what_for(entry: ledger.EntryView, discreet: bool) -> str:
    title = ""
    if entry.event:
        try:
            title = str((await scheduling.get(entry.event))[0]["title"])
        except NotFound:
            title = ""
    if not title and entry.opportunity:
        try:
            title = str((await opportunities.get(entry.opportunity))["title"])
        except NotFound:
            title = ""
    if discreet and title:
        title = DISCREET
    return ", ".join(filter(None, [title, entry.description])) or "Taking part"


def statement_docx(found: Statement, team: Team) -> bytes:
    """The statement as a document: each payment, then the totals (fees apart from expenses)."""
    document = new_document(BODY_SIZE)
    document.add_paragraph(team.council)
    document.add_heading("Payment statement", level=0)
    document.add_paragraph(f"For: {found.name or 'you'}")
    document.add_paragraph(f"Payee reference: {found.reference or 'None yet'}")
    document.add_paragraph(f"Period: {found.period.words}")
    if not found.lines:
        document.add_paragraph("There are no payments in this period.")
    for line in found.lines:
        document.add_heading(f"{line.day}: {pounds(line.amount_pence)} {line.kind.lower()}", 2)
        document.add_paragraph(f"What for: {line.what}")
        document.add_paragraph(f"How paid: {line.how}")
        paid = f", on {line.paid_on}" if line.paid_on else ""
        document.add_paragraph(f"Where it is: {line.state}{paid}")
    document.add_heading("Totals", level=1)
    document.add_paragraph(f"Fees and vouchers: {pounds(found.fees_pence)}")
    document.add_paragraph(f"Expenses paid back: {pounds(found.expenses_pence)}")
    document.add_paragraph(
        "Expenses are money paid back for costs, like bus fares. They are not earnings. The "
        "totals count payments approved or paid. They leave out cancelled payments and "
        "payments still waiting to be approved."
    )
    _questions(document, team)
    return as_bytes(document)


def benefits_letter_docx(found: Statement, team: Team, address: str, today: date) -> bytes:
    """The letter for the Jobcentre or benefits office, on the council's letterhead."""
    who = found.name or "The person named on this letter"
    document = new_document(BODY_SIZE)
    for heading in filter(None, (team.council, address, f"Phone: {team.phone}", team.email)):
        document.add_paragraph(heading)
    document.add_paragraph(_day(today))
    document.add_paragraph("To whom it may concern")
    document.add_heading(f"Payments to {who}", level=1)
    for text in _letter_words(who, team.council, found.period):
        document.add_paragraph(text)
    counted = [line for line in found.lines if line.counted]
    if not counted:
        document.add_paragraph("We made no payments in this period.")
    for line in counted:
        paid = f", paid on {line.paid_on}" if line.paid_on else f" ({line.state.lower()})"
        document.add_paragraph(
            f"{line.day}: {pounds(line.amount_pence)}, {line.kind.lower()}{paid}",
            style="List Bullet",
        )
    document.add_paragraph(f"Fees and vouchers in total: {pounds(found.fees_pence)}")
    document.add_paragraph(f"Expenses in total: {pounds(found.expenses_pence)}")
    document.add_paragraph(
        "Expenses are reimbursed costs, such as travel, food or care, that were paid to take "
        "part. They are not earnings."
    )
    document.add_paragraph(
        f"If you have any questions, please ring us on {team.phone} or email {team.email}."
    )
    document.add_paragraph("Yours faithfully,")
    document.add_paragraph("The co-production team")
    document.add_paragraph(team.council)
    return as_bytes(document)


def _letter_words(who: str, council: str, within: Period) -> tuple[str, ...]:
    return (
        f"{who} takes part in involvement (co-production) work with {council} as a member of "
        "the public. They share their experience of using services to help us plan and "
        "improve them.",
        f"This is not employment. {who} is not our employee or worker, has no employment "
        "contract and no set hours, and can stop taking part at any time.",
        f"{who} may decline a payment or ask for a smaller amount. A payment is offered as a "
        "thank you for their time.",
        f"These are the payments we made to {who} from {within.words}:",
    )


def _questions(document: Any, team: Team) -> None:
    document.add_heading("Questions?", level=1)
    document.add_paragraph(f"Ring us on {team.phone} or email {team.email}.")


def _day(day: date | datetime) -> str:
    return day.strftime("%-d %B %Y")
