"""An organiser, in a real browser, adds a venue, schedules an event (with a mistake first,
shown in the error summary) and invites the selection, on a phone and on a desktop."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_coordinator_selects import fill_date
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


def schedule_event(page: Page, title: str, venue: str) -> None:
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
    opportunity = page.get_by_label("Opportunity (optional)")
    chosen = opportunity.locator("option").nth(1).get_attribute("value")
    assert chosen
    opportunity.select_option(chosen)
    page.get_by_role("button", name="Save event").click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.get_by_text("The event has been scheduled.")).to_be_visible()
    expect(page.get_by_text("Hearing loop")).to_be_visible()
    assert_accessible(page)


def test_an_organiser_schedules_and_invites(page: Page, live_env: dict[str, str]) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    email = f"omar.events.{width}@northshire.example"
    venue, title = f"Mill Lane Hub ({width})", f"Housing support panel ({width})"
    new_admin(live_env, email)
    staff_sign_in(page, email)

    add_venue(page, venue)
    open_menu_on_a_phone(page)
    page.get_by_role("link", name="Events", exact=True).click()
    expect(page.locator("h1")).to_have_text("Events")
    assert_accessible(page)
    schedule_event(page, title, venue)

    expect(page.locator(".app-can-make")).to_contain_text("selected")
    page.get_by_role("button", name="Invite the selected people").click()
    counts = page.locator(".app-sent-counts")
    expect(counts).to_be_visible()
    for label in ("Invited", "Emailed", "To tell by phone or letter", "Skipped"):
        expect(counts).to_contain_text(re.compile(rf"{label}[^:]*: \d+"))
    assert_accessible(page)
    screenshot(page, "event-invited")

    page.goto("/events")
    expect(page.locator("tbody")).to_contain_text(title)
    assert_accessible(page)
