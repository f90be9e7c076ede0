"""A participant's profile in Welsh and Arabic, and the language they choose to be written to in."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

import httpx
import pytest
from litestar import Litestar

from app.datamap import Role
from app.sealed import Sealer
from participation.services import contact, profiles
from tests.participation.conftest import add_person
from tests.participation.test_profile_pages import ME, post, stored, summary_links, text_of
from tests.support.auth import form_token, make_account, sign_in

CONTACT = {"email": "robin.ash@example.org", "preferred_route": "email", "safe_contact": "no"}


@pytest.fixture
async def me(running_app: Litestar, client: httpx.AsyncClient, db: Any) -> UUID:
    account = await make_account(
        running_app, "participant", (Role.participant,), email=CONTACT["email"]
    )
    await sign_in(running_app, client, account)
    return account


def html_tag(response: httpx.Response) -> str:
    found = re.search(r"<html [^>]*>", response.text)
    assert found, "no <html> tag"
    return found.group(0)


def heading(response: httpx.Response) -> str:
    found = re.search(r'<h1 class="govuk-heading-l">([^<]+)</h1>', response.text)
    assert found, "no heading"
    return found.group(1)


async def test_the_profile_reads_in_welsh(client: httpx.AsyncClient, me: UUID) -> None:
    response = await client.get("/profile?lang=cy")
    page = text_of(response)

    assert html_tag(response) == '<html lang="cy" dir="ltr" class="govuk-template">'
    assert heading(response) == "Eich proffil"
    assert "Y ffordd orau o gysylltu â chi E-bost" in page
    assert "Diwrnodau na allwch chi byth eu gwneud Hyblyg" in page
    assert "Pa mor aml rydym yn cysylltu â chi Pryd bynnag y bydd rhywbeth yn codi" in page
    assert "Eich rhyw Heb ateb" in page
    hidden = r'>Newid<span class="govuk-visually-hidden"> ([^<]+)</span>'
    changes = re.findall(hidden, response.text)
    assert changes[:2] == ["amdanoch chi", "sut rydym yn cysylltu â chi"]


async def test_the_summary_names_the_written_language_in_itself(
    client: httpx.AsyncClient, me: UUID
) -> None:
    response = await client.get("/profile?lang=cy")

    assert re.search(
        r'<dt class="govuk-summary-list__key">Yr iaith rydym yn ysgrifennu atoch ynddi</dt>\s*'
        r'<dd class="govuk-summary-list__value">\s*<span lang="en-GB" dir="ltr">English</span>',
        response.text,
    )


async def test_the_contact_page_reads_right_to_left_in_arabic(
    client: httpx.AsyncClient, me: UUID
) -> None:
    response = await client.get("/profile/contact?lang=ar")

    assert html_tag(response) == '<html lang="ar" dir="rtl" class="govuk-template">'
    assert heading(response) == "كيف نتواصل معك"
    assert "كيف يجب أن نتواصل معك؟" in response.text
    assert ">رسالة نصية</label>" in response.text
    assert (
        '<label class="govuk-label govuk-radios__label" for="language-cy" lang="cy" dir="ltr">'
        "Cymraeg</label>"
    ) in response.text
    assert 'lang="ar" dir="rtl">العربية</label>' in response.text


async def test_a_reader_in_welsh_is_offered_welsh_for_letters(
    client: httpx.AsyncClient, me: UUID
) -> None:
    english = await client.get("/profile/contact?lang=en")
    welsh = await client.get("/profile/contact?lang=cy")

    assert 'value="en" checked' in english.text
    assert 'value="cy" checked' in welsh.text
    assert 'value="en" checked' not in welsh.text


async def test_saving_a_language_stores_it_and_switches_the_pages_at_once(
    client: httpx.AsyncClient, me: UUID, sealer: Sealer
) -> None:
    saved = await post(client, "/profile/contact", {**CONTACT, "language": "cy"})

    assert saved.status_code == 303
    assert saved.headers["set-cookie"] == "lang=cy; Max-Age=31536000; Path=/; SameSite=lax"
    assert (await stored(sealer, me))["contact"]["language"] == "cy"
    landed = await client.get(saved.headers["location"])
    assert html_tag(landed) == '<html lang="cy" dir="ltr" class="govuk-template">'
    assert "Mae eich manylion cyswllt wedi’u cadw" in landed.text.replace("&#39;", "'")
    assert '<span lang="cy" dir="ltr">Cymraeg</span>' in landed.text


async def test_the_saved_language_is_what_emails_and_letters_use(
    client: httpx.AsyncClient, me: UUID, sealer: Sealer
) -> None:
    """What other domains write with: the route carries the language saved on the profile."""
    await post(client, "/profile/contact", {**CONTACT, "language": "ar"})

    route = await contact.route_for(sealer, me, ME)

    assert route.language == "ar"


async def test_errors_are_written_in_the_readers_language(
    client: httpx.AsyncClient, me: UUID
) -> None:
    await client.get("/profile?lang=cy")

    response = await post(client, "/profile/contact", {**CONTACT, "email": ""})

    assert response.status_code == 400
    assert summary_links(response) == {
        "email": "Rhowch eich cyfeiriad e-bost, neu dewiswch ffordd arall i ni gysylltu â chi"
    }
    assert heading(response) == "Sut rydym yn cysylltu â chi"


async def test_a_duplicate_email_is_refused_in_arabic(
    running_app: Litestar, client: httpx.AsyncClient, me: UUID, sealer: Sealer
) -> None:
    other = await make_account(
        running_app, "participant", (Role.participant,), email="taken@example.org"
    )
    await profiles.ensure_own_profile(sealer, other, ME)
    await client.get("/profile?lang=ar")

    response = await post(client, "/profile/contact", {**CONTACT, "email": "taken@example.org"})

    taken = "يوجد ملف شخصي آخر يستخدم عنوان البريد الإلكتروني هذا"
    assert summary_links(response) == {"email": taken}


async def test_consents_read_in_arabic(client: httpx.AsyncClient, me: UUID) -> None:
    await post(client, "/profile/consents", {"purpose": "contact", "granted": "yes"})

    response = await client.get("/profile/consents?saved=consent&lang=ar")
    page = text_of(response)

    assert heading(response) == "ما وافقت عليه"
    assert "تم حفظ اختيارك" in page
    assert "التواصل معك بشأن الفرص" in page
    assert "سحب الموافقة من: التواصل معك بشأن الفرص" in page
    assert "وافقت (عبر الإنترنت)" in page


async def test_the_download_page_writes_dates_in_welsh(client: httpx.AsyncClient, me: UUID) -> None:
    response = await client.get("/profile/download?lang=cy")
    page = text_of(response)

    assert heading(response) == "Popeth sydd gennym amdanoch chi"
    on_a_day = r"Dyma’r holl wybodaeth sydd gennym amdanoch chi, ar \d{1,2} \w+ \d{4} am "
    assert re.search(on_a_day, page)
    assert '<h2 class="govuk-heading-m">Eich proffil</h2>' in response.text
    assert "Cyfeiriad Dim wedi’i gofnodi" in page
    assert "Eich cyfrif mewngofnodi" in page


async def test_withdrawal_is_explained_in_welsh(client: httpx.AsyncClient, me: UUID) -> None:
    response = await client.get("/profile/withdraw?lang=cy")
    page = text_of(response)

    assert heading(response) == "Rhoi’r gorau i gymryd rhan a dileu eich manylion"
    kept = "Caiff cofnodion taliadau (swm, dyddiad, pwy gafodd eu talu) eu cadw am 6 blynedd"
    assert kept in page
    assert 'href="/profile/withdraw/easy-read">Hawdd ei Ddeall</a>' in response.text


@pytest.mark.parametrize(
    ("path", "welsh"),
    [
        ("/profile/about", "Amdanoch chi"),
        ("/profile/lived-experience", "Eich profiad bywyd"),
        ("/profile/equality", "Cwestiynau cydraddoldeb"),
        ("/profile/involvement", "Beth rydych chi eisiau cymryd rhan ynddo"),
        ("/profile/involvement/how", "Sut rydych chi eisiau cymryd rhan"),
        ("/profile/involvement/when", "Pryd gallwch chi gymryd rhan"),
        ("/profile/access-needs", "Eich anghenion hygyrchedd"),
    ],
)
async def test_every_section_page_has_its_welsh_heading(
    client: httpx.AsyncClient, me: UUID, path: str, welsh: str
) -> None:
    response = await client.get(f"{path}?lang=cy")

    assert response.status_code == 200
    assert heading(response) == welsh
    assert f"<title>{welsh} –" in response.text


async def test_the_printed_sign_in_letter_is_in_the_persons_language(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    person = await add_person(sealer, "Pat", email=None, route="post", address="1 Stryd Fawr")
    welsh = await add_person(sealer, "Sam", email="sam@example.org", language="cy")
    staff = await make_account(running_app, "staff", (Role.coordinator,))
    await sign_in(running_app, client, staff)

    letters = {}
    for who in (person, welsh):
        token = form_token((await client.get(f"/people/{who}")).text)
        letters[who] = await client.post(f"/people/{who}/sign-in-code", data={"_csrf_token": token})

    assert html_tag(letters[welsh]) == '<html lang="en-GB" dir="ltr" class="govuk-template">'
    assert '<div class="govuk-inset-text" lang="cy" dir="ltr">' in letters[welsh].text
    assert "I fewngofnodi, ewch i <strong>http" in letters[welsh].text
    assert "Mae’r cod yn gweithio unwaith, o fewn 14 diwrnod." in letters[welsh].text
    assert "Print this page, or read the code out to them." in letters[welsh].text
    assert '<div class="govuk-inset-text" lang="en-GB" dir="ltr">' in letters[person].text
    assert "To sign in, go to <strong>http" in letters[person].text


async def test_welsh_answers_yes_and_no_with_the_questions_own_verb(
    client: httpx.AsyncClient, me: UUID
) -> None:
    contact_page = (await client.get("/profile/contact?lang=cy")).text
    equality_page = (await client.get("/profile/equality?lang=cy")).text
    summary = text_of(await client.get("/profile?lang=cy"))

    assert 'for="safe_contact">Oes</label>' in contact_page
    assert 'for="safe_contact-no">Nac oes</label>' in contact_page
    assert 'for="disability">Ydw</label>' in equality_page
    assert 'for="gender_same_as_birth-no">Nac ydy</label>' in equality_page
    assert "Gofal ychwanegol pan fyddwn yn cysylltu â chi Nac oes" in summary
    assert "Sesiynau byrrach Na fyddai" in summary
