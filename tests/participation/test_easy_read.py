"""Easy Read and large-print versions of the opportunity advert and the withdrawal explanation:
every .docx opened back with python-docx, its rules counted, and the web pages read."""

from __future__ import annotations

import html
import io
import re
import shutil
import zipfile
from typing import Any
from uuid import UUID

import httpx
import pytest
from docx import Document
from docx.shared import Pt
from litestar import Litestar
from pydantic import ValidationError

from app import accessible_docs
from app.accessible_docs import Line, NotEasyRead, Picture, Section
from app.datamap import Role
from app.web.forms import FieldProblem
from participation.services import easy_read, opportunities
from participation.tables import Opportunity
from tests.participation.conftest import COORDINATOR
from tests.participation.recruiting import opportunity_form, published
from tests.support.auth import make_account, sign_in

EASY = "Help us choose who runs the housing service. We pay you.\nYou can bring a friend."
EASY_SENTENCES = [
    "Help us choose who runs the housing service.",
    "We pay you.",
    "You can bring a friend.",
]
TEAM = easy_read.Team("Northshire County Council", "0300 123 4567", "team@example.org")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

TOO_LONG = "We would like you to come and help us choose the people who run it today."


def opened(body: bytes) -> Any:
    return Document(io.BytesIO(body))


def size_of(paragraph: Any, run: Any) -> Pt:
    """A run's font size as Word shows it: the run's own, else its paragraph style's chain."""
    if run.font.size is not None:
        return Pt(run.font.size.pt)
    style = paragraph.style
    while style is not None:
        if style.font.size is not None:
            return Pt(style.font.size.pt)
        style = style.base_style
    raise AssertionError(f"no size for {run.text!r}")


def all_paragraphs(document: Any) -> list[Any]:
    cells = [p for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return [*document.paragraphs, *cells]


def headings(document: Any) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name in ("Title", "Heading 1")]


def easy_rows(document: Any) -> list[tuple[str, str]]:
    """Each table row: the picture's alt text and the sentence; one paragraph in each cell."""
    rows = []
    for table in document.tables:
        for row in table.rows:
            picture, words = row.cells
            assert len(words.paragraphs) == 1
            described = picture._tc.xpath(".//wp:docPr/@descr")
            assert len(described) == 1, "one picture slot beside every line"
            rows.append((str(described[0]), words.text))
    return rows


def assert_easy_read(document: Any) -> list[str]:
    """One sentence a row, 15 words at most, the slot's alt text names it; 16 pt or more."""
    rows = easy_rows(document)
    for alt, sentence in rows:
        assert alt == f"Picture: {sentence}"
        assert len(accessible_docs.sentences(sentence)) == 1, sentence
        assert 1 <= len(sentence.split()) <= 15, sentence
    assert not [p.text for p in document.paragraphs if p.style.name == "Normal" and p.text]
    for paragraph in all_paragraphs(document):
        for run in paragraph.runs:
            if run.text:
                assert size_of(paragraph, run) >= Pt(16), run.text
    return [sentence for _, sentence in rows]


def assert_large_print(document: Any) -> str:
    for paragraph in all_paragraphs(document):
        for run in paragraph.runs:
            assert size_of(paragraph, run) >= Pt(16), run.text
            assert not run.italic, run.text
            assert not paragraph.style.font.italic, run.text
    body = document.styles["Normal"].font.size
    assert body == Pt(18)
    assert document.styles["Heading 1"].font.size > body
    return "\n".join(p.text for p in document.paragraphs)


# The kernel builders ---------------------------------------------------------------------------


def test_words_are_counted_as_people_read_them() -> None:
    assert accessible_docs.words_in("We pay £25 - or a voucher.") == 6
    assert accessible_docs.sentences("One. Two!\n\nThree? Four") == [
        "One.",
        "Two!",
        "Three?",
        "Four",
    ]


def test_an_easy_read_document_has_a_picture_slot_beside_every_sentence() -> None:
    picture = accessible_docs.EMPTY_SLOT
    sections = [
        Section(
            "First",
            lines=(
                Line("We pay you."),
                Line(
                    "Bring a friend.",
                    Picture(picture, "image/png", "Picture: Bring a friend.", "/p"),
                ),
            ),
        ),
        Section("Second", lines=(Line("Ring us."),)),
    ]

    document = opened(accessible_docs.easy_read("A title", sections))

    assert headings(document) == ["A title", "First", "Second"]
    assert len(document.tables) == 2
    assert assert_easy_read(document) == ["We pay you.", "Bring a friend.", "Ring us."]
    assert len(document.inline_shapes) == 3


