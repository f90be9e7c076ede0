"""Accessible document formats: Easy Read and large print (.docx), and PDF when LibreOffice is
installed. One structure (sections of short lines) feeds the .docx and the web page, so both
say exactly the same words.

Why: the Accessible Information Standard asks councils to meet people's communication needs,
Easy Read included. Easy Read conventions (Department of Health guidance): one idea a sentence,
at most 15 words, a picture on the left beside the words on the right, big clear text. These
rules are checked when a document is built, so a sentence that breaks them never reaches anyone.
Large print: 18 pt body, bigger headings, left aligned, plenty of space, no italics.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from app.docs import as_bytes, new_document
from app.errors import DomainError

MOST_WORDS = 15
EASY_READ_SIZE = Pt(16)
LARGE_PRINT_SIZE = Pt(18)
HEADING_SIZES = {"Title": Pt(28), "Heading 1": Pt(24), "Heading 2": Pt(20)}
PICTURE_WIDTH = Cm(2.5)
WORDS_WIDTH = Cm(13)
CONVERT_SECONDS = 120
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
_WORD = re.compile(r"\w", re.UNICODE)


class NotEasyRead(DomainError):
    """A sentence too long (or empty) for Easy Read: the message names it and its word count."""


@dataclass(frozen=True)
class Picture:
    """A staff symbol beside a line: its bytes for the .docx, its address for the web page."""

    data: bytes
    media_type: str
    alt: str
    url: str


@dataclass(frozen=True)
class Line:
    """One sentence, with an optional picture (``app.symbols.illustrate`` fills it)."""

    text: str
    picture: Picture | None = None
    key: str = ""
    """The fact in the sentence to print bold (an amount, a date), when it has one."""

    @property
    def parts(self) -> tuple[str, str, str]:
        """The text split around its key fact: (before, key, after); no key, no bold."""
        return self.text.partition(self.key) if self.key else (self.text, "", "")

    @property
    def alt(self) -> str:
        return self.picture.alt if self.picture else f"Picture: {self.text}"


@dataclass(frozen=True)
class Section:
    """A heading and what goes under it: Easy Read lines, or large-print paragraphs."""

    heading: str
    lines: tuple[Line, ...] = ()
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = field(default=())


def words_in(sentence: str) -> int:
    """Words as a reader counts them: '£25' is a word, a lone dash is not."""
    return sum(1 for token in sentence.split() if _WORD.search(token))


def sentences(text: str) -> list[str]:
    """Typed text as one sentence each: every line, split again after '.', '!' or '?'."""
    found: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        found.extend(part.strip() for part in _SENTENCE_END.split(line.strip()) if part.strip())
    return found


def check_sentence(sentence: str) -> str:
    """The sentence if it fits Easy Read; otherwise NotEasyRead saying which and why."""
    count = words_in(sentence)
    if count == 0:
        raise NotEasyRead("An Easy Read line needs some words.")
    if count > MOST_WORDS:
        raise NotEasyRead(
            f"Easy Read sentences have at most {MOST_WORDS} words. This one has {count}: "
            f'"{sentence}". Split it into shorter sentences.'
        )
    return sentence


@dataclass(frozen=True)
class Letter:
    """What makes a document a letter: who it is from (above the title), the greeting and
    what it is about (under the title), and who signs it (at the end)."""

    letterhead: str = ""
    opening: tuple[str, ...] = ()
    sign_off: str = ""


def easy_read(title: str, sections: Sequence[Section], letter: Letter | None = None) -> bytes:
    """An Easy Read .docx: a heading a section, then a row a sentence, picture left."""
    for section in sections:
        for line in section.lines:
            check_sentence(line.text)
    document = _styled(EASY_READ_SIZE)
    _top(document, title, letter)
    for section in sections:
        document.add_heading(section.heading, level=1)
        _rows(document, section.lines)
    _end(document, letter)
    return as_bytes(document)


def large_print(title: str, sections: Sequence[Section], letter: Letter | None = None) -> bytes:
    """A large-print .docx: 18 pt body, larger headings, left aligned, no italics."""
    document = _styled(LARGE_PRINT_SIZE)
    _top(document, title, letter)
    for section in sections:
        document.add_heading(section.heading, level=1)
        for text in section.paragraphs:
            document.add_paragraph(text)
        for text in section.bullets:
            document.add_paragraph(text, style="List Bullet")
    _end(document, letter)
    return as_bytes(document)


def _top(document: Any, title: str, letter: Letter | None) -> None:
    if letter and letter.letterhead:
        document.add_paragraph(letter.letterhead)
    document.add_heading(title, level=0)
    for text in letter.opening if letter else ():
        document.add_paragraph(text)


def _end(document: Any, letter: Letter | None) -> None:
    if letter and letter.sign_off:
        document.add_paragraph(letter.sign_off)


def _office() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    """Whether LibreOffice is installed here: pages offer a PDF link only then (no dead links)."""
    return _office() is not None


def to_pdf(docx: bytes) -> bytes | None:
    """The document as PDF through LibreOffice (headless), or None when it is not installed,
    so callers offer the .docx instead. A failed conversion raises: that is a fault to see.
    It takes one to two seconds (measured: 1.4 s warm, 2.1 s cold)."""
    office = _office()
    if office is None:
        return None
    with tempfile.TemporaryDirectory(prefix="reciprocity-pdf-") as folder:
        source = Path(folder) / "document.docx"
        source.write_bytes(docx)
        profile = (Path(folder) / "profile").as_uri()  # its own profile: runs never collide
        command = [office, f"-env:UserInstallation={profile}", "--headless"]
        subprocess.run(  # noqa: S603 - a found tool, fixed arguments
            [*command, "--convert-to", "pdf", "--outdir", folder, str(source)],
            check=True,
            capture_output=True,
            timeout=CONVERT_SECONDS,
        )
        return (Path(folder) / "document.pdf").read_bytes()


def _styled(body: Pt) -> Any:
    """A document whose text is ``body`` (Arial-like, black), headings larger, never italic."""
    document = new_document(body)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.paragraph_format.line_spacing = 1.5
    normal.paragraph_format.space_after = Pt(12)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for name in ("Title", "Heading 1", "Heading 2", "List Bullet"):
        font = document.styles[name].font
        font.size = HEADING_SIZES.get(name, body)
        font.italic = False
        font.name = "Arial"
        font.color.rgb = RGBColor(0, 0, 0)
    return document


def _rows(document: Any, lines: Iterable[Line]) -> None:
    """A two-column table: the picture (or an empty bordered slot) left, the sentence right."""
    lines = list(lines)
    table = document.add_table(rows=len(lines), cols=2)
    table.autofit = False
    for row, line in zip(table.rows, lines, strict=True):
        picture, words = row.cells
        picture.width, words.width = PICTURE_WIDTH, WORDS_WIDTH
        run = picture.paragraphs[0].add_run()
        shape = run.add_picture(
            BytesIO(line.picture.data if line.picture else EMPTY_SLOT), width=PICTURE_WIDTH
        )
        shape._inline.docPr.set("descr", line.alt)
        before, key, after = line.parts
        paragraph = words.paragraphs[0]
        paragraph.add_run(before)
        if key:
            paragraph.add_run(key).bold = True
            paragraph.add_run(after)


def png(size: int, rows: Iterable[bytes]) -> bytes:
    """A square RGB PNG from its rows of pixels (3 bytes each): enough for plain shapes,
    with no imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    pixels = b"".join(b"\x00" + row for row in rows)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


def _empty_slot(size: int = 96, border: int = 3) -> bytes:
    """A PNG of an empty box with a dark grey border: where a picture will go."""
    grey, white = b"\x50\x50\x50", b"\xff\xff\xff"
    rows = []
    for y in range(size):
        edge = y < border or y >= size - border
        pixels = [grey if edge or x < border or x >= size - border else white for x in range(size)]
        rows.append(b"".join(pixels))
    return png(size, rows)


EMPTY_SLOT = _empty_slot()
