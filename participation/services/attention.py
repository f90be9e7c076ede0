"""What needs a coordinator today, from recruitment and the register (``app.web.today``).

Counts and opportunity titles only: no sealed field is opened, so nothing personal is read and
there is nothing to audit. The one exception is ``quiet_people``, the list behind a count, which
opens and audits names as a search does. "Not heard from" means: agreed to be contacted, not
paused, not signed in, and no interest expressed or invitation sent for ``QUIET_DAYS``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from piccolo.columns.combination import WhereRaw

from app import audit
from app.sealed import Sealer
from app.web.today import ROUTINE, SOON, URGENT, Attention
from participation.services import consent, search
from participation.services.search import PAGE_SIZE, Results
from participation.tables import Expression, InterestInvitation, Opportunity, Participant

LONDON = ZoneInfo("Europe/London")
QUIET_DAYS = 183
"""About six months without any sign of the person: time to get back in touch."""
CLOSING_SOON = timedelta(days=3)
RECRUITING = "Recruitment"
KEEPING_IN_TOUCH = "Keeping in touch"
QUIET_PAGE = "/people/quiet"
QUIET_PURPOSE = "people not heard from"


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
    count = len(await quiet(now))
    if not count:
        return []
    people = "1 person who agreed" if count == 1 else f"{count} people who agreed"
    verb = "has" if count == 1 else "have"
    return [
        Attention(
            KEEPING_IN_TOUCH,
            f"{people} to be contacted {verb} not heard from us for over 6 months",
            count,
            QUIET_PAGE,
        )
    ]


async def quiet(now: datetime) -> list[UUID]:
    """Who has not heard from us, quietest first: agreed to be contacted, not paused, and no
    sign-in, interest or invitation for ``QUIET_DAYS``. Ids only, so nothing is opened; the one
    definition behind both the count on /today and the list it links to."""
    cutoff = now - timedelta(days=QUIET_DAYS)
    rows = await (
        Participant.select(Participant.id)
        .where(
            Participant.paused_at.is_null()
            & (Participant.last_active_at < cutoff)
            & consent.granted_condition("contact")
        )
        .order_by(Participant.last_active_at, Participant.id)
    )
    quiet = [row["id"] for row in rows]
    if not quiet:
        return []
    recent = await Expression.select(Expression.subject).where(
        Expression.subject.is_in(quiet) & (Expression.created_at >= cutoff)
    )
    asked = await InterestInvitation.select(InterestInvitation.subject).where(
        InterestInvitation.subject.is_in(quiet) & (InterestInvitation.created_at >= cutoff)
    )
    heard = {str(row["subject"]) for row in [*recent, *asked]}
    return [subject for subject in quiet if str(subject) not in heard]


async def quiet_people(sealer: Sealer, actor: audit.Actor, now: datetime, page: int) -> Results:
    """A page of the people ``quiet`` finds, named for a coordinator to get in touch with: each
    name shown is opened and its view audited, as in a search of the register."""
    found = await quiet(now)
    last = max(1, -(-len(found) // PAGE_SIZE))
    page = min(page, last)
    shown = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return Results(await search.listed(sealer, shown, actor, QUIET_PURPOSE), len(found), page)


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