def test_a_sentence_of_16_words_is_refused_with_the_reason() -> None:
    long = "We would like you to come and help us choose the people who run it today."
    assert accessible_docs.words_in(long) == 16

    with pytest.raises(NotEasyRead) as refused:
        accessible_docs.easy_read("T", [Section("H", lines=(Line("Short."), Line(long)))])

    assert str(refused.value) == (
        f'Easy Read sentences have at most 15 words. This one has 16: "{long}". '
        "Split it into shorter sentences."
    )
    accessible_docs.easy_read("T", [Section("H", lines=(Line(long.rsplit(" ", 1)[0] + "."),))])


def test_large_print_is_18_point_with_larger_headings_and_no_italics() -> None:
    sections = [Section("Heading", paragraphs=("Some words.",), bullets=("a point",))]

    document = opened(accessible_docs.large_print("The title", sections))

    assert headings(document) == ["The title", "Heading"]
    assert assert_large_print(document) == "The title\nHeading\nSome words.\na point"
    assert [p.style.name for p in document.paragraphs][-1] == "List Bullet"


def test_pdf_is_none_without_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert accessible_docs.to_pdf(accessible_docs.large_print("T", [])) is None


@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")),
    reason="LibreOffice is not installed here; to_pdf returns None and the .docx is offered",
)
def test_pdf_through_libreoffice() -> None:
    body = accessible_docs.easy_read("T", easy_read.withdrawal_easy_read(TEAM))
    pdf = accessible_docs.to_pdf(body)
    assert pdf is not None
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 1


# The two documents ------------------------------------------------------------------------------


def test_the_withdrawal_explanation_in_easy_read_says_what_goes_and_what_stays() -> None:
    sections = easy_read.withdrawal_easy_read(TEAM)
    document = opened(accessible_docs.easy_read(easy_read.WITHDRAW_TITLE, sections))

    said = assert_easy_read(document)
    assert headings(document) == [easy_read.WITHDRAW_TITLE] + [s.heading for s in sections]
    for sentence in (
        "We delete your name and date of birth.",
        "The law says we must keep it for 6 years.",
        "You can come back and take part again.",
        "Ring us on 0300 123 4567.",
    ):
        assert sentence in said


def test_the_withdrawal_explanation_in_large_print() -> None:
    sections = easy_read.withdrawal_large_print(TEAM)
    document = opened(accessible_docs.large_print(easy_read.WITHDRAW_TITLE, sections))

    text = assert_large_print(document)
    assert "kept for 6 years because HMRC" in text
    assert "your contact details" in text


def test_an_advert_without_easy_read_words_has_no_easy_read_version() -> None:
    assert easy_read.is_easy_read(EASY)
    assert not easy_read.is_easy_read(" \n ")
    assert not easy_read.is_easy_read("Short. " + "word " * 16)
    with pytest.raises(NotEasyRead, match="no Easy Read version"):
        easy_read.advert_easy_read({"easy_read": " \n "}, "3 December at 5pm", TEAM)


# Web pages and downloads (both engines) -------------------------------------------------------


