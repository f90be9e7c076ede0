"""A person's bank details (R-PAY-4): the name on their account, sort code and account number,
given or changed by the person themselves, sealed under the finance key in ``Payee``.

A change of bank details is the classic way to steal a payment, so: the page asks for a fresh
sign-in first (a stolen, older session cannot do it); each change is audited; and the person is
told through their verified channel in the same transaction (an email in the outbox), so the
real owner hears of a change they did not make. A person marked safe contact gets words that
name no service, programme or payment. With no email address, nothing is sent and a
coordinator confirms by phone. Pages only ever show the details masked ("****5678").

The payee reference ("P" + 8 random capitals and digits) is made on the first save and never
changes: exports name people by it instead of their name.
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from app import audit, i18n, mail
from app.db import transaction
from app.errors import Conflict, DomainError, FieldError
from app.i18n import N_
from app.i18n import gettext as _
from app.sealed import Sealer
from participation.services import contact
from payments.tables import Payee

LONDON = ZoneInfo("Europe/London")
REFERENCE_LETTERS = string.ascii_uppercase + string.digits
REFERENCE_TRIES = 10
LONGEST_NAME = 70
MESSAGES = {
    "account_name": N_("Enter the name on the account, in %(most)s characters or fewer"),
    "sort_code": N_("Enter a 6-digit sort code, like 30-99-50"),
    "account_number": N_("Enter an 8-digit account number, like 00733445"),
}
"""Marked for translation; ``checked`` gives them in the reader's language."""
SPACERS = re.compile(r"[\s-]+")


@dataclass(frozen=True)
class BankDetails:
    """What the person typed, checked by ``save``."""

    account_name: str
    sort_code: str
    account_number: str


@dataclass(frozen=True)
class Masked:
    """Bank details as a page may show them: never the whole numbers."""

    reference: str
    account_name: str
    account: str
    sort_code: str
    updated_at: datetime


@dataclass(frozen=True)
class Sender:
    """Who the confirmation email comes from, and the service's name (left out when discreet)."""

    mail_from: str
    service_name: str


@dataclass(frozen=True)
class Saved:
    reference: str
    emailed: bool
    """False: no email address, so a coordinator confirms the change by phone."""


def checked(details: BankDetails) -> BankDetails:
    """The details tidied ("30 99 50" -> "30-99-50"), or a 400 naming every wrong field."""
    name = " ".join(details.account_name.split())
    sort_code = SPACERS.sub("", details.sort_code)
    number = SPACERS.sub("", details.account_number)
    wrong = [
        field
        for field, bad in (
            ("account_name", not 1 <= len(name) <= LONGEST_NAME),
            ("sort_code", not re.fullmatch(r"\d{6}", sort_code)),
            ("account_number", not re.fullmatch(r"\d{8}", number)),
        )
        if bad
    ]
    if wrong:
        most = {"most": LONGEST_NAME}
        errors = [FieldError(field, _(MESSAGES[field]) % most) for field in wrong]
        raise DomainError(errors[0].message, errors=errors)
    return BankDetails(name, f"{sort_code[:2]}-{sort_code[2:4]}-{sort_code[4:]}", number)


async def save(
    sealer: Sealer, subject: UUID, details: BankDetails, actor: audit.Actor, sender: Sender
) -> Saved:
    """Store the person's bank details (sealed), audit it and tell them: all or nothing."""
    clean = checked(details)
    values: dict[str, str | None] = {
        "account_name": clean.account_name,
        "sort_code": clean.sort_code,
        "account_number": clean.account_number,
    }
    async with transaction():
        found = (
            await Payee.select(Payee.id, Payee.reference).where(Payee.subject == subject).first()
        )
        payee = found["id"] if found else uuid4()
        stored = await sealer.seal(Payee, payee, subject, values)
        if found:
            reference = found["reference"]
            await Payee.update(None, updated_at=datetime.now(UTC), **stored).where(
                Payee.id == payee
            )
        else:
            reference = await _new_reference()
            await Payee.insert(Payee(id=payee, subject=subject, reference=reference, **stored))
        await audit.record(
            actor, audit.Action.change, subject=subject, field_group="payee", purpose="bank details"
        )
        emailed = await _tell(sealer, subject, actor, sender)
    return Saved(reference, emailed)


