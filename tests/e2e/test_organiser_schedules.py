"""An organiser, in a real browser, adds a venue, schedules an event (with a mistake first,
shown in the error summary), sees before inviting that the venue lacks what a selected person
needs, invites the selection, records a reply taken by phone and reviews the logistics list, on
a phone and on a desktop."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_coordinator_selects import create_opportunity, fill_date, move_on_the_board
from tests.e2e.test_sign_in import new_admin, open_menu_on_a_phone, staff_sign_in
from tests.support.axe import assert_accessible


def add_venue(page: Page, name: str) -> None:
    page.goto("/venues")
    assert_accessible(page)
    page.get_by_role("button", name="Add a venue").click()
    expect(page.locator("h1")).to_have_text("Add a venue")
    page.get_by_label("Venue name").fill(name)
    page.get_by_label("Step-free route from the street to the room").check()
    page.get_by_label("Hearing loop").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save venue").click()
    expect(page.get_by_text("The venue has been saved.")).to_be_visible()
    expect(page.locator("tbody")).to_contain_text(name)
    assert_accessible(page)


def new_opportunity(page: Page, title: str) -> str:
    """A published opportunity; returns the address of its review board."""
    open_menu_on_a_phone(page)
    page.get_by_role("link", name="Opportunities", exact=True).click()
    create_opportunity(page, title)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The opportunity is open: people can see it")).to_be_visible()
    return page.url.split("?")[0] + "/board"


def add_someone(page: Page, name: str, email: str, needs: tuple[str, ...] = ()) -> None:
    """A coordinator adds a person who agreed to be contacted; with ``needs``, they also agreed
    to share their access needs with organisers, and these are ticked on their profile."""
    page.goto("/people/new")
    page.get_by_label("Name they want us to use").fill(name)
    page.get_by_label("Email address (optional)").fill(email)
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Being on the involvement register").check()
    page.get_by_label("Being contacted about opportunities").check()
    if needs:
        page.get_by_label("Sharing your access needs with event organisers").check()
    page.get_by_label("In person").check()
    page.locator("#safe_contact-no").check()
    page.get_by_role("button", name="Create profile").click()
    expect(page.locator("h1")).to_have_text(name)
    if needs:
        page.goto(page.url.split("?")[0] + "/access-needs")
        for need in needs:
            page.get_by_label(need, exact=True).check()
        page.get_by_role("button", name="Save").click()
        expect(page.locator("h1")).to_have_text(name)


def select_on_the_board(page: Page, board: str, name: str, email: str) -> None:
    """Their interest, added for them (they rang in), then shortlisted and selected."""
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


def record_a_reply(page: Page, name: str, answer: str) -> None:
    """On the event page: a reply someone gave on the phone."""
    page.get_by_label(name, exact=True).check()
    page.get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Record the reply").click()
    expect(page.get_by_text("The reply has been recorded.")).to_be_visible()


def schedule_event(page: Page, title: str, venue: str, opportunity: str) -> None:
    page.get_by_role("button", name="Schedule an event").click()
    expect(page.locator("h1")).to_have_text("Schedule an event")
    assert_accessible(page)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Evaluation panel").check()
    fill_date(page, "starts_at", date.today() + timedelta(days=21))
    page.get_by_label("End time").fill("9am")
    page.get_by_role("button", name="Save event").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter an end time after the start time")
    assert page.title().startswith("Error: Schedule an event")
    assert_accessible(page)
    screenshot(page, "event-form-errors")

    page.get_by_label("End time").fill("1pm")
    page.get_by_label("Venue", exact=True).select_option(label=venue)
    page.get_by_label("Opportunity (optional)").select_option(label=opportunity)
    page.get_by_role("button", name="Save event").click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.get_by_text("The event has been scheduled.")).to_be_visible()
    expect(page.get_by_text("Hearing loop")).to_be_visible()
    assert_accessible(page)


def test_an_organiser_schedules_and_invites(page: Page, live_env: dict[str, str]) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    email = f"omar.events.{width}@northshire.example"
    venue, title = f"Mill Lane Hub ({width})", f"Housing support panel ({width})"
    opportunity, name = f"Score the housing bids ({width})", f"Rosa Quinn {width}"
    new_admin(live_env, email)
    staff_sign_in(page, email)
    add_venue(page, venue)
    board = new_opportunity(page, opportunity)
    add_someone(page, name, f"rosa.{width}@example.org", needs=("A quiet room",))
    select_on_the_board(page, board, name, f"rosa.{width}@example.org")

    open_menu_on_a_phone(page)
    page.get_by_role("link", name="Events", exact=True).click()
    expect(page.locator("h1")).to_have_text("Events")
    assert_accessible(page)
    schedule_event(page, title, venue, opportunity)

    expect(page.locator(".app-can-make")).to_contain_text("1 of 1 selected people")
    expect(page.locator(".app-venue-gap")).to_have_text(
        "! Warning Before you invite: 1 of the selected people needs a quiet room, "
        "which this venue does not list."
    )
    screenshot(page, "event-venue-gap")
    page.get_by_role("button", name="Invite the selected people").click()
    counts = page.locator(".app-sent-counts")
    expect(counts).to_be_visible()
    for label, count in (("Invited", 1), ("Emailed", 1), ("To tell by phone or letter", 0)):
        expect(counts).to_contain_text(re.compile(rf"{label}[^:]*: {count}"))
    expect(page.locator(".app-venue-gap")).to_contain_text("1 of the selected people needs")
    expect(page.get_by_text("Before you invite")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "event-invited")

    record_a_reply(page, name, "Yes, I will come")
    page.get_by_role("link", name="Logistics: what to arrange for the people coming").click()
    expect(page.locator("h1")).to_have_text("Logistics")
    expect(page.get_by_text("Nothing to arrange yet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Update the list from people's needs").click()
    expect(page.get_by_text("The list is up to date with what people need.")).to_be_visible()
    card = page.locator(".govuk-summary-card").filter(has_text=f"A quiet room for {name}")
    expect(card).to_have_count(1)
    expect(card.locator(".govuk-tag")).to_have_text("Venue does not have this")
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        f"{venue} does not have everything people need: A quiet room."
    )
    assert_accessible(page)
    screenshot(page, "logistics-list")

    page.goto("/events")
    expect(page.locator("tbody")).to_contain_text(title)
    assert_accessible(page)
