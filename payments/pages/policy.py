"""The remuneration policy pages admins keep (finance may read them, since it pays by them):
the versions, one version in plain tables with worked examples, the one form that changes a
draft, and the buttons that approve, copy and retire.

Thin handlers: ``policy_form`` turns the flat form into a ``PolicyDraft`` and back; the
``policy`` service saves, approves and retires; problems show as an error summary on the page.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.auth.access import ADMIN_FRESH, Rule, current_user, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import Conflict, FieldError
from app.web.forms import FormInvalid
from app.web.pages import page
from app.web.templates import NavItem
from payments import vocabulary as v
from payments.money import pounds
from payments.pages import policy_form as form
from payments.schemas import Rate
from payments.services import policy

AnyRequest = Request[Any, Any, Any]
LONDON = ZoneInfo("Europe/London")
ADMINS = roles(Role.admin)
READERS = roles(Role.admin, Role.finance)
REFERENCE_LENGTH = 100
BANNERS = {
    "created": "A new draft has been started. Check it and change what needs changing.",
    "copied": "This new draft says what the version you copied says. Change it, then approve it.",
    "saved": "The draft has been saved.",
    "approved": "This version has been approved.",
    "retired": "This version has been retired. Payments already worked out with it still name it.",
}
EXAMPLE_MINUTES = {"hour": (180, 100), "half_day": (180, 300), "day": (360, 600), "task": (90,)}
"""The sessions each worked example prices: long enough to show rounding and whole units."""
WHO = {"participant": "Taking part", "lead": "Leading"}
UNIT_NAMES = {"half_day": ("half day", "half days"), "day": ("day", "days")}


class PolicyPages(Controller):
    path = "/payments/policy"
    include_in_schema = False

    @get("/", name="payment-policy")
    async def list_versions(self, request: AnyRequest) -> Template:
        in_force = await policy.current(date.today())
        rows = [_listed(row, in_force) for row in await policy.versions()]
        return page(
            "payments/policy/list.html",
            "Payment policy",
            rows=rows,
            in_force=in_force,
            in_force_from=_day_text(in_force.effective_from) if in_force else "",
            can_change=_can_change(request),
        )

    @post("/new", name="payment-policy-new")
    async def start(self, request: AnyRequest) -> Redirect:
        """A new draft: a copy of the version in force today, or the starting figures."""
        in_force = await policy.current(date.today())
        if in_force is not None:
            made = await policy.copy_as_draft(in_force.id, actor_of(request))
        else:
            made = await policy.create_draft(form.default_draft(date.today()), actor_of(request))
        return _back(made, "created")

    @get("/{version:uuid}", name="payment-policy-version")
    async def show(
        self, request: AnyRequest, version: FromPath[UUID], done: FromQuery[str] = ""
    ) -> Template:
        return await _version_page(request, version, banner=BANNERS.get(done, ""))

    @get("/{version:uuid}/edit", name="payment-policy-edit")
    async def edit_form(self, version: FromPath[UUID]) -> Template:
        found = await _draft(version)
        return _form_page(found, form.values_of(found.draft), [])

    @post("/{version:uuid}/edit", name="payment-policy-edit-submit")
    async def edit(self, request: AnyRequest, version: FromPath[UUID]) -> Any:
        found = await _draft(version)
        values = form.posted_values(await request.form())
        try:
            draft = form.read_draft(values)
        except FormInvalid as invalid:
            return _form_page(found, values, invalid.errors, status_code=400)
        await policy.replace_draft(version, draft, actor_of(request))
        return _back(version, "saved")

    @post("/{version:uuid}/approve", name="payment-policy-approve")
    async def approve(self, request: AnyRequest, version: FromPath[UUID]) -> Any:
        await _draft(version)
        reference = str((await request.form()).get("approval_ref", "")).strip()
        if not reference or len(reference) > REFERENCE_LENGTH:
            message = "Enter the approval reference, like Cabinet decision 2026/41, in 100 "
            errors = [FieldError("approval_ref", message + "characters or fewer")]
            return await _version_page(
                request, version, errors=errors, values={"approval_ref": reference}
            )
        await policy.approve(version, reference, actor_of(request))
        return _back(version, "approved")

    @post("/{version:uuid}/copy", name="payment-policy-copy")
    async def copy(self, request: AnyRequest, version: FromPath[UUID]) -> Redirect:
        made = await policy.copy_as_draft(version, actor_of(request))
        return _back(made, "copied")

    @get("/{version:uuid}/retire", name="payment-policy-retire-confirm")
    async def retire_form(self, version: FromPath[UUID]) -> Template:
        found = await _approved(version)
        in_force = await policy.current(date.today())
        return page(
            "payments/policy/retire.html",
            "Retire this version",
            version=found,
            in_force=bool(in_force and in_force.id == found.id),
        )

    @post("/{version:uuid}/retire", name="payment-policy-retire")
    async def retire(self, request: AnyRequest, version: FromPath[UUID]) -> Redirect:
        await policy.retire(version, actor_of(request))
        return _back(version, "retired")


async def _version_page(
    request: AnyRequest,
    version: UUID,
    *,
    banner: str = "",
    errors: list[FieldError] | None = None,
    values: dict[str, str] | None = None,
) -> Template:
    found = await policy.view(version)
    in_force = await policy.current(date.today())
    return page(
        "payments/policy/show.html",
        found.title,
        status_code=400 if errors else 200,
        version=found,
        in_force=bool(in_force and in_force.id == found.id),
        facts=_facts(found),
        activities=_activities(found),
        expenses=[_expense(rule.model_dump()) for rule in found.draft.expense_rules],
        caps=[
            (
                v.CAP_SCOPES[cap.scope],
                f"{pounds(cap.amount_pence)}. If a payment would go over it: "
                f"{v.CAP_ACTIONS[cap.action].lower()}.",
            )
            for cap in found.draft.caps
        ],
        methods=[v.METHODS[code] for code in found.draft.methods],
        day_before=_day_text(found.effective_from - timedelta(days=1)),
        starts=_day_text(found.effective_from),
        starts_in_past=found.effective_from < date.today(),
        can_change=_can_change(request),
        banner=banner,
        errors=errors or [],
        values=values or {},
        field_ids={"approval_ref": "approval_ref"},
    )


def _form_page(
    found: policy.PolicyView,
    values: form.Values,
    errors: list[FieldError],
    status_code: int = 200,
) -> Template:
    return page(
        "payments/policy/form.html",
        "Change this draft",
        status_code=status_code,
        version=found,
        values=values,
        errors=errors,
        field_ids=form.FIELD_IDS,
        methods=v.METHODS,
        activities=v.ACTIVITIES,
        units=v.UNITS,
        roundings=form.ROUNDINGS,
        expenses=v.EXPENSES,
        bases=v.EXPENSE_BASES,
        scopes=v.CAP_SCOPES,
        actions=v.CAP_ACTIONS,
    )


async def _draft(version: UUID) -> policy.PolicyView:
    """The version, if it is a draft; the service's own words if it is not."""
    found = await policy.view(version)
    if found.status != "draft":
        label = v.POLICY_STATUSES[found.status].lower()
        raise Conflict(f"This version is {label}, so it cannot change. Copy it into a new draft.")
    return found


