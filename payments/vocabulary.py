"""The words of payments: activities, units, methods, expenses and caps.

Codes are stored and taken by the API; labels are what people read. Activities use the events
domain's kinds, so an event's kind finds its rate, plus the tasks done away from events. The
labels a participant reads (methods, expenses) are marked ``N_`` and translated where shown.
"""

from __future__ import annotations

from typing import Final

from app.i18n import N_
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
    "bank_transfer": N_("Bank transfer"),
    "cash": N_("Cash"),
    "cheque": N_("Cheque"),
    "prepaid_card": N_("Prepaid card"),
    "e_voucher": N_("E-voucher"),
    "physical_voucher": N_("Paper voucher or gift card"),
    "pay_to_charity": N_("Paid to a charity"),
    "reduced_amount": N_("A smaller amount"),
    "expenses_only": N_("No fee, expenses only"),
}

EXPENSES: Final[Choices] = {
    "public_transport": N_("Bus, train or tram fares"),
    "mileage_car": N_("Driving (per mile)"),
    "parking": N_("Parking and tolls"),
    "taxi": N_("Taxi"),
    "subsistence": N_("Food and drink when away over 5 hours"),
    "replacement_care": N_("Replacement care"),
    "childcare": N_("Childcare"),
    "personal_assistant": N_("Personal assistant or support worker"),
    "interpreter": N_("Interpreter"),
    "phone_data": N_("Phone or data top-up"),
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
