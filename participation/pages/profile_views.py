"""What a participant's own profile pages show and read: one ``SectionPage`` per form page.

A profile section (``participation.schemas``) may span several pages (involvement: what, how,
when), and a page's inputs need not be the section's fields (a date of birth is typed as day,
month and year). This module turns a stored section into form values, posted values back into
section data, and a profile into plain-English summary rows with labels, never codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from participation import schemas
from participation import vocabulary as v
from participation.pages.export_views import (  # noqa: F401 - pages.people imports these from here
    Row,
    Words,
    downloaded,
    when,
)

Values = dict[str, Any]
DATE_PARTS = ("day", "month", "year")
INTERMEDIARY_PARTS = ("name", "organisation", "contact")
YES_NO = {"yes": "Yes", "no": "No"}
NOT_GIVEN = "Not given"
FLEXIBLE = "Flexible"


@dataclass(frozen=True)
class SectionPage:
    """One form page: its URL under /profile, the section it changes and which fields."""

    slug: str
    section: str
    title: str
    fields: tuple[str, ...]
    saved: str
    field_ids: dict[str, str] = field(default_factory=dict)

    @property
    def template(self) -> str:
        return f"participation/profile/{self.slug.replace('/', '_').replace('-', '_')}.html"

    @property
    def name(self) -> str:
        return "profile-" + self.slug.replace("/", "-")


PAGES: dict[str, SectionPage] = {
    p.slug: p
    for p in (
        SectionPage(
            "about",
            "about",
            "About you",
            ("preferred_name", "date_of_birth"),
            "Your name and date of birth have been saved",
            {"date_of_birth": "date_of_birth-day"},
        ),
        SectionPage(
            "contact",
            "contact",
            "How we contact you",
            tuple(schemas.ContactDetails.model_fields),
            "Your contact details have been saved",
            {"intermediary": "intermediary_name"},
        ),
        SectionPage(
            "lived-experience",
            "lived_experience",
            "Your lived experience",
            tuple(schemas.LivedExperience.model_fields),
            "Your lived experience has been saved",
        ),
        SectionPage(
            "equality",
            "equality",
            "Equality questions",
            tuple(schemas.Equality.model_fields),
            "Your equality answers have been saved",
        ),
        SectionPage(
            "involvement",
            "involvement",
            "What you want to be involved in",
            ("activities",),
            "Your choices about what you want to do have been saved",
        ),
        SectionPage(
            "involvement/how",
            "involvement",
            "How you want to take part",
            ("formats", "group_sizes", "contact_frequency"),
            "Your choices about how you take part have been saved",
        ),
        SectionPage(
            "involvement/when",
            "involvement",
            "When you can take part",
            ("never_days", "times_of_day", "shorter_sessions"),
            "Your choices about when you can take part have been saved",
        ),
        SectionPage(
            "access-needs",
            "access_needs",
            "Your access needs",
            tuple(schemas.AccessNeeds.model_fields),
            "Your access needs have been saved",
        ),
    )
}

BANNERS: dict[str, str] = {
    **{page.slug: page.saved for page in PAGES.values()},
    "paused": "Contact is paused. We will not contact you about opportunities.",
    "resumed": "Contact has started again. We will tell you about opportunities.",
    "consent": "Your choice has been saved",
}
"""Success messages by the ``saved`` query value (a fixed word, never anything personal)."""


def form_values(page: SectionPage, section: schemas.Section) -> Values:
    """The inputs of ``page`` filled in from a stored section."""
    data = section.model_dump()
    values: Values = {
        name: ("yes" if data[name] else "no") if isinstance(data[name], bool) else data[name]
        for name in page.fields
    }
    if "date_of_birth" in values:
        born: date | None = values.pop("date_of_birth")
        parts = (born.day, born.month, born.year) if born else ("", "", "")
        values |= {f"date_of_birth-{p}": str(n) for p, n in zip(DATE_PARTS, parts, strict=True)}
    if "intermediary" in values:
        helper = values.pop("intermediary") or {}
        values |= {f"intermediary_{p}": helper.get(p) or "" for p in INTERMEDIARY_PARTS}
    return {k: "" if val is None else val for k, val in values.items()}


def extra_inputs(page: SectionPage) -> tuple[str, ...]:
    """Inputs that are not fields of the section model (they are combined into one field)."""
    if "date_of_birth" in page.fields:
        return tuple(f"date_of_birth-{p}" for p in DATE_PARTS)
    if "intermediary" in page.fields:
        return tuple(f"intermediary_{p}" for p in INTERMEDIARY_PARTS)
    return ()


def section_data(page: SectionPage, values: Values, stored: schemas.Section) -> Values:
    """The whole section to validate: what was posted on this page over what is stored."""
    posted = {name: values.get(name, "") for name in page.fields}
    if "date_of_birth" in posted:
        posted["date_of_birth"] = _typed_date(values)
    if "intermediary" in posted:
        parts = INTERMEDIARY_PARTS
        posted["intermediary"] = {p: values.get(f"intermediary_{p}", "") for p in parts}
    for name in ("email", "phone"):
        if name in posted:
            posted[name] = posted[name] or None
    if not posted.get("language", True):  # no choice shown when only English is offered
        del posted["language"]
    return stored.model_dump() | posted


def _typed_date(values: Values) -> str | None:
    """Day, month and year as ISO 8601 for the schema to judge; 31 2 2000 stays impossible."""
    day, month, year = (str(values.get(f"date_of_birth-{p}", "")).strip() for p in DATE_PARTS)
    if not (day or month or year):
        return None
    return f"{year.zfill(4)}-{month.zfill(2)}-{day.zfill(2)}"


@dataclass(frozen=True)
class Card:
    """A summary card: one section page's answers, with one Change link to that page."""

    title: str
    rows: list[Row]
    href: str = ""


