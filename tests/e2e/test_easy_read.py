"""Someone who needs Easy Read opens an advert's Easy Read and large-print versions, on a phone
and on a desktop: each sentence on its own line beside its picture slot, 0 axe violations."""

from __future__ import annotations

import io

from docx import Document
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_expressing_interest import publish_an_opportunity
from tests.e2e.test_sign_in import new_admin, sign_out, staff_sign_in
from tests.support.axe import assert_accessible


def test_the_easy_read_advert(page: Page, live_env: dict[str, str]) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    title = f"Help us choose the new day centre ({width})"
    coordinator = f"cora.easyread.{width}@northshire.example"
    new_admin(live_env, coordinator)
    staff_sign_in(page, coordinator)
    publish_an_opportunity(page, title)
    sign_out(page)

    page.goto("/take-part")
    page.get_by_role("link", name=title, exact=True).click()
    screenshot(page, "easy-read-links")
    page.get_by_role("link", name="Easy Read version", exact=True).click()

    expect(page.locator("h1")).to_have_text(title)
    lines = page.locator(".app-easy-read__line")
    expect(lines.first).to_contain_text("Help us choose.")
    expect(lines.nth(1)).to_contain_text("We pay you.")
    expect(lines).to_have_count(6)
    picture, words = lines.first.locator(".app-easy-read__picture"), lines.first.locator("p")
    left, right = picture.bounding_box(), words.bounding_box()
    assert left is not None
    assert right is not None
    assert left["x"] + left["width"] <= right["x"], "the picture is on the left of the words"
    assert_accessible(page)
    screenshot(page, "easy-read-advert")

    download = page.request.get(page.url + ".docx")
    assert download.ok
    cells = [
        row.cells[1].text for t in Document(io.BytesIO(download.body())).tables for row in t.rows
    ]
    assert cells == [lines.nth(i).inner_text().strip() for i in range(6)]

    page.go_back()
    page.get_by_role("link", name="Large print version", exact=True).click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.get_by_text("£25 an hour, or a voucher")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "large-print-advert")
