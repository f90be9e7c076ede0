"""Ways to take part that anyone can see, without signing in: the list and one page each.

Written for someone on a phone who may find reading hard: what you will do, when, how, what
is paid and what help there is to take part come first, before the long description. Only
open opportunities are shown; a draft is "not found", and a closed one says so kindly.
``describe`` and ``closing`` are shared with the interest pages.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from litestar import Controller, get
from litestar.params import FromPath
from litestar.response import Template

from app.auth.access import PUBLIC, Rule
from app.errors import NotFound
from app.web.pages import page
from app.web.templates import NavItem
from participation import vocabulary as v
from participation.pages.export_views import LONDON, Row
from participation.services import easy_read as easy_read_version
from participation.services import lived_experience, opportunities

TEMPLATES = "participation/recruitment"
NO_PAY = "Ask us about payment"
NO_ACCESS = "Tell us what you need to take part and we will do our best to arrange it"


def closing(moment: datetime, today: date | None = None) -> str:
    """'3 December at 5pm' in London time (with the year when it is not this year)."""
    local = moment.astimezone(LONDON)
    this_year = (today or datetime.now(UTC).astimezone(LONDON).date()).year
    day = f"{local.day} {local:%B}" + ("" if local.year == this_year else f" {local.year}")
    return f"{day} at {_time(local)}"


def _time(local: datetime) -> str:
    if (local.hour, local.minute) == (12, 0):
        return "midday"
    if (local.hour, local.minute) == (0, 0):
        return "midnight"
    hour = str(local.hour % 12 or 12)
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def _day(when: date) -> str:
    return f"{when.day} {when:%B %Y}"


def dates(row: dict[str, Any]) -> str:
    """When it happens, in words: one day, a range, from a day, or not fixed yet."""
    starts, ends = row["starts_on"], row["ends_on"]
    if starts and ends and starts != ends:
        return f"{_day(starts)} to {_day(ends)}"
    if starts:
        return f"From {_day(starts)}" if ends is None else _day(starts)
    return f"Until {_day(ends)}" if ends else "Dates to be agreed with the people taking part"


def _codes(row: dict[str, Any], name: str) -> list[str]:
    value = row[name]
    return value if isinstance(value, list) else [c for c in value.split(",") if c]


def describe(row: dict[str, Any]) -> list[Row]:
    """The facts people need first, as summary rows: what, when, how, pay, access, closing."""
    how = v.labels(v.FORMATS, _codes(row, "formats")) + v.labels(
        v.GROUP_SIZES, _codes(row, "group_sizes")
    )
    when = (dates(row), row["time_commitment"]) if row["time_commitment"] else (dates(row),)
    return [
        Row("What you will do", v.ACTIVITIES.get(row["activity"], "")),
        Row("When", items=when),
        Row("How", items=tuple(how) or ("We will agree this with you",)),
        Row("What is paid", row["payment_offer"] or NO_PAY),
        Row("Help to take part", row["access_offer"] or NO_ACCESS),
        Row("Closing date", f"Closes on {closing(row['closes_at'])}"),
    ]


def paragraphs(text: str) -> list[list[str]]:
    """Text as typed, as paragraphs of lines (a blank line starts a new paragraph)."""
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return [[line.strip() for line in block.split("\n")] for block in blocks if block]


async def published(opportunity: UUID) -> dict[str, Any]:
    """An opportunity that was ever published, with its questions; a draft is not found."""
    row = await opportunities.get(opportunity)
    if row["status"] == "draft":
        raise NotFound("There is no such opportunity.")
    return row


def closed_page(row: dict[str, Any], *, sent: bool = False) -> Template:
    """Kind words, not an error: the person did nothing wrong, the date passed. ``sent``: they
    sent answers, which were not kept."""
    title = "This opportunity has closed"
    return page(f"{TEMPLATES}/public_closed.html", title, 410, row=row, sent=sent)


class PublicPages(Controller):
    path = "/take-part"
    include_in_schema = False

    @get("/", name="take-part")
    async def listing(self) -> Template:
        cards = [
            {"id": row["id"], "title": row["title"], "rows": describe(row)}
            for row in await opportunities.open_now()
        ]
        return page(f"{TEMPLATES}/public_list.html", "Ways to take part", cards=cards)

    @get("/{opportunity:uuid}", name="take-part-opportunity")
    async def opportunity(self, opportunity: FromPath[UUID]) -> Template:
        row = await published(opportunity)
        if not opportunities.is_open(row):
            return closed_page(row)
        lived = await lived_experience.options(include_retired=True)
        return page(
            f"{TEMPLATES}/public_opportunity.html",
            row["title"],
            row=row,
            facts=describe(row),
            description=paragraphs(row["description"]),
            easy_read=paragraphs(row["easy_read"]),
            easy_read_ready=easy_read_version.is_easy_read(row["easy_read"]),
            sought=v.labels(lived, row["lived_experience_sought"]),
            stage=v.STAGES.get(row["stage"], ""),
        )


ROUTES: list[Any] = [PublicPages]
ACCESS: dict[str, Rule] = {"take-part": PUBLIC, "take-part-opportunity": PUBLIC}
NAVIGATION: list[Any] = [NavItem("Take part", "/take-part")]
