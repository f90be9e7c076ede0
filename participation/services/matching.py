"""Matching: who on the register might want this opportunity, best fit first, and inviting them.

People who have not expressed interest yet are ranked by what they told us: the activity they
want, how they like to take part (in person, online or by phone; a group or one-to-one), the
lived experience sought, the days they can never do, and how recently and how often we have
involved them. Paused people, people without current "register" and "contact" consent, people
already invited to this opportunity and people contacted too often lately never appear.

Everything but lived experience is a plain code column, so filtering and scoring are one SQL
query (sorted, a page at a time). Lived experience is sealed under each person's key: when the
opportunity seeks some, the service opens it only for candidates the SQL left, in rank order,
and stops as soon as nobody further down could still reach the list. Names are opened for the
people shown and nobody else; each person shown is one audited view.

Access needs the venue can meet are not weighed yet: there are no venues to compare with until
events exist. Nobody is filtered out for their access needs in the meantime.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from app import audit, i18n, mail
from app.db import is_duplicate, transaction
from app.errors import Conflict
from app.i18n import gettext as _
from app.redact import Sensitive
from app.sealed import KEY_COLUMNS, Sealer, key_join
from participation import vocabulary as v
from participation.services import contact, lived_experience, opportunities
from participation.services.consent import CONTAINS_SQL
from participation.services.selection import Sender
from participation.tables import InterestInvitation, Participant

CONTACT_LIMIT = 3
"""Council policy (to become a setting): someone invited or selected this many times within
``CONTACT_WINDOW`` is left alone until the oldest of those contacts falls out of it."""
CONTACT_WINDOW = timedelta(days=90)
"""Council policy (to become a setting): the period the contact limit counts over."""

WANTS_ACTIVITY = 4
HAS_LIVED_EXPERIENCE = 3
NEVER_INVOLVED = 2
"""The fairness nudge: people never selected for anything yet come before those who were."""
PREFERS_FORMAT = 1
PREFERS_GROUP_SIZE = 1
FREE_ON_EVERY_DATE = 1
PER_RECENT_CONTACT = -1
"""Points per fit. An activity they asked for outweighs everything else but lived experience
and the nudge together; each recent contact moves them down a little."""

FORMAT_WORDS = {"in_person": "in person", "online": "online", "phone": "by phone"}
GROUP_WORDS = {"group": "a group", "one_to_one": "one-to-one"}
DAY_CODES = tuple(v.DAYS)  # Monday first, as date.weekday() counts
BATCH = 500
"""Rows read at once while lived experience decides the order: the query costs about the same
for 25 rows or 500 (it ranks everyone either way), so one read nearly always suffices."""


@dataclass(frozen=True)
class Suggestion:
    """One person worth inviting, with the reasons in one plain-English sentence."""

    subject: UUID
    name: Sensitive[str] | None
    score: int
    explanation: str
    safe_contact: bool
    route: str
    recent_contacts: int
    never_involved: bool


@dataclass(frozen=True)
class Invited:
    """What ``invite`` did: invitations made, emails queued, people a coordinator must tell,
    and people left out (no longer contactable, over the limit, or already invited)."""

    invited: int
    emailed: int
    to_tell: int
    skipped: int


@dataclass(frozen=True)
class _Query:
    """The ranking query of one opportunity: SQL with ``{}`` parameters, in order."""

    sql: str
    params: list[Any]


async def suggest(
    sealer: Sealer,
    opportunity: UUID,
    actor: audit.Actor,
    limit: int = 25,
    now: datetime | None = None,
) -> list[Suggestion]:
    """The best ``limit`` people to invite, best fit first; one audited view per person shown."""
    details = await opportunities.get(opportunity)
    query = ranking_query(details, now or datetime.now(UTC))
    sought = details["lived_experience_sought"]
    if sought:
        ranked = await _ranked_with_lived_experience(sealer, query, sought, limit)
    else:
        ranked = [(row, []) for row in await _page(sealer, query, limit, 0)]
    labels = await lived_experience.options(include_retired=True)
    shown = [await _suggestion(sealer, row, matched, details, labels) for row, matched in ranked]
    await audit.record_views(
        actor,
        [s.subject for s in shown],
        field_group="identity,lived_experience" if sought else "identity",
        purpose=f"matching {opportunity}"[:200],
    )
    return shown


def ranking_query(details: dict[str, Any], now: datetime) -> _Query:
    """Everyone who may be suggested, with each fit as a column and their SQL score, sorted.

    Column names and SQL come from this module; every value is a parameter. The lived
    experience points are added afterwards (the SQL cannot read a sealed value).
    """
    fits, fit_params = _fit_columns(details, now)
    where, where_params = _conditions(details)
    score = (
        f"m.wants * {WANTS_ACTIVITY} + m.format_fit * {PREFERS_FORMAT} "
        f"+ m.group_fit * {PREFERS_GROUP_SIZE} + m.free_all * {FREE_ON_EVERY_DATE} "
        f"+ (1 - m.involved) * {NEVER_INVOLVED} + m.recent * {PER_RECENT_CONTACT}"
    )
    sql = (
        f"SELECT m.*, {score} AS score FROM (SELECT p.id, p.preferred_name, p.safe_contact, "  # noqa: S608
        "p.lived_experience, p.preferred_route, p.activities, p.formats, p.group_sizes, "
        f"p.never_days, {fits}, {KEY_COLUMNS} FROM participant p {key_join('p.id')} "
        f"WHERE {' AND '.join(where)}) m WHERE m.recent < {CONTACT_LIMIT} "
        "ORDER BY score DESC, m.id"
    )
    return _Query(sql, fit_params + where_params)


def _contains(column: str, codes: list[str], joiner: str = " OR ") -> tuple[str, list[str]]:
    """SQL testing whether a code column holds any (or, with " AND ", every) of ``codes``."""
    tests = [CONTAINS_SQL.format(column=f"p.{column}") for _ in codes]
    return "(" + joiner.join(tests) + ")", [f"%,{code},%" for code in codes]


def _fit_columns(details: dict[str, Any], now: datetime) -> tuple[str, list[Any]]:
    """The SELECT list of fits, each 0 or 1 (or a count), and their parameters in order."""
    since = now - CONTACT_WINDOW
    recent = (
        "(SELECT COUNT(*) FROM interest_invitation i WHERE i.subject = p.id "
        "AND i.created_at >= {}) + (SELECT COUNT(*) FROM expression e WHERE e.subject = p.id "
        "AND e.status = 'selected' AND e.updated_at >= {}) AS recent"
    )
    involved = (
        "CASE WHEN EXISTS (SELECT 1 FROM expression e WHERE e.subject = p.id "
        "AND e.status = 'selected') THEN 1 ELSE 0 END AS involved"
    )
    columns = [recent, involved]
    params: list[Any] = [since, since]
    wants, wants_params = _contains("activities", [details["activity"]])
    columns.append(f"CASE WHEN {wants} THEN 1 ELSE 0 END AS wants")
    params += wants_params
    for column, alias in (("formats", "format_fit"), ("group_sizes", "group_fit")):
        if details[column]:
            test, test_params = _contains(column, details[column])
            columns.append(f"CASE WHEN {test} THEN 1 ELSE 0 END AS {alias}")
            params += test_params
        else:
            columns.append(f"0 AS {alias}")
    days = dates_days(details["starts_on"], details["ends_on"])
    if days:
        never, never_params = _contains("never_days", days)
        columns.append(f"CASE WHEN {never} THEN 0 ELSE 1 END AS free_all")
        params += never_params
    else:
        columns.append("0 AS free_all")
    return ", ".join(columns), params


def _conditions(details: dict[str, Any]) -> tuple[list[str], list[Any]]:
    """Who may appear at all: on the register, contactable, not paused, not yet interested or
    invited, open to this format, group size and activity, and free on at least one date."""
    where = [
        CONTAINS_SQL.format(column="p.consents"),
        CONTAINS_SQL.format(column="p.consents"),
        "p.paused_at IS NULL",
        "NOT EXISTS (SELECT 1 FROM expression e WHERE e.subject = p.id AND e.opportunity = {})",
        "NOT EXISTS (SELECT 1 FROM interest_invitation i WHERE i.subject = p.id "
        "AND i.opportunity = {})",
    ]
    params: list[Any] = ["%,register,%", "%,contact,%", details["id"], details["id"]]
    for column in ("formats", "group_sizes"):
        if details[column]:
            test, test_params = _contains(column, details[column])
            where.append(f"(p.{column} = '' OR {test})")
            params += test_params
    wants, wants_params = _contains("activities", [details["activity"]])
    where.append(f"(p.contact_frequency <> 'relevant_only' OR {wants})")
    params += wants_params
    days = dates_days(details["starts_on"], details["ends_on"])
    if days:
        every, every_params = _contains("never_days", days, " AND ")
        where.append(f"NOT {every}")
        params += every_params
    return where, params


def dates_days(starts_on: date | None, ends_on: date | None) -> list[str]:
    """The days of the week the opportunity's dates fall on (none when it has no dates)."""
    if starts_on is None:
        return []
    last = ends_on or starts_on
    count = min((last - starts_on).days + 1, 7)
    days = {(starts_on + timedelta(days=n)).weekday() for n in range(max(count, 1))}
    return [code for n, code in enumerate(DAY_CODES) if n in days]


