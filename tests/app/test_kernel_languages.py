"""The kernel's pages, forms and error pages in Welsh and Arabic (and the API left in English)."""

from __future__ import annotations

import re

import httpx
import pytest
from litestar import Litestar

from app import i18n
from app.datamap import Role
from app.feedback import FeedbackForm
from app.tables import ServiceFeedback
from app.web.forms import FormInvalid, parse_form
from app.web.templates import TEMPLATE_DIR
from tests.support.auth import form_token, make_account, sign_in
from tests.support.english import english_left

PAGES_ANYONE_SEES = (
    "/",
    "/contact",
    "/privacy",
    "/accessibility",
    "/feedback",
    "/feedback/thank-you",
    "/sign-in",
    "/sign-in/email",
    "/sign-in/email/code",
    "/sign-in/activate",
    "/sign-in/link/a-token",
    "/no-such-page",
)


def html_tag(response: httpx.Response) -> str:
    found = re.search(r"<html [^>]*>", response.text)
    assert found, "no <html> tag"
    return found.group(0)


@pytest.mark.parametrize("code", ["cy", "ar"])
async def test_no_english_is_left_on_the_pages_anyone_sees(
    client: httpx.AsyncClient, code: str
) -> None:
    client.cookies.set("lang", code)

    left = {path: english_left((await client.get(path)).text) for path in PAGES_ANYONE_SEES}

    assert left == {path: [] for path in PAGES_ANYONE_SEES}


async def test_the_home_page_in_welsh(client: httpx.AsyncClient) -> None:
    response = await client.get("/?lang=cy")

    assert html_tag(response) == '<html lang="cy" dir="ltr" class="govuk-template">'
    assert (
        '<h1 class="govuk-heading-xl">Helpwch i lunio’r gwasanaethau rydych chi’n eu defnyddio</h1>'
        in response.text
    )
    assert '<h2 class="govuk-heading-m">Os oes gennych brofiad bywyd</h2>' in response.text
    assert "<li>rhoi’r gorau iddi ar unrhyw adeg, heb roi rheswm</li>" in response.text
    assert 'href="/contact">Cysylltu â ni</a>' in response.text
    assert "Help shape the services you use" not in response.text


