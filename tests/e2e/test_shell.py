"""The page shell in a real browser: accessible on phone and desktop, scripts allowed by the CSP."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot
from tests.support.axe import assert_accessible, axe_violations


def test_home_page_is_accessible(page: Page) -> None:
    page.goto("/")

    expect(page.locator("h1")).to_have_text("Help shape the services you use")
    expect(page.locator("body")).to_have_class(
        re.compile(r"\bjs-enabled\b.*\bgovuk-frontend-supported\b")
    )
    assert_accessible(page)
    screenshot(page, "home")


def test_not_found_page_is_accessible(page: Page) -> None:
    response = page.goto("/this-page-does-not-exist")

    assert response is not None
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    assert_accessible(page)
    screenshot(page, "not-found")


def test_skip_link_is_the_first_thing_a_keyboard_reaches(page: Page) -> None:
    page.goto("/")

    page.keyboard.press("Tab")

    expect(page.locator(":focus")).to_have_text("Skip to main content")


def test_feedback_errors_are_summarised_and_focused(page: Page) -> None:
    page.goto("/feedback")

    page.get_by_role("button", name="Send feedback").click()

    expect(page).to_have_title(re.compile(r"^Error: Give feedback"))
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_accessible(page)
    screenshot(page, "feedback-errors")
    page.get_by_role("link", name="Select how you feel about the service").click()
    expect(page.get_by_label("Very satisfied", exact=True)).to_be_focused()


def test_feedback_is_sent_and_thanked(page: Page) -> None:
    page.goto("/contact")
    page.get_by_role("link", name="Tell us what you think").click()

    page.get_by_label("Satisfied", exact=True).check()
    page.get_by_label("How could we improve this service? (optional)").fill(
        "Larger buttons, please."
    )
    page.get_by_role("button", name="Send feedback").click()

    expect(page.locator("h1")).to_have_text("Thank you for your feedback")
    assert_accessible(page)


def test_axe_helper_catches_real_violations(page: Page) -> None:
    page.goto("/")
    page.evaluate(
        "document.querySelector('img').removeAttribute('alt');"
        "document.documentElement.removeAttribute('lang')"
    )

    found = {violation["id"] for violation in axe_violations(page)}

    assert found == {"html-has-lang", "image-alt"}
