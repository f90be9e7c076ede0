"""Expense claims: paying people back what taking part cost them, so they are never out of pocket.

Expenses are reimbursed costs, not earnings. A person (or a coordinator, organiser or finance
officer on their behalf) claims for an event or an opportunity, under a kind of expense the
policy in force offers. The rule decides the amount: the receipted cost as typed, miles times
the rate, or the flat rate; never more than its cap. Where the rule needs a receipt, there is
no claim without one. What it was for and the receipt are sealed under the finance key.

Finance approves (never the person who claimed, nor someone approving their own claim): that
proposes one ledger entry of kind "expense" (``once`` = ``expense:<claim>``, so pressing twice
makes one) and records it on the claim in the same transaction. A rejection keeps its reason,
shown to the person in plain words. Every read of what a claim was for, or of its receipt, is
audited.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from app import audit, i18n
from app.db import transaction
from app.errors import Conflict, DomainError, FieldError, Forbidden, NotFound
from app.i18n import N_
from app.i18n import gettext as _
from app.sealed import Sealer
from events.services import guests, scheduling
from payments import vocabulary
from payments.money import pounds
from payments.schemas import ExpenseRule
from payments.services import ledger, policy
from payments.tables import ExpenseClaim

LONDON = ZoneInfo("Europe/London")
MAX_RECEIPT_BYTES = 5 * 1024 * 1024
"""5 MB: a phone photo or a scan fits; anything bigger is refused with a message."""
MAX_MILES = 1000
MAX_DETAILS = 500
RECEIPT_TYPES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"%PDF-": "application/pdf",
}
"""What a receipt may be, known by its first bytes (never by its name): JPEG, PNG or PDF."""
STAFF = frozenset({"coordinator", "organiser", "finance", "admin"})
DECIDERS = frozenset({"finance", "admin"})
ADVANCE_WORDS = N_("Paid before the event so you are never out of pocket")
STATUS_WORDS = {
    "submitted": N_("Waiting for finance to check it"),
    "approved": N_("Approved. We will pay it soon"),
    "rejected": N_("Not approved"),
}
"""Marked for translation: ``ClaimView.status_words`` gives them in the reader's language."""
RECEIPT_NEEDED = N_("Add a photo or scan of the receipt")
EVENT_NEEDED = N_("Choose the event the cost was for")
CLAIM_WINDOW = timedelta(days=180)
"""How far back a person can claim on their own: events that ended within about six months."""


@dataclass(frozen=True)
class Receipt:
    """An uploaded receipt: its bytes and the type its first bytes show."""

    content: bytes
    media_type: str


@dataclass(frozen=True)
class Claim:
    """What a person claims; ``amount_pence`` is read only for receipted costs, ``miles`` only
    for mileage."""

    subject: UUID
    category: str
    details: str
    event: UUID | None = None
    opportunity: UUID | None = None
    amount_pence: int | None = None
    miles: int | None = None
    in_advance: bool = False
    receipt: Receipt | None = None


@dataclass(frozen=True)
class ClaimView:
    """A claim without what is sealed: safe to list without an audit event."""

    id: UUID
    subject: UUID
    event: UUID | None
    opportunity: UUID | None
    category: str
    amount_pence: int
    miles: int | None
    in_advance: bool
    status: str
    reason: str
    has_receipt: bool
    receipt_type: str
    submitted_by: UUID | None
    submitted_at: datetime
    decided_by: UUID | None
    entry: UUID | None
    agree_first: bool

    @property
    def category_words(self) -> str:
        return category_words(self.category)

    @property
    def status_words(self) -> str:
        return _(STATUS_WORDS[self.status]) if self.status in STATUS_WORDS else self.status

    @property
    def amount(self) -> str:
        return pounds(self.amount_pence)


def category_words(category: str) -> str:
    """A kind of expense in the reader's language ('Taxi', 'Tacsi')."""
    return _(vocabulary.EXPENSES[category]) if category in vocabulary.EXPENSES else category


