"""The words of payments: activities, units, methods, expenses and caps.

Codes are stored and taken by the API; labels are what people read. Activities use the events
domain's kinds, so an event's kind finds its rate, plus the tasks done away from events.
"""

from __future__ import annotations

from typing import Final

from events.services.scheduling import EVENT_KINDS

Choices = dict[str, str]

ACTIVITIES: Final[Choices] = {
    **EVENT_KINDS,
    "question_writing": "Writing tender questions",
    "document_review": "Reading and commenting on documents",
    "peer_research": "Peer research",
    "survey": "Survey or interview",
}

ROLE_LEVELS: Final[Choices] = {
    "participant": "Taking part",
    "lead": "Leading or chairing",
}

UNITS: Final[Choices] = {
    "hour": "per hour",
    "half_day": "per half day (up to 4 hours)",
    "day": "per day (up to 8 hours)",
    "task": "per task",
}

UNIT_MINUTES: Final[dict[str, int]] = {"hour": 60, "half_day": 240, "day": 480}
"""How long one unit lasts; a session is paid in whole units, rounded up (``task``: one)."""

ROUNDING_MODES: Final[Choices] = {"up": "Round up", "nearest": "Round to the nearest"}

METHODS: Final[Choices] = {
    "bank_transfer": "Bank transfer",
    "cash": "Cash",
    "cheque": "Cheque",
    "prepaid_card": "Prepaid card",
    "e_voucher": "E-voucher",
    "physical_voucher": "Paper voucher or gift card",
    "pay_to_charity": "Paid to a charity",
    "reduced_amount": "A smaller amount",
    "expenses_only": "No fee, expenses only",
}

EXPENSES: Final[Choices] = {
    "public_transport": "Bus, train or tram fares",
    "mileage_car": "Driving (per mile)",
    "parking": "Parking and tolls",
    "taxi": "Taxi",
    "subsistence": "Food and drink when away over 5 hours",
    "replacement_care": "Replacement care",
    "childcare": "Childcare",
    "personal_assistant": "Personal assistant or support worker",
    "interpreter": "Interpreter",
    "phone_data": "Phone or data top-up",
}

EXPENSE_BASES: Final[Choices] = {
    "receipted": "The actual cost, with a receipt",
    "per_mile": "A rate per mile",
    "flat": "A flat amount",
}

CAP_SCOPES: Final[Choices] = {
    "per_activity": "For one activity",
    "per_person_week": "For one person in a week",
    "per_person_month": "For one person in a month",
    "per_person_tax_year": "For one person in a tax year",
}

CAP_ACTIONS: Final[Choices] = {
    "warn": "Warn finance",
    "approval": "Needs a second approval",
    "block": "Stop the payment",
}

POLICY_STATUSES: Final[Choices] = {
    "draft": "Draft",
    "approved": "Approved",
    "retired": "Retired",
}
