"""Every kind of document the demo council makes, found the way people find them (by following
links from their pages), downloaded and opened again with python-docx: headings present, Easy
Read one sentence a row of at most 15 words, Easy Read and large print never under 16 pt."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any
from urllib.parse import urlencode

import httpx
from docx import Document
from docx.shared import Pt
from litestar import Litestar

from app import accessible_docs
from app.sealed import Sealer
from tests.app.test_demo_council import _signed_in_as, council, dev_app  # noqa: F401
from tests.participation.test_easy_read import all_paragraphs, easy_rows, size_of

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LINK = re.compile(r'href="(/[^"#]*)"')
GET_FORM = re.compile(r'<form method="get" action="(/[^"]*)"[^>]*>(.*?)</form>', re.S)
FIELD = re.compile(r'<input[^>]* name="([^"]+)"[^>]* value="([^"]*)"')
FORM_ACTION = re.compile(r'formaction="(/[^"]*)"')
MOST_PAGES = 80
LETTERS = re.compile(r"/letters\.docx$")
"""Letters to post open with an address and "Dear ...", as letters do, not a heading."""
START = {
    "Jordan, participant": ("/profile", "/your-payments", "/take-part"),
    "Gwen Morgan, participant, in Welsh": ("/profile", "/your-payments"),
    "Tom Reilly, organiser": ("/events",),
}
STAYS_UNDER = {
    "Jordan, participant": ("/profile", "/your-payments", "/take-part"),
    "Gwen Morgan, participant, in Welsh": ("/profile", "/your-payments"),
    "Tom Reilly, organiser": ("/events",),
}
KINDS = {
    "advert in Easy Read": r"^/take-part/[\w-]+/easy-read\.docx$",
    "advert in large print": r"^/take-part/[\w-]+/large-print\.docx$",
    "withdrawal in Easy Read": r"^/profile/withdraw/easy-read\.docx$",
    "withdrawal in large print": r"^/profile/withdraw/large-print\.docx$",
    "invitation in Easy Read": r"^/profile/events/[\w-]+/easy-read\.docx$",
    "invitation in large print": r"^/profile/events/[\w-]+/large-print\.docx$",
    "you said, we did in Easy Read": r"^/profile/what-changed/[\w-]+/easy-read\.docx$",
    "you said, we did in large print": r"^/profile/what-changed/[\w-]+/large-print\.docx$",
    "what you will be paid": r"^/your-payments/[\w-]+/what-you-will-be-paid(\?.*)?$",
    "what you will be paid in Easy Read": r"^/your-payments/[\w-]+/what-you-will-be-paid/easy-read\.docx$",  # noqa: E501
    "what you will be paid in large print": r"^/your-payments/[\w-]+/what-you-will-be-paid/large-print\.docx$",  # noqa: E501
    "payment statement": r"^/your-payments/statement\?",
    "letter for the benefits office": r"^/your-payments/benefits-letter\?",
    "letters to post": r"^/events/[\w-]+/letters\.docx$",
    "briefing pack": r"^/events/[\w-]+/briefing\.docx",
    "invitation to post in Easy Read": r"^/events/[\w-]+/invitations/[\w-]+/easy-read\.docx$",
    "invitation to post in large print": r"^/events/[\w-]+/invitations/[\w-]+/large-print\.docx$",
}


async def documents_found(http: httpx.AsyncClient, who: str) -> dict[str, httpx.Response]:
    """Follow links from ``who``'s pages (GET only, within their area); keep every .docx."""
    queue, seen, found = list(START[who]), set(START[who]), {}
    while queue and len(seen) < MOST_PAGES:
        response = await http.get(queue.pop(0))
        if response.headers.get("content-type", "").startswith(DOCX):
            found[str(response.request.url.raw_path.decode())] = response
            continue
        for found_link in LINK.findall(response.text) + submitted_forms(response.text):
            link = found_link.replace("&amp;", "&")
            if link not in seen and link.startswith(STAYS_UNDER[who]) and "lang=" not in link:
                seen.add(link)
                queue.append(link)
    return found


def submitted_forms(html: str) -> list[str]:
    """What pressing each button of a GET form asks for, with the values it shows."""
    asked = []
    for action, body in GET_FORM.findall(html):
        query = urlencode(FIELD.findall(body))
        asked += [f"{target}?{query}" for target in [action, *FORM_ACTION.findall(body)]]
    return asked


def kind_of(path: str) -> str:
    kinds = [kind for kind, pattern in KINDS.items() if re.search(pattern, path)]
    assert len(kinds) == 1, f"{path} is {kinds}: name each document kind once"
    return kinds[0]


def check_opens(path: str, body: bytes) -> Any:
    document = Document(BytesIO(body))
    text = [p.text for p in all_paragraphs(document) if p.text.strip()]
    assert text, f"{path}: empty"
    titles = [p.text for p in document.paragraphs if p.style.name in ("Title", "Heading 1")]
    assert titles or LETTERS.search(path), f"{path}: no title or heading"
    if "easy-read" in path:
        rows = easy_rows(document)
        assert rows, f"{path}: no Easy Read rows"
        for _, sentence in rows:
            assert len(accessible_docs.sentences(sentence)) == 1, (path, sentence)
            assert 1 <= accessible_docs.words_in(sentence) <= 15, (path, sentence)
    if "easy-read" in path or "large-print" in path:
        sizes = [size_of(p, r) for p in all_paragraphs(document) for r in p.runs if r.text]
        assert min(sizes) >= Pt(16), path
    return document


async def test_every_document_the_demo_makes_opens_again(
    council: Sealer,  # noqa: F811 - the fixtures imported above
    dev_app: Litestar,  # noqa: F811
) -> None:
    kinds: dict[str, int] = {}
    for who in START:
        async with _signed_in_as(who, council, dev_app) as http:
            for path, response in (await documents_found(http, who)).items():
                check_opens(path, response.content)
                kinds[kind_of(path)] = kinds.get(kind_of(path), 0) + 1

    assert sorted(set(KINDS) - set(kinds)) == []
    assert sorted(kinds) == sorted(KINDS)
