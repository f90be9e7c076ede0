"""Request schemas of the events domain, shared by the JSON API and the organisers' forms."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails

from app.i18n import N_
from app.web.forms import FieldProblem, StrictForm, one_of, some_of
from events import vocabulary as v


class VenueForm(StrictForm):
    name: Annotated[str, Field(min_length=1, max_length=150)]
    address: Annotated[str, Field(max_length=300)] = ""
    directions: Annotated[str, Field(max_length=1000)] = ""
    features: Annotated[list[str], some_of(v.VENUE_FEATURES)] = []
    public_transport: Annotated[str, Field(max_length=500)] = ""
    join_link: Annotated[str, Field(max_length=500)] = ""
    dial_in: Annotated[str, Field(max_length=200)] = ""

    messages: ClassVar[dict[str, str]] = {
        "name": "Enter the venue's name in 150 characters or fewer",
        "address": "Enter the address in 300 characters or fewer",
        "directions": "Write the directions in 1,000 characters or fewer",
        "features": "Select the venue's access features from the list",
        "public_transport": "Write the public transport notes in 500 characters or fewer",
        "join_link": "Enter a web address starting https://",
        "dial_in": "Enter the dial-in details in 200 characters or fewer",
    }

    @model_validator(mode="after")
    def _link_is_a_web_address(self) -> VenueForm:
        if self.join_link and not self.join_link.startswith("https://"):
            raise FieldProblem("join_link", self.messages["join_link"])
        return self


class EventForm(StrictForm):
    """What an organiser sets for an event; times are timezone-aware (forms use London time)."""

    title: Annotated[str, Field(min_length=1, max_length=150)]
    kind: Annotated[str, one_of(v.KINDS)]
    description: Annotated[str, Field(max_length=5000)] = ""
    opportunity: UUID | None = None
    mode: Annotated[str, one_of(v.MODES)] = "in_person"
    venue: UUID | None = None
    join_link: Annotated[str, Field(max_length=500)] = ""
    starts_at: datetime
    ends_at: datetime
    capacity: Annotated[int, Field(ge=1, le=1000)] = 10
    providers: Annotated[str, Field(max_length=2000)] = ""
    reminder_hours: list[Annotated[int, Field(ge=1, le=336)]] = [48]
    sensitive: bool = False

    messages: ClassVar[dict[str, str]] = {
        "title": "Enter a title in 150 characters or fewer",
        "kind": "Select what kind of event this is",
        "description": "Describe the event in 5,000 characters or fewer",
        "opportunity": "Select the opportunity this event is for",
        "mode": "Select in person, online, or both",
        "venue": "Select a venue for an event people come to in person",
        "join_link": "Enter the online joining link, starting https://",
        "starts_at": "Enter when the event starts, in the future",
        "ends_at": "Enter an end time after the start time",
        "capacity": "Enter how many people can come, from 1 to 1,000",
        "providers": "List the provider organisations in 2,000 characters or fewer",
        "reminder_hours": "Enter reminder times in hours before the event, from 1 to 336",
        "sensitive": "Select whether to offer a debrief afterwards",
    }

    @model_validator(mode="after")
    def _makes_sense(self) -> EventForm:
        """Check how the fields fit together, and name every problem at once, so an organiser
        puts all of them right in one go rather than finding them one submission at a time."""
        for name in ("starts_at", "ends_at"):
            moment = getattr(self, name)
            if moment.tzinfo is None:
                setattr(self, name, moment.replace(tzinfo=UTC))
        problems = [name for name, wrong in self._cross_field_checks() if wrong]
        if problems:
            # pydantic merges a ValidationError raised here into the errors it reports
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [
                    InitErrorDetails(
                        type="value_error",
                        loc=(name,),
                        input=getattr(self, name),
                        ctx={"error": FieldProblem(name, self.messages[name])},
                    )
                    for name in problems
                ],
            )
        return self

    def _cross_field_checks(self) -> list[tuple[str, bool]]:
        """(field, whether it is wrong given the others), in the form's order."""
        return [
            ("venue", self.mode != "online" and self.venue is None),
            ("join_link", self.mode != "in_person" and not self.join_link.startswith("https://")),
            ("starts_at", self.starts_at <= datetime.now(UTC)),
            ("ends_at", self.ends_at <= self.starts_at),
        ]


class Reply(StrictForm):
    answer: Annotated[str, one_of(v.ANSWERS)]

    messages: ClassVar[dict[str, str]] = {"answer": N_("Select whether you can come")}
