"""The main participant journeys in Welsh and in Arabic (right to left), in a real browser, on a
phone and on a desktop: choose the language, find an opportunity, express interest (with an error
first), sign in from the emailed link, see what they asked for, their profile and their payments.

Every expected text is looked up in the catalogue (``t``), and each must differ from the English,
so a string left out of the catalogue fails here as well as in the catalogue check.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app import i18n
from tests.e2e.conftest import screenshot
from tests.e2e.test_expressing_interest import publish_an_opportunity
from tests.e2e.test_sign_in import latest_email_to, new_admin, sign_out, staff_sign_in
from tests.support.axe import assert_accessible
from tests.support.english import english_left
from tests.support.smtp import CapturingSMTPServer

DIRECTION = {"cy": "ltr", "ar": "rtl"}
TYPED = (
    "Help us choose a day centre",
    "Read the bids from three organisations and score them with us.",
    "We pay you.",
    "We will explain everything first.",
    "£25 an hour, or a voucher",
    "Step-free venue and a quiet room",
    "Why do you want to take part?",
    "Have you used this service?",
    "I used a day centre for a year.",
)
"""What the coordinator and the person typed: shown as typed, in English."""


def t(code: str, english: str) -> str:
    """The catalogue's translation, which must exist (differ from the English)."""
    with i18n.use_locale(code):
        translated = i18n.gettext(english)
    assert translated != english, f"{code} has no translation of {english!r}"
    return translated


def looked_at(page: Page, code: str, name: str, *, lists_demo_data: bool = False) -> None:
    """Every page of the journey: in the language, 0 axe violations, a screenshot to look at.
    A page listing the demo's opportunities shows what its coordinators typed, in English; the
    in-process walk (tests/app/test_translated_pages.py) checks that page with Welsh data."""
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(page.locator("html")).to_have_attribute("dir", DIRECTION[code])
    if not lists_demo_data:
        assert english_left(page.content(), TYPED) == []
    assert_accessible(page)
    screenshot(page, f"lang-{code}-{name}")


@pytest.mark.parametrize("code", sorted(DIRECTION))
def test_a_person_takes_part_in_their_language(
    page: Page, code: str, live_env: dict[str, str], mailbox: CapturingSMTPServer
) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    title = f"Help us choose a day centre ({code} {width})"
    staff, email = f"cora.{code}.{width}@northshire.example", f"nia.{code}.{width}@example.org"
    new_admin(live_env, staff)
    staff_sign_in(page, staff)
    publish_an_opportunity(page, title)
    sign_out(page)

    choose_the_language(page, code)
    find_the_opportunity(page, code, title)
    express_interest(page, code, email)
    sign_in_from_the_email(page, code, mailbox, email)
    see_what_they_asked_for(page, code, title)
    see_their_payments(page, code)


def choose_the_language(page: Page, code: str) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Language").get_by_role(
        "link", name=i18n.language(code).endonym
    ).click()
    expect(page.locator("h1")).to_have_text(t(code, "Help shape the services you use"))
    looked_at(page, code, "home")


def find_the_opportunity(page: Page, code: str, title: str) -> None:
    page.get_by_role("button", name=t(code, "See ways to take part")).click()
    expect(page.locator("h1")).to_have_text(t(code, "Ways to take part"))
    looked_at(page, code, "take-part", lists_demo_data=True)
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.locator("h1")).to_have_text(title)
    looked_at(page, code, "opportunity")
    page.get_by_role("button", name=t(code, "Tell us you are interested")).click()


def express_interest(page: Page, code: str, email: str) -> None:
    """The coordinator's own questions stay as typed; everything around them is translated."""
    expect(page.locator("h1")).to_have_text(t(code, "Tell us you are interested"))
    page.get_by_label("Why do you want to take part?").fill("I used a day centre for a year.")
    page.get_by_role("group", name="Have you used this service?").get_by_label("Yes").check()
    page.get_by_role("button", name=t(code, "Send")).click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(t(code, "There is a problem"))
    expect(summary).to_contain_text(t(code, "Enter the name you want us to call you"))
    looked_at(page, code, "interest-errors")

    page.get_by_label(t(code, "Your name")).fill("Nia")
    page.get_by_label(t(code, "Email address (optional)")).fill(email)
    page.locator("input[name=preferred_route][value=email]").check()
    page.locator("input[name=safe_contact][value=no]").check()
    page.locator("input[name=consents][value=register]").check()
    page.locator("input[name=consents][value=contact]").check()
    page.get_by_role("button", name=t(code, "Send")).click()
    expect(page.locator("h1")).to_have_text(t(code, "We have your interest"))
    looked_at(page, code, "interest-done")


def sign_in_from_the_email(page: Page, code: str, mailbox: CapturingSMTPServer, email: str) -> None:
    """The email is written in the language the person used: they chose it by using it."""
    message = latest_email_to(mailbox, email)
    link = re.search(r"(http://\S+/sign-in/link/\S+)", message.get_content())
    assert link, "no sign-in link in the email"
    page.goto(link.group(1))
    looked_at(page, code, "sign-in-link")
    page.get_by_role("button", name=t(code, "Sign in")).click()
    expect(page.locator("h1")).to_have_text(t(code, "Your account"))
    looked_at(page, code, "account")


def see_what_they_asked_for(page: Page, code: str, title: str) -> None:
    page.goto("/profile")
    expect(page.locator("h1")).to_have_text(t(code, "Your profile"))
    looked_at(page, code, "profile")
    page.get_by_role("link", name=t(code, "Things you have asked to take part in")).click()
    expect(page.locator(".govuk-summary-card__title")).to_have_text(title)
    looked_at(page, code, "my-interest")


def see_their_payments(page: Page, code: str) -> None:
    page.goto("/your-payments")
    expect(page.locator("h1")).to_have_text(t(code, "Your payments"))
    looked_at(page, code, "payments")
    page.get_by_role("link", name=t(code, "Tell us about your benefits")).click()
    page.locator("input[name=benefits]").first.check()
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    looked_at(page, code, "benefits-errors")