async def _page(sealer: Sealer, query: _Query, limit: int, offset: int) -> list[dict[str, Any]]:
    """One slice of the ranking, with each person's data key read in the same query."""
    sql = f"{query.sql} LIMIT {int(limit)} OFFSET {int(offset)}"
    return sealer.prime_from(await Participant.raw(sql, *query.params), "id")


async def _ranked_with_lived_experience(
    sealer: Sealer, query: _Query, sought: list[str], limit: int
) -> list[tuple[dict[str, Any], list[str]]]:
    """Add the lived-experience points, opening it in SQL rank order only while someone not
    yet read could still make the list (their SQL score plus the most it can add)."""
    kept: list[tuple[int, int, dict[str, Any], list[str]]] = []
    offset, size = 0, max(BATCH, limit * 2)
    while True:
        rows = await _page(sealer, query, size, offset)
        for position, row in enumerate(rows, start=offset):
            if len(kept) >= limit and int(row["score"]) + HAS_LIVED_EXPERIENCE <= kept[-1][0]:
                return [(row, matched) for _, _, row, matched in kept]
            theirs = await _lived_experience(sealer, row)
            matched = [code for code in sought if code in theirs]
            total = int(row["score"]) + (HAS_LIVED_EXPERIENCE if matched else 0)
            kept.append((total, position, row, matched))
            kept.sort(key=lambda item: (-item[0], item[1]))
            del kept[limit:]
        if len(rows) < size:
            return [(row, matched) for _, _, row, matched in kept]
        offset, size = offset + size, size * 4


