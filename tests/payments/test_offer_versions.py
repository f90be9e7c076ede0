"""The "what you will be paid" letter in Easy Read and large print: web pages read exactly,
each .docx opened back (headings, a table row a sentence, the staff's picture where a symbol
matches, 16 pt or more), only for the person with the place, and in their own language."""

from __future__ import annotations

import io
import re
from typing import Any
from uuid import UUID, uuid4

import httpx
from docx import Document
from docx.shared import Pt
from litestar import Litestar

from app import accessible_docs, symbols
from app.demo_symbols import DEMO_SYMBOLS, _drawn
from app.sealed import Sealer
from events.services import ics, scheduling
from tests.events.conftest import panel
from tests.payments.hc_support import approved_policy, as_person

COIN = _drawn(DEMO_SYMBOLS[0][2])
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def placed(sealer: Sealer, **contact: Any) -> tuple[UUID, UUID, str]:
    """Ann, selected for a 3-hour evaluation panel (£75 at £25 an hour); the session's time."""
    await approved_policy(
        expense_rules=[{"category": "public_transport", "basis": "receipted"}],
        pay_within_working_days=15,
    )
    made = await panel(sealer, ann={"email": "ann@example.org", **contact})
    event, _ = await scheduling.get(made.event)
    return made.people["ann"], made.opportunity, ics.when(event["starts_at"])


def size_of(paragraph: Any, run: Any) -> Pt:
    """A run's size as Word shows it: its own, else its paragraph style's chain."""
    if run.font.size is not None:
        return Pt(run.font.size.pt)
    style = paragraph.style
    while style.font.size is None:
        style = style.base_style
    return Pt(style.font.size.pt)


def every_paragraph(document: Any) -> list[Any]:
    cells = [p for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    return [*document.paragraphs, *cells]


def headings(document: Any) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name in ("Title", "Heading 1")]


def words_on(page: httpx.Response) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", line)
        for line in re.findall(r'app-easy-read__words">(.*?)</p>', page.text)
    ]


