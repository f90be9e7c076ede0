"""An admin, in a real browser, starts a draft payment policy, sets a rate (with a mistake
first, shown in the error summary), approves it and finds it in force, on a phone and on a
desktop."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_sign_in import new_admin, open_menu_on_a_phone, staff_sign_in
from tests.support.axe import assert_accessible

AMOUNT = "#rate-evaluation_panel-amount"


def start_a_draft(page: Page) -> None:
    open_menu_on_a_phone(page)
    page.get_by_role("link", name="Payment policy", exact=True).click()
    expect(page.locator("h1")).to_have_text("Payment policy")
    assert_accessible(page)
    screenshot(page, "policy-list")
    page.get_by_role("button", name="Start a new draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("new draft")
    expect(page.locator(".app-policy-status")).to_have_text("Draft")
    assert_accessible(page)


def set_a_rate(page: Page, name: str) -> None:
    page.get_by_role("link", name="Change this draft").click()
    expect(page.locator("h1")).to_have_text("Change this draft")
    assert_accessible(page)
    screenshot(page, "policy-form")
    page.get_by_label("Name of the policy").fill(name)
    page.locator(AMOUNT).fill("27.555")
    page.get_by_role("button", name="Save the draft").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(
        "Enter the amount for taking part in pounds and pence, like 25 or 25.50"
    )
    assert page.title().startswith("Error: Change this draft")
    assert_accessible(page)
    screenshot(page, "policy-form-errors")
    summary.get_by_role("link").click()
    expect(page.locator(AMOUNT)).to_be_focused()

    page.locator(AMOUNT).fill("£27.50")
    page.get_by_label("Preparation time paid, Evaluation panel").fill("30")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("The draft has been saved.")).to_be_visible()
    card = page.locator("#rate-evaluation_panel")
    expect(card).to_contain_text("£27.50 per hour")
    expect(card).to_contain_text("Taking part for 3 hours pays £96.25 (3 hours 30 minutes paid)")
    assert_accessible(page)
    screenshot(page, "policy-draft")


def approve(page: Page) -> None:
    page.get_by_role("button", name="Approve this version").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the approval reference")
    assert_accessible(page)
    page.get_by_label("Approval reference").fill("Cabinet decision 2026/41")
    page.get_by_role("button", name="Approve this version").click()
    expect(page.get_by_text("This version has been approved.")).to_be_visible()
    expect(page.locator(".app-policy-status")).to_have_text("In force today")
    expect(page.get_by_role("button", name="Copy into a new draft")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "policy-approved")


def test_an_admin_starts_sets_and_approves_a_policy(page: Page, live_env: dict[str, str]) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    email, name = f"ada.policy.{width}@northshire.example", f"Northshire payments ({width})"
    new_admin(live_env, email)
    staff_sign_in(page, email)

    start_a_draft(page)
    set_a_rate(page, name)
    approve(page)

    page.get_by_role("link", name="Back to the payment policy").click()
    expect(page.locator(".app-in-force")).to_contain_text(f"In force today: {name}")
    row = page.locator(".app-policy-versions tbody tr").first
    expect(row).to_contain_text(name)
    expect(row).to_contain_text("In force today")
    assert_accessible(page)
    screenshot(page, "policy-list-in-force")