async def _approved(version: UUID) -> policy.PolicyView:
    found = await policy.view(version)
    if found.status != "approved":
        raise Conflict("Only an approved version can be retired.")
    return found


def _listed(row: dict[str, Any], in_force: policy.PolicyView | None) -> dict[str, Any]:
    start, end = row["effective_from"], row["effective_to"]
    return row | {
        "status_label": v.POLICY_STATUSES[row["status"]],
        "in_force": bool(in_force and in_force.id == row["id"]),
        "from_text": _day_text(start),
        "to_text": _day_text(end) if end else "",
        "approved_text": _moment_text(row["approved_at"]) if row["approved_at"] else "",
    }


def _facts(found: policy.PolicyView) -> list[tuple[str, str]]:
    """The version's summary list: dates, timing, codes and approval, in reading order."""
    draft = found.draft
    until = _day_text(found.effective_to) if found.effective_to else "Until a new version starts"
    approval = "Not approved yet"
    if found.approved_at:
        approval = f"{_moment_text(found.approved_at)}, reference {found.approval_ref}"
    return [
        ("In force from", _day_text(found.effective_from)),
        ("In force until", until),
        ("Pay within", f"{draft.pay_within_working_days} working days of taking part"),
        ("Cost centre", draft.cost_centre or "None given"),
        ("Ledger code for fees", draft.fee_ledger_code or "None given"),
        ("Ledger code for expenses", draft.expense_ledger_code or "None given"),
        ("Approved", approval),
    ]