def summary(profile: schemas.Profile, lived: dict[str, str]) -> list[Card]:
    """Every section as rows of plain English; ``lived`` labels lived-experience codes."""
    about = profile.about or schemas.AboutYou.model_construct()
    contact = profile.contact or schemas.ContactDetails.model_construct()
    experience = profile.lived_experience or schemas.LivedExperience.model_construct()
    equality = profile.equality or schemas.Equality.model_construct()
    involvement = profile.involvement or schemas.Involvement.model_construct()
    needs = profile.access_needs or schemas.AccessNeeds.model_construct()
    cards = {
        "about": _about_rows(about),
        "contact": _contact_rows(contact),
        "lived-experience": _lived_rows(experience, lived),
        **_involvement_rows(involvement),
        "access-needs": _needs_rows(needs),
        "equality": _equality_rows(equality),
    }
    return [Card(PAGES[slug].title, rows, f"/profile/{slug}") for slug, rows in cards.items()]


def _about_rows(about: schemas.AboutYou) -> list[Row]:
    born = about.date_of_birth
    return [
        Row("Name", about.preferred_name or NOT_GIVEN),
        Row("Date of birth", f"{born.day} {born:%B %Y}" if born else NOT_GIVEN),
    ]


def _contact_rows(contact: schemas.ContactDetails) -> list[Row]:
    helper = contact.intermediary
    passes_on = tuple(x for x in (helper.name, helper.organisation, helper.contact) if x)
    care = (
        "Yes. We will not put your address or the programme name in any message."
        if contact.safe_contact
        else "No"
    )
    return _rows(
        ("Best way to contact you", v.CONTACT_ROUTES.get(contact.preferred_route, NOT_GIVEN)),
        ("Email", contact.email or NOT_GIVEN),
        ("Phone", contact.phone or NOT_GIVEN),
        ("Address", contact.address or NOT_GIVEN),
        ("Someone who passes on messages", passes_on or NOT_GIVEN),
        ("Extra care when we contact you", care),
    )


def _lived_rows(experience: schemas.LivedExperience, lived: dict[str, str]) -> list[Row]:
    chosen = tuple(v.labels(lived, experience.lived_experience))
    return _rows(
        ("Experiences", chosen or "None chosen"),
        ("In your own words", experience.lived_experience_words or NOT_GIVEN),
    )


