"""Request and response schemas of the participation domain, shared by the JSON API and forms.

Each profile section is one model, so a page and an API call validate the same way. Field
``messages`` say what a person should do when an answer is wrong (shown in the GOV.UK error
summary and in the API's problem details). Those a participant can meet are marked ``N_`` and
translated when the error is shown; staff forms' messages stay English.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, Field, model_validator

from app import i18n
from app.blind_index import normalise_uk_phone
from app.i18n import N_
from app.web.forms import FieldProblem, StrictForm, one_of, some_of
from participation import vocabulary as v

MAX_TEXT = 1000
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def _email(value: str | None) -> str | None:
    if not value:
        return None
    if len(value) > 254 or not EMAIL_SHAPE.match(value):
        raise ValueError("not an email address")
    return value


def _uk_phone(value: str | None) -> str | None:
    """A UK landline or mobile in any common writing; stored as typed, compared as E.164."""
    if not value:
        return None
    if re.search(r"[^\d\s()+\-.]", value):
        raise ValueError("not a phone number")
    number = normalise_uk_phone(value)
    if not re.fullmatch(r"\+44[1-9]\d{8,9}", number):
        raise ValueError("not a UK phone number")
    return value


Email = Annotated[str | None, AfterValidator(_email)]
UKPhone = Annotated[str | None, AfterValidator(_uk_phone)]
ShortText = Annotated[str, Field(max_length=120)]
LongText = Annotated[str, Field(max_length=MAX_TEXT)]


class Section(StrictForm):
    """A profile section (and every other participation form or API body)."""


class AboutYou(Section):
    preferred_name: Annotated[str, Field(min_length=1, max_length=80)]
    date_of_birth: date | None = None

    messages: ClassVar[dict[str, str]] = {
        "preferred_name": N_("Enter the name you want us to call you, in 80 characters or fewer"),
        "date_of_birth": N_("Enter a date of birth in the past, like 27 3 1985, or leave it empty"),
    }

    @model_validator(mode="after")
    def _born_in_the_past(self) -> AboutYou:
        born = self.date_of_birth
        today = datetime.now(UTC).date()
        if born is not None and (born >= today or born.year < today.year - 120):
            raise FieldProblem("date_of_birth")
        return self


class Intermediary(Section):
    name: ShortText = ""
    organisation: ShortText = ""
    contact: ShortText = ""


class ContactDetails(Section):
    email: Email = None
    phone: UKPhone = None
    address: Annotated[str, Field(max_length=300)] = ""
    preferred_route: Annotated[str, one_of(v.CONTACT_ROUTES)] = "email"
    intermediary: Intermediary = Intermediary()
    safe_contact: bool = False
    language: Annotated[str, one_of(i18n.catalogue_names())] = i18n.DEFAULT

    messages: ClassVar[dict[str, str]] = {
        "email": N_("Enter an email address in the right format, like name@example.com"),
        "phone": N_("Enter a UK phone number, like 07700 900 982 or 01632 960 001"),
        "address": N_("Enter the address in 300 characters or fewer"),
        "preferred_route": N_("Select how you want us to contact you"),
        "intermediary": N_(
            "Enter the name and phone number or email of the person who passes "
            "messages on, in 120 characters or fewer each"
        ),
        "safe_contact": N_("Select whether you need us to take extra care when we contact you"),
        "language": N_("Select the language you want us to write to you in"),
    }

    @model_validator(mode="after")
    def _route_has_details(self) -> ContactDetails:
        """The chosen route must be usable: no 'email me' without an email address."""
        needs = {
            "email": ("email", self.email),
            "phone": ("phone", self.phone),
            "sms": ("phone", self.phone),
            "post": ("address", self.address),
            "intermediary": (
                "intermediary",
                self.intermediary.name and self.intermediary.contact,
            ),
        }
        field, present = needs[self.preferred_route]
        if not present:
            raise FieldProblem(field, ROUTE_MISSING[field])
        return self


ROUTE_MISSING = {
    "email": N_("Enter your email address, or choose another way for us to contact you"),
    "phone": N_("Enter your phone number, or choose another way for us to contact you"),
    "address": N_("Enter your address, or choose another way for us to contact you"),
    "intermediary": N_("Enter the name of the person who passes messages on and how to reach them"),
}


class LivedExperience(Section):
    lived_experience: list[Annotated[str, Field(max_length=40)]] = []
    lived_experience_words: LongText = ""

    messages: ClassVar[dict[str, str]] = {
        "lived_experience": N_("Select from the list, or leave them all unticked"),
        "lived_experience_words": N_("Write 1000 characters or fewer"),
    }


class Equality(Section):
    """Every question is optional and each has 'Prefer not to say'. Kept only for reach."""

    age: str = ""
    sex: str = ""
    gender_same_as_birth: str = ""
    ethnicity: str = ""
    disability: str = ""
    religion: str = ""
    sexual_orientation: str = ""

    messages: ClassVar[dict[str, str]] = {
        "age": N_("Select an answer for 'Your age', or leave it empty"),
        "sex": N_("Select an answer for 'Your sex', or leave it empty"),
        "gender_same_as_birth": N_(
            "Select an answer for 'Is the gender you identify with the same as your sex "
            "registered at birth?', or leave it empty"
        ),
        "ethnicity": N_("Select an answer for 'Your ethnic group', or leave it empty"),
        "disability": N_(
            "Select an answer for 'Do you consider yourself disabled?', or leave it empty"
        ),
        "religion": N_("Select an answer for 'Your religion or belief', or leave it empty"),
        "sexual_orientation": N_(
            "Select an answer for 'Your sexual orientation', or leave it empty"
        ),
    }
    """Written out, not built from the questions, so each is one string to translate."""

    @model_validator(mode="after")
    def _known_answers(self) -> Equality:
        for name, (_, choices) in v.EQUALITY_QUESTIONS.items():
            answer = getattr(self, name)
            if answer and answer not in v.with_prefer_not(choices):
                raise FieldProblem(name)
        return self


class Involvement(Section):
    """What, how and when. Nothing here is required: empty times mean 'flexible'."""

    activities: Annotated[list[str], some_of(v.ACTIVITIES)] = []
    formats: Annotated[list[str], some_of(v.FORMATS)] = []
    group_sizes: Annotated[list[str], some_of(v.GROUP_SIZES)] = []
    never_days: Annotated[list[str], some_of(v.DAYS)] = []
    times_of_day: Annotated[list[str], some_of(v.TIMES_OF_DAY)] = []
    shorter_sessions: bool = False
    contact_frequency: Annotated[str, one_of(v.CONTACT_FREQUENCY)] = "any"

    messages: ClassVar[dict[str, str]] = {
        "activities": N_("Select the things you want to be involved in from the list"),
        "formats": N_("Select in person, online or by phone"),
        "group_sizes": N_("Select in a group or one-to-one"),
        "never_days": N_("Select the days you can never do from the list"),
        "times_of_day": N_("Select mornings, afternoons or evenings, or leave them for 'flexible'"),
        "shorter_sessions": N_("Select whether you prefer shorter sessions"),
        "contact_frequency": N_("Select how often we may contact you"),
    }


class AccessNeeds(Section):
    """Asked once, reused for every event: organisers see the adjustments, never why."""

    adjustments: Annotated[list[str], some_of(v.ADJUSTMENTS)] = []
    travel_help: Annotated[list[str], some_of(v.TRAVEL_HELP)] = []
    interpreter_language: ShortText = ""
    dietary: Annotated[str, Field(max_length=300)] = ""
    other: LongText = ""

    messages: ClassVar[dict[str, str]] = {
        "adjustments": N_("Select from the list of things we can arrange"),
        "travel_help": N_("Select from the list of travel help"),
        "interpreter_language": N_("Enter the language you need an interpreter for"),
        "dietary": N_("Describe your dietary needs in 300 characters or fewer"),
        "other": N_("Write 1000 characters or fewer"),
    }

    @model_validator(mode="after")
    def _interpreter_has_language(self) -> AccessNeeds:
        if "interpreter" in self.adjustments and not self.interpreter_language:
            raise FieldProblem("interpreter_language")
        return self


class Pause(Section):
    paused: bool

    messages: ClassVar[dict[str, str]] = {"paused": N_("Select whether to pause contact")}


class ConsentChange(Section):
    purpose: str
    granted: bool

    messages: ClassVar[dict[str, str]] = {
        "purpose": N_("Select which use of your information this is about"),
        "granted": N_("Select yes or no"),
    }


class NewProfile(Section):
    """A profile a coordinator sets up for someone (who may never sign in)."""

    about: AboutYou
    contact: ContactDetails
    consents: list[str] = []
    channel: Literal["paper", "phone", "in_person", "web"] = "in_person"


class Profile(BaseModel):
    """A profile as one role sees it: sections the role may not see are ``None`` (the data
    map's ``visible_to`` decides; a coordinator never sees a person's equality answers)."""

    id: UUID
    about: AboutYou | None = None
    contact: ContactDetails | None = None
    lived_experience: LivedExperience | None = None
    equality: Equality | None = None
    involvement: Involvement | None = None
    access_needs: AccessNeeds | None = None
    paused: bool
    consents: dict[str, bool]
    created_at: datetime
    updated_at: datetime
    last_active_at: datetime | None = None
    reminded_at: datetime | None = None
    """When retention last reminded them that an unused profile will be erased."""


class SearchFilters(Section):
    """What a coordinator filters people by; every filter narrows (AND)."""

    query: Annotated[str, Field(max_length=120)] = ""
    activities: Annotated[list[str], some_of(v.ACTIVITIES)] = []
    formats: Annotated[list[str], some_of(v.FORMATS)] = []
    group_sizes: Annotated[list[str], some_of(v.GROUP_SIZES)] = []
    available_on: Annotated[list[str], some_of(v.DAYS)] = []
    times_of_day: Annotated[list[str], some_of(v.TIMES_OF_DAY)] = []
    adjustments: Annotated[list[str], some_of(v.ADJUSTMENTS)] = []
    travel_help: Annotated[list[str], some_of(v.TRAVEL_HELP)] = []
    include_paused: bool = False
    page: Annotated[int, Field(ge=1, le=10_000)] = 1

    messages: ClassVar[dict[str, str]] = {
        "query": "Enter a name, email address or phone number in 120 characters or fewer",
        "page": "Enter a page number",
        "include_paused": "Select whether to include people who have paused contact",
        **dict.fromkeys(
            (
                "activities",
                "formats",
                "group_sizes",
                "available_on",
                "times_of_day",
                "adjustments",
                "travel_help",
            ),
            "Select from the list",
        ),
    }
