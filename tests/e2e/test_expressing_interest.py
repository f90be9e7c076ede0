"""A new person finds an opportunity from the home page and expresses interest, on a phone and
on a desktop; then signs in with the emailed link and sees what they asked to take part in."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_sign_in import (
    latest_email_to,
    new_admin,
    sign_out,
    staff_sign_in,
)
from tests.support.axe import assert_accessible
from tests.support.smtp import CapturingSMTPServer


def publish_an_opportunity(page: Page, title: str) -> None:
    """A coordinator writes an opportunity with two questions and publishes it."""
    closes = datetime.now(UTC) + timedelta(days=30)
    page.goto("/opportunities/new")
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Description in plain English").fill(
        "Read the bids from three organisations and score them with us.\n\n"
        "We will explain everything first."
    )
    page.get_by_label("Easy Read version (optional)").fill("Help us choose.\nWe pay you.")
    page.locator("#stage-3").check()
    page.locator("#activity-evaluation_panels").check()
    page.locator("#rung_planned-co_production").check()
    page.locator("#formats").check()
    page.get_by_label("What is paid (optional)").fill("£25 an hour, or a voucher")
    page.get_by_label("Access help offered (optional)").fill("Step-free venue and a quiet room")
    page.locator("#closes_at-day").fill(str(closes.day))
    page.locator("#closes_at-month").fill(str(closes.month))
    page.locator("#closes_at-year").fill(str(closes.year))
    page.get_by_label("Closing time").fill("17:00")
    page.get_by_label("Places").fill("6")
    page.locator("#blind_review-no").check()
    page.get_by_label("Question 1: wording").fill("Why do you want to take part?")
    page.locator("#q1-required").check()
    page.get_by_label("Question 2: wording").fill("Have you used this service?")
    page.locator("#q2-kind-single").check()
    page.get_by_label("Question 2: choices, one on each line").fill("Yes\nNo")
    page.get_by_role("button", name="Save as draft").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Open", exact=True).first).to_be_visible()


def test_a_new_person_expresses_interest(
    page: Page, live_env: dict[str, str], mailbox: CapturingSMTPServer
) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    title = f"Help us choose the new housing support provider ({width})"
    coordinator, email = f"cora.interest.{width}@northshire.example", f"kofi.{width}@example.org"
    new_admin(live_env, coordinator)
    staff_sign_in(page, coordinator)
    publish_an_opportunity(page, title)
    sign_out(page)

    find_it_from_the_home_page(page, title)
    express_interest_as_someone_new(page, email)
    sign_in_with_the_link(page, mailbox, email)
    see_and_withdraw(page, title)


def find_it_from_the_home_page(page: Page, title: str) -> None:
    page.goto("/")
    page.get_by_role("button", name="See ways to take part").click()
    expect(page.locator("h1")).to_have_text("Ways to take part")
    assert_accessible(page)
    screenshot(page, "take-part-list")
    page.get_by_role("link", name=title, exact=True).click()

    expect(page.locator("h1")).to_have_text(title)
    expect(page.get_by_text("£25 an hour, or a voucher")).to_be_visible()
    page.get_by_text("Read this in Easy Read").click()
    expect(page.get_by_text("We pay you.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "take-part-opportunity")
    page.get_by_role("button", name="Tell us you are interested").click()


def express_interest_as_someone_new(page: Page, email: str) -> None:
    """A first try without a name shows the error summary; then it goes through."""
    expect(page.locator("h1")).to_have_text("Tell us you are interested")
    page.get_by_label("Why do you want to take part?").fill("I lived in a hostel for two years.")
    page.get_by_role("group", name="Have you used this service?").get_by_label("Yes").check()
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the name you want us to call you"
    )
    assert_accessible(page)
    screenshot(page, "take-part-interest-errors")

    page.get_by_label("Your name").fill("Kofi")
    page.get_by_label("Email address (optional)").fill(email)
    page.get_by_label("Email", exact=True).check()
    page.locator("#safe_contact-no").check()
    page.get_by_label("Being on the involvement register").check()
    page.get_by_label("Being contacted about opportunities").check()
    assert_accessible(page)
    screenshot(page, "take-part-interest-form")
    page.get_by_role("button", name="Send").click()

    expect(page.locator("h1")).to_have_text("We have your interest")
    expect(page.get_by_text("Check your email")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "take-part-interest-done")


def sign_in_with_the_link(page: Page, mailbox: CapturingSMTPServer, email: str) -> None:
    link = re.search(
        r"(http://\S+/sign-in/link/\S+)", latest_email_to(mailbox, email).get_content()
    )
    assert link
    page.goto(link.group(1))
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Your account")


def see_and_withdraw(page: Page, title: str) -> None:
    page.goto("/profile")
    page.get_by_role("link", name="Things you have asked to take part in").click()

    expect(page.locator("h1")).to_have_text("Things you have asked to take part in")
    expect(page.locator(".govuk-summary-card__title")).to_have_text(title)
    expect(page.get_by_text("We have your interest and will be in touch")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "my-interest")
    page.get_by_role("button", name="Withdraw").click()
    expect(page.get_by_text("You have withdrawn your interest")).to_be_visible()
    expect(page.get_by_text("You withdrew")).to_be_visible()
    assert_accessible(page)
