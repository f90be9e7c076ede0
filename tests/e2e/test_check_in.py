"""Staff check people in on the day, in a real browser, on a phone and on a desktop: check one
person in, record that another did not come (no penalty, no reason), put their hours right, and
add a check-in note, with the page and axe checked after every step.

The people, the opportunity and the event are set up through the pages, as staff would; only
the event's time is then moved to now in the live service's database, because a form cannot
schedule an event that has already started.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_organiser_schedules import (
    add_someone,
    add_venue,
    new_opportunity,
    record_a_reply,
    schedule_event,
    select_on_the_board,
)
from tests.e2e.test_sign_in import new_admin, staff_sign_in
from tests.support.axe import assert_accessible

NOTE = "11:15 everyone had a break. Sam wanted to stop early, asked for a call tomorrow."


def start_now(env: dict[str, str], title: str) -> None:
    """Move the event to have started ten minutes ago (three hours long)."""
    start = datetime.now(UTC) - timedelta(minutes=10)
    database = Path(env["RECIPROCITY_VAR_DIR"]) / "reciprocity.sqlite"
    with sqlite3.connect(database, timeout=30) as connection:
        moved = connection.execute(
            "UPDATE event SET starts_at = ?, ends_at = ? WHERE title = ?",
            (str(start), str(start + timedelta(hours=3)), title),
        ).rowcount
    assert moved == 1


def card_of(page: Page, name: str) -> Locator:
    return page.locator(".govuk-summary-card").filter(
        has=page.get_by_role("heading", name=name, exact=True)
    )


def set_up_the_day(page: Page, env: dict[str, str], width: int) -> tuple[str, str]:
    """Two people selected, invited and coming (by phone); the event started 10 minutes ago.
    Returns their names."""
    venue, title = f"Ashcombe Hall ({width})", f"Advice services workshop ({width})"
    opportunity = f"Shape the advice service ({width})"
    here, away = f"Sam Okafor {width}", f"Priti Shah {width}"
    add_venue(page, venue)
    board = new_opportunity(page, opportunity)
    for name in (here, away):
        email = f"{name.split()[0].lower()}.{width}@example.org"
        add_someone(page, name, email)
        select_on_the_board(page, board, name, email)
    page.goto("/events")
    schedule_event(page, title, venue, opportunity)
    page.get_by_role("button", name="Invite the selected people").click()
    expect(page.locator(".app-sent-counts")).to_contain_text("Invited: 2")
    for name in (here, away):
        record_a_reply(page, name, "Yes, I will come")
    start_now(env, title)
    page.reload()
    return here, away


def check_in(page: Page, here: str) -> None:
    page.get_by_role("button", name=f"Check in {here}").click()
    expect(page.get_by_text("Attendance is saved.")).to_be_visible()
    expect(page.get_by_text("1 of 2 checked in.")).to_be_visible()
    expect(card_of(page, here).locator(".govuk-tag")).to_have_text("Here")
    expect(card_of(page, here)).to_contain_text("Checked in")
    expect(page.get_by_label("Hours", exact=True)).to_have_value("3")
    assert_accessible(page)


def not_coming(page: Page, away: str) -> None:
    """No penalty, no reason: just a grey tag, and they can still be checked in later."""
    card_of(page, away).get_by_role("button", name="Did not come").click()
    expect(page.get_by_text("Attendance is saved.")).to_be_visible()
    expect(card_of(page, away).locator(".govuk-tag")).to_have_text("Did not come")
    expect(card_of(page, away).get_by_role("button")).to_have_text(f"Check in {away}")
    expect(page.locator("main")).not_to_contain_text("No-show")
    expect(page.locator("main")).not_to_contain_text("reason")
    assert_accessible(page)


def hours(page: Page, here: str) -> None:
    """A mistake first (shown in the error summary), then put right."""
    page.get_by_label("Hours", exact=True).fill("2")
    page.get_by_label("Minutes", exact=True).fill("75")
    page.get_by_role("button", name=f"Save time for {here}").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the minutes as a whole number from 0 to 59")
    assert_accessible(page)
    page.get_by_label("Minutes", exact=True).fill("30")
    page.get_by_role("button", name=f"Save time for {here}").click()
    expect(page.get_by_text("Attendance is saved.")).to_be_visible()
    expect(page.get_by_label("Hours", exact=True)).to_have_value("2")
    expect(page.get_by_label("Minutes", exact=True)).to_have_value("30")
    assert_accessible(page)


def add_a_note(page: Page) -> None:
    """Too long first (shown in the error summary, what was typed kept), then a short one."""
    page.get_by_label("Add a note").fill("x" * 501)
    page.get_by_role("button", name="Add note").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Write the note in 500 characters or fewer")
    expect(page.get_by_label("Add a note")).to_have_value("x" * 501)
    assert page.title().startswith("Error: Attendance")
    assert_accessible(page)
    screenshot(page, "attendance-note-error")
    page.get_by_label("Add a note").fill(NOTE)
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Your note is added.")).to_be_visible()
    notes = page.locator(".app-check-in-notes li")
    expect(notes).to_have_count(1)
    expect(notes.first).to_contain_text(NOTE)
    expect(notes.first).to_contain_text("Ama Boateng")
    expect(page.get_by_role("link", name="Check-in notes (1)")).to_be_visible()
    assert_accessible(page)


def test_staff_check_people_in_on_the_day(page: Page, live_env: dict[str, str]) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    staff = f"tomas.check-in.{width}@northshire.example"
    new_admin(live_env, staff)
    staff_sign_in(page, staff)
    here, away = set_up_the_day(page, live_env, width)

    page.get_by_role("link", name="Check people in and record hours").click()
    expect(page.locator("h1")).to_have_text("Attendance")
    expect(page.get_by_text("0 of 2 checked in.")).to_be_visible()
    expect(page.get_by_text("No notes yet.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "attendance")

    check_in(page, here)
    not_coming(page, away)
    hours(page, here)
    add_a_note(page)
    screenshot(page, "attendance-done")
