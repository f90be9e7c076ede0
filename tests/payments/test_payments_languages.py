"""The payments a participant sees, in Welsh and Arabic: the informed-choice page with its
benefit facts (safety-critical, so asserted word for word), the payments list, a form's errors,
the bank-details email in the language on the person's profile (not the request's), the
statement in the reader's language and the letter for the benefits office in English or Welsh
only (the DWP reads it)."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import httpx
import pytest
from docx import Document
from litestar import Litestar

from app import i18n
from app.sealed import Sealer
from events.services import scheduling
from participation.services import expressions
from payments.schemas import ExpenseRule
from payments.services import benefit_rules, expenses, thresholds
from tests.events.conftest import panel
from tests.participation.conftest import add_person
from tests.payments.hc_support import approved_policy, as_person, declare, paid
from tests.payments.test_bank_details import GOOD, _emails_to, _signed_in_as, _text
from tests.payments.test_expenses import _setup as expense_setup

LONDON = ZoneInfo("Europe/London")


async def _placed(sealer: Sealer) -> tuple[UUID, UUID]:
    """Ann, selected for a 3-hour evaluation panel paid £75 (£25 an hour)."""
    await approved_policy()
    made = await panel(sealer, ann={"email": "ann@example.org"})
    return made.people["ann"], made.opportunity


def _paragraphs(body: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(body)).paragraphs]


async def test_the_facts_before_choosing_are_all_in_welsh(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    ann, opportunity = await _placed(sealer)
    await as_person(running_app, client, sealer, ann)
    await declare(sealer, ann, "ESA")

    page = await client.get(f"/your-payments/{opportunity}?lang=cy")

    assert page.status_code == 200
    assert '<html lang="cy"' in page.text
    assert "<title>Sut rydych chi eisiau cael eich talu –" in page.text
    for words in (
        '<h1 class="govuk-heading-l">Sut rydych chi eisiau cael eich talu</h1>',
        "Lwfans Cyflogaeth a Chymorth (ESA)",
        "Gydag ESA gallwch ennill hyd at £20 yr wythnos.",
        "Dros hynny, gall eich ESA stopio.",
        "Hyd yma yr wythnos hon (Dydd Llun ",
        "Byddai’r ffi lawn yn mynd â chi dros y terfyn is.",
        "Nid enillion yw treuliau. Nid yw arian rydym yn ei dalu’n ôl am deithio, bwyd, gofal "
        "neu gostau eraill yn cyfrif ar gyfer eich budd-daliadau.",
        "Cyngor preifat am ddim ar fudd-daliadau.",
        "Y ffi lawn (£75 am bob sesiwn)",
        "Dim ffi. Dim ond talu fy nhreuliau’n ôl",
        "Cadw fy newis",
    ):
        assert words in page.text, words
    for english in ("With ESA you can earn", "Expenses are not earnings", "Save my choice"):
        assert english not in page.text


async def test_a_wrong_answer_is_explained_in_welsh(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    ann, opportunity = await _placed(sealer)
    signed = await as_person(running_app, client, sealer, ann)

    refused = await client.post(
        f"/your-payments/{opportunity}?lang=cy",
        data={"choice": "reduced", "reduced": "80", "advice": "no"},
        headers=signed.headers,
    )

    assert refused.status_code == 400
    assert "govuk-error-summary" in refused.text
    assert "Rhowch £75 neu lai. Dyna’r ffi lawn" in refused.text


async def test_the_payments_list_and_the_benefits_told_are_in_arabic_right_to_left(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    ann, _opportunity = await _placed(sealer)
    await as_person(running_app, client, sealer, ann)
    await declare(sealer, ann, "UC", uc_work_allowance="yes", uc_housing="no")
    await paid(ann, 2500)

    page = await client.get("/your-payments?lang=ar")

    with i18n.use_locale("ar"):
        today = i18n.day(datetime.now(LONDON).date())
    assert page.status_code == 200
    assert '<html lang="ar" dir="rtl"' in page.text
    for words in (
        '<h1 class="govuk-heading-l">مدفوعاتك</h1>',
        "<li>الائتمان الشامل (Universal Credit)</li>",
        "<li>بدل العمل (work allowance): نعم</li>",
        "<li>المساعدة في الإيجار ضمن الائتمان الشامل: لا</li>",
        f'<td class="govuk-table__cell">{today}</td>',
        '<td class="govuk-table__cell">أجرة</td>',
        '<td class="govuk-table__cell">تمت الموافقة. سندفعه قريبًا</td>',
        "اقرأ الحقائق واختر",
    ):
        assert words in page.text, words
    assert "Your payments" not in page.text


async def test_the_benefits_form_refuses_without_consent_in_arabic(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    ann, _opportunity = await _placed(sealer)
    signed = await as_person(running_app, client, sealer, ann)

    refused = await client.post(
        "/your-payments/benefits?lang=ar", data={"benefits": "PIP"}, headers=signed.headers
    )

    assert refused.status_code == 400
    assert "ضع علامة في المربع لتقول إنه يمكننا الاحتفاظ بهذا، أو عُد إلى الخلف" in refused.text
    assert "دفعة الاستقلال الشخصي (PIP)" in refused.text
    assert "هل لديك بدل عمل (work allowance)؟" in refused.text


def test_the_universal_credit_facts_in_arabic_keep_every_figure() -> None:
    figures = {"uc_taper": _figure("uc_taper", 55, "percent")}
    declared = benefit_rules.Declared(benefits=("UC",), uc_work_allowance="no", uc_period_day=6)
    period = benefit_rules.assessment_period(date(2026, 5, 20), 6)

    with i18n.use_locale("ar"):
        (fact,) = benefit_rules.assess(
            declared, figures, {"assessment_period": period}, {}, amount_pence=7500
        )
        words, warning = period.words, fact.warning

    assert fact.title == "الائتمان الشامل (Universal Credit)"
    assert fact.lines == (
        "يحتسب الائتمان الشامل (Universal Credit) المال في فترة التقييم التي تحصل عليه فيها.",
        "تبدأ فترة التقييم الخاصة بك في اليوم 6 من الشهر.",
        "من دون بدل عمل (work allowance)، ينخفض الائتمان الشامل (Universal Credit) بمقدار 55 "
        "بنسًا عن كل جنيه إسترليني (£1) تكسبه.",
        "لذلك قد يعني £75 نقصًا بنحو £41.25.",
    )
    assert warning == "الأجرة الكاملة ستؤدي إلى انخفاض الائتمان الشامل (Universal Credit) الخاص بك."
    assert words == "في فترة التقييم هذه (من الأربعاء 6 مايو إلى الجمعة 5 يونيو)"


def _figure(key: str, amount: int, unit: str) -> thresholds.ThresholdView:
    return thresholds.ThresholdView(
        id=uuid4(),
        benefit="UC",
        rule_key=key,
        tax_year="2026-27",
        amount=amount,
        unit=unit,
        period="assessment_period",
        effective_from=date(2026, 4, 6),
        effective_to=None,
        status="verified",
        source="",
        notes="",
        table_version="test",
    )


def test_what_an_expense_pays_reads_in_welsh() -> None:
    rule = ExpenseRule(
        category="mileage_car",
        basis="per_mile",
        rate_pence=45,
        cap_pence=2000,
        pre_approval_required=True,
    )

    with i18n.use_locale("cy"):
        words = expenses.what_it_pays(rule)
        label = expenses.category_words("mileage_car")

    assert words == "45c y filltir, hyd at £20. Cytunwch arno gyda ni yn gyntaf"
    assert label == "Gyrru (fesul milltir)"
    assert expenses.what_it_pays(rule) == "45p a mile, up to £20. Agree it with us first"


async def test_the_bank_details_email_is_in_the_language_on_the_profile(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    subject = await add_person(sealer, "Jo Okafor", email="jo.okafor@example.org", language="cy")
    headers = await _signed_in_as(running_app, client, sealer, subject, fresh=True)

    saved = await client.post("/your-payments/bank-details", data=GOOD, headers=headers)

    with i18n.use_locale("cy"):
        today = i18n.day(datetime.now(LONDON).date())
    assert saved.status_code == 303
    (sent,) = await _emails_to(sealer, subject)
    text = _text(sent).replace("\r\n", "\n")
    assert sent["Subject"] == "Cafodd eich manylion banc eu newid"
    assert text.startswith("Helo Jo Okafor,\n\n")
    assert f"eu newid ar {today} am " in text
    assert "Os chi wnaeth y newid hwn, does dim angen i chi wneud unrhyw beth." in text
    assert "Fyddwn ni ddim yn talu unrhyw beth i’r cyfrif newydd" in text
    assert "Hello" not in text


async def test_the_statement_is_in_welsh_and_the_benefits_letter_never_in_arabic(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    ann, _opportunity = await _placed(sealer)
    await as_person(running_app, client, sealer, ann)
    await paid(ann, 2500)
    today = datetime.now(LONDON).date()
    dates = {"from": (today - timedelta(days=7)).isoformat(), "to": today.isoformat()}

    statement = await client.get("/your-payments/statement", params=dates | {"lang": "cy"})
    letter = "/your-payments/benefits-letter"
    welsh_letter = await client.get(letter, params=dates | {"lang": "cy"})
    arabic_letter = await client.get(letter, params=dates | {"lang": "ar"})
    arabic_page = await client.get("/your-payments/documents?lang=ar")

    said = _paragraphs(statement.content)
    assert "Datganiad taliadau" in said
    assert "Ffioedd a thalebau: £25" in said
    assert "Statws: Wedi’i gymeradwyo. Byddwn yn ei dalu cyn bo hir" in said
    assert "To whom it may concern" not in _paragraphs(welsh_letter.content)
    assert "At bwy bynnag y bo’n berthnasol" in _paragraphs(welsh_letter.content)
    assert "To whom it may concern" in _paragraphs(arabic_letter.content)
    assert "Fees and vouchers in total: £25" in _paragraphs(arabic_letter.content)
    assert "الرسالة باللغة الإنجليزية، لأن مكتب الإعانات هو من يقرؤها." in arabic_page.text


# ---- nothing left in English -----------------------------------------------------------------


class _MainText(HTMLParser):
    """The text nodes inside <main>: what a reader of the page reads."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.depth += tag == "main"

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag == "main"

    def handle_data(self, data: str) -> None:
        if self.depth and data.strip():
            self.found.append(data.strip())


