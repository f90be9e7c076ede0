"""What a person tells us about their benefits, and the facts that follow: never advice.

With the "benefit_information" consent (given on the same form), a person says which benefits
they get, and for Universal Credit whether they have a work allowance and when their
assessment period starts, and for Carer's Allowance what else they earn. It is sealed under
their own key; every read is audited; withdrawing the consent deletes it (and a read finds
nothing without the consent, deleting what is left).

``assess`` turns a declaration, the figures in force and the money already paid in the
benefit week (Monday to Sunday) or UC assessment period into facts: the limit, the running
total, and whether a new payment would pass it. The person sees them with their benefits
named; finance sees ``warnings_for``: the same checks, in words that name no benefit. The
rules themselves are pure functions in ``benefit_rules``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid4

from app import audit
from app.db import transaction
from app.errors import DomainError, FieldError
from app.i18n import N_
from app.i18n import gettext as _
from app.retention import RetentionRun
from app.sealed import Sealer
from participation.services import consent
from payments.services import ledger
from payments.services.benefit_rules import (
    ALONE,
    BENEFITS,
    YES_NO_UNSURE,
    Declared,
    Fact,
    assess,
    assessment_period,
    benefit_week,
)
from payments.services.thresholds import in_force
from payments.tables import BenefitDeclaration

PURPOSE = "benefit_information"
FIELD_GROUP = "benefits"

OVER = "This payment may take the person over a limit they told us about."
REDUCES = "This payment may reduce a benefit the person told us about."
AFFECTS = "This payment may affect a benefit the person told us about. It depends on local rules."
REPORT = "The person may need to tell a benefits office that they are taking part."
FINANCE_WORDS = {
    "uc_taper": REDUCES,
    "uc_work_allowance_housing": OVER,
    "uc_work_allowance_no_housing": OVER,
    "esa_pw_lower_weekly": OVER,
    "esa_pw_higher_weekly": OVER,
    "ca_earnings_limit_weekly": OVER,
    "is_disregard_standard": REDUCES,
    "jsa_disregard_standard": REDUCES,
    "hb_disregard_single": REDUCES,
    "pc_disregard_single": REDUCES,
    "ctr_local_scheme": AFFECTS,
    "change_of_circumstances": REPORT,
}
"""What finance reads for each rule: never the benefit's name (a rule key names it, so
finance pages show ``Warning.text`` only)."""
DAY_PROBLEM = N_("Enter a day from 1 to 31, or leave it")
SYSTEM = audit.Actor(id="system", role="payment warnings")


@dataclass(frozen=True)
class Warning:
    """A fact for finance before approving: ``text`` names no benefit; ``rule_key`` does."""

    rule_key: str
    text: str


async def declare(
    sealer: Sealer,
    subject: UUID,
    declared: Declared,
    *,
    consented: bool,
    actor: audit.Actor,
    channel: str = "web",
) -> UUID:
    """Grant the consent and store the declaration, together; without consent, nothing."""
    check(declared, consented)
    row = uuid4()
    async with transaction():
        await consent.record(subject, PURPOSE, True, channel, actor)
        sealed = await sealer.seal(
            BenefitDeclaration, row, subject, {"benefits": declared.to_json()}
        )
        await BenefitDeclaration.insert(
            BenefitDeclaration(
                id=row, subject=subject, declared_by=helper_of(actor, subject), **sealed
            )
        )
        await audit.record(
            actor, audit.Action.change, subject=subject, field_group=FIELD_GROUP, purpose="declare"
        )
    return row


def check(declared: Declared, consented: bool) -> None:
    """Refuse a declaration that cannot be stored, each problem named for its field."""
    problems = []
    chosen = declared.benefits
    if not consented:
        problems.append(
            FieldError("consent", _("Tick the box to say we may keep this, or go back"))
        )
    if not chosen or any(code not in BENEFITS for code in chosen):
        problems.append(
            FieldError("benefits", _("Select the benefits you get, or 'I do not get any'"))
        )
    elif len(chosen) > 1 and any(code in ALONE for code in chosen):
        problems.append(
            FieldError("benefits", _("Select benefits, or one of the last two answers"))
        )
    if "UC" in chosen and declared.uc_work_allowance not in YES_NO_UNSURE:
        problems.append(FieldError("uc_work_allowance", _("Say if you have a work allowance")))
    housing_matters = "UC" in chosen and declared.uc_work_allowance == "yes"
    if (housing_matters or declared.uc_housing) and declared.uc_housing not in YES_NO_UNSURE:
        problems.append(FieldError("uc_housing", _("Say if your Universal Credit helps with rent")))
    if declared.uc_period_day is not None and not 1 <= declared.uc_period_day <= 31:
        problems.append(FieldError("uc_period_day", _(DAY_PROBLEM)))
    if problems:
        raise DomainError(problems[0].message, errors=problems)


async def current(sealer: Sealer, subject: UUID, actor: audit.Actor) -> Declared | None:
    """Their newest declaration (audited), or None; without consent, what is left is deleted."""
    if not (await consent.current(subject)).get(PURPOSE, False):
        await _forget(subject)
        return None
    row = (
        await BenefitDeclaration.select()
        .where(BenefitDeclaration.subject == subject)
        .order_by(BenefitDeclaration.declared_at, ascending=False)
        .first()
    )
    if row is None:
        return None
    opened = (await sealer.open(BenefitDeclaration, row))["benefits"]
    async with transaction():
        await audit.record(
            actor, audit.Action.view, subject=subject, field_group=FIELD_GROUP, purpose="read"
        )
    return Declared.from_json(opened.reveal()) if opened else None


async def withdraw(subject: UUID, actor: audit.Actor, channel: str = "web") -> None:
    """Withdraw the consent and delete every declaration, in one transaction."""
    async with transaction():
        await consent.record(subject, PURPOSE, False, channel, actor)
        await BenefitDeclaration.delete().where(BenefitDeclaration.subject == subject)


async def purge_without_consent(run: RetentionRun | None = None) -> int:
    """Delete the declarations of everyone whose consent is no longer granted: the retention
    rule for consent withdrawn on the profile's consent page, which cannot call this domain
    (a read finds nothing without the consent anyway). A dry run only counts them."""
    rows = await BenefitDeclaration.select(BenefitDeclaration.subject).distinct()
    gone = 0
    for row in rows:
        if not (await consent.current(row["subject"])).get(PURPOSE, False):
            if run is not None and run.dry_run:
                gone += await BenefitDeclaration.count().where(
                    BenefitDeclaration.subject == row["subject"]
                )
            else:
                gone += await _forget(row["subject"])
    return gone


async def facts_for(
    sealer: Sealer, subject: UUID, amount_pence: int | None, on: date, actor: audit.Actor
) -> tuple[Declared | None, list[Fact]]:
    """For the person: their declaration and the facts for each benefit they named."""
    declared = await current(sealer, subject, actor)
    if declared is None:
        return None, []
    return declared, await _assessed(subject, declared, amount_pence, on)


async def warnings_for(
    subject: UUID, amount_pence: int, on: date, *, sealer: Sealer
) -> list[Warning]:
    """For finance before approving: each limit the new payment may pass, in words that name
    no benefit (one line per different text). ``sealer`` opens the sealed declaration (the
    agreed signature lacked it; nothing can be read without one)."""
    declared = await current(sealer, subject, SYSTEM)
    if declared is None:
        return []
    warnings: dict[str, Warning] = {}
    for fact in await _assessed(subject, declared, amount_pence, on):
        if fact.rule_key is not None:
            text = FINANCE_WORDS[fact.rule_key]
            warnings.setdefault(text, Warning(fact.rule_key, text))
    return list(warnings.values())


async def _assessed(
    subject: UUID, declared: Declared, amount_pence: int | None, on: date
) -> list[Fact]:
    week = benefit_week(on)
    totals = {"week": await ledger.received_between(subject, week.start, week.end)}
    period = assessment_period(on, declared.uc_period_day)
    if "UC" in declared.benefits:
        totals["assessment_period"] = await ledger.received_between(
            subject, period.start, period.end
        )
    return assess(
        declared,
        await in_force(on),
        {"week": week, "assessment_period": period},
        totals,
        amount_pence,
    )


async def _forget(subject: UUID) -> int:
    async with transaction():
        count: int = await BenefitDeclaration.count().where(BenefitDeclaration.subject == subject)
        if count:
            await BenefitDeclaration.delete().where(BenefitDeclaration.subject == subject)
    return count


def helper_of(actor: audit.Actor, subject: UUID) -> UUID | None:
    """Who wrote it down for them: staff acting for the person (a phone call), or their
    session's assistant; None when they did it themselves."""
    helper = actor.assisted_by or (actor.id if actor.id != str(subject) else "")
    try:
        return UUID(helper) if helper else None
    except ValueError:
        return None
