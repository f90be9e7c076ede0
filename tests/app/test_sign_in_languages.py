"""A participant signs in in Welsh or Arabic: the pages, the messages and the emailed code."""

from __future__ import annotations

import re

import httpx
from litestar import Litestar

from app.datamap import Role
from tests.app.test_sign_in import delivered, post_form
from tests.support.auth import make_account, sign_in
from tests.support.smtp import CapturingSMTPServer


async def test_the_sign_in_code_email_is_written_in_the_language_of_the_request(
    running_app: Litestar, client: httpx.AsyncClient, smtp_server: CapturingSMTPServer
) -> None:
    await make_account(running_app, "participant", (Role.participant,), email="cai@example.org")
    client.cookies.set("lang", "cy")

    asked = await post_form(client, "/sign-in/email", {"email": "cai@example.org"})
    page = await client.get("/sign-in/email/code")
    (message,) = await delivered(running_app, smtp_server)
    body = message.get_content().replace("\r\n", "\n")

    assert (asked.status_code, asked.headers["location"]) == (303, "/sign-in/email/code")
    assert message["Subject"] == "Eich cod mewngofnodi"
    assert re.search(r"^Eich cod mewngofnodi yw \d{6}$", body, re.MULTILINE)
    assert "Neu defnyddiwch y ddolen hon i fewngofnodi:\n" in body
    assert "Os na wnaethoch ofyn am gael mewngofnodi, gallwch anwybyddu’r e-bost hwn." in body
    assert "sign-in code" not in body
    assert '<h1 class="govuk-heading-l">Gwiriwch eich e-bost</h1>' in page.text
    assert '<label class="govuk-label govuk-label--s" for="code">Cod</label>' in page.text


async def test_a_wrong_code_is_explained_in_arabic(client: httpx.AsyncClient) -> None:
    client.cookies.set("lang", "ar")

    response = await post_form(client, "/sign-in/email/code", {"code": "000000"})

    assert response.status_code == 400
    assert '<html lang="ar" dir="rtl" class="govuk-template">' in response.text
    assert '<h2 class="govuk-error-summary__title">هناك مشكلة</h2>' in response.text
    assert (
        '<li><a href="#code">أدخل الرمز المكوّن من 6 أرقام الموجود في البريد الإلكتروني '
        "الذي أرسلناه إليك</a></li>"
    ) in response.text
    assert '<span class="govuk-visually-hidden">خطأ:</span>' in response.text


async def test_the_sign_in_choice_and_the_paper_code_page_in_welsh(
    client: httpx.AsyncClient,
) -> None:
    choice = await client.get("/sign-in?lang=cy")
    paper = await client.get("/sign-in/activate")

    assert '<h2 class="govuk-heading-m">Os ydych chi’n cymryd rhan mewn cydgynhyrchu</h2>' in (
        choice.text
    )
    assert 'href="/sign-in/activate">rhowch eich cod</a>.' in choice.text
    assert '<h1 class="govuk-heading-l">Rhowch eich cod</h1>' in paper.text
    assert ">Mewngofnodi</button>" in paper.text


async def test_an_emailed_link_and_its_expiry_in_arabic(client: httpx.AsyncClient) -> None:
    client.cookies.set("lang", "ar")

    confirm = await client.get("/sign-in/link/not-a-real-token")
    expired = await post_form(client, "/sign-in/link/not-a-real-token", {})

    assert '<h1 class="govuk-heading-l">تسجيل الدخول إلى Reciprocity</h1>' in confirm.text
    assert "اضغط على الزر لإكمال تسجيل الدخول." in confirm.text
    assert expired.status_code == 400
    assert '<h1 class="govuk-heading-l">انتهت صلاحية هذا الرابط</h1>' in expired.text
    assert ">احصل على رمز جديد</button>" in expired.text


async def test_a_participant_account_page_in_welsh(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    account = await make_account(
        running_app, "participant", (Role.participant,), email="nia@example.org"
    )
    await sign_in(running_app, client, account)
    client.cookies.set("lang", "cy")

    response = await client.get("/account")

    assert '<h1 class="govuk-heading-l">Eich cyfrif</h1>' in response.text
    assert "Gyda chod rydym yn ei anfon drwy e-bost at nia@example.org" in response.text
    assert 'href="/reviews">Eich adolygiadau</a>:' in response.text


async def test_signing_out_in_arabic(running_app: Litestar, client: httpx.AsyncClient) -> None:
    account = await make_account(running_app, "participant", (Role.participant,))
    await sign_in(running_app, client, account)
    client.cookies.set("lang", "ar")

    response = await post_form(client, "/sign-out", {}, page="/account")

    assert '<h1 class="govuk-heading-l">لقد سجّلت الخروج</h1>' in response.text
    assert 'href="/sign-in">سجّل الدخول مرة أخرى</a>' in response.text
