"""The words of events: kinds, how people join, venue features, replies and logistics.

Codes are stored and taken by the API; labels are what people read.
"""

from __future__ import annotations

from typing import Final

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
    "step_free": "Step-free route from the street to the room",
    "wheelchair_space": "Space for wheelchairs in the room",
    "accessible_toilet": "Accessible toilet",
    "hearing_loop": "Hearing loop",
    "quiet_room": "A quiet room",
    "parking": "Parking, including blue badge spaces",
}

NEEDS_A_FEATURE: Final[dict[str, str]] = {
    "step_free": "step_free",
    "wheelchair_space": "wheelchair_space",
    "hearing_loop": "hearing_loop",
    "quiet_room": "quiet_room",
}
"""Which venue feature meets which adjustment (participation.vocabulary.ADJUSTMENTS)."""

REPLIES: Final[Choices] = {
    "invited": "Not replied yet",
    "accepted": "Coming",
    "tentative": "Might come",
    "declined": "Can't make it",
    "waiting": "On the waiting list",
    "cancelled": "Event cancelled",
}
"""What staff see. Nobody is asked why they cannot come, and there is no penalty."""

ANSWERS: Final[Choices] = {
    "accepted": "Yes, I will come",
    "tentative": "Maybe",
    "declined": "I can't make it",
}
"""What a person can reply."""

STATUSES: Final[Choices] = {"scheduled": "Scheduled", "cancelled": "Cancelled"}
