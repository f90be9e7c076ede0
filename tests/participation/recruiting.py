"""Opportunities for recruitment tests, made the way coordinators make them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from participation.schemas.recruitment import OpportunityForm, Question
from participation.services import opportunities
from tests.participation.conftest import COORDINATOR

QUESTIONS = [
    Question(kind="text", prompt="Why do you want to take part?", required=True),
    Question(kind="single", prompt="Have you used this service?", choices=["Yes", "No"]),
    Question(kind="multiple", prompt="Which days suit you?", choices=["Mon", "Tue", "Wed"]),
]


def opportunity_form(**changes: Any) -> OpportunityForm:
    values: dict[str, Any] = {
        "title": "Help us choose the new housing support provider",
        "description": "Read three bids and score them with us.",
        "stage": 3,
        "activity": "evaluation_panels",
        "rung_planned": "co_production",
        "lived_experience_sought": ["homelessness"],
        "formats": ["in_person"],
        "closes_at": datetime.now(UTC) + timedelta(days=14),
        "places": 6,
        "payment_offer": "£25 an hour, or a voucher, or nothing if you prefer",
        "questions": QUESTIONS,
    }
    return OpportunityForm(**(values | changes))


async def published(**changes: Any) -> UUID:
    opportunity = await opportunities.save(opportunity_form(**changes), COORDINATOR)
    await opportunities.move(opportunity, "publish", COORDINATOR)
    return opportunity
