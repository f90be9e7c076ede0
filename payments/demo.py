"""Demo payments: the benefit figures, an approved remuneration policy, and two people who told
us about their benefits (with consent); the one selected for the housing panel has chosen how
to be paid after reading the facts. Runs after the events demo."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from app import audit
from app.demo import DEMO_PARTICIPANT_EMAIL
from app.sealed import Sealer
from participation.services import opportunities, profiles, selection
from payments.schemas import ExpenseRule, PolicyDraft, Rate
from payments.services import benefit_rules, benefits, choices, policy, thresholds
from payments.tables import BenefitDeclaration, PaymentChoice

DEMO_ADMIN = audit.Actor(id="00000000-0000-4000-8000-00000000de70", role="admin")
POLICY = PolicyDraft(
    name="Northshire involvement payments",
    effective_from=date(2026, 4, 1),
    methods=["bank_transfer", "e_voucher", "pay_to_charity", "reduced_amount", "expenses_only"],
    pay_within_working_days=10,
    cost_centre="ASC-COPROD",
    fee_ledger_code="5120",
    expense_ledger_code="5125",
    rates=[
        Rate(activity="evaluation_panel", amount_pence=2500),
        Rate(activity="workshop", amount_pence=2500, prep_minutes=30),
        Rate(activity="steering_group", amount_pence=2500),
        Rate(activity="market_event", unit="half_day", amount_pence=5000),
        Rate(activity="question_writing", unit="task", amount_pence=4000),
    ],
    expense_rules=[
        ExpenseRule(category="public_transport"),
        ExpenseRule(category="mileage_car", basis="per_mile", rate_pence=45),
        ExpenseRule(category="taxi", pre_approval_required=True, advance_allowed=True),
        ExpenseRule(category="replacement_care", advance_allowed=True),
    ],
)


async def is_empty() -> bool:
    return bool(await BenefitDeclaration.count() == 0 and await PaymentChoice.count() == 0)


async def populate(sealer: Sealer) -> list[str]:
    loaded = await thresholds.ensure_loaded()
    if await policy.current(date.today()) is None:
        made = await policy.create_draft(POLICY, DEMO_ADMIN)
        await policy.approve(made, "Cabinet decision 2026/41", DEMO_ADMIN)
    jordan = await profiles.find_by_email(sealer, DEMO_PARTICIPANT_EMAIL)
    if jordan is not None:
        await _declare(sealer, jordan, benefit_rules.Declared(("UC",), "no", "yes", 14))
    housing = (await opportunities.open_now())[0]
    chosen = await selection.selected(housing["id"])
    for subject in chosen[:1]:
        await _declare(sealer, subject, benefit_rules.Declared(("ESA", "PIP")))
        answer = choices.Answer(choice="reduced", reduced="20.00", advice="yes")
        await choices.record(sealer, subject, housing["id"], answer, _self(subject))
    chose = ", who chose a smaller fee after reading the facts" if chosen else ""
    return [
        f"{loaded} benefit and tax figures for 2025/26 and 2026/27, and an approved "
        "remuneration policy paying £25 an hour for panels",
        f"benefits told to us with consent by {DEMO_PARTICIPANT_EMAIL} and by the person "
        f"selected for the housing panel{chose}",
    ]


async def _declare(sealer: Sealer, subject: UUID, declared: benefit_rules.Declared) -> None:
    await benefits.declare(sealer, subject, declared, consented=True, actor=_self(subject))


def _self(subject: UUID) -> audit.Actor:
    return audit.Actor(id=str(subject), role="participant")
