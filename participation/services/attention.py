"""What needs a coordinator today, from recruitment and the register (``app.web.today``).

Counts and opportunity titles only: no sealed field is opened, so nothing personal is read and
there is nothing to audit. "Not heard from" means: agreed to be contacted, not paused, not
signed in, and no interest expressed or invitation sent for ``QUIET_DAYS``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from piccolo.columns.combination import WhereRaw

from app import audit
from app.sealed import Sealer
from app.web.today import ROUTINE, SOON, URGENT, Attention
from participation.tables import Expression, InterestInvitation, Opportunity, Participant

LONDON = ZoneInfo("Europe/London")
QUIET_DAYS = 183
"""About six months without any sign of the person: time to get back in touch."""
CLOSING_SOON = timedelta(days=3)
RECRUITING = "Recruitment"
KEEPING_IN_TOUCH = "Keeping in touch"


async def needs_attention(sealer: Sealer, actor: audit.Actor, now: datetime) -> list[Attention]:
    return [*await new_interest(now), *await not_heard_from(now), *await reminded(now)]


async def new_interest(now: datetime) -> list[Attention]:
    """Per open opportunity, interest nobody has looked at yet (still "received")."""
    rows = await Opportunity.select(Opportunity.id, Opportunity.title, Opportunity.closes_at).where(
        (Opportunity.status == "published") | (Opportunity.status == "closed")
    )
    found = []
    for row in sorted(rows, key=lambda r: r["closes_at"]):
        count = await Expression.count().where(
            (Expression.opportunity == row["id"]) & (Expression.status == "received")
        )
        if count:
            found.append(_interest(row, count, now))
    return found


def _interest(row: dict[str, object], count: int, now: datetime) -> Attention:
    closes = row["closes_at"]
    assert isinstance(closes, datetime)
    people = "1 new expression" if count == 1 else f"{count} new expressions"
    if closes <= now:
        when, urgency = f"closed on {_day(closes)}", URGENT
    else:
        when = f"closes on {_day(closes)}"
        urgency = SOON if closes - now <= CLOSING_SOON else ROUTINE
    return Attention(
        RECRUITING,
        f"{row['title']}: {people} of interest to look at ({when})",
        count,
        f"/opportunities/{row['id']}/board?status=received",
        urgency,
    )


async def not_heard_from(now: datetime) -> list[Attention]:
    """People who agreed to be contacted, are not paused, and have been quiet for a long time."""
    cutoff = now - timedelta(days=QUIET_DAYS)
    rows = await Participant.select(Participant.id, Participant.consents).where(
        Participant.paused_at.is_null() & (Participant.last_active_at < cutoff)
    )
    quiet = [r["id"] for r in rows if "contact" in r["consents"].split(",")]
    if quiet:
        recent = await Expression.select(Expression.subject).where(
            Expression.subject.is_in(quiet) & (Expression.created_at >= cutoff)
        )
        asked = await InterestInvitation.select(InterestInvitation.subject).where(
            InterestInvitation.subject.is_in(quiet) & (InterestInvitation.created_at >= cutoff)
        )
        heard = {r["subject"] for r in recent} | {r["subject"] for r in asked}
        quiet = [subject for subject in quiet if subject not in heard]
    if not quiet:
        return []
    people = "1 person who agreed" if len(quiet) == 1 else f"{len(quiet)} people who agreed"
    verb = "has" if len(quiet) == 1 else "have"
    return [
        Attention(
            KEEPING_IN_TOUCH,
            f"{people} to be contacted {verb} not heard from us for over 6 months",
            len(quiet),
            "/people",
        )
    ]


async def reminded(now: datetime) -> list[Attention]:
    """People sent a "do you want us to keep your details?" reminder who have not come back:
    a phone call may keep someone who has no email or missed it."""
    count = await Participant.count().where(
        Participant.reminded_at.is_not_null() & WhereRaw("last_active_at < reminded_at")
    )
    if not count:
        return []
    people = "1 person was" if count == 1 else f"{count} people were"
    return [
        Attention(
            KEEPING_IN_TOUCH,
            f"{people} reminded that their details will be deleted and "
            f"{'has' if count == 1 else 'have'} not come back",
            count,
            "/people",
            SOON,
        )
    ]


def _day(moment: datetime) -> str:
    return f"{moment.astimezone(LONDON):%-d %B %Y}"