def receipt_from(content: bytes) -> Receipt:
    """Check an upload: not empty, 5 MB at most, and a JPEG, PNG or PDF by its first bytes."""
    if not content:
        raise _invalid("receipt", _("The receipt file is empty. Choose the photo or scan again"))
    if len(content) > MAX_RECEIPT_BYTES:
        raise _invalid("receipt", _("The receipt must be smaller than 5 MB"), status=413)
    for magic, media_type in RECEIPT_TYPES.items():
        if content.startswith(magic):
            return Receipt(content, media_type)
    raise _invalid("receipt", _("The receipt must be a JPEG, PNG or PDF file"))


async def rules_in_force(on: date | None = None) -> dict[str, ExpenseRule]:
    """The kinds of expense the policy in force pays, by category (none without a policy)."""
    in_force = await policy.current(on or _today())
    return {rule.category: rule for rule in in_force.draft.expense_rules} if in_force else {}


def what_it_pays(rule: ExpenseRule) -> str:
    """'The actual cost, with a receipt, up to £20', '45p a mile', 'A flat £5'... (in the
    reader's language: each piece is a whole phrase to translate)."""
    rate = {"amount": pounds(rule.rate_pence), "pence": rule.rate_pence}
    if rule.basis == "per_mile":
        words = _("%(pence)sp a mile") if rule.rate_pence < 100 else _("%(amount)s a mile")
        words %= rate
    elif rule.basis == "flat":
        words = _("A flat %(amount)s") % rate
    else:
        words = _("The actual cost, with a receipt") if rule.receipt_required else ""
        words = words or _("The actual cost")
    if rule.cap_pence is not None:
        words += _(", up to %(amount)s") % {"amount": pounds(rule.cap_pence)}
    if rule.pre_approval_required:
        words += _(". Agree it with us first")
    if rule.advance_allowed:
        words += _(". We can pay it before the event")
    return words


async def claimable_events(subject: UUID) -> dict[UUID, str]:
    """The events a person was invited to and did not decline, recent or ahead, by id with
    their title and day: what they may claim for themselves."""
    shown: dict[UUID, str] = {}
    for event in await scheduling.upcoming(now=datetime.now(UTC) - CLAIM_WINDOW):
        if event["status"] == "cancelled":
            continue
        invited = await guests.of_event(event["id"])
        if any(i["subject"] == subject and i["reply"] != "declined" for i in invited):
            day = i18n.day(event["starts_at"].astimezone(LONDON).date())
            shown[event["id"]] = f"{event['title']}, {day}"
    return shown


async def submit(sealer: Sealer, claim: Claim, actor: audit.Actor) -> UUID:
    """Record a claim, checked against the policy in force (one transaction; nothing is written
    when anything is wrong)."""
    _may_submit(claim.subject, actor)
    rule = (await rules_in_force()).get(claim.category)
    if rule is None:
        raise _invalid("category", _("Choose a kind of expense from the list"))
    amount = _amount(claim, rule)
    await _check(claim, rule, amount)
    await _own_event(claim, actor)
    row = uuid4()
    receipt = claim.receipt
    async with transaction():
        sealed = await sealer.seal(
            ExpenseClaim,
            row,
            claim.subject,
            {
                "details": claim.details.strip(),
                "receipt": base64.b64encode(receipt.content).decode() if receipt else None,
            },
        )
        await ExpenseClaim.insert(
            ExpenseClaim(
                id=row,
                subject=claim.subject,
                event=claim.event,
                opportunity=claim.opportunity,
                category=claim.category,
                amount_pence=amount,
                miles=claim.miles if rule.basis == "per_mile" else None,
                receipt_type=receipt.media_type if receipt else "",
                in_advance=claim.in_advance,
                submitted_by=UUID(actor.id),
                **sealed,
            )
        )
        await _audit(actor, audit.Action.change, claim.subject, "claim")
    return row


