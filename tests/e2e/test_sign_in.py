"""Signing in, in a real browser: staff with an authenticator app, a participant by emailed link."""

from __future__ import annotations

import base64
import re
import time
from email.message import EmailMessage

from playwright.sync_api import Page, expect

from app.auth import totp
from tests.e2e.conftest import reciprocity, screenshot
from tests.support.axe import assert_accessible
from tests.support.smtp import CapturingSMTPServer

PASSWORD = "violet harbour lantern 42"
TABLET_WIDTH = 641
"""GOV.UK Frontend's tablet breakpoint: below it the service navigation folds."""


def new_admin(env: dict[str, str], email: str) -> None:
    reciprocity(
        env,
        "users",
        "create-admin",
        "--email",
        email,
        "--name",
        "Ama Boateng",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )


def add_person_with_a_code(page: Page, name: str, email: str) -> None:
    """A coordinator adds someone who agreed in person, then gives them a sign-in code."""
    page.goto("/people/new")
    page.get_by_label("Name they want us to use").fill(name)
    page.get_by_label("Email address (optional)").fill(email)
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Being on the involvement register").check()
    page.get_by_label("In person").check()
    page.locator("#safe_contact-no").check()
    page.get_by_role("button", name="Create profile").click()
    expect(page.locator("h1")).to_have_text(name)
    page.get_by_role("button", name="Give them a sign-in code").click()
    expect(page.locator("h1")).to_have_text(f"Sign-in code for {name}")


def open_menu_on_a_phone(page: Page) -> None:
    """On a narrow screen the service navigation folds behind a Menu button, as GOV.UK does.

    Decided by the viewport, not by whether the button shows yet: GOV.UK's script reveals it
    when it starts, so asking too early would skip the click and leave the menu folded.
    """
    width = page.viewport_size["width"] if page.viewport_size else 0
    if width < TABLET_WIDTH:
        menu = page.get_by_role("button", name="Menu")
        expect(menu).to_be_visible()
        if menu.get_attribute("aria-expanded") != "true":
            menu.click()


def staff_sign_in(page: Page, email: str) -> None:
    """From the start page to the account page, setting up two-step verification on the way."""
    page.goto("/")
    open_menu_on_a_phone(page)
    page.get_by_role("link", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))  # axe must not run on the page it left
    assert_accessible(page)
    page.get_by_role("link", name="Sign in with your work email and password").click()
    page.get_by_label("Work email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    expect(page.locator("h1")).to_have_text("Set up two-step verification")
    assert_accessible(page)
    screenshot(page, "two-step-set-up")
    page.get_by_text("I cannot scan the QR code").click()
    typed = page.locator(".govuk-details__text .app-code").inner_text().replace(" ", "")
    secret = base64.b32decode(typed + "=" * (-len(typed) % 8))
    page.get_by_label("Code").fill(totp.code_at(secret, time.time()))
    page.get_by_role("button", name="Turn on two-step verification").click()

    expect(page.locator("h1")).to_have_text("Two-step verification is on")
    expect(page.locator(".app-recovery-codes li")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("button", name="I have saved my codes").click()


def test_staff_sign_in_with_an_authenticator(page: Page, live_env: dict[str, str]) -> None:
    email = f"ama.{page.viewport_size['width'] if page.viewport_size else 0}@northshire.example"
    new_admin(live_env, email)

    staff_sign_in(page, email)

    expect(page.locator("h1")).to_have_text("Your account")
    expect(page.get_by_text("Ama Boateng")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "staff-account")
    page.get_by_role("link", name="Manage staff").click()
    expect(page.locator("h1")).to_have_text("Staff")
    assert_accessible(page)
    page.get_by_role("link", name="Change Ama Boateng").first.click()
    expect(page.locator("h1")).to_have_text("Change their access")
    assert_accessible(page)
    screenshot(page, "staff-change")


def latest_email_to(mailbox: CapturingSMTPServer, address: str) -> EmailMessage:
    """Wait (up to 20 s) for the service's background sender to deliver to ``address``."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for message in reversed(mailbox.messages):
            if message["To"] == address:
                return message
        time.sleep(0.1)
    raise AssertionError(f"no email reached {address}")


def test_participant_signs_in_with_the_emailed_link(
    page: Page, live_env: dict[str, str], mailbox: CapturingSMTPServer
) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    coordinator, participant = f"cora.{width}@northshire.example", f"pat.{width}@example.org"
    new_admin(live_env, coordinator)
    staff_sign_in(page, coordinator)
    add_person_with_a_code(page, "Pat", participant)
    assert_accessible(page)
    sign_out(page)

    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in with your email").click()
    page.get_by_label("Email address").fill(participant)
    page.get_by_role("button", name="Send me a code").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    assert_accessible(page)
    link = re.search(
        r"(http://\S+/sign-in/link/\S+)", latest_email_to(mailbox, participant).get_content()
    )
    assert link

    page.goto(link.group(1))
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator("h1")).to_have_text("Your account")
    expect(page.get_by_text("Pat", exact=True)).to_be_visible()
    screenshot(page, "participant-account")


def sign_out(page: Page) -> None:
    """Sign out from the menu and wait for the signed-out page: navigating on before it has
    loaded would race the response that expires the cookies."""
    open_menu_on_a_phone(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("h1")).to_have_text("You have signed out")
