"""A participant's own profile in a real browser: set what, how, when and access needs; withdraw."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from app.demo import DEMO_PARTICIPANT_EMAIL
from tests.e2e.conftest import screenshot
from tests.e2e.test_sign_in import (
    add_person_with_a_code,
    new_admin,
    open_menu_on_a_phone,
    sign_out,
    staff_sign_in,
)
from tests.support.axe import assert_accessible
from tests.support.smtp import CapturingSMTPServer


def new_code(mailbox: CapturingSMTPServer, address: str, already: int) -> str:
    """The code in the first email to ``address`` after the first ``already`` messages."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for message in mailbox.messages[already:]:
            found = re.search(r"code is (\d{6})", message.get_content())
            if message["To"] == address and found:
                return found.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no new sign-in email reached {address}")


def participant_sign_in(page: Page, mailbox: CapturingSMTPServer, email: str) -> None:
    """The emailed-code journey, ending on the participant's profile."""
    already = len(mailbox.messages)
    page.goto("/sign-in/email")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Send me a code").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    page.get_by_label("Code").fill(new_code(mailbox, email, already))
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Your account")
    open_menu_on_a_phone(page)
    page.get_by_role("link", name="Your profile").click()
    expect(page.locator("h1")).to_have_text("Your profile")


def change(page: Page, card: str) -> None:
    """Follow a card's Change link on the profile page (its hidden text names the card)."""
    page.get_by_role("link", name=f"Change {card}", exact=True).click()


def save_and_expect_banner(page: Page, words: str) -> None:
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text("Your profile")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(words)


def row(page: Page, key: str) -> str:
    """The value of one summary-list row on the profile page."""
    found = page.locator(".govuk-summary-list__row", has=page.locator("dt", has_text=key))
    return found.first.locator(".govuk-summary-list__value").inner_text()


def test_participant_sets_involvement_and_access_needs(
    page: Page, mailbox: CapturingSMTPServer
) -> None:
    participant_sign_in(page, mailbox, DEMO_PARTICIPANT_EMAIL)
    assert_accessible(page)

    change(page, "what you want to be involved in")
    assert_accessible(page)
    page.get_by_label("Surveys", exact=True).check()
    page.get_by_label("Peer research, talking with other people who use services").check()
    save_and_expect_banner(page, "what you want to do have been saved")

    change(page, "how you want to take part")
    assert_accessible(page)
    page.get_by_label("Online, on a video call").check()
    page.get_by_label("Only about things that match what I said I want to do").check()
    save_and_expect_banner(page, "how you take part have been saved")

    change(page, "when you can take part")
    assert_accessible(page)
    page.get_by_label("Evenings").check()
    page.get_by_label("Sunday").check()
    save_and_expect_banner(page, "when you can take part have been saved")

    change(page, "your access needs")
    page.get_by_label("Step-free access").check()
    page.get_by_label("An interpreter for a spoken language").check()
    page.get_by_label("Which language?").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the language you need an interpreter for"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Enter the language you need an interpreter for").click()
    expect(page.get_by_label("Which language?")).to_be_focused()
    page.get_by_label("Which language?").fill("Polish")
    page.get_by_label("A taxi booked for me").check()
    screenshot(page, "profile-access-needs")
    save_and_expect_banner(page, "Your access needs have been saved")

    assert "Surveys" in row(page, "Things you want to help with")
    assert row(page, "In person, online or by phone") == "Online, on a video call"
    assert row(page, "Times of day") == "Evenings"
    assert row(page, "Days you can never do") == "Sunday"
    arranged = row(page, "Things we should arrange")
    assert "Step-free access" in arranged
    assert "An interpreter for a spoken language (Polish)" in arranged
    assert row(page, "Help with travel") == "A taxi booked for me"
    assert_accessible(page)
    screenshot(page, "profile")

    for path in (
        "/profile/about",
        "/profile/contact",
        "/profile/lived-experience",
        "/profile/equality",
        "/profile/consents",
        "/profile/download",
    ):
        page.goto(path)
        assert_accessible(page)
    screenshot(page, "profile-download")


def test_participant_withdraws_and_their_details_are_deleted(
    page: Page, live_env: dict[str, str], mailbox: CapturingSMTPServer
) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    coordinator, participant = f"kit.{width}@northshire.example", f"wren.{width}@example.org"
    new_admin(live_env, coordinator)
    staff_sign_in(page, coordinator)
    add_person_with_a_code(page, "Wren", participant)
    sign_out(page)

    participant_sign_in(page, mailbox, participant)
    page.get_by_role("link", name="What you have agreed to").click()
    page.get_by_role("button", name="Agree to: Being contacted about opportunities").click()
    expect(
        page.get_by_role("button", name="Withdraw from: Being contacted about opportunities")
    ).to_be_visible()
    assert_accessible(page)
    screenshot(page, "profile-consents")
    page.get_by_role("link", name="Back to your profile").click()
    page.get_by_role("link", name="Stop taking part and delete your details").click()
    expect(page.locator("h1")).to_have_text("Stop taking part and delete your details")
    assert_accessible(page)
    screenshot(page, "profile-withdraw")

    page.get_by_role("button", name="Withdraw and delete my details").click()

    expect(page.locator("h1")).to_have_text("Your details have been deleted")
    assert_accessible(page)
    screenshot(page, "profile-withdrawn")
    page.goto("/profile")
    expect(page.locator("h1")).not_to_have_text("Your profile")
    expect(page.get_by_role("link", name="Your profile")).to_have_count(0)
