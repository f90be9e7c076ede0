"""What the staff people pages show and read: section pages, forms, messages and results.

The handlers in ``pages.people`` stay thin; the words and the mapping of flat form inputs
onto profile sections live here (inputs and section mapping are shared with a participant's
own pages through ``profile_views``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar
from uuid import UUID

from litestar.response import Redirect
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import AfterValidator, Field

from app import audit
from app.errors import FieldError
from app.web.forms import FieldProblem, FormInvalid, FormModel, parse_form
from participation import schemas
from participation import vocabulary as v
from participation.pages.export_views import when
from participation.pages.profile_views import CHANNEL_WORDS, SectionPage, Values, section_data
from participation.services import consent, profiles, search

ASSISTED_CHANNELS = {code: CHANNEL_WORDS[code] for code in ("paper", "phone", "in_person")}
"""How someone gives consent through a coordinator (not "web": that is them, signed in)."""


def _one_of(choices: Mapping[str, Any]) -> Any:
    def check(value: str) -> str:
        if value not in choices:
            raise ValueError("unknown choice")
        return value

    return AfterValidator(check)


def _agreed_to_register(purposes: list[str]) -> list[str]:
    if set(purposes) - set(consent.CURRENT):
        raise FieldProblem("consents", "Select from the list of things they agreed to")
    if "register" not in purposes:
        raise ValueError("no register consent")
    return purposes


class GivenConsents(FormModel):
    """What someone agreed to when a coordinator set up their profile, and how they said so.

    No defaults where an answer is needed: pydantic does not validate a default, so a field
    left out of the post must fail as missing rather than slip through empty."""

    consents: Annotated[list[str], AfterValidator(_agreed_to_register)] = []
    channel: Annotated[str, _one_of(ASSISTED_CHANNELS)]

    messages: ClassVar[dict[str, str]] = {
        "consents": "Select 'Being on the involvement register': we can only keep a profile "
        "for someone who agreed to it",
        "channel": "Select how they gave their consent",
    }


class RecordedConsent(FormModel):
    """One consent change a coordinator records for someone who asked in person, by phone or
    on paper."""

    purpose: Annotated[str, _one_of(consent.CURRENT)]
    granted: bool
    channel: Annotated[str, _one_of(ASSISTED_CHANNELS)]

    messages: ClassVar[dict[str, str]] = {
        "purpose": "Select which use of their information this is about",
        "granted": "Select whether they agreed or withdrew",
        "channel": "Select how they told you",
    }


class NewExperience(FormModel):
    label: Annotated[str, Field(min_length=1, max_length=120)] = ""

    messages: ClassVar[dict[str, str]] = {
        "label": "Enter the experience in 120 characters or fewer",
    }


EDITABLE: dict[str, SectionPage] = {
    spec.slug: spec
    for spec in (
        SectionPage(
            "about",
            "about",
            "Their name and date of birth",
            ("preferred_name", "date_of_birth"),
            "Their name and date of birth have been saved",
            {"date_of_birth": "date_of_birth-day"},
        ),
        SectionPage(
            "contact",
            "contact",
            "How to contact them",
            tuple(schemas.ContactDetails.model_fields),
            "Their contact details have been saved",
            {"intermediary": "intermediary_name"},
        ),
        SectionPage(
            "lived-experience",
            "lived_experience",
            "Their lived experience",
            tuple(schemas.LivedExperience.model_fields),
            "Their lived experience has been saved",
        ),
        SectionPage(
            "involvement",
            "involvement",
            "What, how and when they want to take part",
            tuple(schemas.Involvement.model_fields),
            "What, how and when they want to take part has been saved",
        ),
        SectionPage(
            "access-needs",
            "access_needs",
            "Their access needs",
            tuple(schemas.AccessNeeds.model_fields),
            "Their access needs have been saved",
        ),
    )
}
BANNERS: dict[str, str] = {
    **{spec.slug: spec.saved for spec in EDITABLE.values()},
    "created": "Their profile has been created",
    "consent": "Their consent choice has been recorded",
    "erased": "Their details have been deleted",
    "added": "The experience has been added to the list",
    "retired": "The experience is no longer offered. Profiles that have it keep it.",
    "restored": "The experience is offered again",
}
"""Success messages by the ``saved`` query value (a fixed word, never anything personal)."""

THIRD_PERSON: dict[str, str] = {
    schemas.AboutYou.messages["preferred_name"]: "Enter the name they want us to use, "
    "in 80 characters or fewer",
    schemas.ContactDetails.messages["preferred_route"]: "Select how they want us to contact them",
    schemas.ContactDetails.messages["safe_contact"]: "Select whether they need us to take "
    "extra care when we contact them",
    schemas.ROUTE_MISSING["email"]: "Enter their email address, or choose another way to "
    "contact them",
    schemas.ROUTE_MISSING["phone"]: "Enter their phone number, or choose another way to "
    "contact them",
    schemas.ROUTE_MISSING["address"]: "Enter their address, or choose another way to contact them",
    schemas.AccessNeeds.messages["interpreter_language"]: "Enter the language they need an "
    "interpreter for",
    schemas.AccessNeeds.messages["dietary"]: "Describe their dietary needs in 300 characters "
    "or fewer",
    schemas.Involvement.messages["never_days"]: "Select the days they can never do from the list",
    schemas.Involvement.messages["contact_frequency"]: "Select how often we may contact them",
}
"""The schemas speak to the participant ("your"); on staff pages the same problem says "their"."""


def for_staff(errors: list[FieldError]) -> list[FieldError]:
    return [FieldError(e.field, THIRD_PERSON.get(e.message, e.message)) for e in errors]


def person_row(person: search.Person) -> dict[str, Any]:
    """One result as the table shows it: labels, never codes."""
    return {
        "id": person.id,
        "name": person.name.reveal() if person.name else "Name not known",
        "route": v.CONTACT_ROUTES.get(person.preferred_route, ""),
        "paused": person.paused,
        "safe_contact": person.safe_contact,
        "needs": v.labels(v.ADJUSTMENTS, person.adjustments)
        + v.labels(v.TRAVEL_HELP, person.travel_help),
    }


def page_number(text: str) -> int:
    """A page asked for in a link; anything else (a typo, an edited URL) is the first page."""
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) <= 10_000 else 1


def page_numbers(current: int, last: int) -> list[int | None]:
    """GOV.UK pagination: first, last, and the pages either side of this one; None = a gap."""
    shown = sorted({1, last, *range(max(1, current - 1), min(last, current + 1) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers if last > 1 else []


def new_profile(values: Values) -> schemas.NewProfile:
    """Check every part of the form at once, so the error summary lists every problem."""
    errors: list[FieldError] = []
    parts: dict[str, Any] = {}
    for spec in (EDITABLE["about"], EDITABLE["contact"]):
        model = profiles.SECTIONS[spec.section]
        try:
            parts[spec.section] = parse_form(
                model, section_data(spec, values, model.model_construct())
            )
        except FormInvalid as invalid:
            errors += invalid.errors
    try:
        given = parse_form(GivenConsents, values)
    except FormInvalid as invalid:
        errors += invalid.errors
    if errors:
        raise FormInvalid(errors, values)
    return schemas.NewProfile.model_validate(parts | given.model_dump())


YES_NO = {"yes": "Yes", "no": "No"}


HISTORY_ACTIONS = (audit.Action.change, audit.Action.export, audit.Action.sign_in)
"""What a person's history shows; views are audited too but would drown everything else."""

SECTION_WORDS = {
    "about": "name or date of birth",
    "contact": "contact details",
    "lived_experience": "lived experience",
    "equality": "equality answers",
    "involvement": "what, how and when",
    "access_needs": "access needs",
    "consent": "consent",
    "profile": "profile",
    "account": "account",
    "sign-in": "sign-in",
    "all": "all their information",
}


def activity_row(row: dict[str, Any], person: UUID) -> tuple[str, str, str]:
    """One line of history in plain words: when, what changed, and who did it."""
    what = SECTION_WORDS.get(row["field_group"], row["field_group"].replace("_", " "))
    doing = {"change": "Changed", "export": "Downloaded", "sign-in": "Signed in:"}
    if row["actor"] == str(person):
        who = "They did"
    elif row["actor_role"] == "system":
        who = "The service"
    else:
        who = "Staff (" + row["actor_role"].replace(",", ", ") + ")"
    action = doing.get(row["action"], row["action"])
    return (when(row["at"]), f"{action} {what}", who)


def saved_redirect(where: str, what: str) -> Redirect:
    """Back to ``where`` with a banner saying what was saved (a fixed word, nothing personal)."""
    return Redirect(f"{where}?saved={what}", status_code=HTTP_303_SEE_OTHER)
