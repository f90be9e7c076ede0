"""The demo council's market event recruitment: providers who want to run housing support meet
the people who would use it (Plymouth stage 3, source the supplier). Recruitment has closed and
the board shows every state an expression of interest can be in: selected, on the reserve
list, not selected this time, withdrawn by the person, and some still to look at.

Runs after ``participation.demo_recruitment`` (the housing work it belongs to) and
``participation.demo_council`` (most of the people who are interested).
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from app import audit
from app.sealed import Sealer
from participation import demo_recruitment as recruitment
from participation.schemas.recruitment import OpportunityForm, StatusChange
from participation.services import expressions, opportunities, selection
from participation.tables import CommissioningWork, Opportunity

TITLE = "Meet the providers: housing support market event"
BOARD = (("selected", 8), ("reserve", 2), ("not_selected", 3))
"""How the board was decided, oldest interest first; the rest were shortlisted or not read."""


async def is_empty() -> bool:
    return not await Opportunity.exists().where(Opportunity.title == TITLE)


async def populate(sealer: Sealer) -> list[str]:
    work = await CommissioningWork.select(CommissioningWork.id).where(
        CommissioningWork.title == recruitment.WORKS[0][0]
    )
    form = OpportunityForm(
        work=work[0]["id"],
        title=TITLE,
        description="Organisations that want to run housing support will tell us how they "
        "would do it. Ask them questions and tell them what matters to you.",
        stage=3,
        activity="market_events",
        rung_planned="engagement",
        lived_experience_sought=["homelessness"],
        formats=["in_person"],
        starts_on=date.today() - timedelta(days=21),
        time_commitment="One afternoon, 1pm to 4pm",
        payment_offer="£50 for the half day, a voucher, or nothing if you prefer",
        access_offer="Step-free venue with a quiet room; travel paid in advance",
        closes_at=recruitment.soon(7),
        places=8,
    )
    market = await opportunities.save(form, recruitment.DEMO_ACTOR)
    await opportunities.move(market, "publish", recruitment.DEMO_ACTOR)
    interested = await recruitment.interest(sealer, market, "market_events")
    counts = await _decide(sealer, market)
    await opportunities.move(market, "close", recruitment.DEMO_ACTOR)
    said = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in counts.items())
    return [
        f"a market event opportunity, now closed: {interested} expressions of interest ({said})",
    ]


async def _decide(sealer: Sealer, market: UUID) -> dict[str, int]:
    """Move the board on as a coordinator would; one person withdraws themselves."""
    board = await selection.board(sealer, market, recruitment.DEMO_ACTOR)
    waiting = [applicant.expression for applicant in board]
    counts: dict[str, int] = {}
    for status, many in (*BOARD, ("shortlisted", 4)):
        chosen, waiting = waiting[:many], waiting[many:]
        if chosen:
            change = StatusChange(expressions=chosen, status=status)
            await selection.set_status(
                sealer, market, change, recruitment.DEMO_ACTOR, recruitment.SENDER
            )
            counts[status] = len(chosen)
    if waiting:
        leaving = next(a for a in board if a.expression == waiting[0])
        me = audit.Actor(id=str(leaving.subject), role="participant")
        await expressions.withdraw(leaving.subject, leaving.expression, me)
        counts["withdrawn"] = 1
        counts["received"] = len(waiting) - 1
    return counts
