"""The words of events: kinds, how people join, venue features, replies and logistics.

Codes are stored and taken by the API; labels are what people read. The labels participants
see are marked ``N_`` and translated where they are shown (``_(label)``): import time has no
language.
"""

from __future__ import annotations

from typing import Final

from app.i18n import N_

Choices = dict[str, str]

KINDS: Final[Choices] = {
    "market_event": "Market event",
    "market_warming": "Market warming session",
    "evaluation_panel": "Evaluation panel",
    "interview_panel": "Interview panel",
    "workshop": "Workshop",
    "steering_group": "Steering group",
}

MODES: Final[Choices] = {
    "in_person": "In person",
    "online": "Online",
    "hybrid": "In person and online",
}

VENUE_FEATURES: Final[Choices] = {
    "step_free": N_("Step-free route from the street to the room"),
    "wheelchair_space": N_("Space for wheelchairs in the room"),
    "accessible_toilet": N_("Accessible toilet"),
    "hearing_loop": N_("Hearing loop"),
    "quiet_room": N_("A quiet room"),
    "parking": N_("Parking, including blue badge spaces"),
}

NEEDS_A_FEATURE: Final[dict[str, str]] = {
    "step_free": "step_free",
    "wheelchair_space": "wheelchair_space",
    "hearing_loop": "hearing_loop",
    "quiet_room": "quiet_room",
}
"""Which venue feature meets which adjustment (participation.vocabulary.ADJUSTMENTS)."""

REPLIES: Final[Choices] = {
    "invited": N_("Not replied yet"),
    "accepted": N_("Coming"),
    "tentative": N_("Might come"),
    "declined": N_("Can't make it"),
    "waiting": N_("On the waiting list"),
    "cancelled": N_("Event cancelled"),
}
"""What staff see, and a person on "Your events" (translated where shown). Nobody is asked
why they cannot come, and there is no penalty."""

ANSWERS: Final[Choices] = {
    "accepted": N_("Yes, I will come"),
    "tentative": N_("Maybe"),
    "declined": N_("I can't make it"),
}
"""What a person can reply (translated where shown)."""

STATUSES: Final[Choices] = {"scheduled": "Scheduled", "cancelled": "Cancelled"}
