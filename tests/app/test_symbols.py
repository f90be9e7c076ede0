"""The Easy Read symbol library: uploads checked by their bytes, the pages staff use, pictures
served publicly with a long cache, and the one rule that puts a picture beside a line, seen in
the withdrawal explanation's web page and .docx (and its PDF where LibreOffice is installed)."""

from __future__ import annotations

import io
import re
import shutil
import struct
from typing import Any
from uuid import UUID

import httpx
import pytest
from docx import Document
from litestar import Litestar

from app import accessible_docs, demo_symbols, symbols
from app.accessible_docs import Line, Section
from app.datamap import Role
from app.demo_symbols import DEMO_SYMBOLS, _drawn
from app.errors import DomainError
from app.sealed import Sealer
from app.tables import Symbol
from tests.support.auth import csrf_headers, make_account, sign_in

COIN = _drawn(DEMO_SYMBOLS[0][2])
HOUSE = _drawn(DEMO_SYMBOLS[2][2])
HAS_OFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice"))


def jpeg(width: int, height: int) -> bytes:
    """The smallest JPEG header that names its size: start, a comment segment, a frame."""
    comment = b"\xff\xfe" + struct.pack(">H", 6) + b"demo"
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + comment + frame + b"\xff\xd9"


def view(alt: str, words: str) -> symbols.SymbolView:
    return symbols.SymbolView(
        UUID(int=len(alt)), alt, symbols.words_from(words), "image/png", 96, 96, 1
    )


# Checking uploads --------------------------------------------------------------------------------


def test_a_png_or_jpeg_is_known_by_its_bytes_and_size() -> None:
    assert symbols.image_from(COIN) == symbols.Image(COIN, "image/png", 96, 96)
    assert symbols.image_from(jpeg(120, 80)).media_type == "image/jpeg"
    assert (symbols.image_from(jpeg(120, 80)).width, symbols.image_from(jpeg(120, 80)).height) == (
        120,
        80,
    )


@pytest.mark.parametrize(
    ("content", "message", "status"),
    [
        (b"", "Choose a PNG or JPEG picture", 400),
        (b"GIF89a" + b"\x00" * 40, "The picture must be a PNG or JPEG file", 400),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'/>",
            "The picture must be a PNG or JPEG file",
            400,
        ),
        (COIN[:20], "The picture must be a PNG or JPEG file", 400),
        (jpeg(8, 8), "The picture must be between 16 and 4000 pixels wide and high", 400),
        (COIN + b"\x00" * symbols.MOST_BYTES, "The picture must be smaller than 1 MB", 413),
    ],
)
def test_what_is_not_a_picture_is_refused(content: bytes, message: str, status: int) -> None:
    with pytest.raises(DomainError) as refused:
        symbols.image_from(content)
    assert (refused.value.message, refused.value.status_code) == (message, status)
    assert [(e.field, e.message) for e in refused.value.errors] == [("image", message)]


# Matching words to lines -------------------------------------------------------------------------


def test_the_first_symbol_whose_whole_words_appear_is_chosen() -> None:
    coin = view("A coin", "money, Paid, pay, £")
    house = view("A house", "housing, home, pay day")
    library = [coin, house]

    assert symbols.words_from(" money,  Paid ,, pay , £ ") == ("money", "paid", "pay", "£")
    assert symbols.match("We PAY you.", library) == coin
    assert symbols.match("You get £25 an hour.", library) == coin
    assert symbols.match("Payment is later.", library) is None  # 'pay' is not 'payment'
    assert symbols.match("A new housing service.", library) == house
    assert symbols.match("Come to our home", [house, coin]) == house
    assert symbols.match("It is pay day.", [house, coin]) == house  # the first that matches
    assert symbols.match("Nothing here.", library) is None


