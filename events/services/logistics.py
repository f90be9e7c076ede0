"""The logistics list: what to arrange for an event, made from the access and travel needs of
the people coming (accepted or tentative), and only for those who agree to share their needs
with organisers.

Organisers read each profile as ``"organiser"`` (``participation.services.profiles.read``), so
a person who has not agreed to share gets no items at all: the page only counts them. An item
says what to arrange and, for per-person items, for whom ("a taxi for Ann"); never why. No
lived experience is read here, and nothing is stored that the person did not write as a need.

The "anything else" free text (``AccessNeeds.other``) is a need the person wrote for the people
organising their events, so organisers may read it, but only while the person shares their
needs: it is never copied into the logistics table (it could hold more than a need), it is read
from the profile each time the list is shown, and it disappears the moment sharing stops.

Venue gaps are shown before anyone is invited (``venue_gaps``): how many of the people
selected for the event's opportunity need something the venue does not list, counted from the
same needs and the same venue-feature mapping as the list, and only for people who share their
needs with organisers.

Regenerating is safe: items already there keep their owner, status and cost; new needs add
items; "to do" items nobody needs any more (the person declined, stopped sharing or changed
their needs) are removed. Booked items stay, so someone can cancel the booking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

from app import audit
from app.db import transaction
from app.errors import DomainError, FieldError, NotFound
from app.sealed import Sealer
from app.tables import Account
from events import vocabulary
from events.services import scheduling
from events.tables import Invitation, LogisticsItem
from participation.schemas import AccessNeeds
from participation.services import consent, profiles, review, selection

COMING = ("accepted", "tentative")
NEEDS: dict[str, str] = {
    "step_free": "Step-free access",
    "wheelchair_space": "Space for a wheelchair",
    "hearing_loop": "A hearing loop",
    "bsl": "A British Sign Language (BSL) interpreter",
    "interpreter": "An interpreter for a spoken language",
    "easy_read": "Easy Read papers",
    "large_print": "Large print papers",
    "quiet_room": "A quiet room",
    "breaks": "Regular breaks",
    "companion": "A place for a carer or personal assistant",
    "dietary": "Food for a dietary need",
    "taxi": "A taxi",
    "paid_in_advance": "Travel paid for in advance",
    "met_on_arrival": "Someone to meet them on arrival",
    "other": "Something else they asked for",
}
"""What an organiser arranges, in the order the list shows it."""

IN_PERSON_ONLY = frozenset(
    {
        "step_free",
        "wheelchair_space",
        "hearing_loop",
        "quiet_room",
        "companion",
        "dietary",
        "taxi",
        "paid_in_advance",
        "met_on_arrival",
    }
)
"""Needs that mean nothing for an online event (the person joins from where they are)."""

STATUSES: dict[str, str] = {"to_do": "To do", "booked": "Booked", "not_needed": "Not needed"}
MAX_PENCE = 100_000_00
COST = re.compile(r"^£?\s*(\d{1,6})(?:\.(\d{1,2}))?$")
COST_MESSAGE = "Enter the estimated cost in pounds, like 12.50"


@dataclass(frozen=True)
class VenueGap:
    """``people`` of the selected people need ``need``, which the venue does not list."""

    need: str
    label: str
    people: int

    @property
    def what(self) -> str:
        """The need mid-sentence: "A hearing loop" -> "a hearing loop"."""
        return self.label[:1].lower() + self.label[1:]


@dataclass
class Gaps:
    """What the venue lacks for the selection; ``not_shared`` people could not be counted."""

    gaps: list[VenueGap] = field(default_factory=list)
    not_shared: int = 0
    uninvited: int = 0


@dataclass
class Generated:
    added: int = 0
    kept: int = 0
    removed: int = 0
    not_shared: int = 0


def needs_of(needs: AccessNeeds) -> list[tuple[str, str]]:
    """(need, detail) pairs from one person's shared needs; detail only where it says what to
    book (the interpreter's language, the food). The 'other' text is left out: see above."""
    found = [
        (code, needs.interpreter_language if code == "interpreter" else "")
        for code in needs.adjustments
        if code in NEEDS and code != "dietary"
    ]
    if "dietary" in needs.adjustments or needs.dietary:
        found.append(("dietary", needs.dietary[:200]))
    found += [(code, "") for code in needs.travel_help if code in NEEDS]
    if needs.other.strip():
        found.append(("other", ""))
    return found


async def generate(sealer: Sealer, event: UUID, actor: audit.Actor) -> Generated:
    """Make (or bring up to date) the event's list from the needs of everyone coming."""
    row, venue = await scheduling.get(event)
    online = row["mode"] == "online"
    features = set((venue or {}).get("features", "").split(","))
    wanted: dict[tuple[UUID, str], tuple[str, bool]] = {}
    result = Generated()
    for subject in await coming(event):
        shared = await _shared_needs(sealer, subject, actor)
        if shared is None:
            result.not_shared += 1
            continue
        for need, detail in needs_of(shared):
            if online and need in IN_PERSON_ONLY:
                continue
            wanted[(subject, need)] = (detail, venue_lacks(need, features))
    async with transaction():
        await _apply(event, wanted, result)
        await audit.record(actor, audit.Action.change, field_group="logistics", purpose="generate")
    return result


def venue_lacks(need: str, features: set[str]) -> bool:
    """True when a venue feature meets this need and the venue does not list it."""
    feature = vocabulary.NEEDS_A_FEATURE.get(need)
    return feature is not None and feature not in features


async def venue_gaps(sealer: Sealer, event: UUID, actor: audit.Actor) -> Gaps:
    """Before inviting: per need, how many selected people need what the venue does not list.

    Counts the opportunity's selection, less anyone who already said they cannot come; reads
    each profile as an organiser (one audited view per person), so people who do not share
    their needs are only counted as ``not_shared``. Online events have no venue to lack things.
    """
    row, venue = await scheduling.get(event)
    if row["mode"] == "online" or not row["opportunity"]:
        return Gaps()
    features = set((venue or {}).get("features", "").split(","))
    replies = {
        r["subject"]: r["reply"]
        for r in await Invitation.select(Invitation.subject, Invitation.reply).where(
            Invitation.event == event
        )
    }
    chosen = [
        s for s in await selection.selected(row["opportunity"]) if replies.get(s) != "declined"
    ]
    result = Gaps(uninvited=sum(1 for s in chosen if s not in replies))
    counts: dict[str, int] = {}
    for subject in chosen:
        shared = await _shared_needs(sealer, subject, actor)
        if shared is None:
            result.not_shared += 1
            continue
        for need in {need for need, _ in needs_of(shared) if venue_lacks(need, features)}:
            counts[need] = counts.get(need, 0) + 1
    result.gaps = [VenueGap(need, NEEDS[need], counts[need]) for need in NEEDS if need in counts]
    return result


async def coming(event: UUID) -> list[UUID]:
    rows = await Invitation.select(Invitation.subject).where(
        (Invitation.event == event) & Invitation.reply.is_in(list(COMING))
    )
    return [r["subject"] for r in rows]


async def not_shared(event: UUID) -> int:
    """How many people coming have not agreed to share their needs with organisers."""
    count = 0
    for subject in await coming(event):
        if not (await consent.current(subject)).get("share_access_needs", False):
            count += 1
    return count


async def items(event: UUID) -> list[dict[str, Any]]:
    """The event's items, grouped by need in the list's order."""
    await scheduling.get(event)
    rows = await LogisticsItem.select().where(LogisticsItem.event == event)
    order = list(NEEDS)
    return sorted(rows, key=lambda r: order.index(r["need"]) if r["need"] in NEEDS else 99)


async def other_needs(sealer: Sealer, subjects: list[UUID], actor: audit.Actor) -> dict[UUID, str]:
    """The 'anything else' text of these people, read now and only while they share it."""
    found = {}
    for subject in subjects:
        shared = await _shared_needs(sealer, subject, actor)
        if shared is not None and shared.other.strip():
            found[subject] = shared.other.strip()
    return found


async def names(
    sealer: Sealer, subjects: list[UUID], actor: audit.Actor, purpose: str
) -> dict[UUID, str]:
    """Preferred names of the people on a list, with one audited view per person shown."""
    unique = list(dict.fromkeys(subjects))
    opened = await review.names_of(sealer, unique)
    await audit.record_views(actor, unique, field_group="identity", purpose=purpose)
    return {subject: name.reveal() if name else "" for subject, name in opened.items()}


async def staff_names(sealer: Sealer, accounts: list[UUID]) -> dict[UUID, str]:
    """Who owns each item (staff accounts' display names)."""
    rows = await Account.select().where(Account.id.is_in(list(set(accounts)) or [uuid4()]))
    found = {}
    for row in rows:
        name = (await sealer.open(Account, row, ("display_name",)))["display_name"]
        found[row["id"]] = name.reveal() if name else "A member of staff"
    return found


def parse_cost(text: str) -> int:
    """'12.50' (or '£12.5', '12') -> 1250 pence; blank is nothing yet."""
    cleaned = text.strip().replace(",", "")
    if not cleaned:
        return 0
    match = COST.match(cleaned)
    if match is None:
        raise DomainError(COST_MESSAGE, errors=[FieldError("cost", COST_MESSAGE)])
    pence = int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))
    if pence > MAX_PENCE:
        message = "Enter an estimated cost of £100,000 or less"
        raise DomainError(message, errors=[FieldError("cost", message)])
    return pence


