"""Request and response models only the participation JSON API uses.

The profile sections, ``SearchFilters`` and ``Profile`` are shared with the pages and live in
``participation.schemas``; these are the API's own envelopes around them. Request models are
``Section``s, so unknown keys are refused and each field has a message a script's author can
act on.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel

from participation import schemas
from participation.services import consent

PURPOSES = ", ".join(consent.CURRENT)
CHANNELS = ", ".join(consent.CHANNELS)


def _one_of(allowed: Collection[str]) -> AfterValidator:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError("unknown choice")
        return value

    return AfterValidator(check)


Purpose = Annotated[str, _one_of(consent.CURRENT)]
Channel = Annotated[str, _one_of(consent.CHANNELS)]


class OwnConsent(schemas.ConsentChange):
    """A participant's own yes or no to one purpose (recorded as given online)."""

    purpose: Purpose

    messages: ClassVar[dict[str, str]] = {
        "purpose": f"Choose the purpose this is about, one of: {PURPOSES}",
        "granted": "Send granted as true (yes) or false (no)",
    }


class StaffConsent(OwnConsent):
    """A yes or no a coordinator records for someone, and how the person gave it."""

    channel: Channel

    messages: ClassVar[dict[str, str]] = {
        **OwnConsent.messages,
        "channel": f"Say how the person gave this answer, one of: {CHANNELS}",
    }


class ProfileOptions(schemas.Section):
    """The parts of a new profile beside its sections: consents given and how."""

    consents: list[Purpose] = []
    channel: Channel = "in_person"

    messages: ClassVar[dict[str, str]] = {
        "consents": f"List the purposes the person agreed to, from: {PURPOSES}",
        "channel": StaffConsent.messages["channel"],
    }


class Confirm(schemas.Section):
    """An erasure cannot be undone, so the request must say so in its body."""

    confirm: Literal[True]

    messages: ClassVar[dict[str, str]] = {
        "confirm": 'Send {"confirm": true} to confirm: erasing cannot be undone',
    }


class Created(BaseModel):
    id: UUID


class Paused(BaseModel):
    paused: bool


class PersonFound(BaseModel):
    """One search result: enough to recognise someone and to know how to treat them."""

    id: UUID
    name: str | None
    safe_contact: bool
    paused: bool
    preferred_route: str
    adjustments: list[str]
    travel_help: list[str]


class SearchResults(BaseModel):
    people: list[PersonFound]
    total: int
    page: int
    pages: int


class Wording(BaseModel):
    """The exact words a person agrees to for one purpose (the version recorded with a yes)."""

    purpose: str
    version: str
    title: str
    text: str
    sha256: str


class ConsentEvent(BaseModel):
    at: datetime
    purpose: str
    title: str
    granted: bool
    wording_version: str
    channel: str
    assisted_by: UUID | None


class Consents(BaseModel):
    """What a person has agreed to now, the words they agreed to, and every answer ever given."""

    consents: dict[str, bool]
    wordings: list[Wording]
    history: list[ConsentEvent]


class SubjectAccess(BaseModel):
    """Everything held about a person, table by table, with the consent words in force."""

    subject: UUID
    exported_at: datetime
    consent_wordings: dict[str, dict[str, str]]
    tables: dict[str, list[dict[str, Any]]]


class Erased(BaseModel):
    """What an erasure removed and what the law makes us keep, with why."""

    erased: UUID
    deleted: str
    kept: str
    kept_for_finance: str