def test_pictured_fills_only_the_lines_that_match() -> None:
    coin = symbols.SymbolView(UUID(int=1), "A coin", ("money",), "image/png", 96, 96, 3, COIN)
    sections = [Section("Money", lines=(Line("We pay money."), Line("Bring a friend.")))]

    (section,) = symbols.pictured(sections, [coin])

    assert section.lines[0].picture == accessible_docs.Picture(
        COIN, "image/png", "A coin", f"/symbols/{UUID(int=1)}.png?v=3"
    )
    assert section.lines[1].picture is None
    assert section.heading == "Money"


# The staff pages ---------------------------------------------------------------------------------


async def as_staff(
    app: Litestar, client: httpx.AsyncClient, role: str = Role.coordinator
) -> dict[str, str]:
    account = await make_account(app, "staff", (role,))
    await sign_in(app, client, account)
    return await csrf_headers(client)


async def test_a_coordinator_adds_changes_and_deletes_a_symbol(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    headers = await as_staff(running_app, client)

    empty = await client.get("/symbols")
    added = await client.post(
        "/symbols",
        data={"alt": "A gold coin", "words": "money, paid, pay, £"},
        files={"image": ("coin.png", COIN, "image/png")},
        headers=headers,
    )
    listed = await client.get("/symbols?done=1")
    (made,) = await symbols.listing()
    changed = await client.post(
        f"/symbols/{made.id}/change",
        data={"alt": "A house", "words": "Home, housing"},
        files={"image": ("house.png", HOUSE, "image/png")},
        headers=headers,
    )
    after = await symbols.get(made.id)
    picture = await client.get(f"/symbols/{made.id}.png?v=2")
    deleted = await client.post(f"/symbols/{made.id}/delete", headers=headers)
    gone = await client.get(f"/symbols/{made.id}.png?v=2")

    assert "There are no symbols yet." in empty.text
    assert (added.status_code, added.headers["location"]) == (303, "/symbols?done=1")
    assert "Symbol added" in listed.text
    assert f'<img src="/symbols/{made.id}.png?v=1" alt="" width="64" height="64"' in listed.text
    assert '<td class="govuk-table__cell">money, paid, pay, £</td>' in listed.text
    assert "1 symbol, in the order they are tried" in listed.text
    assert changed.headers["location"] == "/symbols?done=2"
    assert (after.alt, after.words, after.version) == ("A house", ("home", "housing"), 2)
    assert (picture.status_code, picture.content) == (200, HOUSE)
    assert picture.headers["content-type"] == "image/png"
    assert picture.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert deleted.headers["location"] == "/symbols?done=3"
    assert gone.status_code == 404
    assert await Symbol.count() == 0


async def test_a_bad_upload_shows_every_problem_in_the_error_summary(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    headers = await as_staff(running_app, client, Role.admin)

    got = await client.post(
        "/symbols",
        data={"alt": " ", "words": " , "},
        files={"image": ("coin.png", b"GIF89a not a png", "image/png")},
        headers=headers,
    )

    assert got.status_code == 400
    start = got.text.index('<div class="govuk-error-summary"')
    summary = got.text[start : got.text.index("</ul>", start)]
    assert re.findall(r'<a href="#([a-z]+)">([^<]+)</a>', summary) == [
        ("alt", "Enter what the picture shows, like &#39;A pile of coins&#39;"),
        ("words", "Enter the words the picture stands for, like &#39;money, pay&#39;"),
        ("image", "The picture must be a PNG or JPEG file"),
    ]
    assert 'class="govuk-file-upload govuk-file-upload--error"' in got.text
    assert await Symbol.count() == 0


async def test_anyone_may_see_a_picture_but_only_staff_keep_the_library(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    made = await symbols.add("A gold coin", "money", COIN)

    stale = await client.get(f"/symbols/{made}.png")
    wrong_type = await client.get(f"/symbols/{made}.jpg")
    nonsense = await client.get("/symbols/not-a-symbol.png")
    anonymous = await client.get("/symbols", follow_redirects=False)
    participant = await make_account(running_app, "participant", (Role.participant,))
    await sign_in(running_app, client, participant)
    refused = await client.get("/symbols")

    assert (stale.status_code, stale.content) == (200, COIN)
    assert stale.headers["cache-control"] == "public, max-age=300"  # no version: short cache
    assert (wrong_type.status_code, nonsense.status_code) == (404, 404)
    assert anonymous.status_code == 303  # to sign in
    assert refused.status_code == 403


# Pictures in the documents ---------------------------------------------------------------------


async def as_participant(app: Litestar, client: httpx.AsyncClient) -> None:
    account = await make_account(app, "participant", (Role.participant,))
    await sign_in(app, client, account)


def pictures_in(document: Any) -> list[tuple[str, str, bytes]]:
    """Each Easy Read row: the picture's alt text, the sentence and the picture's bytes."""
    found = []
    for table in document.tables:
        for row in table.rows:
            picture, words = row.cells
            (embed,) = picture._tc.xpath(".//a:blip/@r:embed")
            (alt,) = picture._tc.xpath(".//wp:docPr/@descr")
            found.append((str(alt), words.text, document.part.related_parts[embed].blob))
    return found


async def test_the_withdrawal_easy_read_shows_the_symbol_beside_its_line(
    running_app: Litestar, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = await symbols.add("A gold coin", "money", COIN)
    await as_participant(running_app, client)
    monkeypatch.setattr(shutil, "which", lambda name: None)  # as where LibreOffice is missing

    page = await client.get("/profile/withdraw/easy-read")
    download = await client.get("/profile/withdraw/easy-read.docx")
    no_pdf = await client.get("/profile/withdraw/easy-read.pdf")

    img = f'<img class="app-easy-read__picture" src="/symbols/{made}.png?v=1" alt="A gold coin"'
    assert page.text.count(img) == 1
    assert re.search(
        re.escape(img) + r'[^>]*>\s*<p class="govuk-body-l app-easy-read__words">'
        r"We keep a record of the money we paid you.</p>",
        page.text,
    )
    assert page.text.count('<span class="app-easy-read__picture" aria-hidden="true">') == 21
    assert ".pdf" not in page.text  # no dead link where no PDF can be made
    assert no_pdf.status_code == 404
    rows = pictures_in(Document(io.BytesIO(download.content)))
    pictured = [(alt, text) for alt, text, blob in rows if blob == COIN]
    assert pictured == [("A gold coin", "We keep a record of the money we paid you.")]
    assert all(blob == accessible_docs.EMPTY_SLOT for _, text, blob in rows if "money" not in text)
    assert len(rows) == 22


@pytest.mark.skipif(
    not HAS_OFFICE, reason="LibreOffice is not installed: only the .docx is offered"
)
async def test_the_easy_read_pdf_where_libreoffice_is_installed(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    await symbols.add("A gold coin", "money", COIN)
    await as_participant(running_app, client)

    page = await client.get("/profile/withdraw/easy-read")
    pdf = await client.get("/profile/withdraw/easy-read.pdf")

    assert (
        'href="/profile/withdraw/easy-read.pdf" download>Download this Easy Read document (PDF)'
        in page.text
    )
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert 'filename="stopping-easy-read.pdf"' in pdf.headers["content-disposition"]
    assert pdf.content.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf.content))
    # 22 rows, each at least its 2.5 cm picture high: 55 cm, more than two A4 pages of text
    assert 3 <= pages <= 22


async def test_the_demo_adds_five_symbols_through_the_same_checks(sealer: Sealer) -> None:
    assert await demo_symbols.is_empty()

    said = await demo_symbols.populate(sealer)

    assert said == ["5 Easy Read symbols (coin, calendar, house, speech, tick)"]
    assert [s.alt for s in await symbols.listing()] == [alt for alt, _, _ in DEMO_SYMBOLS]
    assert not await demo_symbols.is_empty()
    found = symbols.match("Ffoniwch ni ar 0300 123 4567.", await symbols.library())
    assert found is not None
    assert found.alt == "A speech bubble"
