"""Languages: the language a request gets, the switcher, right-to-left pages, whole catalogues."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime

import httpx
import pytest
from babel.messages.catalog import Catalog
from click.testing import CliRunner
from litestar import Litestar

from app import i18n, i18n_check
from app.datamap import Role
from tests.support.auth import make_account, sign_in

SKIP_LINK = "Skip to main content"


def html_tag(response: httpx.Response) -> str:
    found = re.search(r"<html [^>]*>", response.text)
    assert found, "no <html> tag"
    return found.group(0)


def welsh(message: str) -> str:
    with i18n.use_locale("cy"):
        return i18n.gettext(message)


async def test_the_switcher_link_chooses_welsh_and_a_cookie_keeps_it(
    client: httpx.AsyncClient,
) -> None:
    chosen = await client.get("/?lang=cy")
    later = await client.get("/contact")

    assert html_tag(chosen) == '<html lang="cy" dir="ltr" class="govuk-template">'
    assert "lang=cy; Path=/; Max-Age=31536000; SameSite=Lax" in chosen.headers.get_list(
        "set-cookie"
    )
    assert html_tag(later) == '<html lang="cy" dir="ltr" class="govuk-template">'
    assert not [c for c in later.headers.get_list("set-cookie") if c.startswith("lang=")]
    assert welsh(SKIP_LINK) != SKIP_LINK
    assert f'data-module="govuk-skip-link">{welsh(SKIP_LINK)}</a>' in later.text


async def test_arabic_pages_read_right_to_left(client: httpx.AsyncClient) -> None:
    response = await client.get("/?lang=ar")

    assert html_tag(response) == '<html lang="ar" dir="rtl" class="govuk-template">'


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("cy-GB,cy;q=0.9,en;q=0.5", "cy"),
        ("ar-SA", "ar"),
        ("fr-FR,fr;q=0.9", "en-GB"),
        ("", "en-GB"),
    ],
)
async def test_the_browser_language_is_used_when_nobody_has_chosen(
    client: httpx.AsyncClient, header: str, expected: str
) -> None:
    response = await client.get("/", headers={"accept-language": header})

    assert f'<html lang="{expected}"' in html_tag(response)


async def test_an_unknown_language_is_ignored(client: httpx.AsyncClient) -> None:
    response = await client.get("/?lang=xx")

    assert html_tag(response) == '<html lang="en-GB" dir="ltr" class="govuk-template">'
    assert not [c for c in response.headers.get_list("set-cookie") if c.startswith("lang=")]


async def test_the_switcher_names_each_language_in_itself(client: httpx.AsyncClient) -> None:
    text = (await client.get("/contact")).text

    assert '<nav class="govuk-language-navigation app-language-navigation"' in text
    assert 'aria-current="true" lang="en-GB" dir="ltr">English</span>' in text
    assert (
        '<a class="govuk-language-navigation__link" href="/contact?lang=cy" rel="alternate" '
        'lang="cy" hreflang="cy" dir="ltr">Cymraeg</a>'
    ) in text
    assert 'hreflang="ar" dir="rtl">العربية</a>' in text


async def test_staff_pages_have_no_switcher(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    account = await make_account(running_app, "staff", (Role.coordinator,))
    await sign_in(running_app, client, account)

    text = (await client.get("/contact")).text

    assert "govuk-language-navigation" not in text


async def test_concurrent_requests_keep_their_own_language(client: httpx.AsyncClient) -> None:
    codes = ["cy", "ar", "en"] * 10

    responses = await asyncio.gather(*(client.get("/", params={"lang": c}) for c in codes))

    got = [re.search(r'<html lang="([^"]+)"', r.text).group(1) for r in responses]  # type: ignore[union-attr]
    assert got == [{"en": "en-GB"}.get(code, code) for code in codes]
    assert i18n.current() == "en"


def test_dates_are_written_in_the_language_in_use() -> None:
    moment = datetime(2026, 11, 26, 14, 30, tzinfo=UTC)

    with i18n.use_locale("cy"):
        welsh_day = (
            i18n.day(moment.date()),
            i18n.weekday_and_day(moment.date()),
            i18n.time_of_day(moment),
        )
    english = (i18n.day(date(2026, 11, 26)), i18n.moment(moment))

    assert welsh_day == ("26 Tachwedd 2026", "Dydd Iau 26 Tachwedd 2026", "2:30yh")
    assert english == ("26 November 2026", "Thursday 26 November 2026 at 2:30pm")


def test_use_locale_falls_back_to_english_for_a_language_without_a_catalogue() -> None:
    with i18n.use_locale("zz"):
        inside = i18n.current()

    assert inside == "en"


def test_offering_a_language_without_a_catalogue_stops_start_up() -> None:
    with pytest.raises(ValueError, match="RECIPROCITY_LANGUAGES names pl, which has no catalogue"):
        i18n.offered("en,cy,pl")

    assert [language.code for language in i18n.offered("cy,en,cy")] == ["en", "cy"]


def test_the_check_names_every_kind_of_gap() -> None:
    template = Catalog(locale="en")
    for message in ("Hello %(name)s", "Missing", "Fuzzy", "Invented"):
        template.add(message)
    template.add(("%(num)d event", "%(num)d events"))
    catalogue = Catalog(locale="cy")
    catalogue.add("Hello %(name)s", "Helo")
    catalogue.add("Fuzzy", "Niwlog", flags=("fuzzy",))
    catalogue.add("Invented", "Ffug %(who)s")
    catalogue.add(("%(num)d event", "%(num)d events"), ("%(num)d digwyddiad", "", "", "", ""))

    found = i18n_check.problems(template, "cy", catalogue)

    assert found == [
        "cy: drops a placeholder: 'Hello %(name)s'",
        "cy: missing: 'Missing'",
        "cy: fuzzy (check it, then remove the fuzzy flag): 'Fuzzy'",
        "cy: has a placeholder the English does not: 'Invented'",
        "cy: a plural form is empty: '%(num)d event'",
    ]


def test_every_shipped_catalogue_is_complete() -> None:
    """The gate: a string added to a participant page without its Welsh and Arabic fails here."""
    result = CliRunner().invoke(i18n_check.main, [])

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Catalogues complete: ar, cy (")


async def test_staff_get_english_pages_whatever_the_cookie_says(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    account = await make_account(running_app, "staff", (Role.coordinator,))
    await sign_in(running_app, client, account)
    client.cookies.set("lang", "cy")

    page = await client.get("/contact")

    assert html_tag(page) == '<html lang="en-GB" dir="ltr" class="govuk-template">'
    assert f'data-module="govuk-skip-link">{SKIP_LINK}</a>' in page.text


def test_typed_words_passed_to_translation_in_a_template_are_still_escaped() -> None:
    """``_()`` output is trusted HTML only for the catalogue's own messages."""
    link = 'This is a new service. <a class="govuk-link" href="%(link)s">Tell us what you think</a> to help us improve it.'  # noqa: E501
    with i18n.use_locale("cy"):
        typed = i18n.page_gettext('<script>alert("x")</script>')
        ours = i18n.page_gettext(link)

    assert typed == "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
    assert '<a class="govuk-link" href="%(link)s">' in ours