async def _lived_experience(sealer: Sealer, row: dict[str, Any]) -> list[str]:
    opened = (await sealer.open(Participant, row, ("lived_experience",)))["lived_experience"]
    return list(json.loads(opened.reveal())) if opened else []


async def _suggestion(
    sealer: Sealer,
    row: dict[str, Any],
    matched: list[str],
    details: dict[str, Any],
    labels: dict[str, str],
) -> Suggestion:
    opened = await sealer.open(Participant, row, ("preferred_name", "safe_contact"))
    safe = opened["safe_contact"]
    return Suggestion(
        subject=row["id"] if isinstance(row["id"], UUID) else UUID(str(row["id"])),
        name=opened["preferred_name"],
        score=int(row["score"]) + (HAS_LIVED_EXPERIENCE if matched else 0),
        explanation=explain(row, matched, details, labels),
        safe_contact=safe is not None and safe.reveal() == "yes",
        route=row["preferred_route"],
        recent_contacts=int(row["recent"]),
        never_involved=not int(row["involved"]),
    )


def explain(
    row: dict[str, Any], matched: list[str], details: dict[str, Any], labels: dict[str, str]
) -> str:
    """One sentence a coordinator can read out: "Wants evaluation panels, prefers in person,
    has lived experience of homelessness, never involved yet." """
    activity = _lowered(v.ACTIVITIES[details["activity"]].split(", ")[0])
    parts = [f"wants {activity}" if int(row["wants"]) else f"has not asked for {activity}"]
    formats = _codes(row["formats"])
    if not formats:
        parts.append("happy with any format")
    elif int(row["format_fit"]):
        chosen = [FORMAT_WORDS[c] for c in FORMAT_WORDS if c in formats and c in details["formats"]]
        parts.append("prefers " + " or ".join(chosen))
    if int(row["group_fit"]):
        sizes = _codes(row["group_sizes"])
        chosen = [GROUP_WORDS[c] for c in GROUP_WORDS if c in sizes and c in details["group_sizes"]]
        parts.append("prefers " + " or ".join(chosen))
    if matched:
        parts.append("has lived experience of " + _listed([_lowered(labels[c]) for c in matched]))
    if details["starts_on"] is not None:
        parts.append("free on every date" if int(row["free_all"]) else "free on some dates")
    parts.append(_involvement(int(row["recent"]), not int(row["involved"])))
    sentence = ", ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."


def _involvement(recent: int, never: bool) -> str:
    window = f"in the last {CONTACT_WINDOW.days} days"
    times = {1: "once", 2: "twice"}.get(recent, f"{recent} times")
    contacted = f"contacted {times} {window}" if recent else f"not contacted {window}"
    if never:
        return "never involved yet" + (f", {contacted}" if recent else "")
    return contacted