async def masked(sealer: Sealer, subject: UUID, actor: audit.Actor) -> Masked | None:
    """The person's bank details, masked, or None when they have given none (audited view)."""
    row = await Payee.select().where(Payee.subject == subject).first()
    if row is None or row["account_number"] is None:
        return None
    opened = await sealer.open(Payee, row)
    name, sort_code, number = (
        value.reveal() if (value := opened[column]) else ""
        for column in ("account_name", "sort_code", "account_number")
    )
    async with transaction():
        await audit.record(
            actor, audit.Action.view, subject=subject, field_group="payee", purpose="bank details"
        )
    return Masked(
        row["reference"], name, f"****{number[-4:]}", f"**-**-{sort_code[-2:]}", row["updated_at"]
    )


async def _new_reference() -> str:
    """A payee reference no one has yet (36^8 of them: a clash is rare, and retried)."""
    for _attempt in range(REFERENCE_TRIES):
        reference = "P" + "".join(secrets.choice(REFERENCE_LETTERS) for _letter in range(8))
        if not await Payee.exists().where(Payee.reference == reference):
            return reference
    raise Conflict(_("We could not save your bank details just now. Try again."))


async def _tell(sealer: Sealer, subject: UUID, actor: audit.Actor, sender: Sender) -> bool:
    """Queue the email telling the person their details changed, in the language they chose;
    False when they have no email address."""
    route = await contact.route_for(sealer, subject, actor)
    if route.email is None:
        return False
    when = datetime.now(UTC).astimezone(LONDON)
    name = route.name.reveal() if route.name and not route.safe_contact else ""
    with i18n.use_locale(route.language):
        email = _discreet_email(when) if route.safe_contact else _email(name, when, sender)
    contact.check_discreet(route, email.text, _programme_words(sender))
    await mail.queue(
        sealer,
        subject,
        mail.Email(to=route.email.reveal(), subject=email.subject, text=email.text),
        sender.mail_from,
    )
    return True


@dataclass(frozen=True)
class _Words:
    subject: str
    text: str


def _email(name: str, when: datetime, sender: Sender) -> _Words:
    """The email to the person (in the current language: ``_tell`` sets theirs)."""
    greeting = _("Hello %(name)s,") % {"name": name} if name else _("Hello there,")
    changed = _(
        "The bank details we use to pay you for taking part in %(service)s were changed on "
        "%(day)s at %(time)s."
    ) % {"service": sender.service_name, **_when(when)}
    return _Words(
        _("Your bank details were changed"),
        f"{greeting}\n\n{changed}\n\n"
        + _("If you made this change, you do not need to do anything.")
        + "\n\n"
        + _(
            "If you did not make it, reply to this email straight away. We will not pay "
            "anything into the new account until we have spoken to you."
        )
        + "\n",
    )


def _discreet_email(when: datetime) -> _Words:
    """For a safe-contact person: nothing that names the service, the bank or payments."""
    updated = _("Your details were updated on %(day)s at %(time)s.") % _when(when)
    return _Words(
        _("Your details were updated"),
        _("Hello,")
        + f"\n\n{updated}\n\n"
        + _("If this was not you, reply to this email straight away.")
        + "\n",
    )


def _when(when: datetime) -> dict[str, str]:
    """The day in the current language; the time on the 24-hour clock ('14:05')."""
    return {"day": i18n.day(when.date()), "time": f"{when:%H:%M}"}


def _programme_words(sender: Sender) -> tuple[str, ...]:
    """Words that would tell someone else reading the inbox what the person takes part in."""
    return (sender.service_name, "bank", "pay", "co-production", "involvement")
