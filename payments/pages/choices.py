"""A participant's payments: what they told us about benefits, how they want to be paid for each
opportunity they have a place on (after reading the facts), and the payments themselves.

No ids of people in these URLs: every page works on the signed-in person (their account id is
their profile's id). Thin: read the form, call one service, render.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app import audit
from app.auth.access import PARTICIPANT, Rule, current_user
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import DomainError, FieldError, NotFound
from app.i18n import N_
from app.i18n import gettext as _
from app.sealed import Sealer
from app.web.pages import page
from app.web.templates import NavItem
from participation.services import profiles
from payments import money
from payments.services import benefit_rules, benefits, choices

AnyRequest = Request[Any, Any, Any]
BANNERS = {
    "choice": N_("Your choice has been saved. You can change it until your payment is approved."),
    "benefits": N_("Thank you. We will show you the limits for the benefits you told us about."),
    "withdrawn": N_("We have deleted what you told us about your benefits."),
}
BENEFIT_FIELDS: tuple[str, ...] = ("benefits", "uc_work_allowance", "uc_housing")
BENEFIT_FIELDS += ("uc_period_day", "ca_other_weekly", "consent")


class Own:
    """The signed-in participant, with a profile made from their account if they have none."""

    def __init__(self, request: AnyRequest) -> None:
        account = current_user(request).account_id
        if account is None:
            raise NotFound("There is no such page.")
        self.id: UUID = account
        self.actor: audit.Actor = actor_of(request)

    async def ready(self, sealer: Sealer) -> Own:
        await profiles.ensure_own_profile(sealer, self.id, self.actor)
        return self


class PaymentPages(Controller):
    path = "/your-payments"
    include_in_schema = False

    @get("/", name="my-payments")
    async def mine(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], saved: FromQuery[str] = ""
    ) -> Template:
        own = await Own(request).ready(sealer)
        declared = await benefits.current(sealer, own.id, own.actor)
        return page(
            "payments/choices/mine.html",
            _("Your payments"),
            places=await choices.selected_for(own.id),
            payments=await choices.payments_of(own.id),
            told=benefit_rules.words_of(declared) if declared else [],
            banner=_(BANNERS[saved]) if saved in BANNERS else "",
        )

    @get("/benefits", name="my-benefits")
    async def benefits_form(self, request: AnyRequest, sealer: NamedDependency[Sealer]) -> Template:
        own = await Own(request).ready(sealer)
        declared = await benefits.current(sealer, own.id, own.actor)
        return _benefits_page(_values_of(declared), declared is not None)

    @post("/benefits", name="my-benefits-submit")
    async def declare(self, request: AnyRequest, sealer: NamedDependency[Sealer]) -> Any:
        own = await Own(request).ready(sealer)
        posted = await request.form()
        values: dict[str, Any] = {k: str(posted.get(k, "")).strip() for k in BENEFIT_FIELDS}
        values["benefits"] = [v for v in posted.getall("benefits", []) if v]
        try:
            declared = _declared(values)
            await benefits.declare(
                sealer, own.id, declared, consented=values["consent"] == "yes", actor=own.actor
            )
        except DomainError as problem:
            if not problem.errors:
                raise
            return _benefits_page(values, False, problem.errors)
        return Redirect("/your-payments?saved=benefits", status_code=HTTP_303_SEE_OTHER)

    @post("/benefits/withdraw", name="my-benefits-withdraw")
    async def withdraw(self, request: AnyRequest, sealer: NamedDependency[Sealer]) -> Redirect:
        own = await Own(request).ready(sealer)
        await benefits.withdraw(own.id, own.actor)
        return Redirect("/your-payments?saved=withdrawn", status_code=HTTP_303_SEE_OTHER)

    @get("/{opportunity:uuid}", name="payment-choice")
    async def choice_form(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], opportunity: FromPath[UUID]
    ) -> Template:
        own = await Own(request).ready(sealer)
        shown = await choices.briefing(sealer, own.id, opportunity, own.actor)
        return _choice_page(shown, _choice_values(shown.choice))

    @post("/{opportunity:uuid}", name="payment-choice-submit")
    async def choose(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], opportunity: FromPath[UUID]
    ) -> Any:
        own = await Own(request).ready(sealer)
        posted = await request.form()
        answer = choices.Answer(
            **{name: str(posted.get(name, "")).strip() for name in choices.Answer.__annotations__}
        )
        try:
            await choices.record(sealer, own.id, opportunity, answer, own.actor)
        except DomainError as problem:
            if not problem.errors and problem.status_code != 409:
                raise
            shown = await choices.briefing(sealer, own.id, opportunity, own.actor)
            errors = problem.errors or [FieldError("choice", problem.message)]
            return _choice_page(shown, answer.__dict__, errors, problem.status_code)
        return Redirect("/your-payments?saved=choice", status_code=HTTP_303_SEE_OTHER)


def _declared(values: dict[str, Any]) -> benefit_rules.Declared:
    """The form as a declaration; numbers that are not numbers are named with the rest."""
    problems: list[FieldError] = []
    day_text, earned = values["uc_period_day"], values["ca_other_weekly"]
    day = int(day_text) if day_text.isdigit() else None
    if day_text and day is None:
        problems.append(FieldError("uc_period_day", _(benefits.DAY_PROBLEM)))
    other = None
    if earned:
        try:
            other = money.parse_pounds(earned, "ca_other_weekly", N_("what you earn"))
        except DomainError as wrong:
            problems += wrong.errors
    declared = benefit_rules.Declared(
        benefits=tuple(values["benefits"]),
        uc_work_allowance=values["uc_work_allowance"],
        uc_housing=values["uc_housing"],
        uc_period_day=day,
        ca_other_weekly_pence=other,
    )
    try:
        benefits.check(declared, values["consent"] == "yes")
    except DomainError as wrong:
        problems += wrong.errors
    if problems:
        order = {name: n for n, name in enumerate(BENEFIT_FIELDS)}
        problems.sort(key=lambda p: order.get(p.field, 99))
        raise DomainError(problems[0].message, errors=problems)
    return declared


def _values_of(declared: benefit_rules.Declared | None) -> dict[str, Any]:
    if declared is None:
        return {"benefits": []}
    other = declared.ca_other_weekly_pence
    return {
        "benefits": list(declared.benefits),
        "uc_work_allowance": declared.uc_work_allowance,
        "uc_housing": declared.uc_housing,
        "uc_period_day": str(declared.uc_period_day or ""),
        "ca_other_weekly": money.typed_pounds(other) if other else "",
        "consent": "yes",
    }


def _benefits_page(
    values: dict[str, Any], told: bool, errors: list[FieldError] | None = None
) -> Template:
    return page(
        "payments/choices/benefits.html",
        _("Your benefits"),
        status_code=400 if errors else 200,
        values=values,
        told=told,
        errors=errors or [],
        field_ids={"consent": "consent"},
        choices=benefit_rules.translated(benefit_rules.BENEFITS),
        yes_no=benefit_rules.translated(benefit_rules.YES_NO_UNSURE),
    )


def _choice_values(current: choices.ChoiceView | None) -> dict[str, str]:
    if current is None:
        return {}
    reduced = current.reduced_pence
    return {
        "choice": current.choice,
        "reduced": money.typed_pounds(reduced) if reduced is not None else "",
        "charity": current.charity,
        "advice": current.advice,
    }


def _choice_page(
    shown: choices.Briefing,
    values: dict[str, str],
    errors: list[FieldError] | None = None,
    status: int = 400,
) -> Template:
    return page(
        "payments/choices/choose.html",
        _("How you want to be paid"),
        status_code=(status if errors else 200),
        shown=shown,
        values=values,
        errors=errors or [],
        field_ids={},
        advice=benefit_rules.translated(choices.ADVICE),
        pounds=money.pounds,
    )


ROUTES: list[Any] = [PaymentPages]
ACCESS: dict[str, Rule] = dict.fromkeys(
    (
        "my-payments",
        "my-benefits",
        "my-benefits-submit",
        "my-benefits-withdraw",
        "payment-choice",
        "payment-choice-submit",
    ),
    PARTICIPANT,
)
NAVIGATION: list[Any] = [
    NavItem(N_("Payments"), "/your-payments", roles=frozenset({Role.participant}))
]