async def test_the_privacy_notice_in_arabic_reads_right_to_left(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/privacy?lang=ar")

    assert html_tag(response) == '<html lang="ar" dir="rtl" class="govuk-template">'
    assert '<h1 class="govuk-heading-l">إشعار الخصوصية</h1>' in response.text
    assert "<title>إشعار الخصوصية – " in response.text
    assert "<li>حذف معلوماتك، أو التوقف عن استخدامها</li>" in response.text
    assert "Privacy notice" not in response.text


async def test_the_accessibility_statement_dates_itself_in_welsh(
    client: httpx.AsyncClient,
) -> None:
    client.cookies.set("lang", "cy")

    response = await client.get("/accessibility")

    assert "Paratowyd y datganiad hwn ar 23 Tachwedd 2026." in response.text
    assert "<li>chwyddo hyd at 400% heb i’r testun ddisgyn oddi ar y sgrin</li>" in response.text


async def test_the_english_accessibility_statement_is_unchanged(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/accessibility")

    assert "This statement was prepared on 23 November 2026." in response.text
    assert "<li>zoom in up to 400% without the text spilling off the screen</li>" in response.text


async def test_a_feedback_mistake_is_explained_in_welsh(client: httpx.AsyncClient) -> None:
    client.cookies.set("lang", "cy")
    token = form_token((await client.get("/feedback")).text)

    response = await client.post("/feedback", data={"_csrf_token": token, "comments": "Helo"})

    assert response.status_code == 400
    assert "<title>Gwall: Rhoi adborth – " in response.text
    assert '<h2 class="govuk-error-summary__title">Mae problem</h2>' in response.text
    assert (
        '<li><a href="#satisfaction">Dewiswch beth yw eich barn am y gwasanaeth</a></li>'
        in response.text
    )
    assert "Bodlon iawn" in response.text
    assert "At ei gilydd, beth yw eich barn am y gwasanaeth hwn?" in response.text
    assert await ServiceFeedback.count() == 0


async def test_the_character_count_speaks_arabic_with_every_plural_form(
    client: httpx.AsyncClient,
) -> None:
    """GOV.UK Frontend's script picks a message by CLDR plural category as the person types."""
    response = await client.get("/feedback?lang=ar")

    assert "يمكنك إدخال 1200 حرف كحد أقصى" in response.text
    assert 'data-i18n.characters-under-limit.few="يتبقى لديك %{count} أحرف"' in response.text
    assert 'data-i18n.characters-under-limit.many="يتبقى لديك %{count} حرفًا"' in response.text
    assert 'data-i18n.characters-over-limit.two="لقد تجاوزت الحد بحرفين"' in response.text
    assert 'data-i18n.characters-at-limit="لم يتبقَّ لديك أي حرف"' in response.text


async def test_the_english_character_count_keeps_gov_uk_wording(client: httpx.AsyncClient) -> None:
    response = await client.get("/feedback")

    assert "You can enter up to 1200 characters" in response.text
    assert (
        'data-i18n.characters-under-limit.other="You have %{count} characters remaining"'
        in response.text
    )
    assert 'data-i18n.characters-over-limit.one="You have %{count} character too many"' in (
        response.text
    )


def test_form_messages_are_translated_when_the_errors_are_built() -> None:
    """Every domain's ``N_``-marked messages go through here, in the language of the moment."""
    with i18n.use_locale("ar"), pytest.raises(FormInvalid) as raised:
        parse_form(FeedbackForm, {"comments": "x" * 1201})
    caught = raised.value

    assert [(e.field, e.message) for e in caught.errors] == [
        ("satisfaction", "اختر رأيك في الخدمة"),
        ("comments", "يجب ألا تزيد تعليقاتك على 1200 حرف"),
    ]
    assert caught.message == "بعض الإجابات تحتاج إلى تصحيح: راجع قائمة الأخطاء."


def test_the_comment_limit_in_the_message_is_the_real_limit() -> None:
    from app.feedback import MAX_COMMENT_LENGTH

    assert f" {MAX_COMMENT_LENGTH} " in FeedbackForm.messages["comments"]


async def test_page_not_found_in_arabic(client: httpx.AsyncClient) -> None:
    response = await client.get("/no-such-page?lang=ar", headers={"accept": "text/html"})

    assert response.status_code == 404
    assert html_tag(response) == '<html lang="ar" dir="rtl" class="govuk-template">'
    assert '<h1 class="govuk-heading-l">الصفحة غير موجودة</h1>' in response.text
    assert "فتحقّق من أنك نسخت العنوان كاملًا." in response.text
    assert 'href="/">الذهاب إلى صفحة البداية</a>' in response.text


async def test_an_expired_form_is_explained_in_welsh(client: httpx.AsyncClient) -> None:
    client.cookies.set("lang", "cy")

    response = await client.post(
        "/feedback", data={"satisfaction": "satisfied"}, headers={"accept": "text/html"}
    )

    assert response.status_code == 403
    assert (
        "Mae eich ffurflen wedi dod i ben neu cafodd ei hanfon o wefan arall. "
        "Ewch yn ôl, ail-lwythwch y dudalen a rhowch gynnig arall arni."
    ) in response.text


async def test_a_participant_on_a_staff_page_is_told_in_welsh(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    account = await make_account(running_app, "participant", (Role.participant,))
    await sign_in(running_app, client, account)
    client.cookies.set("lang", "cy")

    response = await client.get("/staff")

    assert response.status_code == 403
    assert '<h1 class="govuk-heading-l">Ni allwch wneud hyn</h1>' in response.text
    assert '<p class="govuk-body">Ni all eich cyfrif wneud hyn.</p>' in response.text


async def test_the_json_api_answers_in_english_whatever_the_language(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/v1/nothing-here?lang=cy")

    assert response.status_code == 404
    assert response.json()["title"] == "Page not found"


def test_no_template_hides_the_translation_function() -> None:
    """``{% set _ = items.append(x) %}`` makes ``_`` None for the rest of that template or macro,
    so its next ``_("...")`` is a 500: a throwaway result needs another name (``_unused``)."""
    hiding = re.compile(r"{%-?\s*set\s+_\s*=")

    found = [
        str(path.relative_to(TEMPLATE_DIR))
        for path in sorted(TEMPLATE_DIR.rglob("*.html"))
        if hiding.search(path.read_text(encoding="utf-8"))
    ]

    assert found == []
