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

Languages: a statement is written in the current language (the participant's own download: the
language they read the site in). The letter for the benefits office is read by the DWP, which
works in English and Welsh, so it is written in Welsh for a Welsh reader and in English
otherwise (``letter_language``); the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from app import audit, i18n
from app.db import transaction
from app.docs import BODY_SIZE, as_bytes, new_document
from app.errors import DomainError, FieldError, NotFound
from app.i18n import N_
from app.i18n import gettext as _
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
LETTER_LANGUAGES = ("en", "cy")
"""The languages a benefits office reads: the letter for it is in one of these."""


def letter_language(code: str) -> str:
    """The language of the letter for the benefits office, for a reader of ``code``."""
    return code if code in LETTER_LANGUAGES else i18n.DEFAULT


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def words(self) -> str:
        return _("%(start)s to %(end)s") % {"start": _day(self.start), "end": _day(self.end)}


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
    for field, text, message in (
        ("from", start, N_("Enter the start date, for example 2026-04-06")),
        ("to", end, N_("Enter the end date, for example 2026-04-06")),
    ):
        try:
            parsed[field] = date.fromisoformat(text.strip())
        except ValueError:
            problems.append(FieldError(field, _(message)))
    if not problems and parsed["from"] > parsed["to"]:
        problems.append(FieldError("to", _("The end date must be the same as or after the start")))
    elif not problems and (parsed["to"] - parsed["from"]).days >= LONGEST_PERIOD:
        problems.append(FieldError("to", _("Choose a period of one year or less")))
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
        kind=choices.kind_words(entry.kind),
        earnings=entry.kind in ledger.EARNINGS,
        amount_pence=entry.amount_pence,
        how=_(vocabulary.METHODS.get(entry.method, N_("Not set yet"))),
        state=choices.state_words(entry.state),
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
        title = _(DISCREET)
    description = entry.description
    if entry.kind == "expense" and description:
        description = _(description)  # the kind of expense's label
    return ", ".join(filter(None, [title, description])) or _("Taking part")


def statement_docx(found: Statement, team: Team) -> bytes:
    """The statement as a document: each payment, then the totals (fees apart from expenses)."""
    document = new_document(BODY_SIZE)
    document.add_paragraph(team.council)
    document.add_heading(_("Payment statement"), level=0)
    document.add_paragraph(_("For: %(name)s") % {"name": found.name or _("you")})
    reference = found.reference or _("None yet")
    document.add_paragraph(_("Payee reference: %(reference)s") % {"reference": reference})
    document.add_paragraph(_("Period: %(period)s") % {"period": found.period.words})
    if not found.lines:
        document.add_paragraph(_("There are no payments in this period."))
    for line in found.lines:
        document.add_heading(f"{line.day}: {pounds(line.amount_pence)} {line.kind.lower()}", 2)
        document.add_paragraph(_("What for: %(what)s") % {"what": line.what})
        document.add_paragraph(_("How paid: %(how)s") % {"how": line.how})
        state = {"state": line.state, "day": line.paid_on}
        where = (
            _("Where it is: %(state)s, on %(day)s") if line.paid_on else _("Where it is: %(state)s")
        )
        document.add_paragraph(where % state)
    document.add_heading(_("Totals"), level=1)
    document.add_paragraph(
        _("Fees and vouchers: %(amount)s") % {"amount": pounds(found.fees_pence)}
    )
    document.add_paragraph(
        _("Expenses paid back: %(amount)s") % {"amount": pounds(found.expenses_pence)}
    )
    document.add_paragraph(
        _(
            "Expenses are money paid back for costs, like bus fares. They are not earnings. The "
            "totals count payments approved or paid. They leave out cancelled payments and "
            "payments still waiting to be approved."
        )
    )
    _questions(document, team)
    return as_bytes(document)


def benefits_letter_docx(found: Statement, team: Team, address: str, today: date) -> bytes:
    """The letter for the Jobcentre or benefits office, on the council's letterhead (in the
    current language: make it inside ``use_locale(letter_language(...))``)."""
    who = found.name or _("The person named on this letter")
    reach = {"phone": team.phone, "email": team.email}
    document = new_document(BODY_SIZE)
    phone = _("Phone: %(phone)s") % reach
    for heading in filter(None, (team.council, address, phone, team.email)):
        document.add_paragraph(heading)
    document.add_paragraph(_day(today))
    document.add_paragraph(_("To whom it may concern"))
    document.add_heading(_("Payments to %(who)s") % {"who": who}, level=1)
    for text in _letter_words(who, team.council, found.period):
        document.add_paragraph(text)
    counted = [line for line in found.lines if line.counted]
    if not counted:
        document.add_paragraph(_("We made no payments in this period."))
    for line in counted:
        document.add_paragraph(_letter_line(line), style="List Bullet")
    fees, spent = pounds(found.fees_pence), pounds(found.expenses_pence)
    document.add_paragraph(_("Fees and vouchers in total: %(amount)s") % {"amount": fees})
    document.add_paragraph(_("Expenses in total: %(amount)s") % {"amount": spent})
    document.add_paragraph(
        _(
            "Expenses are reimbursed costs, such as travel, food or care, that were paid to "
            "take part. They are not earnings."
        )
    )
    document.add_paragraph(
        _("If you have any questions, please ring us on %(phone)s or email %(email)s.") % reach
    )
    document.add_paragraph(_("Yours faithfully,"))
    document.add_paragraph(_("The co-production team"))
    document.add_paragraph(team.council)
    return as_bytes(document)


def _letter_line(line: Line) -> str:
    said = {
        "day": line.day,
        "amount": pounds(line.amount_pence),
        "kind": line.kind.lower(),
        "paid_on": line.paid_on,
        "state": line.state.lower(),
    }
    if line.paid_on:
        return _("%(day)s: %(amount)s, %(kind)s, paid on %(paid_on)s") % said
    return _("%(day)s: %(amount)s, %(kind)s (%(state)s)") % said


def _letter_words(who: str, council: str, within: Period) -> tuple[str, ...]:
    said = {"who": who, "council": council, "period": within.words}
    return (
        _(
            "%(who)s takes part in involvement (co-production) work with %(council)s as a "
            "member of the public. They share their experience of using services to help us "
            "plan and improve them."
        )
        % said,
        _(
            "This is not employment. %(who)s is not our employee or worker, has no employment "
            "contract and no set hours, and can stop taking part at any time."
        )
        % said,
        _(
            "%(who)s may decline a payment or ask for a smaller amount. A payment is offered "
            "as a thank you for their time."
        )
        % said,
        _("These are the payments we made to %(who)s from %(period)s:") % said,
    )


def _questions(document: Any, team: Team) -> None:
    document.add_heading(_("Questions?"), level=1)
    reach = {"phone": team.phone, "email": team.email}
    document.add_paragraph(_("Ring us on %(phone)s or email %(email)s.") % reach)


def _day(day: date | datetime) -> str:
    """'6 April 2026' in the current language."""
    return i18n.day(day.date() if isinstance(day, datetime) else day)