async def approve(claim: UUID, actor: audit.Actor) -> UUID:
    """Approve a claim: propose its ledger entry and record it on the claim, together. Pressing
    twice gives the same entry; the person who claimed (or the claimant) cannot approve."""
    _must_decide(actor)
    async with transaction():
        row = await _row(claim)
        _not_own(row, actor)
        if row["status"] == "approved" and row["entry"] is not None:
            return UUID(str(row["entry"]))
        _still_submitted(row)
        entry = await ledger.propose(
            ledger.Proposal(
                subject=row["subject"],
                kind="expense",
                amount_pence=row["amount_pence"],
                policy=await _policy_id(),
                event=row["event"],
                opportunity=row["opportunity"],
                description=vocabulary.EXPENSES.get(row["category"], row["category"]),
                once=f"expense:{claim}",
            ),
            actor,
        )
        await ExpenseClaim.update(
            {
                ExpenseClaim.status: "approved",
                ExpenseClaim.entry: entry,
                ExpenseClaim.decided_by: UUID(actor.id),
                ExpenseClaim.decided_at: datetime.now(UTC),
            }
        ).where((ExpenseClaim.id == claim) & (ExpenseClaim.status == "submitted"))
        await _audit(actor, audit.Action.change, row["subject"], "approve")
    return entry


async def reject(claim: UUID, reason: str, actor: audit.Actor) -> None:
    """Turn a claim down with a reason the person will read."""
    _must_decide(actor)
    words = reason.strip()
    if not 1 <= len(words) <= 300:
        raise _invalid("reason", "Say why, in plain words (300 characters or fewer)")
    async with transaction():
        row = await _row(claim)
        _not_own(row, actor)
        _still_submitted(row)
        await ExpenseClaim.update(
            {
                ExpenseClaim.status: "rejected",
                ExpenseClaim.reason: words,
                ExpenseClaim.decided_by: UUID(actor.id),
                ExpenseClaim.decided_at: datetime.now(UTC),
            }
        ).where(ExpenseClaim.id == claim)
        await _audit(actor, audit.Action.change, row["subject"], "reject")


async def claims(
    *, subject: UUID | None = None, status: str | None = None, limit: int = 200
) -> list[ClaimView]:
    """Claims, newest first: one person's, or those in one status (nothing sealed, no audit)."""
    query = ExpenseClaim.select(*_VIEW_COLUMNS)
    if subject is not None:
        query = query.where(ExpenseClaim.subject == subject)
    if status is not None:
        query = query.where(ExpenseClaim.status == status)
    rows = await query.order_by(ExpenseClaim.submitted_at, ascending=False).limit(limit)
    rules = await rules_in_force()
    return [_view(row, rules) for row in rows]


async def details_of(
    sealer: Sealer, claims_shown: list[ClaimView], actor: audit.Actor
) -> dict[UUID, str]:
    """What each claim was for (finance only; one audit event per person shown)."""
    _must_decide(actor)
    ids = [claim.id for claim in claims_shown]
    if not ids:
        return {}
    rows = await ExpenseClaim.select(ExpenseClaim.id, ExpenseClaim.details).where(
        ExpenseClaim.id.is_in(ids)
    )
    found: dict[UUID, str] = {}
    for row in rows:
        opened = (await sealer.open(ExpenseClaim, row, ("details",)))["details"]
        found[row["id"]] = opened.reveal() if opened else ""
    async with transaction():
        await audit.record_views(
            actor,
            sorted({claim.subject for claim in claims_shown}, key=str),
            field_group="expense claim",
            purpose="check a claim",
        )
    return found


async def receipt_of(sealer: Sealer, claim: UUID, actor: audit.Actor) -> Receipt:
    """The receipt of one claim (finance only; an audited read)."""
    _must_decide(actor)
    row = await _row(claim)
    if row["receipt"] is None:
        raise NotFound("This claim has no receipt.")
    opened = (await sealer.open(ExpenseClaim, row, ("receipt",)))["receipt"]
    if opened is None:
        raise NotFound("This claim has no receipt.")
    async with transaction():
        await _audit(actor, audit.Action.view, row["subject"], "receipt")
    return Receipt(base64.b64decode(opened.reveal()), row["receipt_type"])


def _amount(claim: Claim, rule: ExpenseRule) -> int:
    """The amount the rule pays: typed (receipted), miles times the rate, or the flat rate."""
    if rule.basis == "per_mile":
        if claim.miles is None or not 1 <= claim.miles <= MAX_MILES:
            message = _("Enter how many miles, a whole number from 1 to %(most)s")
            raise _invalid("miles", message % {"most": MAX_MILES})
        return claim.miles * rule.rate_pence
    if rule.basis == "flat":
        return rule.rate_pence
    if claim.amount_pence is None or claim.amount_pence <= 0:
        raise _invalid("amount", _("Enter how much it cost, like 4.50"))
    return claim.amount_pence


