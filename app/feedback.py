"""Anonymous feedback about the service itself, from the phase banner's "tell us" link."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from app.db import transaction
from app.tables import ServiceFeedback
from app.web.forms import FormModel

MAX_COMMENT_LENGTH = 1200


class Satisfaction(StrEnum):
    very_satisfied = "very_satisfied"
    satisfied = "satisfied"
    neither = "neither"
    dissatisfied = "dissatisfied"
    very_dissatisfied = "very_dissatisfied"


SATISFACTION_LABELS = {
    Satisfaction.very_satisfied: "Very satisfied",
    Satisfaction.satisfied: "Satisfied",
    Satisfaction.neither: "Neither satisfied nor dissatisfied",
    Satisfaction.dissatisfied: "Dissatisfied",
    Satisfaction.very_dissatisfied: "Very dissatisfied",
}


class FeedbackForm(FormModel):
    """What the feedback page and ``POST /api/v1/feedback`` accept."""

    satisfaction: Satisfaction
    comments: Annotated[str, Field(max_length=MAX_COMMENT_LENGTH)] = ""
    came_from: Annotated[str, Field(max_length=200, pattern=r"^(/[^?#]*)?$")] = ""

    messages = {
        "satisfaction": "Select how you feel about the service",
        "comments": f"Your comments must be {MAX_COMMENT_LENGTH} characters or fewer",
        "came_from": "The page you came from must be a path on this site, like /contact",
    }


async def record_feedback(form: FeedbackForm) -> int:
    """Store one piece of feedback; returns its id."""
    async with transaction():
        rows = await ServiceFeedback.insert(
            ServiceFeedback(
                satisfaction=form.satisfaction.value,
                comments=form.comments,
                came_from=form.came_from,
            )
        )
    return int(rows[0]["id"])


async def count_feedback() -> int:
    return int(await ServiceFeedback.count())
