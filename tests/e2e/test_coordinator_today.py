"""A coordinator, in a real browser, signs in and lands on what needs them today (the demo's
data: new interest in the safe accommodation work, a follow-up, people not heard from), then
follows a link to where the work is done."""

from __future__ import annotations

import base64
import re
import time

from playwright.sync_api import Page, expect

from app.auth import totp
from tests.e2e.conftest import screenshot
from tests.e2e.test_sign_in import PASSWORD, new_admin, open_menu_on_a_phone
from tests.support.axe import assert_accessible

NEW_INTEREST = re.compile(
    r"^Write the questions we ask providers about safe accommodation: \d+ new expressions? of "
    r"interest to look at \(closes on \d{1,2} \w+ \d{4}\)$"
)


def first_sign_in(page: Page, email: str) -> bytes:
    """Password, then setting up the authenticator; returns its secret for the next sign-in."""
    page.goto("/sign-in/staff")
    page.get_by_label("Work email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Set up two-step verification")
    page.get_by_text("I cannot scan the QR code").click()
    typed = page.locator(".govuk-details__text .app-code").inner_text().replace(" ", "")
    secret = base64.b32decode(typed + "=" * (-len(typed) % 8))
    page.get_by_label("Code").fill(totp.code_at(secret, time.time()))
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.locator("h1")).to_have_text("Two-step verification is on")
    page.get_by_role("button", name="I have saved my codes").click()
    expect(page.locator("h1")).to_have_text("Your account")  # the first time, set up first
    return secret


def test_a_coordinator_lands_on_today_and_follows_a_link(
    page: Page, live_env: dict[str, str]
) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    email = f"cora.today.{width}@northshire.example"
    new_admin(live_env, email)  # every staff role, coordinator included
    secret = first_sign_in(page, email)
    open_menu_on_a_phone(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("h1")).to_have_text("You have signed out")

    page.goto("/sign-in/staff")
    page.get_by_label("Work email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill(totp.code_at(secret, time.time() + 30))
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator("h1")).to_have_text("What needs you today")
    assert page.url.endswith("/today")
    expect(page.get_by_role("heading", name="Recruitment", level=2)).to_be_visible()
    expect(page.get_by_role("heading", name="Keeping in touch", level=2)).to_be_visible()
    expect(page.get_by_role("heading", name="Follow-ups and debriefs", level=2)).to_be_visible()
    open_menu_on_a_phone(page)
    expect(page.get_by_role("link", name="Today", exact=True)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "coordinator-today")

    page.get_by_role("link", name=NEW_INTEREST).click()

    expect(page).to_have_url(re.compile(r"/opportunities/[0-9a-f-]{36}/board\?status=received$"))
    expect(page.locator("h1")).to_contain_text("safe accommodation")
    assert_accessible(page)
    screenshot(page, "coordinator-today-board")
