"""Printed documents for events, made with python-docx: invitation letters for people whose
route is post or a trusted intermediary, and a briefing pack to read before the day.

Letters follow the same discretion rules as email: a safe-contact person's letter names no
programme, and no letter prints anyone's address in its text (the envelope is written from
the profile by staff, who see the safe-contact warning there). Each letter is written in the
language its reader chose; the briefing pack in the language of the request that downloads it
(``?lang=cy`` on its address gives the Welsh pack).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.enum.text import WD_BREAK

from app import i18n
from app.docs import BODY_SIZE, as_bytes, new_document, right_to_left
from app.i18n import gettext as _
from events.services import ics
from events.services.invitations import NO_REASON
from events.vocabulary import VENUE_FEATURES


@dataclass(frozen=True)
class Letter:
    """One printed invitation: to whom (and through whom), and the link to reply."""

    name: str
    reply_link: str
    discreet: bool = False
    care_of: str = ""
    language: str = i18n.DEFAULT
    """The code of the language the person chose to be written to in."""


@dataclass(frozen=True)
class Team:
    council: str
    phone: str
    email: str


def letters(
    event: dict[str, Any], venue: dict[str, Any] | None, people: list[Letter], team: Team
) -> bytes:
    """All the letters for one event in one document, a page each (or a line saying there are
    none, rather than a blank document that looks broken)."""
    document = _document()
    if not people:
        document.add_paragraph(f"Nobody invited to {event['title']} needs a letter by post.")
    for number, person in enumerate(people):
        if number:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        with i18n.use_locale(person.language):
            first = len(document.paragraphs)
            _letter(document, event, venue, person, team)
            if i18n.current_language().rtl:
                right_to_left(document.paragraphs[first:])
    return _saved(document)


def briefing_pack(event: dict[str, Any], venue: dict[str, Any] | None, team: Team) -> bytes:
    """What to read before the day: when and where, access, what happens, afterwards."""
    document = _document()
    document.add_heading(event["title"], level=0)
    document.add_heading(_("When and where"), level=1)
    for line in ics.describe(event, venue, discreet=False).splitlines()[1:]:
        document.add_paragraph(line)
    if venue and venue["features"]:
        document.add_heading(_("Access at the venue"), level=1)
        for code in filter(None, venue["features"].split(",")):
            document.add_paragraph(_(VENUE_FEATURES.get(code, code)), style="List Bullet")
    document.add_heading(_("What will happen"), level=1)
    document.add_paragraph(event["description"] or _("We will explain everything at the start."))
    document.add_paragraph(
        _("You can take a break whenever you need one, and you can leave at any time.")
    )
    if event["providers"]:
        document.add_heading(_("Organisations you will meet"), level=1)
        for provider in filter(None, (p.strip() for p in event["providers"].splitlines())):
            document.add_paragraph(provider, style="List Bullet")
    document.add_heading(_("Afterwards"), level=1)
    more = (
        _("Someone can also check in with you afterwards about how you are, if you would like.")
        if event["sensitive"]
        else _("Tell us anything we could do better.")
    )
    document.add_paragraph(_("We will ask you how it went.") + " " + more)
    _contact(document, team)
    if i18n.current_language().rtl:
        right_to_left(document.paragraphs)
    return _saved(document)


def _letter(
    document: Any, event: dict[str, Any], venue: dict[str, Any] | None, person: Letter, team: Team
) -> None:
    """One letter, in the current language (the reader's)."""
    document.add_paragraph(team.council)
    if person.care_of:
        names = {"name": person.name, "care_of": person.care_of}
        document.add_paragraph(_("For %(name)s, care of %(care_of)s") % names)
    document.add_paragraph(_("Dear %(name)s,") % {"name": person.name})
    if person.discreet:
        document.add_paragraph(_("We would like to invite you to a meeting."))
    else:
        invite = _('We would like to invite you to a "%(title)s".')
        document.add_paragraph(invite % {"title": event["title"]})
    for line in ics.describe(event, venue, discreet=person.discreet).splitlines()[1:]:
        document.add_paragraph(line)
    ask = _("Please tell us if you can come. Ring us on %(phone)s, or go to this web page:")
    document.add_paragraph(ask % {"phone": team.phone})
    document.add_paragraph(person.reply_link)
    document.add_paragraph(_(NO_REASON))
    document.add_paragraph(_("With best wishes,"))
    document.add_paragraph(_("The co-production team"))


def _contact(document: Any, team: Team) -> None:
    document.add_heading(_("Questions?"), level=1)
    reach = {"phone": team.phone, "email": team.email}
    document.add_paragraph(_("Ring us on %(phone)s or email %(email)s.") % reach)


def _document() -> Any:
    return new_document(BODY_SIZE)


def _saved(document: Any) -> bytes:
    return as_bytes(document)