def _involvement_rows(involvement: schemas.Involvement) -> dict[str, list[Row]]:
    """Three cards, one per page: what, how and when."""
    never = tuple(v.labels(v.DAYS, involvement.never_days))
    times = tuple(v.labels(v.TIMES_OF_DAY, involvement.times_of_day))
    frequency = v.CONTACT_FREQUENCY.get(involvement.contact_frequency, NOT_GIVEN)
    return {
        "involvement": _rows(
            ("Things you want to help with", _labels(v.ACTIVITIES, involvement.activities, ANY)),
        ),
        "involvement/how": _rows(
            ("In person, online or by phone", _labels(v.FORMATS, involvement.formats, ANY)),
            ("Group or one-to-one", _labels(v.GROUP_SIZES, involvement.group_sizes, "Either")),
            ("How often we contact you", frequency),
        ),
        "involvement/when": _rows(
            ("Days you can never do", never or FLEXIBLE),
            ("Times of day", times or FLEXIBLE),
            ("Shorter sessions", "Yes, please" if involvement.shorter_sessions else "No"),
        ),
    }


ANY = "Any"


def _needs_rows(needs: schemas.AccessNeeds) -> list[Row]:
    arranged = [
        f"{label} ({needs.interpreter_language})"
        if code == "interpreter" and needs.interpreter_language
        else label
        for code, label in v.ADJUSTMENTS.items()
        if code in needs.adjustments
    ]
    return _rows(
        ("Things we should arrange", tuple(arranged) or "Nothing"),
        ("Food and drink", needs.dietary or NOT_GIVEN),
        ("Help with travel", _labels(v.TRAVEL_HELP, needs.travel_help, "Nothing")),
        ("Anything else", needs.other or NOT_GIVEN),
    )


def _equality_rows(equality: schemas.Equality) -> list[Row]:
    return _rows(
        *(
            (question, v.with_prefer_not(choices).get(getattr(equality, name), "Not answered"))
            for name, (question, choices) in v.EQUALITY_QUESTIONS.items()
        )
    )


def _labels(choices: v.Choices, codes: list[str], empty: str) -> tuple[str, ...] | str:
    return tuple(v.labels(choices, codes)) or empty


def _rows(*pairs: tuple[str, str | tuple[str, ...]]) -> list[Row]:
    """Summary rows; a tuple value becomes a list, one item per line."""
    return [
        Row(key, items=value) if isinstance(value, tuple) else Row(key, value)
        for key, value in pairs
    ]


CHANNEL_WORDS = {
    "web": "Online",
    "paper": "On paper",
    "phone": "By phone",
    "in_person": "In person",
}
"""How a consent choice reached us, as the history table says it."""


def export_words(lived: dict[str, str], purposes: dict[str, str]) -> Words:
    """Plain names and labels for the participation columns of a subject access export."""
    questions = v.EQUALITY_QUESTIONS.items()
    return Words(
        names={
            "preferred_name": "Name",
            "preferred_route": "Best way to contact you",
            "intermediary": "Someone who passes on messages",
            "safe_contact": "Extra care when we contact you",
            "lived_experience_words": "Lived experience in your own words",
            "needs_details": "Access needs in your words",
            "dietary": "Food and drink",
            "activities": "What you want to do",
            "formats": "In person, online or by phone",
            "group_sizes": "Group or one-to-one",
            "never_days": "Days you can never do",
            "contact_frequency": "How often we contact you",
            "adjustments": "Things we should arrange",
            "travel_help": "Help with travel",
            "consents": "What you agree to now",
            **{name: question for name, (question, _) in questions},
        },
        labels={
            "activities": v.ACTIVITIES,
            "formats": v.FORMATS,
            "group_sizes": v.GROUP_SIZES,
            "never_days": v.DAYS,
            "times_of_day": v.TIMES_OF_DAY,
            "contact_frequency": v.CONTACT_FREQUENCY,
            "preferred_route": v.CONTACT_ROUTES,
            "adjustments": v.ADJUSTMENTS,
            "travel_help": v.TRAVEL_HELP,
            "lived_experience": lived,
            "safe_contact": YES_NO,
            "consents": purposes,
            "purpose": purposes,
            "channel": CHANNEL_WORDS,
            **{name: v.with_prefer_not(choices) for name, (_, choices) in questions},
        },
    )
