"""Schemas for recruitment: opportunities with their screener questions, and expressions of
interest (from someone signed in, someone new, or a coordinator on a person's behalf)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import Field, model_validator

from app.accessible_docs import NotEasyRead, check_sentence, sentences
from app.i18n import N_
from app.i18n import gettext as _
from app.web.forms import FieldProblem, one_of, some_of
from participation import vocabulary as v
from participation.schemas import AboutYou, ContactDetails, Section

Answer = str | list[str]


class Question(Section):
    kind: Annotated[str, one_of(v.SCREENER_KINDS)]
    prompt: Annotated[str, Field(min_length=1, max_length=300)]
    choices: list[Annotated[str, Field(min_length=1, max_length=100)]] = []
    required: bool = False

    messages: ClassVar[dict[str, str]] = {
        "kind": "Select the kind of answer: written, choose one or choose any",
        "prompt": "Enter the question in 300 characters or fewer",
        "choices": "Give between 2 and 12 choices, each in 100 characters or fewer",
        "required": "Select whether an answer is needed",
    }

    @model_validator(mode="after")
    def _choices_fit_the_kind(self) -> Question:
        wants_choices = self.kind != "text"
        if wants_choices != bool(self.choices) or len(self.choices) > 12:
            raise FieldProblem("choices", self.messages["choices"])
        if wants_choices and len(self.choices) < 2:
            raise FieldProblem("choices", self.messages["choices"])
        return self


class OpportunityForm(Section):
    """What a coordinator writes to publish a way to take part."""

    title: Annotated[str, Field(min_length=1, max_length=150)]
    description: Annotated[str, Field(min_length=1, max_length=5000)]
    easy_read: Annotated[str, Field(max_length=5000)] = ""
    work: UUID | None = None
    stage: Annotated[int, Field(ge=1, le=5)]
    activity: Annotated[str, one_of(v.ACTIVITIES)]
    rung_planned: Annotated[str, one_of(v.LADDER)]
    lived_experience_sought: list[Annotated[str, Field(max_length=40)]] = []
    formats: Annotated[list[str], some_of(v.FORMATS)] = []
    group_sizes: Annotated[list[str], some_of(v.GROUP_SIZES)] = []
    starts_on: date | None = None
    ends_on: date | None = None
    time_commitment: Annotated[str, Field(max_length=200)] = ""
    payment_offer: Annotated[str, Field(max_length=300)] = ""
    access_offer: Annotated[str, Field(max_length=300)] = ""
    closes_at: datetime
    places: Annotated[int, Field(ge=1, le=500)] = 1
    questions: Annotated[list[Question], Field(max_length=20)] = []

    messages: ClassVar[dict[str, str]] = {
        "title": "Enter a title in 150 characters or fewer",
        "description": "Describe the opportunity in plain English, in 5,000 characters or fewer",
        "easy_read": "Write the Easy Read version in 5,000 characters or fewer",
        "work": "Select the piece of commissioning work this belongs to",
        "stage": "Select the commissioning stage, from 1 to 5",
        "activity": "Select what people will do",
        "rung_planned": "Select the rung of the ladder of co-production you plan to reach",
        "lived_experience_sought": "Select the lived experience you are looking for from the list",
        "formats": "Select in person, online or by phone",
        "group_sizes": "Select in a group or one-to-one",
        "starts_on": "Enter the start date as a real date, like 14 1 2027",
        "ends_on": "Enter an end date on or after the start date",
        "time_commitment": "Describe the time it takes in 200 characters or fewer",
        "payment_offer": "Describe what is paid in 300 characters or fewer",
        "access_offer": "Describe the access help offered in 300 characters or fewer",
        "closes_at": "Enter a closing date and time in the future",
        "places": "Enter how many places there are, from 1 to 500",
        "questions": "Check the questions: at most 20, each with its kind and wording",
    }

    @model_validator(mode="after")
    def _easy_read_is_easy(self) -> OpportunityForm:
        """Each Easy Read sentence has at most 15 words: said while the coordinator writes."""
        for sentence in sentences(self.easy_read):
            try:
                check_sentence(sentence)
            except NotEasyRead as problem:
                raise FieldProblem("easy_read", problem.message) from problem
        return self

    @model_validator(mode="after")
    def _dates_make_sense(self) -> OpportunityForm:
        if self.closes_at.tzinfo is None:
            self.closes_at = self.closes_at.replace(tzinfo=UTC)
        if self.closes_at <= datetime.now(UTC):
            raise FieldProblem("closes_at", self.messages["closes_at"])
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise FieldProblem("ends_on", self.messages["ends_on"])
        return self


class Interest(Section):
    """Answers to an opportunity's questions, by question id."""

    answers: dict[str, Answer] = {}

    messages: ClassVar[dict[str, str]] = {"answers": N_("Answer the questions as asked")}


class NewPersonInterest(Interest):
    """Someone without an account: the profile and consents are made from this."""

    about: AboutYou
    contact: ContactDetails
    consents: list[str] = ["register", "contact"]

    messages: ClassVar[dict[str, str]] = {
        **Interest.messages,
        "about": N_("Enter the name you want us to call you"),
        "contact": N_("Tell us how to contact you"),
        "consents": N_("Agree to us keeping your details, so we can tell you what happens next"),
    }

    @model_validator(mode="after")
    def _agrees_to_be_kept(self) -> NewPersonInterest:
        if "register" not in self.consents:
            message = self.messages["consents"]
            raise FieldProblem("consents", _(message))
        return self


class StatusChange(Section):
    """Move one or more EOIs on the review board to a new status."""

    expressions: Annotated[list[UUID], Field(min_length=1, max_length=500)]
    status: Annotated[str, one_of(v.EOI_STATUSES)]

    messages: ClassVar[dict[str, str]] = {
        "expressions": "Select at least one person",
        "status": "Select what to do with them",
    }
