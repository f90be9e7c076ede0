"""The words people choose from: activities, formats, times, access needs, equality questions.

Each list is ``code -> plain-English label``. Codes are what is stored and what the API takes;
labels are what people read. The lived-experience list is the council's own (a table, see
``participation.lived_experience``); these defaults seed it.
"""

from __future__ import annotations

from typing import Final

Choices = dict[str, str]

ACTIVITIES: Final[Choices] = {
    "method_statements": "Writing questions for providers' method statements",
    "market_events": "Market events, meeting organisations that want to run services",
    "provider_presentations": "Listening to providers' presentations",
    "evaluation_panels": "Evaluation panels, scoring providers' bids",
    "interviews": "Interview panels",
    "peer_research": "Peer research, talking with other people who use services",
    "mystery_shopping": "Mystery shopping",
    "learning_walks": "Learning walks, visiting services",
    "surveys": "Surveys",
    "steering_groups": "Steering groups",
    "listening_events": "Listening events",
}

FORMATS: Final[Choices] = {
    "in_person": "In person",
    "online": "Online, on a video call",
    "phone": "By phone",
}

GROUP_SIZES: Final[Choices] = {
    "group": "In a group",
    "one_to_one": "One-to-one",
}

DAYS: Final[Choices] = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}

TIMES_OF_DAY: Final[Choices] = {
    "morning": "Mornings",
    "afternoon": "Afternoons",
    "evening": "Evenings",
}

CONTACT_FREQUENCY: Final[Choices] = {
    "any": "Whenever something comes up",
    "monthly": "About once a month at most",
    "quarterly": "Every few months at most",
    "relevant_only": "Only about things that match what I said I want to do",
}

CONTACT_ROUTES: Final[Choices] = {
    "email": "Email",
    "phone": "Phone call",
    "sms": "Text message",
    "post": "Letter by post",
    "intermediary": "Through someone I trust, like a keyworker or support organisation",
}

ADJUSTMENTS: Final[Choices] = {
    "step_free": "Step-free access",
    "wheelchair_space": "Space for a wheelchair",
    "hearing_loop": "A hearing loop",
    "bsl": "A British Sign Language (BSL) interpreter",
    "interpreter": "An interpreter for a spoken language",
    "easy_read": "Easy Read papers",
    "large_print": "Large print papers",
    "quiet_room": "A quiet room",
    "breaks": "Regular breaks",
    "companion": "A carer or personal assistant coming with me",
    "dietary": "Food that meets my dietary needs",
}

TRAVEL_HELP: Final[Choices] = {
    "taxi": "A taxi booked for me",
    "paid_in_advance": "Travel paid for in advance, not paid back afterwards",
    "met_on_arrival": "Someone to meet me when I arrive",
}

LIVED_EXPERIENCE_DEFAULTS: Final[Choices] = {
    "homelessness": "Homelessness",
    "domestic_abuse": "Domestic abuse",
    "multiple_disadvantage": "Multiple disadvantage",
    "refugee_asylum": "Being a refugee or seeking asylum",
    "disability": "Disability",
    "mental_health": "Mental health",
    "substance_use": "Drug or alcohol use",
    "carer": "Being a carer",
    "care_leaver": "Leaving care",
    "send_parent": "Parenting a child with special educational needs (SEND)",
    "criminal_justice": "Contact with the criminal justice system",
}

PREFER_NOT_TO_SAY = "prefer_not_to_say"

EQUALITY_QUESTIONS: Final[dict[str, tuple[str, Choices]]] = {
    "age": (
        "Your age",
        {
            "under_18": "Under 18",
            "18_24": "18 to 24",
            "25_34": "25 to 34",
            "35_49": "35 to 49",
            "50_64": "50 to 64",
            "65_plus": "65 or over",
        },
    ),
    "sex": ("Your sex", {"female": "Female", "male": "Male"}),
    "gender_same_as_birth": (
        "Is the gender you identify with the same as your sex registered at birth?",
        {"yes": "Yes", "no": "No"},
    ),
    "ethnicity": (
        "Your ethnic group",
        {
            "asian": "Asian or Asian British",
            "black": "Black, Black British, Caribbean or African",
            "mixed": "Mixed or multiple ethnic groups",
            "white": "White",
            "other": "Another ethnic group",
        },
    ),
    "disability": (
        "Do you consider yourself disabled?",
        {"yes": "Yes", "no": "No"},
    ),
    "religion": (
        "Your religion or belief",
        {
            "none": "No religion",
            "christian": "Christian",
            "muslim": "Muslim",
            "hindu": "Hindu",
            "sikh": "Sikh",
            "jewish": "Jewish",
            "buddhist": "Buddhist",
            "other": "Another religion or belief",
        },
    ),
    "sexual_orientation": (
        "Your sexual orientation",
        {
            "straight": "Straight or heterosexual",
            "gay_lesbian": "Gay or lesbian",
            "bisexual": "Bisexual",
            "other": "Another sexual orientation",
        },
    ),
}


def with_prefer_not(choices: Choices) -> Choices:
    return {**choices, PREFER_NOT_TO_SAY: "Prefer not to say"}


def labels(choices: Choices, codes: list[str] | tuple[str, ...]) -> list[str]:
    """Labels for stored codes, in the list's own order (unknown codes are dropped)."""
    return [label for code, label in choices.items() if code in codes]


STAGES: Final[dict[int, str]] = {
    1: "Analyse the need",
    2: "Develop the strategy",
    3: "Source the supplier",
    4: "Award the contract",
    5: "Manage the contract",
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
    "received": "We have your interest and will be in touch",
    "shortlisted": "We are still deciding, and you are on our shortlist",
    "selected": "You have a place",
    "reserve": "You are on our reserve list: we will tell you if a place comes up",
    "not_selected": "Not this time: thank you, we will tell you about other chances",
    "withdrawn": "You withdrew",
}

SCREENER_KINDS: Final[Choices] = {
    "text": "Written answer",
    "single": "Choose one",
    "multiple": "Choose any",
}
