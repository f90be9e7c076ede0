"""A participant reads the benefit facts and chooses a smaller fee, in a real browser, on a phone
and on a desktop. Staff first add them, select them for an opportunity and schedule its
three-hour panel. The fee comes from whichever policy is in force (the demo's pays £75; another
journey may approve a newer one), so only its presence is checked here."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_coordinator_selects import fill_date
from tests.e2e.test_organiser_schedules import add_venue, new_opportunity, select_on_the_board
from tests.e2e.test_participant_profile import participant_sign_in
from tests.e2e.test_sign_in import (
    add_person_with_a_code,
    new_admin,
    open_menu_on_a_phone,
    sign_out,
    staff_sign_in,
)
from tests.support.axe import assert_accessible
from tests.support.smtp import CapturingSMTPServer


def schedule_panel(page: Page, title: str, venue: str, opportunity: str) -> None:
    """A three-hour evaluation panel for the opportunity, three weeks away."""
    page.goto("/events")
    page.get_by_role("button", name="Schedule an event").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Evaluation panel").check()
    fill_date(page, "starts_at", date.today() + timedelta(days=21))
    page.get_by_label("End time").fill("1pm")
    page.get_by_label("Venue", exact=True).select_option(label=venue)
    page.get_by_label("Opportunity (optional)").select_option(label=opportunity)
    page.get_by_role("button", name="Save event").click()
    expect(page.locator("h1")).to_have_text(title)


def tell_us_about_esa(page: Page) -> None:
    """From the menu to "Your benefits": first without agreeing (refused), then agreeing."""
    open_menu_on_a_phone(page)
    page.get_by_role("link", name="Payments", exact=True).click()
    expect(page.locator("h1")).to_have_text("Your payments")
    assert_accessible(page)
    page.get_by_role("link", name="Tell us about your benefits").click()
    expect(page.locator("h1")).to_have_text("Your benefits")
    page.get_by_label("Employment and Support Allowance (ESA)").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Tick the box")
    assert_accessible(page)
    screenshot(page, "payment-benefits-errors")
    page.get_by_label("Yes. You may keep what I told you").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Thank you")


def test_a_participant_reads_the_facts_and_chooses_a_smaller_fee(
    page: Page, live_env: dict[str, str], mailbox: CapturingSMTPServer
) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    staff, person = f"cora.pay.{width}@northshire.example", f"sol.{width}@example.org"
    name, venue = f"Sol Haddad {width}", f"Riverside Centre ({width})"
    opportunity, panel = f"Score the day centre bids ({width})", f"Day centre panel ({width})"
    new_admin(live_env, staff)
    staff_sign_in(page, staff)
    add_person_with_a_code(page, name, person)
    add_venue(page, venue)
    select_on_the_board(page, new_opportunity(page, opportunity), name, person)
    schedule_panel(page, panel, venue, opportunity)
    sign_out(page)

    participant_sign_in(page, mailbox, person)
    tell_us_about_esa(page)

    page.get_by_role("link", name=f"Read the facts and choose for {opportunity}").click()
    expect(page.locator("h1")).to_have_text("How you want to be paid")
    main = page.locator("main")
    expect(page.locator(".app-sessions")).to_contain_text(re.compile(rf"{re.escape(panel)}.*: £\d"))
    expect(main).to_contain_text("With ESA you can earn up to £20 a week.")
    expect(main).to_contain_text("So far this week")
    expect(main).to_contain_text("The full fee would take you over the lower limit.")
    expect(main).to_contain_text("Expenses are not earnings.")
    expect(main).to_contain_text("Vouchers are not a way around the rules.")
    expect(page.get_by_role("link", name="Citizens Advice")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "payment-choice-facts")

    page.get_by_label("A smaller amount", exact=True).check()
    page.get_by_label("If you chose a smaller amount: how much do you want for each session?").fill(
        "20.5"
    )
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save my choice").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the amount you want in pounds and pence")
    assert page.title().startswith("Error: How you want to be paid")
    assert_accessible(page)
    screenshot(page, "payment-choice-errors")

    page.get_by_label("If you chose a smaller amount: how much do you want for each session?").fill(
        "20"
    )
    page.get_by_role("button", name="Save my choice").click()
    expect(page.locator("h1")).to_have_text("Your payments")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your choice has been saved")
    expect(page.locator("main")).to_contain_text("Your choice: A smaller amount: £20")
    assert_accessible(page)
    screenshot(page, "payment-choice-saved")


def test_an_admin_checks_a_benefit_figure(page: Page, live_env: dict[str, str]) -> None:
    """The figure changed keeps its amount (only how sure we are), so other journeys see the
    same facts."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    admin = f"ama.figures.{width}@northshire.example"
    new_admin(live_env, admin)
    staff_sign_in(page, admin)
    open_menu_on_a_phone(page)
    page.get_by_role("link", name="Benefit figures", exact=True).click()
    expect(page.locator("h1")).to_have_text("Benefit and tax figures")
    expect(page.locator("main")).to_contain_text("Carer's Allowance earnings limit")
    assert_accessible(page)
    screenshot(page, "benefit-figures")

    figure = "Housing Benefit: earnings ignored, higher, 2026/27"
    page.get_by_role("link", name=f"Change {figure}", exact=True).click()
    expect(page.locator("h1")).to_have_text("Housing Benefit: earnings ignored, higher")
    page.get_by_label("Amount in pounds").fill("20.5")
    page.get_by_role("button", name="Save the figure").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the amount in pounds and pence")
    assert_accessible(page)
    screenshot(page, "benefit-figure-errors")

    page.get_by_label("Amount in pounds").fill("20")
    page.get_by_label("Secondary: seen only in a secondary source").check()
    page.get_by_role("button", name="Save the figure").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The figure has been changed"
    )
    assert_accessible(page)
