"""A reviewer scores blind, on a phone and on a desktop: the coordinator makes the review blind,
sets the criteria and asks a reviewer (here themselves, a member of staff); two people express
interest; the reviewer's pages never show who they are; the ranking shows the scores."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_expressing_interest import publish_an_opportunity
from tests.e2e.test_sign_in import new_admin, staff_sign_in
from tests.support.axe import assert_accessible
from tests.support.canaries import canary


def looked_at(page: Page, name: str) -> None:
    """Accessible, no wider than the screen (a phone never scrolls sideways), screenshot taken."""
    assert_accessible(page)
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, name)


def make_it_blind(page: Page) -> str:
    """From the opportunity's page: change it so reviewers see no names; returns its id."""
    match = re.search(r"/opportunities/([0-9a-f-]{36})", page.url)
    assert match
    page.get_by_role("link", name="Change the opportunity").click()
    page.locator("fieldset", has_text="Hide applicants' names").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_role("button", name=re.compile("Save")).first.click()
    return match.group(1)


def express_interest(page: Page, opportunity: str, name: str, email: str, phone: str) -> None:
    page.goto(f"/take-part/{opportunity}/interest")
    page.get_by_label("Why do you want to take part?").fill("I used the service for years.")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email address (optional)").fill(email)
    page.get_by_label("Phone number (optional)").fill(phone)
    page.get_by_label("Email", exact=True).check()
    page.locator("#safe_contact-no").check()
    page.get_by_label("Being on the involvement register").check()
    page.get_by_role("button", name="Send").click()
    expect(page.locator("h1")).to_have_text("We have your interest")


def set_up_the_panel(page: Page, opportunity: str, reviewer: str) -> None:
    """Two criteria (a wrong highest score first, to see the error) and one reviewer."""
    page.goto(f"/opportunities/{opportunity}/review")
    page.get_by_label("Title").first.fill("Knows the service")
    page.locator("#description-1").fill("They have used it, or supported someone who has.")
    page.locator("#max_score-1").fill("4")
    page.locator("#title-2").fill("Ideas for change")
    page.locator("#max_score-2").fill("12")
    page.get_by_role("button", name="Save criteria").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a highest score from 1 to 10"
    )
    assert_accessible(page)
    page.locator("#max_score-2").fill("3")
    page.get_by_role("button", name="Save criteria").click()
    expect(page.get_by_text("The criteria have been saved")).to_be_visible()
    page.get_by_label("Add a reviewer by email address").fill(reviewer)
    page.get_by_role("button", name="Add reviewer").click()
    expect(page.get_by_text("The reviewer has been added")).to_be_visible()
    looked_at(page, "review-panel-set-up")


def test_a_reviewer_scores_blind(
    page: Page, browser: Browser, live_server: str, live_env: dict[str, str]
) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    coordinator = f"cora.review.{width}@northshire.example"
    new_admin(live_env, coordinator)
    staff_sign_in(page, coordinator)
    publish_an_opportunity(page, f"Mystery shopping, blind review ({width})")
    opportunity = make_it_blind(page)

    people = [
        (canary(f"name{n}"), f"{canary(f'email{n}')}@example.org", f"07700 900{width % 100:02d}{n}")
        for n in (1, 2)
    ]
    applicant = browser.new_context(base_url=live_server, viewport=page.viewport_size)
    for name, email, phone in people:
        express_interest(applicant.new_page(), opportunity, name, email, phone)
    applicant.close()

    set_up_the_panel(page, opportunity, coordinator)
    page.goto("/account")
    page.get_by_role("link", name="Your reviews").click()
    expect(page.locator("h1")).to_have_text("Your reviews")
    expect(page.get_by_text("Hidden: this is a blind review")).to_be_visible()
    assert_accessible(page)
    seen = page.content()
    page.get_by_role("link", name=re.compile("^Review")).click()
    expect(page.get_by_role("link", name="Applicant 1")).to_be_visible()
    looked_at(page, "review-applicants")
    seen += page.content()
    page.get_by_role("link", name="Applicant 1").click()

    expect(page.locator("h1")).to_have_text("Applicant 1")
    expect(page.get_by_text("I used the service for years.")).to_be_visible()
    page.get_by_role("button", name="Save scores").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Give a score from 0 to 4 for: Knows the service"
    )
    looked_at(page, "review-score-errors")
    seen += page.content()
    page.locator("fieldset", has_text="Knows the service").get_by_label("3", exact=True).check()
    page.locator("fieldset", has_text="Ideas for change").get_by_label("2", exact=True).check()
    page.get_by_label("Comment (optional)").fill("Clear and practical.")
    looked_at(page, "review-score")
    page.get_by_role("button", name="Save scores").click()

    expect(page.get_by_text("Your scores for Applicant 1 have been saved")).to_be_visible()
    expect(page.locator("tr", has_text="Applicant 1").get_by_text("Scored")).to_be_visible()
    assert_accessible(page)
    seen += page.content()
    planted = [v for name, email, phone in people for v in (name, email, phone, phone[6:])]
    assert [value for value in planted if value in seen] == []

    page.goto(f"/opportunities/{opportunity}/review")
    first = page.locator("tbody tr").first
    expect(first).to_contain_text("Applicant 1")
    expect(first).to_contain_text("5.00")
    looked_at(page, "review-ranking")