def text_of(response: httpx.Response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


async def test_the_advert_links_to_its_versions_and_each_opens(
    client: httpx.AsyncClient, db: Any
) -> None:
    opportunity = await published(easy_read=EASY, access_offer="A quiet room")
    here = f"/take-part/{opportunity}"

    advert = await client.get(here)
    for link in ("easy-read", "easy-read.docx", "large-print", "large-print.docx"):
        assert f'href="{here}/{link}"' in advert.text

    page = await client.get(f"{here}/easy-read")
    assert page.status_code == 200
    lines = re.findall(r'app-easy-read__words">([^<]+)<', page.text)
    assert lines[:3] == EASY_SENTENCES
    assert lines[3].startswith("Tell us you are interested by ")
    assert page.text.count('class="app-easy-read__picture" aria-hidden="true"') == len(lines) == 7

    download = await client.get(f"{here}/easy-read.docx")
    assert download.status_code == 200
    assert download.headers["content-type"] == DOCX
    document = opened(download.content)
    assert assert_easy_read(document) == lines
    assert headings(document)[:2] == [
        "Help us choose the new housing support provider",
        "What it is about",
    ]


async def test_the_advert_in_large_print(client: httpx.AsyncClient, db: Any) -> None:
    opportunity = await published(access_offer="A quiet room")
    here = f"/take-part/{opportunity}"

    page = await client.get(f"{here}/large-print")
    assert page.status_code == 200
    assert "Help to take part A quiet room" in text_of(page)

    document = opened((await client.get(f"{here}/large-print.docx")).content)
    text = assert_large_print(document)
    assert "What is paid\n£25 an hour, or a voucher, or nothing if you prefer" in text
    assert "Read three bids and score them with us." in text
    assert "Who we would like to hear from" in headings(document)


async def test_no_easy_read_words_no_link_and_not_found(client: httpx.AsyncClient, db: Any) -> None:
    opportunity = await published()
    assert "easy-read" not in (await client.get(f"/take-part/{opportunity}")).text
    for path in ("easy-read", "easy-read.docx"):
        response = await client.get(f"/take-part/{opportunity}/{path}")
        assert response.status_code == 404
        assert "There is no Easy Read version of this opportunity yet." in response.text


def test_a_coordinator_is_told_when_an_easy_read_sentence_is_too_long() -> None:
    with pytest.raises(ValidationError) as refused:
        opportunity_form(easy_read=f"Help us.\n{TOO_LONG}")

    problem = refused.value.errors()[0]["ctx"]["error"]
    assert isinstance(problem, FieldProblem)
    assert problem.field == "easy_read"
    assert "at most 15 words. This one has 16" in problem.message


async def test_a_long_sentence_stored_before_the_check_is_never_shown_as_easy_read(
    client: httpx.AsyncClient, db: Any
) -> None:
    opportunity = await published(easy_read=EASY)
    await Opportunity.update({Opportunity.easy_read: f"Help us.\n{TOO_LONG}"}).where(
        Opportunity.id == opportunity
    )

    advert = await client.get(f"/take-part/{opportunity}")
    response = await client.get(f"/take-part/{opportunity}/easy-read.docx")

    assert f"/take-part/{opportunity}/easy-read" not in advert.text
    assert response.status_code == 404


async def test_a_closed_opportunity_has_no_versions_either(
    client: httpx.AsyncClient, db: Any
) -> None:
    opportunity = await published(easy_read=EASY)
    await opportunities.move(opportunity, "close", COORDINATOR, rung="co_design")

    for path in ("easy-read", "easy-read.docx", "large-print", "large-print.docx"):
        response = await client.get(f"/take-part/{opportunity}/{path}")
        assert response.status_code == 410
        assert "This opportunity has closed" in response.text


async def withdrawal_pages(client: httpx.AsyncClient) -> list[httpx.Response]:
    paths = ("easy-read", "easy-read.docx", "large-print", "large-print.docx")
    return [await client.get(f"/profile/withdraw/{path}") for path in paths]


async def test_withdrawal_versions_for_a_signed_in_participant(
    running_app: Litestar, client: httpx.AsyncClient, db: Any
) -> None:
    account: UUID = await make_account(running_app, "participant", (Role.participant,))
    await sign_in(running_app, client, account)
    assert 'href="/profile/withdraw/easy-read"' in (await client.get("/profile/withdraw")).text

    easy, easy_docx, large, large_docx = await withdrawal_pages(client)

    assert [r.status_code for r in (easy, easy_docx, large, large_docx)] == [200] * 4
    lines = re.findall(r'app-easy-read__words">([^<]+)<', easy.text)
    assert "We delete your name and date of birth." in lines
    assert assert_easy_read(opened(easy_docx.content)) == [html.unescape(x) for x in lines]
    assert "kept for 6 years because HMRC" in text_of(large)
    assert_large_print(opened(large_docx.content))
    with zipfile.ZipFile(io.BytesIO(easy_docx.content)) as docx:
        assert "word/document.xml" in docx.namelist()


@pytest.mark.parametrize(("role", "code"), [(Role.coordinator, 200), (Role.finance, 403)])
async def test_withdrawal_versions_for_staff(
    running_app: Litestar, client: httpx.AsyncClient, db: Any, role: Role, code: int
) -> None:
    await sign_in(running_app, client, await make_account(running_app, "staff", (role,)))

    codes = [r.status_code for r in await withdrawal_pages(client)]

    assert codes == [code] * 4


async def test_withdrawal_versions_need_signing_in(client: httpx.AsyncClient, db: Any) -> None:
    responses = await withdrawal_pages(client)
    assert [(r.status_code, r.headers["location"]) for r in responses] == [(303, "/sign-in")] * 4
