"""What a participant's own profile pages show and read: one ``SectionPage`` per form page.

A profile section (``participation.schemas``) may span several pages (involvement: what, how,
when), and a page's inputs need not be the section's fields (a date of birth is typed as day,
month and year). This module turns a stored section into form values, posted values back into
section data, and a profile into plain-English summary rows with labels, never codes.

Titles, banners and fixed answers are constants marked ``N_`` and translated where shown; rows
are built per request, so they are written in the reader's language straight away.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app import i18n
from app.i18n import N_
from app.i18n import gettext as _
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
YES_NO = {"yes": N_("Yes"), "no": N_("No")}
NOT_GIVEN = N_("Not given")
FLEXIBLE = N_("Flexible")


@dataclass(frozen=True)
class SectionPage:
    """One form page: its URL under /profile, the section it changes and which fields."""

    slug: str
    section: str
    title: str
    """Marked ``N_``: translate where shown (``_(spec.title)``), as for ``saved``."""
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
            N_("About you"),
            ("preferred_name", "date_of_birth"),
            N_("Your name and date of birth have been saved"),
            {"date_of_birth": "date_of_birth-day"},
        ),
        SectionPage(
            "contact",
            "contact",
            N_("How we contact you"),
            tuple(schemas.ContactDetails.model_fields),
            N_("Your contact details have been saved"),
            {"intermediary": "intermediary_name"},
        ),
        SectionPage(
            "lived-experience",
            "lived_experience",
            N_("Your lived experience"),
            tuple(schemas.LivedExperience.model_fields),
            N_("Your lived experience has been saved"),
        ),
        SectionPage(
            "equality",
            "equality",
            N_("Equality questions"),
            tuple(schemas.Equality.model_fields),
            N_("Your equality answers have been saved"),
        ),
        SectionPage(
            "involvement",
            "involvement",
            N_("What you want to be involved in"),
            ("activities",),
            N_("Your choices about what you want to do have been saved"),
        ),
        SectionPage(
            "involvement/how",
            "involvement",
            N_("How you want to take part"),
            ("formats", "group_sizes", "contact_frequency"),
            N_("Your choices about how you take part have been saved"),
        ),
        SectionPage(
            "involvement/when",
            "involvement",
            N_("When you can take part"),
            ("never_days", "times_of_day", "shorter_sessions"),
            N_("Your choices about when you can take part have been saved"),
        ),
        SectionPage(
            "access-needs",
            "access_needs",
            N_("Your access needs"),
            tuple(schemas.AccessNeeds.model_fields),
            N_("Your access needs have been saved"),
        ),
    )
}

BANNERS: dict[str, str] = {
    **{page.slug: page.saved for page in PAGES.values()},
    "paused": N_("Contact is paused. We will not contact you about opportunities."),
    "resumed": N_("Contact has started again. We will tell you about opportunities."),
    "consent": N_("Your choice has been saved"),
}
"""Success messages by the ``saved`` query value (a fixed word, never anything personal);
translate on display (``banner``)."""


def banner(saved: str) -> str:
    """The success message for a ``saved`` query value, in the reader's language."""
    return _(BANNERS[saved]) if saved in BANNERS else ""


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
    if values.get("language") == i18n.DEFAULT:
        # English is also what "never chosen" reads back as: offer the language they are
        # reading in, so saving a phone number does not switch a Welsh reader to English.
        values["language"] = i18n.current()
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
    return [Card(_(PAGES[slug].title), rows, f"/profile/{slug}") for slug, rows in cards.items()]


def _about_rows(about: schemas.AboutYou) -> list[Row]:
    born = about.date_of_birth
    return [
        Row(_("Name"), about.preferred_name or _(NOT_GIVEN)),
        Row(_("Date of birth"), i18n.day(born) if born else _(NOT_GIVEN)),
    ]


def _contact_rows(contact: schemas.ContactDetails) -> list[Row]:
    helper = contact.intermediary
    passes_on = tuple(x for x in (helper.name, helper.organisation, helper.contact) if x)
    care = (
        _("Yes. We will not put your address or the programme name in any message.")
        if contact.safe_contact
        else v.yes_no_for("safe_contact")["no"]
    )
    route = v.CONTACT_ROUTES.get(contact.preferred_route, NOT_GIVEN)
    rows = _rows(
        (_("Best way to contact you"), _(route)),
        (_("Email"), contact.email or _(NOT_GIVEN)),
        (_("Phone"), contact.phone or _(NOT_GIVEN)),
        (_("Address"), contact.address or _(NOT_GIVEN)),
        (_("Someone who passes on messages"), passes_on or _(NOT_GIVEN)),
        (_("Extra care when we contact you"), care),
    )
    return [*rows, _language_row(contact.language)]


def _language_row(code: str) -> Row:
    """The language we write in, named in itself ("Cymraeg") and marked up as that language,
    so a screen reader says it right whatever language the page is in."""
    written = i18n.language(code or i18n.DEFAULT)
    return Row(_("Language we write to you in"), written.endonym, language=written)


def _lived_rows(experience: schemas.LivedExperience, lived: dict[str, str]) -> list[Row]:
    chosen = tuple(v.labels(lived, experience.lived_experience))
    return _rows(
        (_("Experiences"), chosen or _("None chosen")),
        (_("In your own words"), experience.lived_experience_words or _(NOT_GIVEN)),
    )


