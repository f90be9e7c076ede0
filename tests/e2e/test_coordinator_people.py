"""A coordinator, in a real browser, adds someone who rang in and then finds them by phone."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_sign_in import new_admin, open_menu_on_a_phone, staff_sign_in
from tests.support.axe import assert_accessible


def test_a_coordinator_adds_a_person_and_finds_them_by_phone(
    page: Page, live_env: dict[str, str]
) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    phone = f"07700 900 {width:03d}"[:13]
    # `reciprocity users create-admin` gives every staff role, coordinator included: the CLI
    # has no other way to make staff (the rest are invited from the service).
    new_admin(live_env, f"cora.people.{width}@northshire.example")
    staff_sign_in(page, f"cora.people.{width}@northshire.example")

    open_menu_on_a_phone(page)
    page.get_by_role("link", name="People", exact=True).click()
    expect(page.locator("h1")).to_have_text("People")
    assert_accessible(page)
    page.get_by_text("Filter by preferences and needs").click()
    assert_accessible(page)
    screenshot(page, "people-list")

    page.get_by_role("button", name="Add a person").click()
    expect(page.locator("h1")).to_have_text("Add a person")
    assert_accessible(page)
    page.get_by_label("Name they want us to use").fill("Mira Kowalska")
    page.get_by_label("Phone number (optional)").fill("+1 555 0100")
    page.get_by_label("Phone call").check()
    page.get_by_role("button", name="Create profile").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a UK phone number")
    expect(summary).to_contain_text("Being on the involvement register")
    assert page.title().startswith("Error: Add a person")
    assert_accessible(page)
    screenshot(page, "people-new-errors")

    page.get_by_label("Phone number (optional)").fill(phone)
    page.locator("#safe_contact").check()
    page.get_by_label("Being on the involvement register").check()
    page.get_by_label("By phone").check()
    page.get_by_role("button", name="Create profile").click()

    expect(page.locator("h1")).to_have_text("Mira Kowalska")
    expect(page.get_by_text("Their profile has been created")).to_be_visible()
    expect(page.locator(".app-notification-banner--alert")).to_contain_text(
        "Do not send letters to any previous address"
    )
    assert_accessible(page)
    screenshot(page, "person-safe-contact")

    page.get_by_role("link", name="Back to people").click()
    page.get_by_label("Name, email address or phone number").fill(phone.replace(" ", ""))
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results")).to_have_text("1 person")
    row = page.locator("tbody tr")
    expect(row).to_contain_text("Mira Kowalska")
    expect(row).to_contain_text("Take care: safe contact")
    assert "0770" not in page.url
    assert_accessible(page)
    screenshot(page, "people-found-by-phone")
    row.get_by_role("link", name="Mira Kowalska").click()
    expect(page.locator("h1")).to_have_text("Mira Kowalska")