def _main_text(html: str) -> list[str]:
    parser = _MainText()
    parser.feed(html)
    return parser.found


NOT_WORDS = re.compile(r"^[£\d.,:!\s-]*$")
"""Amounts and punctuation: the same in every language."""
NAMES = {"Citizens Advice", "Turn2us", "Carers UK"}
"""The advice services' own names."""


async def _left_in_english(
    client: httpx.AsyncClient, path: str, code: str, data: set[str]
) -> list[str]:
    english = set(_main_text((await client.get(path, params={"lang": "en"})).text))
    shown = _main_text((await client.get(path, params={"lang": code})).text)
    return [
        text
        for text in shown
        if text in english and text not in NAMES | data and not NOT_WORDS.match(text)
    ]


@pytest.mark.parametrize("code", ["cy", "ar"])
async def test_no_english_is_left_on_the_choice_pages(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer, code: str
) -> None:
    await approved_policy()
    made = await panel(sealer, ann={"email": "ann@example.org"})
    ann = made.people["ann"]
    await as_person(running_app, client, sealer, ann)
    declared = ("UC", "ESA", "CA", "HB", "PC", "PIP", "CTR")
    await declare(
        sealer,
        ann,
        *declared,
        uc_work_allowance="yes",
        uc_housing="yes",
        ca_other_weekly_pence=3000,
    )
    await paid(ann, 2500)
    titles = {row["title"] for row in await expressions.mine(ann)}

    for path in (
        "/your-payments",
        "/your-payments/benefits",
        f"/your-payments/{made.opportunity}",
        "/your-payments/documents",
    ):
        assert await _left_in_english(client, path, code, titles) == [], path


@pytest.mark.parametrize("code", ["cy", "ar"])
async def test_no_english_is_left_on_the_expense_and_bank_pages(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer, code: str
) -> None:
    subject, event = await expense_setup(sealer)
    await _signed_in_as(running_app, client, sealer, subject, fresh=True)
    await client.get("/your-payments/bank-details")  # makes the profile's payments page ready
    titles = {str((await scheduling.get(event))[0]["title"])}

    for path in (
        "/your-payments/expenses",
        "/your-payments/expenses/new",
        "/your-payments/bank-details",
    ):
        assert await _left_in_english(client, path, code, titles) == [], path
    form = (await client.get("/your-payments/expenses/new", params={"lang": code})).text
    bank = (await client.get("/your-payments/bank-details", params={"lang": code})).text
    with i18n.use_locale(code):
        assert i18n.gettext("Send claim") in form  # the whole form was checked, not its absence
        assert expenses.category_words("mileage_car") in form
        assert i18n.gettext("Save bank details") in bank