def _codes(text: str) -> list[str]:
    return [code for code in text.split(",") if code]


def _lowered(label: str) -> str:
    return label[:1].lower() + label[1:]


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


async def invite(
    sealer: Sealer, opportunity: UUID, subjects: list[UUID], actor: audit.Actor, sender: Sender
) -> Invited:
    """Invite each person once to express interest: by email when that is their route, else
    left for a coordinator to tell them (``told_at`` empty). A retry never invites twice."""
    details = await opportunities.get(opportunity)
    if not opportunities.is_open(details):
        raise Conflict(
            "This opportunity is not open, so nobody can be invited to express interest."
        )
    wanted = list(dict.fromkeys(subjects))
    allowed = set(await contact.contactable(wanted)) & await _under_limit(wanted)
    invited = emailed = 0
    for subject in (s for s in wanted if s in allowed):
        told = await _invite_one(sealer, details, subject, actor, sender)
        if told is not None:
            invited, emailed = invited + 1, emailed + told
    return Invited(invited, emailed, invited - emailed, len(wanted) - invited)


async def _under_limit(subjects: list[UUID]) -> set[UUID]:
    """Those of ``subjects`` contacted fewer than ``CONTACT_LIMIT`` times in the window."""
    if not subjects:
        return set()
    since = datetime.now(UTC) - CONTACT_WINDOW
    marks = ",".join("{}" for _ in subjects)
    rows = await Participant.raw(
        "SELECT p.id FROM participant p WHERE p.id IN ("  # noqa: S608 - placeholders only
        f"{marks}) AND (SELECT COUNT(*) FROM interest_invitation i WHERE i.subject = p.id "
        "AND i.created_at >= {}) + (SELECT COUNT(*) FROM expression e WHERE e.subject = p.id "
        f"AND e.status = 'selected' AND e.updated_at >= {{}}) < {CONTACT_LIMIT}",
        *subjects,
        since,
        since,
    )
    return {row["id"] if isinstance(row["id"], UUID) else UUID(str(row["id"])) for row in rows}


async def _invite_one(
    sealer: Sealer, details: dict[str, Any], subject: UUID, actor: audit.Actor, sender: Sender
) -> bool | None:
    """True when emailed, False when a coordinator must tell them, None when already invited."""
    now = datetime.now(UTC)
    try:
        async with transaction():
            await InterestInvitation.insert(
                InterestInvitation(
                    id=uuid4(),
                    opportunity=details["id"],
                    subject=subject,
                    once=f"{details['id']}:{subject}",
                    invited_by=_uuid_or_none(actor.id),
                    created_at=now,
                )
            )
            emailed = await _email(sealer, details, subject, actor, sender)
            if emailed:
                await InterestInvitation.update({InterestInvitation.told_at: now}).where(
                    InterestInvitation.once == f"{details['id']}:{subject}"
                )
            await audit.record(
                actor,
                audit.Action.change,
                subject=subject,
                field_group="interest",
                purpose="invite",
            )
    except Exception as error:
        if not is_duplicate(error):
            raise
        return None
    return emailed


def invitation_text(title: str, link: str, safe_contact: bool) -> str:
    """Kind, no pressure; for safe contact, nothing naming the programme or the work. In the
    current language (the caller sets the person's own)."""
    if safe_contact:
        liked = _(
            "We think you might like something you could take part in. It fits what you told "
            "us you want to do."
        )
    else:
        liked = _(
            'We think you might like "%(title)s". It fits what you told us you want to do.'
        ) % {"title": title}
    here = _("You can read about it, and tell us if you are interested, here: %(link)s")
    no_need = _(
        "There is no need to reply if it is not for you. You can change how often we contact "
        "you, or pause contact, at any time on your profile."
    )
    parts = (_("Hello,"), liked, here % {"link": link}, no_need)
    return "\n\n".join(parts) + "\n"


async def _email(
    sealer: Sealer, details: dict[str, Any], subject: UUID, actor: audit.Actor, sender: Sender
) -> bool:
    route = await contact.route_for(sealer, subject, actor)
    if route.route != "email" or route.email is None:
        return False
    link = f"{sender.public_url}/take-part/{details['id']}"
    with i18n.use_locale(route.language):
        text = invitation_text(details["title"], link, route.safe_contact)
        subject_line = _("A chance to take part")
    contact.check_discreet(route, text, (details["title"],))
    email = mail.Email(to=route.email.reveal(), subject=subject_line, text=text)
    await mail.queue(sealer, subject, email, sender.mail_from)
    return True


def _uuid_or_none(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None
