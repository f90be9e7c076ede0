"""What the remuneration policy in force pays for an opportunity, and which ways of being paid
it offers: the first thing a person reads before choosing how to be paid.

The amount is worked out per session from the opportunity's events (``policy.fee_for`` on each
event's kind and length). With no approved policy nothing is known, and the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from app.i18n import N_
from app.i18n import gettext as _
from events.services import attendance, ics, scheduling
from participation.services import opportunities
from payments.money import pounds
from payments.services import policy

CHOICES = {
    "full": N_("The full fee"),
    "reduced": N_("A smaller amount"),
    "voucher": N_("A voucher instead of money"),
    "charity": N_("Give my fee to a charity"),
    "expenses_only": N_("No fee. Just pay back my expenses"),
}
"""Marked for translation: shown with ``_(label)``."""
METHODS = {
    "reduced": "reduced_amount",
    "voucher": "e_voucher",
    "charity": "pay_to_charity",
    "expenses_only": "expenses_only",
}
"""The policy's payment method for each choice (the full fee: ``MONEY_METHODS``)."""
MONEY_METHODS = ("bank_transfer", "cash", "cheque", "prepaid_card")
"""How the full fee is paid: the first of these the policy offers."""
ALWAYS = ("full", "reduced", "expenses_only")
"""Offered whatever the policy says: taking less or nothing is every person's right."""
ACTIVITY_OF = {
    "method_statements": "question_writing",
    "market_events": "market_event",
    "evaluation_panels": "evaluation_panel",
    "interviews": "interview_panel",
    "peer_research": "peer_research",
    "surveys": "survey",
    "steering_groups": "steering_group",
}
"""An opportunity's activity (participation's words) as the policy's, where one matches."""


@dataclass(frozen=True)
class Session:
    title: str
    when: str
    minutes: int
    fee_pence: int | None


@dataclass(frozen=True)
class Offer:
    """What the policy pays for this opportunity (nothing known when there is no policy)."""

    policy_title: str | None
    sessions: tuple[Session, ...]
    rate_words: str
    payment_offer: str
    offered: dict[str, str]
    full_method: str = "bank_transfer"

    @property
    def fee_pence(self) -> int | None:
        """One session's fee: the amount the facts test against a limit."""
        fees = [s.fee_pence for s in self.sessions if s.fee_pence is not None]
        return fees[0] if fees else None


async def offer_for(opportunity: UUID, on: date) -> Offer:
    """What the policy in force pays for the opportunity's sessions (none known: say so)."""
    found = await opportunities.get(opportunity)
    in_force = await policy.current(on)
    events = await scheduling.of_opportunity(opportunity)
    offered = dict(CHOICES)
    if in_force is None:
        return Offer(
            None, tuple(_session(e, None) for e in events), "", found["payment_offer"], offered
        )
    methods = in_force.draft.methods
    offered = {c: w for c, w in CHOICES.items() if c in ALWAYS or METHODS[c] in methods}
    return Offer(
        in_force.title,
        tuple(_session(e, in_force) for e in events),
        _rate_words(in_force, found["activity"]),
        found["payment_offer"],
        offered,
        next((m for m in MONEY_METHODS if m in methods), "bank_transfer"),
    )


def _session(event: dict[str, Any], in_force: policy.PolicyView | None) -> Session:
    minutes = attendance.length_minutes(event)
    fee = policy.fee_for(in_force, event["kind"], minutes) if in_force else None
    return Session(
        event["title"], ics.when(event["starts_at"]), minutes, fee.amount_pence if fee else None
    )


def _rate_words(in_force: policy.PolicyView, activity: str) -> str:
    """'£25 an hour', from the policy's rate for the opportunity's activity, if any."""
    wanted = ACTIVITY_OF.get(activity)
    rate = next(
        (r for r in in_force.draft.rates if r.activity == wanted and r.role_level == "participant"),
        None,
    )
    if rate is None:
        return ""
    per = {
        "hour": _("%(amount)s an hour"),
        "half_day": _("%(amount)s a half day"),
        "day": _("%(amount)s a day"),
        "task": _("%(amount)s a task"),
    }
    return per[rate.unit] % {"amount": pounds(rate.amount_pence)}
