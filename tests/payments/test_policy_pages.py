"""The payment policy pages: an admin starts a draft, changes it (bad amounts are a 400 naming
the field, with nothing written), approves, copies and retires it; finance may read but not
change; nobody else may look."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from uuid import UUID

import httpx
import pytest
from litestar import Litestar

from app import audit
from app.auth.accounts import STAFF_ROLES
from app.datamap import Role
from payments.pages import policy_form
from payments.schemas import PolicyDraft
from payments.services import policy
from payments.tables import PolicyVersion
from tests.support.auth import csrf_headers, make_account, sign_in

ADMIN = audit.Actor(id="00000000-0000-4000-8000-0000000000ad", role="admin")
VERSION = re.compile(r"^/payments/policy/([0-9a-f-]{36})\?done=(\w+)$")


async def signed_in(app: Litestar, client: httpx.AsyncClient, *roles: str) -> dict[str, str]:
    kind = "participant" if roles == (Role.participant,) else "staff"
    await sign_in(app, client, await make_account(app, kind, roles), fresh=True)
    return await csrf_headers(client)


@pytest.fixture
async def admin(running_app: Litestar, client: httpx.AsyncClient) -> dict[str, str]:
    return await signed_in(running_app, client, Role.admin)


async def a_draft() -> UUID:
    return await policy.create_draft(policy_form.default_draft(date.today()), ADMIN)


async def form_of(version: UUID, **changes: Any) -> dict[str, Any]:
    """The edit form as the page fills it for ``version``, with ``changes`` typed over it."""
    return policy_form.values_of((await policy.view(version)).draft) | changes


def in_order(draft: PolicyDraft) -> PolicyDraft:
    """The draft with its lists sorted: the service reads rates back by activity code."""
    return draft.model_copy(
        update={
            "rates": sorted(draft.rates, key=lambda r: (r.activity, r.role_level)),
            "expense_rules": sorted(draft.expense_rules, key=lambda e: e.category),
            "caps": sorted(draft.caps, key=lambda c: c.scope),
        }
    )


def landed(response: httpx.Response) -> tuple[UUID, str]:
    assert response.status_code == 303, response.text
    found = VERSION.match(response.headers["location"])
    assert found, response.headers["location"]
    return UUID(found[1]), found[2]


async def test_an_admin_starts_changes_and_approves_a_draft(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    listing = await client.get("/payments/policy")
    assert "No version is in force today" in listing.text
    assert "Start a new draft" in listing.text

    made, done = landed(await client.post("/payments/policy/new", headers=admin))
    assert done == "created"
    assert in_order((await policy.view(made)).draft) == in_order(
        policy_form.default_draft(date.today())
    )
    edit = await client.get(f"/payments/policy/{made}/edit")
    assert edit.status_code == 200
    assert 'id="rate-evaluation_panel-amount" name="rate-evaluation_panel-amount"' in edit.text
    assert 'value="25.00"' in edit.text

    typed = await form_of(
        made,
        name="Northshire involvement payments",
        **{
            "rate-evaluation_panel-amount": "£27.50",
            "rate-evaluation_panel-lead": "40",
            "rate-evaluation_panel-prep": "30",
            "caps": ["per_person_week"],
            "cap-per_person_week-amount": "200",
            "cap-per_person_week-action": "approval",
        },
    )
    changed = await client.post(f"/payments/policy/{made}/edit", data=typed, headers=admin)
    assert landed(changed) == (made, "saved")
    saved = (await policy.view(made)).draft
    panel = {r.role_level: r for r in saved.rates if r.activity == "evaluation_panel"}
    assert (saved.name, panel["participant"].amount_pence, panel["lead"].amount_pence) == (
        "Northshire involvement payments",
        2750,
        4000,
    )
    assert (panel["participant"].prep_minutes, panel["lead"].prep_minutes) == (30, 30)
    assert [(c.scope, c.amount_pence, c.action) for c in saved.caps] == [
        ("per_person_week", 20000, "approval")
    ]

    shown = await client.get(f"/payments/policy/{made}?done=saved")
    assert "The draft has been saved." in shown.text
    assert "£27.50 per hour" in shown.text
    assert "Taking part for 3 hours pays £96.25 (3 hours 30 minutes paid)" in shown.text
    assert "Leading for 3 hours pays £140 (3 hours 30 minutes paid)" in shown.text
    assert "Taking part for 3 hours pays £50 (1 half day)" in shown.text
    assert "£0.45 a mile" in shown.text

    unsigned = await client.post(
        f"/payments/policy/{made}/approve", data={"approval_ref": " "}, headers=admin
    )
    assert unsigned.status_code == 400
    assert 'class="govuk-error-summary"' in unsigned.text
    assert '<a href="#approval_ref">Enter the approval reference' in unsigned.text
    assert (await policy.view(made)).status == "draft"

    approved = await client.post(
        f"/payments/policy/{made}/approve",
        data={"approval_ref": "Cabinet decision 2026/41"},
        headers=admin,
    )
    assert landed(approved) == (made, "approved")
    in_force = await policy.current(date.today())
    assert in_force is not None
    assert (in_force.id, in_force.approval_ref) == (made, "Cabinet decision 2026/41")
    listing = await client.get("/payments/policy")
    assert "In force today" in listing.text
    assert f'In force today: <a class="govuk-link" href="/payments/policy/{made}">' in listing.text


async def test_an_approved_version_is_copied_and_retired_never_changed(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    made = await a_draft()
    await policy.approve(made, "Cabinet decision 2026/41", ADMIN)
    before = await policy.view(made)

    assert (await client.get(f"/payments/policy/{made}/edit")).status_code == 409
    refused = await client.post(
        f"/payments/policy/{made}/edit", data=await form_of(made, name="Changed"), headers=admin
    )
    assert refused.status_code == 409
    assert "Copy it into a new draft" in refused.text
    shown = await client.get(f"/payments/policy/{made}")
    assert "Copy into a new draft" in shown.text
    assert "Approve this version" not in shown.text

    copy, done = landed(await client.post(f"/payments/policy/{made}/copy", headers=admin))
    assert done == "copied"
    copied = await policy.view(copy)
    assert (copied.status, copied.version) == ("draft", 2)
    assert in_order(copied.draft) == in_order(before.draft)

    confirm = await client.get(f"/payments/policy/{made}/retire")
    assert "This version is in force today" in confirm.text
    assert landed(await client.post(f"/payments/policy/{made}/retire", headers=admin)) == (
        made,
        "retired",
    )
    assert (await policy.view(made)).status == "retired"
    assert await policy.current(date.today()) is None
    assert (await client.post(f"/payments/policy/{made}/retire", headers=admin)).status_code == 409


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"rate-evaluation_panel-amount": "25.555"},
            "rate-evaluation_panel-amount",
            "Enter the amount for taking part in pounds and pence, like 25 or 25.50",
        ),
        (
            {"rate-evaluation_panel-amount": "-5"},
            "rate-evaluation_panel-amount",
            "Enter the amount for taking part in pounds and pence, like 25 or 25.50",
        ),
        (
            {"rate-workshop-lead": "abc"},
            "rate-workshop-lead",
            "Enter the amount for leading in pounds and pence, like 25 or 25.50",
        ),
        (
            {"rate-survey-amount": ""},
            "rate-survey-amount",
            "Enter what the policy pays for taking part, like 25.00",
        ),
        (
            {"rate-survey-prep": "ten"},
            "rate-survey-prep",
            "Enter preparation time in whole minutes, from 0 to 480",
        ),
        (
            {"expense-mileage_car-rate": ""},
            "expense-mileage_car-rate",
            "Enter the rate in pounds and pence, like 0.45, for a per-mile or flat-rate expense",
        ),
        (
            {"caps": ["per_activity"], "cap-per_activity-amount": "12.5"},
            "cap-per_activity-amount",
            "Enter the cap in pounds and pence, like 25 or 25.50",
        ),
        ({"name": ""}, "name", "Enter a name for the policy, in 150 characters or fewer"),
        (
            {"effective_from-day": "31", "effective_from-month": "2"},
            "effective_from-day",
            "Enter the date this version starts, like 1 4 2026",
        ),
        ({"methods": []}, "methods", "Select at least one way the council pays people"),
        ({"activities": []}, "activities", "Select at least one activity the policy pays for"),
        (
            {"pay_within_working_days": "0"},
            "pay_within_working_days",
            "Enter how many working days, from 1 to 90",
        ),
    ],
)
async def test_bad_input_names_the_field_and_writes_nothing(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    made = await a_draft()
    before = await policy.view(made)
    typed = await form_of(made, **({"name": "Changed in the same post"} | changes))

    response = await client.post(f"/payments/policy/{made}/edit", data=typed, headers=admin)

    assert response.status_code == 400
    summary = response.text.split('govuk-error-summary__list">')[1].split("</ul>")[0]
    assert re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary) == [
        (field, message.replace("'", "&#39;"))
    ]
    assert f'<p id="{field.removesuffix("-day")}-error" class="govuk-error-message">' in (
        response.text
    )
    assert await policy.view(made) == before


async def test_finance_reads_the_policy_but_cannot_change_it(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    made = await a_draft()
    approved = await a_draft()
    await policy.approve(approved, "Cabinet decision 2026/41", ADMIN)
    finance = await signed_in(running_app, client, Role.finance)

    listing = await client.get("/payments/policy")
    draft_page = await client.get(f"/payments/policy/{made}")
    assert (listing.status_code, draft_page.status_code) == (200, 200)
    assert "Start a new draft" not in listing.text
    assert "Taking part for 3 hours pays £75" in draft_page.text
    assert "Approve this version" not in draft_page.text
    assert "Change this draft" not in draft_page.text
    attempts = [
        ("POST", "/payments/policy/new"),
        ("GET", f"/payments/policy/{made}/edit"),
        ("POST", f"/payments/policy/{made}/edit"),
        ("POST", f"/payments/policy/{made}/approve"),
        ("POST", f"/payments/policy/{approved}/copy"),
        ("GET", f"/payments/policy/{approved}/retire"),
        ("POST", f"/payments/policy/{approved}/retire"),
    ]
    answers = [
        (await client.request(method, path, headers=finance, data={"approval_ref": "x"}))
        for method, path in attempts
    ]
    assert [answer.status_code for answer in answers] == [403] * len(attempts)
    statuses = {row["id"]: row["status"] for row in await PolicyVersion.select()}
    assert statuses == {made: "draft", approved: "approved"}


@pytest.mark.parametrize("role", [Role.coordinator, Role.organiser, Role.participant])
async def test_nobody_else_may_see_the_policy_pages(
    running_app: Litestar, client: httpx.AsyncClient, role: Role
) -> None:
    made = await a_draft()
    headers = await signed_in(running_app, client, role)

    pages = [await client.get(path) for path in ("/payments/policy", f"/payments/policy/{made}")]
    started = await client.post("/payments/policy/new", headers=headers)

    assert [r.status_code for r in (*pages, started)] == [403, 403, 403]
    assert await PolicyVersion.count() == 1


async def test_the_menu_shows_payment_policy_once_to_an_admin_with_every_role(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    await signed_in(running_app, client, *STAFF_ROLES)
    everyone = (await client.get("/payments/policy")).text
    client.cookies.clear()
    await signed_in(running_app, client, Role.finance)
    finance = (await client.get("/payments/policy")).text

    link = 'href="/payments/policy" aria-current="page"'
    assert everyone.count(link) == 1
    assert finance.count('href="/payments/policy"') == 0


async def test_approving_needs_a_fresh_sign_in(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    await sign_in(running_app, client, await make_account(running_app, "staff", (Role.admin,)))
    headers = await csrf_headers(client)
    draft = await a_draft()

    answer = await client.post(
        f"/payments/policy/{draft}/approve",
        data={"approval_ref": "Cabinet 2026/41"},
        headers=headers,
    )

    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/account/confirm?")
    assert (await policy.view(draft)).status == "draft"
