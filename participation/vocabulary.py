"""The words people choose from: activities, formats, times, access needs, equality questions.

Each list is ``code -> plain-English label``. Codes are what is stored and what the API takes;
labels are what people read. The lived-experience list is the council's own (a table, see
``participation.lived_experience``); these defaults seed it.

Labels a participant reads are marked ``N_`` (extracted into the catalogues) and translated where
they are shown, with ``shown`` or ``labels``: at import time there is no language yet. Lists only
staff read (the ladder, statuses, screener kinds) stay plain English, as staff pages do.
"""

from __future__ import annotations

from typing import Final

from app.i18n import N_, pgettext
from app.i18n import gettext as _

Choices = dict[str, str]

ACTIVITIES: Final[Choices] = {
    "method_statements": N_("Writing questions for providers' method statements"),
    "market_events": N_("Market events, meeting organisations that want to run services"),
    "provider_presentations": N_("Listening to providers' presentations"),
    "evaluation_panels": N_("Evaluation panels, scoring providers' bids"),
    "interviews": N_("Interview panels"),
    "peer_research": N_("Peer research, talking with other people who use services"),
    "mystery_shopping": N_("Mystery shopping"),
    "learning_walks": N_("Learning walks, visiting services"),
    "surveys": N_("Surveys"),
    "steering_groups": N_("Steering groups"),
    "listening_events": N_("Listening events"),
}

FORMATS: Final[Choices] = {
    "in_person": N_("In person"),
    "online": N_("Online, on a video call"),
    "phone": N_("By phone"),
}

GROUP_SIZES: Final[Choices] = {
    "group": N_("In a group"),
    "one_to_one": N_("One-to-one"),
}

DAYS: Final[Choices] = {
    "mon": N_("Monday"),
    "tue": N_("Tuesday"),
    "wed": N_("Wednesday"),
    "thu": N_("Thursday"),
    "fri": N_("Friday"),
    "sat": N_("Saturday"),
    "sun": N_("Sunday"),
}

TIMES_OF_DAY: Final[Choices] = {
    "morning": N_("Mornings"),
    "afternoon": N_("Afternoons"),
    "evening": N_("Evenings"),
}

CONTACT_FREQUENCY: Final[Choices] = {
    "any": N_("Whenever something comes up"),
    "monthly": N_("About once a month at most"),
    "quarterly": N_("Every few months at most"),
    "relevant_only": N_("Only about things that match what I said I want to do"),
}

CONTACT_ROUTES: Final[Choices] = {
    "email": N_("Email"),
    "phone": N_("Phone call"),
    "sms": N_("Text message"),
    "post": N_("Letter by post"),
    "intermediary": N_("Through someone I trust, like a keyworker or support organisation"),
}

ADJUSTMENTS: Final[Choices] = {
    "step_free": N_("Step-free access"),
    "wheelchair_space": N_("Space for a wheelchair"),
    "hearing_loop": N_("A hearing loop"),
    "bsl": N_("A British Sign Language (BSL) interpreter"),
    "interpreter": N_("An interpreter for a spoken language"),
    "easy_read": N_("Easy Read papers"),
    "large_print": N_("Large print papers"),
    "quiet_room": N_("A quiet room"),
    "breaks": N_("Regular breaks"),
    "companion": N_("A carer or personal assistant coming with me"),
    "dietary": N_("Food that meets my dietary needs"),
}

TRAVEL_HELP: Final[Choices] = {
    "taxi": N_("A taxi booked for me"),
    "paid_in_advance": N_("Travel paid for in advance, not paid back afterwards"),
    "met_on_arrival": N_("Someone to meet me when I arrive"),
}

LIVED_EXPERIENCE_DEFAULTS: Final[Choices] = {
    "homelessness": N_("Homelessness"),
    "domestic_abuse": N_("Domestic abuse"),
    "multiple_disadvantage": N_("Multiple disadvantage"),
    "refugee_asylum": N_("Being a refugee or seeking asylum"),
    "disability": N_("Disability"),
    "mental_health": N_("Mental health"),
    "substance_use": N_("Drug or alcohol use"),
    "carer": N_("Being a carer"),
    "care_leaver": N_("Leaving care"),
    "send_parent": N_("Parenting a child with special educational needs (SEND)"),
    "criminal_justice": N_("Contact with the criminal justice system"),
}

PREFER_NOT_TO_SAY = "prefer_not_to_say"

