"""Request and response models of the recruitment JSON API.

The opportunity form, the interest answers and the status change are shared with the pages
(``participation.schemas.recruitment``); these are the API's own bodies and answers around
them. Opportunities come back with both codes and their labels, so a script can show the
same words as the pages without its own copy of the lists.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel

from participation import vocabulary as v
from participation.schemas import Section
from participation.schemas.recruitment import Answer, Interest

ASSISTED_CHANNELS = ("phone", "paper", "in_person")


def _rung(value: str) -> str:
    if value not in v.LADDER:
        raise ValueError("unknown rung")
    return value


class OnBehalf(Interest):
    """Interest a coordinator records for someone who told them by phone, on paper or in
    person; it is recorded as assisted, with the coordinator's name."""

    person: UUID
    channel: Literal["phone", "paper", "in_person"]

    messages: ClassVar[dict[str, str]] = {
        **Interest.messages,
        "person": "Give the id of the person's profile",
        "channel": f"Say how the person told you, one of: {', '.join(ASSISTED_CHANNELS)}",
    }


class Archive(Section):
    """Archiving records how far up the ladder of co-production the work really got."""

    rung_achieved: Annotated[str, AfterValidator(_rung)]

    messages: ClassVar[dict[str, str]] = {
        "rung_achieved": "Select the rung of the ladder of co-production you reached, one of: "
        + ", ".join(v.LADDER),
    }


class ScreenerQuestion(BaseModel):
    id: UUID
    kind: str
    prompt: str
    choices: list[str]
    required: bool


class OpportunitySummary(BaseModel):
    """What anyone may read about an opportunity: what, when, what is paid, who is sought."""

    id: UUID
    title: str
    description: str
    easy_read: str
    stage: int
    stage_label: str
    activity: str
    activity_label: str
    lived_experience_sought: list[str]
    formats: list[str]
    group_sizes: list[str]
    starts_on: date | None
    ends_on: date | None
    time_commitment: str
    payment_offer: str
    access_offer: str
    closes_at: datetime
    places: int


class OpenOpportunity(OpportunitySummary):
    """One open opportunity with the questions its expression of interest asks."""

    questions: list[ScreenerQuestion]


class OpenOpportunities(BaseModel):
    opportunities: list[OpportunitySummary]


class StaffSummary(OpportunitySummary):
    """An opportunity as coordinators see it: with where it is and the ladder."""

    status: str
    status_label: str
    open: bool
    work: UUID | None
    rung_planned: str
    rung_achieved: str
    blind_review: bool
    created_at: datetime
    updated_at: datetime


class StaffOpportunity(StaffSummary):
    questions: list[ScreenerQuestion]


class StaffOpportunities(BaseModel):
    opportunities: list[StaffSummary]


class OwnInterest(BaseModel):
    """One of a person's expressions of interest, with its status in kind words."""

    id: UUID
    opportunity: UUID
    title: str
    status: str
    status_words: str
    created_at: datetime


class OwnInterests(BaseModel):
    expressions: list[OwnInterest]


class Applicant(BaseModel):
    """One row of the review board. ``person`` and ``name`` are null on a blind board."""

    expression: UUID
    person: UUID | None
    name: str | None
    status: str
    status_label: str
    answers: dict[str, Answer]
    created_at: datetime
    told: bool
    route: str


class Board(BaseModel):
    opportunity: UUID
    title: str
    blind: bool
    applicants: list[Applicant]


class Moved(BaseModel):
    """How many expressions of interest changed status (those already there do not count)."""

    moved: int
