"""A participant accepts an invitation from the link in the email, in a real browser, on a phone
and on a desktop. Staff first select them for an opportunity and invite them to its panel."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta
from email.message import EmailMessage

from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_coordinator_selects import create_opportunity, fill_date, move_on_the_board
from tests.e2e.test_organiser_schedules import add_venue
from tests.e2e.test_sign_in import new_admin, open_menu_on_a_phone, staff_sign_in
from tests.support.axe import assert_accessible
from tests.support.smtp import CapturingSMTPServer

REPLY_LINK = re.compile(r"http://\S+/events/reply/[0-9a-f-]{36}/\w+")


def invitation_to(mailbox: CapturingSMTPServer, address: str) -> EmailMessage:
    """Wait (up to 20 s) for the invitation (not the earlier "you were selected" email)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for message in reversed(mailbox.messages):
            if message["To"] == address and str(message["Subject"]).startswith("Invitation"):
                return message
        time.sleep(0.1)
    raise AssertionError(f"no invitation reached {address}")


def select_someone(page: Page, title: str, name: str, email: str) -> None:
    """A coordinator adds a person who agreed to contact, and selects them for an opportunity."""
    open_menu_on_a_phone(page)
    page.get_by_role("link", name="Opportunities", exact=True).click()
    create_opportunity(page, title)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The opportunity is open: people can see it")).to_be_visible()
    board = page.url.split("?")[0] + "/board"
    page.goto("/people/new")
    page.get_by_label("Name they want us to use").fill(name)
    page.get_by_label("Email address (optional)").fill(email)
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Being on the involvement register").check()
    page.get_by_label("Being contacted about opportunities").check()
    page.get_by_label("In person").check()
    page.locator("#safe_contact-no").check()
    page.get_by_role("button", name="Create profile").click()
    expect(page.locator("h1")).to_have_text(name)
    page.goto(board)
    page.get_by_role("link", name="Add someone's interest for them").click()
    page.get_by_label("Their email address or phone number").fill(email)
    page.get_by_role("button", name="Find them").click()
    page.get_by_label(name, exact=True).check()
    page.get_by_label("By phone").check()
    page.get_by_role("button", name="Add their interest").click()
    expect(page.get_by_text("Their interest has been recorded")).to_be_visible()
    move_on_the_board(page, name, "Shortlisted")
    move_on_the_board(page, name, "Selected")


def schedule_and_invite(page: Page, title: str, venue: str, opportunity: str) -> None:
    page.goto("/events")
    page.get_by_role("button", name="Schedule an event").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Evaluation panel").check()
    fill_date(page, "starts_at", date.today() + timedelta(days=21))
    page.get_by_label("End time").fill("1pm")
    page.get_by_label("Venue", exact=True).select_option(label=venue)
    page.get_by_label("Opportunity (optional)").select_option(label=opportunity)
    page.get_by_role("button", name="Save event").click()
    expect(page.get_by_text("The event has been scheduled.")).to_be_visible()
    page.get_by_role("button", name="Invite the selected people").click()
    expect(page.locator(".app-sent-counts")).to_contain_text(re.compile(r"Emailed[^:]*: 1"))


def test_a_participant_accepts_from_the_email_link(
    page: Page, live_env: dict[str, str], mailbox: CapturingSMTPServer
) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    staff, person = f"cora.replies.{width}@northshire.example", f"lena.{width}@example.org"
    opportunity, event = f"Score the advice bids ({width})", f"Advice bids panel ({width})"
    venue, name = f"Ashcombe Library ({width})", f"Lena Kowalski {width}"
    new_admin(live_env, staff)
    staff_sign_in(page, staff)
    add_venue(page, venue)
    select_someone(page, opportunity, name, person)
    schedule_and_invite(page, event, venue, opportunity)
    page.context.clear_cookies()  # the person is not signed in: the link is all they have

    body = invitation_to(mailbox, person).get_body(preferencelist=("plain",))
    assert body is not None
    link = REPLY_LINK.search(body.get_content())
    assert link is not None
    page.goto(link.group(0))
    expect(page.locator("h1")).to_have_text("Can you come?")
    expect(page.get_by_text(event)).to_be_visible()
    expect(page.get_by_text(venue).first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "reply-by-link")
    page.get_by_role("button", name="Yes, I will come").click()

    expect(page.locator("h1")).to_have_text("Thank you")
    expect(page.get_by_text("We look forward to seeing you.")).to_be_visible()
    expect(page.get_by_text("Your answer now: Yes, I will come.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "reply-by-link-thanks")
