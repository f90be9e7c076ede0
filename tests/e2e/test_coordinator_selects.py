"""A coordinator, in a real browser, creates an opportunity with one question, publishes it,
adds someone's interest for them (they rang in), then shortlists and selects them."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_sign_in import (
    add_person_with_a_code,
    new_admin,
    open_menu_on_a_phone,
    staff_sign_in,
)
from tests.support.axe import assert_accessible

QUESTION = "Have you used housing support in the last two years?"


def fill_date(page: Page, name: str, day: date) -> None:
    page.locator(f"#{name}-day").fill(str(day.day))
    page.locator(f"#{name}-month").fill(str(day.month))
    page.locator(f"#{name}-year").fill(str(day.year))


def create_opportunity(page: Page, title: str) -> None:
    """First with a mistake or two (shown in the error summary), then put right."""
    page.get_by_role("button", name="Create an opportunity").click()
    expect(page.locator("h1")).to_have_text("Create an opportunity")
    assert_accessible(page)
    page.get_by_label("Description in plain English").fill("Read three bids and score them.")
    page.get_by_label("3. Source the supplier").check()
    page.get_by_label("Evaluation panels, scoring providers' bids").check()
    page.get_by_label("Co-design").check()
    fill_date(page, "closes_at", date.today() - timedelta(days=1))
    page.locator("#q1-prompt").fill(QUESTION)
    page.get_by_role("button", name="Save as draft").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a title in 150 characters or fewer")
    expect(summary).to_contain_text("Enter a closing date and time in the future")
    assert page.title().startswith("Error: Create an opportunity")
    assert_accessible(page)
    screenshot(page, "opportunity-form-errors")

    page.get_by_label("Title", exact=True).fill(title)
    fill_date(page, "closes_at", date.today() + timedelta(days=21))
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.get_by_text("The opportunity has been saved as a draft")).to_be_visible()
    assert_accessible(page)


def move_on_the_board(page: Page, name: str, status: str) -> None:
    page.get_by_label(name, exact=True).check()
    page.get_by_label(status, exact=True).check()
    page.get_by_role("button", name="Move them").click()
    expect(page.get_by_text("The people you chose have been moved")).to_be_visible()
    expect(page.locator("tbody tr").filter(has_text=name).locator(".govuk-tag").first).to_have_text(
        status
    )
    assert_accessible(page)


def test_a_coordinator_shortlists_and_selects(page: Page, live_env: dict[str, str]) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    email = f"cora.selects.{width}@northshire.example"
    title = f"Choose the housing support provider ({width})"
    name, their_email = f"Nadia Rahman {width}", f"nadia.{width}@example.org"
    new_admin(live_env, email)
    staff_sign_in(page, email)

    open_menu_on_a_phone(page)
    page.get_by_role("link", name="Opportunities", exact=True).click()
    expect(page.locator("h1")).to_have_text("Opportunities")
    assert_accessible(page)
    create_opportunity(page, title)

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The opportunity is open: people can see it")).to_be_visible()
    assert_accessible(page)
    opportunity_url = page.url.split("?")[0]

    add_person_with_a_code(page, name, their_email)
    page.goto(f"{opportunity_url}/board")
    expect(page.get_by_text("Nobody has expressed interest yet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Add someone's interest for them").click()
    assert_accessible(page)
    page.get_by_label("Their email address or phone number").fill(their_email)
    page.get_by_role("button", name="Find them").click()
    page.get_by_label(name, exact=True).check()
    page.get_by_label("By phone").check()
    page.get_by_label(f"{QUESTION} (optional)").fill("Yes, for a year")
    assert_accessible(page)
    page.get_by_role("button", name="Add their interest").click()

    expect(page.get_by_text("Their interest has been recorded")).to_be_visible()
    expect(page.locator("tbody")).to_contain_text("Yes, for a year")
    assert their_email not in page.url
    assert_accessible(page)
    move_on_the_board(page, name, "Shortlisted")
    move_on_the_board(page, name, "Selected")
    screenshot(page, "review-board")
