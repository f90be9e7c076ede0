"""Printed documents for events, made with python-docx: invitation letters for people whose
route is post or a trusted intermediary, and a briefing pack to read before the day.

Letters follow the same discretion rules as email: a safe-contact person's letter names no
programme, and no letter prints anyone's address in its text (the envelope is written from
the profile by staff, who see the safe-contact warning there).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.enum.text import WD_BREAK

from app.docs import BODY_SIZE, as_bytes, new_document
from events.services import ics
from events.vocabulary import VENUE_FEATURES


@dataclass(frozen=True)
class Letter:
    """One printed invitation: to whom (and through whom), and the link to reply."""

    name: str
    reply_link: str
    discreet: bool = False
    care_of: str = ""


@dataclass(frozen=True)
class Team:
    council: str
    phone: str
    email: str


def letters(
    event: dict[str, Any], venue: dict[str, Any] | None, people: list[Letter], team: Team
) -> bytes:
    """All the letters for one event in one document, a page each."""
    document = _document()
    for number, person in enumerate(people):
        if number:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _letter(document, event, venue, person, team)
    return _saved(document)


def briefing_pack(event: dict[str, Any], venue: dict[str, Any] | None, team: Team) -> bytes:
    """What to read before the day: when and where, access, what happens, afterwards."""
    document = _document()
    document.add_heading(event["title"], level=0)
    document.add_heading("When and where", level=1)
    for line in ics.describe(event, venue, discreet=False).splitlines()[1:]:
        document.add_paragraph(line)
    if venue and venue["features"]:
        document.add_heading("Access at the venue", level=1)
        for code in filter(None, venue["features"].split(",")):
            document.add_paragraph(VENUE_FEATURES.get(code, code), style="List Bullet")
    document.add_heading("What will happen", level=1)
    document.add_paragraph(event["description"] or "We will explain everything at the start.")
    document.add_paragraph(
        "You can take a break whenever you need one, and you can leave at any time."
    )
    if event["providers"]:
        document.add_heading("Organisations you will meet", level=1)
        for provider in filter(None, (p.strip() for p in event["providers"].splitlines())):
            document.add_paragraph(provider, style="List Bullet")
    document.add_heading("Afterwards", level=1)
    document.add_paragraph(
        "We will ask you how it went. "
        + (
            "Someone can also check in with you afterwards about how you are, if you would like."
            if event["sensitive"]
            else "Tell us anything we could do better."
        )
    )
    _contact(document, team)
    return _saved(document)


def _letter(
    document: Any, event: dict[str, Any], venue: dict[str, Any] | None, person: Letter, team: Team
) -> None:
    document.add_paragraph(team.council)
    if person.care_of:
        document.add_paragraph(f"For {person.name}, care of {person.care_of}")
    document.add_paragraph(f"Dear {person.name},")
    what = ics.DISCREET_TITLE.lower() if person.discreet else f'"{event["title"]}"'
    document.add_paragraph(f"We would like to invite you to a {what}.")
    for line in ics.describe(event, venue, discreet=person.discreet).splitlines()[1:]:
        document.add_paragraph(line)
    document.add_paragraph(
        f"Please tell us if you can come. Ring us on {team.phone}, or go to this web page:"
    )
    document.add_paragraph(person.reply_link)
    document.add_paragraph("If you can't make it, that is fine: you do not need to give a reason.")
    document.add_paragraph("With best wishes,")
    document.add_paragraph("The co-production team")


def _contact(document: Any, team: Team) -> None:
    document.add_heading("Questions?", level=1)
    document.add_paragraph(f"Ring us on {team.phone} or email {team.email}.")


def _document() -> Any:
    return new_document(BODY_SIZE)


def _saved(document: Any) -> bytes:
    return as_bytes(document)