def _activities(found: policy.PolicyView) -> list[dict[str, Any]]:
    """One card per activity: each rate, its preparation and rounding, and worked examples
    priced by ``policy.fee_for`` itself, so what the admin reads is what people are paid."""
    cards = []
    for code, label in v.ACTIVITIES.items():
        rates = [r for r in found.draft.rates if r.activity == code]
        rates.sort(key=lambda r: r.role_level != "participant")
        if not rates:
            continue
        rows = [
            (v.ROLE_LEVELS[r.role_level], f"{pounds(r.amount_pence)} {v.UNITS[r.unit]}")
            for r in rates
        ]
        rows.append(("Preparation time paid", _joined(_prep_text(r) for r in rates)))
        rows.append(("Time is rounded", _joined(_rounding_text(r) for r in rates)))
        examples = [text for r in rates for text in _examples(found, r)]
        cards.append({"code": code, "title": label, "rows": rows, "examples": examples})
    return cards


def _examples(found: policy.PolicyView, rate: Rate) -> list[str]:
    texts = []
    for minutes in EXAMPLE_MINUTES[rate.unit]:
        fee = policy.fee_for(found, rate.activity, minutes, rate.role_level)
        if fee is None:
            continue
        text = f"{WHO[rate.role_level]} for {_duration(minutes)} pays {pounds(fee.amount_pence)}"
        if rate.unit == "task":
            text += ": a task pays the same however long it takes"
        elif rate.unit in UNIT_NAMES:
            text += f" ({fee.units} {UNIT_NAMES[rate.unit][fee.units != 1]})"
        elif fee.paid_minutes != minutes:
            text += f" ({_duration(fee.paid_minutes)} paid)"
        texts.append(text)
    return texts


def _expense(rule: dict[str, Any]) -> tuple[str, str]:
    """An expense rule in words: how it is paid, the most it pays, and its conditions."""
    basis = rule["basis"]
    if basis == "per_mile":
        how = f"{pounds(rule['rate_pence'])} a mile"
    elif basis == "flat":
        how = f"A flat {pounds(rule['rate_pence'])}"
    else:
        how = "The actual cost"
    if rule["cap_pence"] is not None:
        how += f", up to {pounds(rule['cap_pence'])} each time"
    lines = [how]
    lines.append("Needs a receipt" if rule["receipt_required"] else "No receipt needed")
    if rule["pre_approval_required"]:
        lines.append("Agree it with us first")
    if rule["advance_allowed"]:
        lines.append("Can be paid in advance")
    return v.EXPENSES[rule["category"]], " ".join(f"{line}." for line in lines)


def _prep_text(rate: Rate) -> str:
    return f"{_duration(rate.prep_minutes)} on top" if rate.prep_minutes else "None"


def _rounding_text(rate: Rate) -> str:
    mode = "up" if rate.rounding_minutes == 1 else rate.rounding_mode
    return form.ROUNDINGS.get(f"{mode}-{rate.rounding_minutes}", "")


def _joined(texts: Any) -> str:
    return "; ".join(dict.fromkeys(texts))


def _duration(minutes: int) -> str:
    """180 -> '3 hours'; 100 -> '1 hour 40 minutes'; 45 -> '45 minutes'."""
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


def _day_text(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _moment_text(moment: datetime) -> str:
    return _day_text(moment.astimezone(LONDON).date())


def _can_change(request: AnyRequest) -> bool:
    return Role.admin in current_user(request).roles


def _back(version: UUID, done: str) -> Redirect:
    return Redirect(f"/payments/policy/{version}?done={done}", status_code=HTTP_303_SEE_OTHER)


ROUTES: list[Any] = [PolicyPages]
ACCESS: dict[str, Rule] = {
    "payment-policy": READERS,
    "payment-policy-version": READERS,
    **dict.fromkeys(
        (
            "payment-policy-new",
            "payment-policy-edit",
            "payment-policy-edit-submit",
            "payment-policy-copy",
            "payment-policy-retire-confirm",
        ),
        ADMINS,
    ),
    # Approving or retiring changes what everyone is paid: a fresh sign-in, as for staff changes.
    "payment-policy-approve": ADMIN_FRESH,
    "payment-policy-retire": ADMIN_FRESH,
}
NAVIGATION: list[Any] = [
    NavItem("Payment policy", "/payments/policy", roles=frozenset({Role.admin}))
]