EQUALITY_QUESTIONS: Final[dict[str, tuple[str, Choices]]] = {
    "age": (
        N_("Your age"),
        {
            "under_18": N_("Under 18"),
            "18_24": N_("18 to 24"),
            "25_34": N_("25 to 34"),
            "35_49": N_("35 to 49"),
            "50_64": N_("50 to 64"),
            "65_plus": N_("65 or over"),
        },
    ),
    "sex": (N_("Your sex"), {"female": N_("Female"), "male": N_("Male")}),
    "gender_same_as_birth": (
        N_("Is the gender you identify with the same as your sex registered at birth?"),
        {"yes": N_("Yes"), "no": N_("No")},
    ),
    "ethnicity": (
        N_("Your ethnic group"),
        {
            "asian": N_("Asian or Asian British"),
            "black": N_("Black, Black British, Caribbean or African"),
            "mixed": N_("Mixed or multiple ethnic groups"),
            "white": N_("White"),
            "other": N_("Another ethnic group"),
        },
    ),
    "disability": (
        N_("Do you consider yourself disabled?"),
        {"yes": N_("Yes"), "no": N_("No")},
    ),
    "religion": (
        N_("Your religion or belief"),
        {
            "none": N_("No religion"),
            "christian": N_("Christian"),
            "muslim": N_("Muslim"),
            "hindu": N_("Hindu"),
            "sikh": N_("Sikh"),
            "jewish": N_("Jewish"),
            "buddhist": N_("Buddhist"),
            "other": N_("Another religion or belief"),
        },
    ),
    "sexual_orientation": (
        N_("Your sexual orientation"),
        {
            "straight": N_("Straight or heterosexual"),
            "gay_lesbian": N_("Gay or lesbian"),
            "bisexual": N_("Bisexual"),
            "other": N_("Another sexual orientation"),
        },
    ),
}


def with_prefer_not(choices: Choices) -> Choices:
    return {**choices, PREFER_NOT_TO_SAY: N_("Prefer not to say")}


def shown(choices: Choices) -> Choices:
    """The choices with their labels in the reader's language, for a form or a summary."""
    return {code: _(label) for code, label in choices.items()}


def yes_no_for(question: str) -> Choices:
    """Yes and No as answers to one question, in the reader's language. Welsh answers with the
    question's own verb ("Oes", "Ydw", "Byddai"), not a bare "Ie", so each has a context."""
    forms = {
        "safe_contact": (pgettext("extra care", "Yes"), pgettext("extra care", "No")),
        "shorter_sessions": (
            pgettext("shorter sessions", "Yes"),
            pgettext("shorter sessions", "No"),
        ),
        "gender_same_as_birth": (pgettext("same gender", "Yes"), pgettext("same gender", "No")),
        "disability": (pgettext("disabled", "Yes"), pgettext("disabled", "No")),
    }
    yes, no = forms.get(question, (_("Yes"), _("No")))
    return {"yes": yes, "no": no}


def equality_choices(question: str) -> Choices:
    """One equality question's answers, with "Prefer not to say", in the reader's language."""
    _title, choices = EQUALITY_QUESTIONS[question]
    return shown(with_prefer_not(choices)) | (yes_no_for(question) if "yes" in choices else {})


def labels(choices: Choices, codes: list[str] | tuple[str, ...]) -> list[str]:
    """Labels for stored codes in the reader's language, in the list's own order (unknown codes
    are dropped). A label the catalogue lacks, like one a council added, stays as written."""
    return [_(label) for code, label in choices.items() if code in codes]


STAGES: Final[dict[int, str]] = {
    1: N_("Analyse the need"),
    2: N_("Develop the strategy"),
    3: N_("Source the supplier"),
    4: N_("Award the contract"),
    5: N_("Manage the contract"),
}
"""The Plymouth toolkit's commissioning stages."""

LADDER: Final[Choices] = {
    "coercion": "Coercion",
    "educating": "Educating",
    "informing": "Informing",
    "consultation": "Consultation",
    "engagement": "Engagement",
    "co_design": "Co-design",
    "co_production": "Co-production",
}
"""The ladder of co-production (TLAP), bottom rung first."""

OPPORTUNITY_STATUSES: Final[Choices] = {
    "draft": "Draft",
    "published": "Open",
    "closed": "Closed",
    "archived": "Archived",
}

EOI_STATUSES: Final[Choices] = {
    "received": "Received",
    "shortlisted": "Shortlisted",
    "selected": "Selected",
    "reserve": "On the reserve list",
    "not_selected": "Not selected this time",
    "withdrawn": "Withdrawn",
}
"""What staff see. People see the kinder words in ``EOI_STATUS_FOR_PEOPLE``."""

EOI_STATUS_FOR_PEOPLE: Final[Choices] = {
    "received": N_("We have your interest and will be in touch"),
    "shortlisted": N_("We are still deciding, and you are on our shortlist"),
    "selected": N_("You have a place"),
    "reserve": N_("You are on our reserve list: we will tell you if a place comes up"),
    "not_selected": N_("Not this time: thank you, we will tell you about other chances"),
    "withdrawn": N_("You withdrew"),
}

SCREENER_KINDS: Final[Choices] = {
    "text": "Written answer",
    "single": "Choose one",
    "multiple": "Choose any",
}