async def test_the_easy_read_letter_as_a_page_and_a_document(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    coin = await symbols.add("A gold coin", "pay, £", COIN)
    ann, opportunity, when = await placed(sealer)
    await as_person(running_app, client, sealer, ann)
    here = f"/your-payments/{opportunity}/what-you-will-be-paid"

    page = await client.get(f"{here}/easy-read")
    docx = await client.get(f"{here}/easy-read.docx")

    assert page.status_code == 200
    assert '<h1 class="govuk-heading-l">What you will be paid</h1>' in page.text
    assert '<p class="govuk-body-l">Dear Ann,</p>' in page.text
    lines = words_on(page)
    assert lines[:4] == [
        "We pay £25 an hour.",
        f"For the session on {when}, the fee is £75.",
        "You have not chosen how to be paid yet.",
        "Choose on the Your payments page, or ring us on 0300 123 4567.",
    ]
    assert "We pay <strong>£25 an hour</strong>." in page.text
    assert "Expenses are <strong>not earnings</strong>." in page.text
    img = f'<img class="app-easy-read__picture" src="/symbols/{coin}.png?v=1" alt="A gold coin"'
    assert page.text.count(img) == 5  # the lines with 'pay' or '£'
    assert f'href="{here}/easy-read.docx" download>' in page.text
    assert f'href="{here}/easy-read.pdf" download>' in page.text  # LibreOffice is installed
    assert docx.headers["content-type"] == DOCX
    document = Document(io.BytesIO(docx.content))
    assert headings(document) == [
        "What you will be paid",
        "Your fee",
        "How you will be paid",
        "When you will be paid",
        "Expenses",
        "Your rights",
        "Free advice",
        "Questions?",
    ]
    rows = [row.cells for table in document.tables for row in table.rows]
    assert [words.text for _, words in rows] == lines
    for picture, words in rows:
        assert 1 <= accessible_docs.words_in(words.text) <= 15, words.text
        (alt,) = picture._tc.xpath(".//wp:docPr/@descr")
        assert alt == (
            "A gold coin"
            if symbols.match(words.text, await symbols.library())
            else f"Picture: {words.text}"
        )
    for paragraph in every_paragraph(document):
        for run in paragraph.runs:
            assert size_of(paragraph, run) >= Pt(16), run.text
    assert [p.text for p in document.paragraphs][-1] == "The co-production team"


async def test_the_large_print_letter_as_a_page_and_a_document(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    ann, opportunity, when = await placed(sealer)
    await as_person(running_app, client, sealer, ann)
    here = f"/your-payments/{opportunity}/what-you-will-be-paid"

    page = await client.get(f"{here}/large-print")
    docx = await client.get(f"{here}/large-print.docx")

    fee = f"We pay £25 an hour. For the session on {when}, the fee is £75."
    assert '<h1 class="govuk-heading-xl">What you will be paid</h1>' in page.text
    heading = '<h2 class="govuk-heading-l">Your fee</h2>\\s*<p class="govuk-body-l">'
    assert re.search(heading + re.escape(fee + "</p>"), page.text)
    document = Document(io.BytesIO(docx.content))
    texts = [p.text for p in document.paragraphs]
    assert texts[:5] == [
        "Northshire County Council",
        "What you will be paid",
        "Dear Ann,",
        "You have a place on: Help us choose the new housing support provider.",
        "Your fee",
    ]
    assert texts[5] == fee
    assert texts[texts.index("When you will be paid") + 1] == (
        "We pay you within 15 working days after you take part."
    )
    assert document.styles["Normal"].font.size == Pt(18)
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            assert size_of(paragraph, run) >= Pt(18), run.text
            assert not run.italic


async def test_only_the_person_with_the_place_gets_the_versions(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    ann, _, _ = await placed(sealer)
    other = await panel(sealer, bo={"email": "bo@example.org"})
    await as_person(running_app, client, sealer, ann)

    got = [
        (await client.get(f"/your-payments/{opportunity}/what-you-will-be-paid/{kind}")).status_code
        for opportunity in (other.opportunity, uuid4())
        for kind in ("easy-read", "easy-read.docx", "large-print", "large-print.docx")
    ]

    assert got == [404] * 8


async def test_the_letter_is_in_the_persons_own_language(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    ann, opportunity, _ = await placed(sealer, language="cy")
    await as_person(running_app, client, sealer, ann)
    here = f"/your-payments/{opportunity}/what-you-will-be-paid"

    page = await client.get(f"{here}/easy-read", params={"lang": "cy"})
    docx = await client.get(f"{here}/large-print.docx")

    assert '<html lang="cy"' in page.text
    assert '<h1 class="govuk-heading-l">Beth fyddwch chi’n cael eich talu</h1>' in page.text
    assert "Rydym yn talu’n ôl yr hyn y mae’n ei gostio i chi gymryd rhan." in page.text.replace(
        "&#39;", "'"
    )
    assert "Nid ydych wedi dewis</strong> sut i gael eich talu eto." in page.text
    texts = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert texts[1:3] == ["Beth fyddwch chi’n cael eich talu", "Annwyl Ann,"]
    assert texts[texts.index("Pryd y cewch eich talu") + 1] == (
        "Rydym yn eich talu o fewn 15 diwrnod gwaith ar ôl i chi gymryd rhan."
    )


async def test_the_letter_in_arabic_reads_right_to_left(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    ann, opportunity, _ = await placed(sealer, language="ar")
    await as_person(running_app, client, sealer, ann)

    page = await client.get(
        f"/your-payments/{opportunity}/what-you-will-be-paid/large-print", params={"lang": "ar"}
    )

    assert '<html lang="ar" dir="rtl"' in page.text
    assert '<h1 class="govuk-heading-xl">ما الذي سنَدفعه لك</h1>' in page.text
    assert '<h2 class="govuk-heading-l">حقوقك</h2>' in page.text
    assert (
        "يمكنك أن ترفض الأجر. يمكنك أن تطلب مبلغًا أقل. يمكنك التوقف عن المشاركة في أي وقت."
        in page.text
    )