def _involvement_rows(involvement: schemas.Involvement) -> dict[str, list[Row]]:
    """Three cards, one per page: what, how and when."""
    never = tuple(v.labels(v.DAYS, involvement.never_days))
    times = tuple(v.labels(v.TIMES_OF_DAY, involvement.times_of_day))
    frequency = _(v.CONTACT_FREQUENCY.get(involvement.contact_frequency, NOT_GIVEN))
    return {
        "involvement": _rows(
            (_("Things you want to help with"), _labels(v.ACTIVITIES, involvement.activities)),
        ),
        "involvement/how": _rows(
            (_("In person, online or by phone"), _labels(v.FORMATS, involvement.formats)),
            (
                _("Group or one-to-one"),
                _labels(v.GROUP_SIZES, involvement.group_sizes, _("Either")),
            ),
            (_("How often we contact you"), frequency),
        ),
        "involvement/when": _rows(
            (_("Days you can never do"), never or _(FLEXIBLE)),
            (_("Times of day"), times or _(FLEXIBLE)),
            (
                _("Shorter sessions"),
                _("Yes, please")
                if involvement.shorter_sessions
                else v.yes_no_for("shorter_sessions")["no"],
            ),
        ),
    }


def _needs_rows(needs: schemas.AccessNeeds) -> list[Row]:
    arranged = [
        f"{label} ({needs.interpreter_language})"
        if code == "interpreter" and needs.interpreter_language
        else label
        for code, label in v.shown(v.ADJUSTMENTS).items()
        if code in needs.adjustments
    ]
    return _rows(
        (_("Things we should arrange"), tuple(arranged) or _("Nothing")),
        (_("Food and drink"), needs.dietary or _(NOT_GIVEN)),
        (_("Help with travel"), _labels(v.TRAVEL_HELP, needs.travel_help, _("Nothing"))),
        (_("Anything else"), needs.other or _(NOT_GIVEN)),
    )


def _equality_rows(equality: schemas.Equality) -> list[Row]:
    return _rows(
        *(
            (_(question), v.equality_choices(name).get(getattr(equality, name), _(UNANSWERED)))
            for name, (question, _choices) in v.EQUALITY_QUESTIONS.items()
        )
    )


UNANSWERED = N_("Not answered")


def _labels(choices: v.Choices, codes: list[str], empty: str = "") -> tuple[str, ...] | str:
    """The chosen labels, in the reader's language, or ``empty`` ("Any" when not given)."""
    return tuple(v.labels(choices, codes)) or empty or _("Any")


def _rows(*pairs: tuple[str, str | tuple[str, ...]]) -> list[Row]:
    """Summary rows; a tuple value becomes a list, one item per line."""
    return [
        Row(key, items=value) if isinstance(value, tuple) else Row(key, value)
        for key, value in pairs
    ]


CHANNEL_WORDS = {
    "web": N_("Online"),
    "paper": N_("On paper"),
    "phone": N_("By phone"),
    "in_person": N_("In person"),
}
"""How a consent choice reached us, as the history table says it (translate on display)."""


def export_words(lived: dict[str, str], purposes: dict[str, str]) -> Words:
    """Plain names and labels for the participation columns of a subject access export, in the
    reader's language (a label the catalogue lacks, like a council's own, stays as written)."""
    questions = v.EQUALITY_QUESTIONS
    return Words(
        names={
            "preferred_name": _("Name"),
            "preferred_route": _("Best way to contact you"),
            "intermediary": _("Someone who passes on messages"),
            "safe_contact": _("Extra care when we contact you"),
            "language": _("Language we write to you in"),
            "lived_experience_words": _("Lived experience in your own words"),
            "needs_details": _("Access needs in your words"),
            "dietary": _("Food and drink"),
            "activities": _("What you want to do"),
            "formats": _("In person, online or by phone"),
            "group_sizes": _("Group or one-to-one"),
            "never_days": _("Days you can never do"),
            "contact_frequency": _("How often we contact you"),
            "adjustments": _("Things we should arrange"),
            "travel_help": _("Help with travel"),
            "consents": _("What you agree to now"),
            **{name: _(question) for name, (question, _choices) in questions.items()},
        },
        labels={
            **{
                column: v.shown(choices)
                for column, choices in (
                    ("activities", v.ACTIVITIES),
                    ("formats", v.FORMATS),
                    ("group_sizes", v.GROUP_SIZES),
                    ("never_days", v.DAYS),
                    ("times_of_day", v.TIMES_OF_DAY),
                    ("contact_frequency", v.CONTACT_FREQUENCY),
                    ("preferred_route", v.CONTACT_ROUTES),
                    ("adjustments", v.ADJUSTMENTS),
                    ("travel_help", v.TRAVEL_HELP),
                    ("lived_experience", lived),
                    ("consents", purposes),
                    ("purpose", purposes),
                    ("channel", CHANNEL_WORDS),
                )
            },
            "safe_contact": v.yes_no_for("safe_contact"),
            "language": i18n.catalogue_names(),
            **{name: v.equality_choices(name) for name in questions},
        },
    )