async def update(
    event: UUID,
    item: UUID,
    actor: audit.Actor,
    *,
    status: str,
    cost_pence: int,
    owner: UUID | bool | None = False,
) -> None:
    """Change one item; ``owner`` False leaves the owner as it is, None clears it."""
    if status not in STATUSES:
        message = "Select to do, booked or not needed"
        raise DomainError(message, errors=[FieldError("status", message)])
    values: dict[Any, Any] = {LogisticsItem.status: status, LogisticsItem.cost_pence: cost_pence}
    if owner is not False:
        values[LogisticsItem.owner] = owner
    async with transaction():
        changed = (
            await LogisticsItem.update(values)
            .where((LogisticsItem.id == item) & (LogisticsItem.event == event))
            .returning(LogisticsItem.id)
        )
        if not changed:
            raise NotFound("There is no such item on this event's list.")
        await audit.record(actor, audit.Action.change, field_group="logistics", purpose="update")


async def _shared_needs(sealer: Sealer, subject: UUID, actor: audit.Actor) -> AccessNeeds | None:
    try:
        profile = await profiles.read(sealer, subject, actor, "organiser")
    except NotFound:  # erased since they replied
        return None
    return profile.access_needs


async def _apply(
    event: UUID, wanted: dict[tuple[UUID, str], tuple[str, bool]], result: Generated
) -> None:
    existing = {
        (r["subject"], r["need"]): r
        for r in await LogisticsItem.select().where(LogisticsItem.event == event)
    }
    gone = [r["id"] for key, r in existing.items() if key not in wanted and r["status"] == "to_do"]
    if gone:
        await LogisticsItem.delete().where(LogisticsItem.id.is_in(gone))
    result.removed = len(gone)
    new = []
    for (subject, need), (detail, gap) in wanted.items():
        current = existing.get((subject, need))
        if current is None:
            new.append(
                LogisticsItem(
                    id=uuid4(),
                    event=event,
                    subject=subject,
                    need=need,
                    detail=detail,
                    venue_gap=gap,
                )
            )
            continue
        result.kept += 1
        if (current["detail"], current["venue_gap"]) != (detail, gap):
            await LogisticsItem.update(
                {LogisticsItem.detail: detail, LogisticsItem.venue_gap: gap}
            ).where(LogisticsItem.id == current["id"])
    if new:
        await LogisticsItem.insert(*new)
    result.added = len(new)