async def _check(claim: Claim, rule: ExpenseRule, amount: int) -> None:
    words = {"what": category_words(claim.category).lower(), "most": MAX_DETAILS}
    if rule.cap_pence is not None and amount > rule.cap_pence:
        message = _("The most we pay for %(what)s is %(amount)s")
        message %= words | {"amount": pounds(rule.cap_pence)}
        raise _invalid("miles" if rule.basis == "per_mile" else "amount", message)
    if claim.in_advance and not rule.advance_allowed:
        message = _("We cannot pay %(what)s before the event. Claim it after") % words
        raise _invalid("in_advance", message)
    if not 1 <= len(claim.details.strip()) <= MAX_DETAILS:
        message = _("Say what the cost was for, in %(most)s characters or fewer") % words
        raise _invalid("details", message)
    if rule.receipt_required and claim.receipt is None:
        raise _invalid("receipt", _(RECEIPT_NEEDED))
    if claim.event is None and claim.opportunity is None:
        raise _invalid("event", _(EVENT_NEEDED))
    if claim.event is not None:
        await scheduling.get(claim.event)  # 404 when there is no such event


async def _own_event(claim: Claim, actor: audit.Actor) -> None:
    """A person claiming for themselves names one of their own events."""
    if actor.id != str(claim.subject) or claim.event is None:
        return
    if claim.event not in await claimable_events(claim.subject):
        raise _invalid("event", _("Choose one of your events from the list"))


def _may_submit(subject: UUID, actor: audit.Actor) -> None:
    if actor.id != str(subject) and not _roles(actor) & STAFF:
        raise Forbidden(_("You can only claim your own expenses."))


def _must_decide(actor: audit.Actor) -> None:
    if not _roles(actor) & DECIDERS:
        raise Forbidden("Only finance can check expense claims.")


def _not_own(row: dict[str, Any], actor: audit.Actor) -> None:
    if actor.id in (str(row["submitted_by"]), str(row["subject"])):
        raise Forbidden("You made this claim, so someone else in finance must check it.")


def _still_submitted(row: dict[str, Any]) -> None:
    if row["status"] != "submitted":
        raise Conflict(f"This claim has already been {row['status']}.")


def _roles(actor: audit.Actor) -> set[str]:
    return set(actor.role.split(","))


async def _row(claim: UUID) -> dict[str, Any]:
    row = await ExpenseClaim.select().where(ExpenseClaim.id == claim).first()
    if row is None:
        raise NotFound("There is no such expense claim.")
    return dict(row)


async def _policy_id() -> UUID | None:
    in_force = await policy.current(_today())
    return in_force.id if in_force else None


async def _audit(actor: audit.Actor, action: audit.Action, subject: UUID, purpose: str) -> None:
    await audit.record(actor, action, subject=subject, field_group="expense claim", purpose=purpose)


def _invalid(field: str, message: str, status: int = 400) -> DomainError:
    return DomainError(message, errors=[FieldError(field, message)], status_code=status)


def _today() -> date:
    return datetime.now(LONDON).date()


def _view(row: dict[str, Any], rules: dict[str, ExpenseRule]) -> ClaimView:
    rule = rules.get(row["category"])
    return ClaimView(
        **row,
        has_receipt=bool(row["receipt_type"]),
        agree_first=bool(rule and rule.pre_approval_required),
    )


_VIEW_COLUMNS = (
    ExpenseClaim.id,
    ExpenseClaim.subject,
    ExpenseClaim.event,
    ExpenseClaim.opportunity,
    ExpenseClaim.category,
    ExpenseClaim.amount_pence,
    ExpenseClaim.miles,
    ExpenseClaim.in_advance,
    ExpenseClaim.status,
    ExpenseClaim.reason,
    ExpenseClaim.receipt_type,
    ExpenseClaim.submitted_by,
    ExpenseClaim.submitted_at,
    ExpenseClaim.decided_by,
    ExpenseClaim.entry,
)
