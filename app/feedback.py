"""Anonymous feedback about the service itself, from the phase banner's "tell us" link."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from app.db import transaction
from app.i18n import N_
from app.tables import ServiceFeedback
from app.web.forms import FormModel

MAX_COMMENT_LENGTH = 1200


class Satisfaction(StrEnum):
    very_satisfied = "very_satisfied"
    satisfied = "satisfied"
    neither = "neither"
    dissatisfied = "dissatisfied"
    very_dissatisfied = "very_dissatisfied"


SATISFACTION_LABELS = {  # marked for translation; the page shows _(label)
    Satisfaction.very_satisfied: N_("Very satisfied"),
    Satisfaction.satisfied: N_("Satisfied"),
    Satisfaction.neither: N_("Neither satisfied nor dissatisfied"),
    Satisfaction.dissatisfied: N_("Dissatisfied"),
    Satisfaction.very_dissatisfied: N_("Very dissatisfied"),
}


class FeedbackForm(FormModel):
    """What the feedback page and ``POST /api/v1/feedback`` accept."""

    satisfaction: Satisfaction
    comments: Annotated[str, Field(max_length=MAX_COMMENT_LENGTH)] = ""
    came_from: Annotated[str, Field(max_length=200, pattern=r"^(/[^?#]*)?$")] = ""

    messages = {
        "satisfaction": N_("Select how you feel about the service"),
        "comments": N_("Your comments must be 1200 characters or fewer"),  # MAX_COMMENT_LENGTH
        "came_from": N_("The page you came from must be a path on this site, like /contact"),
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
