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

from babel.dates import format_date
from litestar import Controller, get
from litestar.params import FromPath
from litestar.response import Template

from app import i18n
from app.auth.access import PUBLIC, Rule
from app.errors import NotFound
from app.i18n import N_
from app.i18n import gettext as _
from app.web.pages import page
from app.web.templates import NavItem
from participation import vocabulary as v
from participation.pages.export_views import LONDON, Row
from participation.services import easy_read as easy_read_version
from participation.services import lived_experience, opportunities

TEMPLATES = "participation/recruitment"
NO_PAY = N_("Ask us about payment")
NO_ACCESS = N_("Tell us what you need to take part and we will do our best to arrange it")
LIST_TITLE = N_("Ways to take part")
CLOSED_TITLE = N_("This opportunity has closed")


def closing(moment: datetime, today: date | None = None) -> str:
    """'3 December at 5pm' in London time (with the year when it is not this year), in the
    current language ('3 Rhagfyr am 5pm')."""
    local = moment.astimezone(LONDON)
    this_year = (today or datetime.now(UTC).astimezone(LONDON).date()).year
    return _("%(day)s at %(time)s") % {
        "day": _day_month(local.date(), local.year != this_year),
        "time": _time(local),
    }


def _day_month(when: date, with_year: bool) -> str:
    if with_year:
        return i18n.day(when)
    if i18n.current() == i18n.DEFAULT:
        return f"{when.day} {when:%B}"
    return format_date(when, "d MMMM", locale=i18n.current())


def _time(local: datetime) -> str:
    """'midday', 'midnight', '5pm', '9:05am': how people say a time (Babel's style in another
    language, where 'pm' is not the word)."""
    if (local.hour, local.minute) == (12, 0):
        return _("midday")
    if (local.hour, local.minute) == (0, 0):
        return _("midnight")
    if i18n.current() != i18n.DEFAULT:
        return i18n.time_of_day(local)
    hour = str(local.hour % 12 or 12)
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def dates(row: dict[str, Any]) -> str:
    """When it happens, in words: one day, a range, from a day, or not fixed yet."""
    starts, ends = row["starts_on"], row["ends_on"]
    if starts and ends and starts != ends:
        return _("%(start)s to %(end)s") % {"start": i18n.day(starts), "end": i18n.day(ends)}
    if starts:
        return _("From %(day)s") % {"day": i18n.day(starts)} if ends is None else i18n.day(starts)
    if ends:
        return _("Until %(day)s") % {"day": i18n.day(ends)}
    return _("Dates to be agreed with the people taking part")


def _codes(row: dict[str, Any], name: str) -> list[str]:
    value = row[name]
    return value if isinstance(value, list) else [c for c in value.split(",") if c]


def describe(row: dict[str, Any]) -> list[Row]:
    """The facts people need first, as summary rows: what, when, how, pay, access, closing;
    in the current language (the coordinator's own words stay as they wrote them)."""
    how = v.labels(v.FORMATS, _codes(row, "formats")) + v.labels(
        v.GROUP_SIZES, _codes(row, "group_sizes")
    )
    when = (dates(row), row["time_commitment"]) if row["time_commitment"] else (dates(row),)
    activity = v.ACTIVITIES.get(row["activity"], "")
    return [
        Row(_("What you will do"), _(activity) if activity else ""),
        Row(_("When"), items=when),
        Row(
            _("How"), items=tuple(_(label) for label in how) or (_("We will agree this with you"),)
        ),
        Row(_("What is paid"), row["payment_offer"] or _(NO_PAY)),
        Row(_("Help to take part"), row["access_offer"] or _(NO_ACCESS)),
        Row(_("Closing date"), _("Closes on %(closing)s") % {"closing": closing(row["closes_at"])}),
    ]


def _stage(number: int) -> str:
    """The commissioning stage's name in the current language ("" when it has none)."""
    label = v.STAGES.get(number, "")
    return _(label) if label else ""


def paragraphs(text: str) -> list[list[str]]:
    """Text as typed, as paragraphs of lines (a blank line starts a new paragraph)."""
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return [[line.strip() for line in block.split("\n")] for block in blocks if block]


async def published(opportunity: UUID) -> dict[str, Any]:
    """An opportunity that was ever published, with its questions; a draft is not found."""
    row = await opportunities.get(opportunity)
    if row["status"] == "draft":
        raise NotFound(_("There is no such opportunity."))
    return row


def closed_page(row: dict[str, Any], *, sent: bool = False) -> Template:
    """Kind words, not an error: the person did nothing wrong, the date passed. ``sent``: they
    sent answers, which were not kept."""
    return page(f"{TEMPLATES}/public_closed.html", _(CLOSED_TITLE), 410, row=row, sent=sent)


class PublicPages(Controller):
    path = "/take-part"
    include_in_schema = False

    @get("/", name="take-part")
    async def listing(self) -> Template:
        cards = [
            {"id": row["id"], "title": row["title"], "rows": describe(row)}
            for row in await opportunities.open_now()
        ]
        return page(f"{TEMPLATES}/public_list.html", _(LIST_TITLE), cards=cards)

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
            sought=[_(label) for label in v.labels(lived, row["lived_experience_sought"])],
            stage=_stage(row["stage"]),
        )


ROUTES: list[Any] = [PublicPages]
ACCESS: dict[str, Rule] = {"take-part": PUBLIC, "take-part-opportunity": PUBLIC}
NAVIGATION: list[Any] = [NavItem(N_("Take part"), "/take-part")]
