"""The symbol library: pictures staff attach to Easy Read lines, and the one rule that picks
the picture beside each line.

Why: Easy Read puts a picture beside every sentence, and the pictures a council uses are its
own (often a licensed set such as Photosymbols or Widgit). Staff upload each picture once with
the words it stands for ("money, paid, pay, £"); every Easy Read document, web page or .docx,
then finds the first symbol whose words appear in a sentence. Pictures are not personal data:
they are served publicly, like the adverts they sit in.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID, uuid4

from app.accessible_docs import Line, Picture, Section
from app.db import transaction
from app.errors import DomainError, FieldError, NotFound
from app.tables import Symbol

MOST_BYTES = 1024 * 1024
MOST_PIXELS = 4000
LEAST_PIXELS = 16
MOST_ALT = 150
MOST_WORDS_TEXT = 300
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg"}
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_WORD_CHAR = re.compile(r"\w")


@dataclass(frozen=True)
class Image:
    """An upload checked to be a real PNG or JPEG, with its size in pixels."""

    data: bytes
    media_type: str
    width: int
    height: int


@dataclass(frozen=True)
class SymbolView:
    """One symbol as pages and documents use it (``data`` only when loaded for documents)."""

    id: UUID
    alt: str
    words: tuple[str, ...]
    media_type: str
    width: int
    height: int
    version: int
    data: bytes = b""

    @property
    def url(self) -> str:
        """Its public address; the version makes a replaced picture a new address."""
        return f"/symbols/{self.id}.{EXTENSIONS[self.media_type]}?v={self.version}"

    @property
    def words_text(self) -> str:
        return ", ".join(self.words)


# Checking what staff send ------------------------------------------------------------------------


def _invalid(field: str, message: str, status: int = 400) -> DomainError:
    return DomainError(message, errors=[FieldError(field, message)], status_code=status)


def image_from(content: bytes) -> Image:
    """The upload if it really is a PNG or JPEG (by its bytes, not its name), 1 MB at most."""
    if not content:
        raise _invalid("image", "Choose a PNG or JPEG picture")
    if len(content) > MOST_BYTES:
        raise _invalid("image", "The picture must be smaller than 1 MB", 413)
    size = _png_size(content) or _jpeg_size(content)
    if size is None:
        raise _invalid("image", "The picture must be a PNG or JPEG file")
    width, height = size
    if not (LEAST_PIXELS <= width <= MOST_PIXELS and LEAST_PIXELS <= height <= MOST_PIXELS):
        raise _invalid(
            "image",
            f"The picture must be between {LEAST_PIXELS} and {MOST_PIXELS} pixels wide and high",
        )
    kind = "image/png" if content.startswith(PNG) else "image/jpeg"
    return Image(content, kind, width, height)


def _png_size(content: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's header chunk, which must come first."""
    if not content.startswith(PNG) or len(content) < 24 or content[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", content[16:24])
    return int(width), int(height)


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    """Width and height from a JPEG's start-of-frame marker, walking the marker segments."""
    if not content.startswith(JPEG):
        return None
    at = 2
    while at + 9 <= len(content):
        if content[at] != 0xFF:
            return None
        marker = content[at + 1]
        if marker == 0xFF:  # padding between markers
            at += 1
            continue
        (length,) = struct.unpack(">H", content[at + 2 : at + 4])
        if marker in _JPEG_FRAMES:
            height, width = struct.unpack(">HH", content[at + 5 : at + 9])
            return int(width), int(height)
        at += 2 + length
    return None


def words_from(text: str) -> tuple[str, ...]:
    """The words a symbol stands for, typed comma-separated: trimmed, lower case, no repeats."""
    found: list[str] = []
    for part in text.split(","):
        word = " ".join(part.split()).lower()
        if word and word not in found:
            found.append(word)
    return tuple(found)


def _described(alt: str, words: str) -> tuple[str, tuple[str, ...]]:
    """Alt text and words, or every problem with them at once."""
    problems = []
    alt = " ".join(alt.split())
    if not alt:
        problems.append(FieldError("alt", "Enter what the picture shows, like 'A pile of coins'"))
    elif len(alt) > MOST_ALT:
        problems.append(
            FieldError("alt", f"What the picture shows must be {MOST_ALT} characters or fewer")
        )
    found = words_from(words)
    if not found:
        problems.append(
            FieldError("words", "Enter the words the picture stands for, like 'money, pay'")
        )
    elif len(", ".join(found)) > MOST_WORDS_TEXT:
        problems.append(
            FieldError("words", f"The words must be {MOST_WORDS_TEXT} characters or fewer")
        )
    if problems:
        raise DomainError(problems[0].message, errors=problems)
    return alt, found


# Keeping the library ------------------------------------------------------------------------------


async def add(alt: str, words: str, content: bytes) -> UUID:
    """A new symbol; DomainError listing every problem (alt, words, image) when refused."""
    problems: list[FieldError] = []
    described: tuple[str, tuple[str, ...]] = ("", ())
    try:
        described = _described(alt, words)
    except DomainError as wrong:
        problems += wrong.errors
    status = 400
    try:
        image = image_from(content)
    except DomainError as wrong:
        problems, status = problems + wrong.errors, wrong.status_code
    if problems:
        raise DomainError(problems[0].message, errors=problems, status_code=status)
    made = uuid4()
    async with transaction():
        await Symbol.insert(
            Symbol(
                id=made,
                alt=described[0],
                words=", ".join(described[1]),
                media_type=image.media_type,
                data=image.data,
                width=image.width,
                height=image.height,
            )
        )
    return made


async def change(symbol: UUID, alt: str, words: str, content: bytes | None) -> None:
    """New alt text and words, and a new picture when one is sent (its address changes)."""
    alt, found = _described(alt, words)
    values: dict[object, object] = {Symbol.alt: alt, Symbol.words: ", ".join(found)}
    if content:
        image = image_from(content)
        values |= {
            Symbol.data: image.data,
            Symbol.media_type: image.media_type,
            Symbol.width: image.width,
            Symbol.height: image.height,
            Symbol.version: Symbol.version + 1,
        }
    async with transaction():
        await get(symbol)
        await Symbol.update(values).where(Symbol.id == symbol)  # type: ignore[arg-type]


async def remove(symbol: UUID) -> None:
    """Delete a symbol: documents made after this show an empty slot instead."""
    async with transaction():
        await get(symbol)
        await Symbol.delete().where(Symbol.id == symbol)


_LISTED = (
    Symbol.id,
    Symbol.alt,
    Symbol.words,
    Symbol.media_type,
    Symbol.width,
    Symbol.height,
    Symbol.version,
)


def _view(row: dict[str, Any]) -> SymbolView:
    return SymbolView(
        id=row["id"],
        alt=row["alt"],
        words=words_from(row["words"]),
        media_type=row["media_type"],
        width=row["width"],
        height=row["height"],
        version=row["version"],
        data=bytes(row.get("data") or b""),
    )


async def listing() -> list[SymbolView]:
    """Every symbol, oldest first: the order in which they are tried against a sentence."""
    rows = await Symbol.select(*_LISTED).order_by(Symbol.created_at).order_by(Symbol.id)
    return [_view(row) for row in rows]


async def get(symbol: UUID) -> SymbolView:
    """One symbol without its bytes; NotFound when there is none."""
    row = await Symbol.select(*_LISTED).where(Symbol.id == symbol).first()
    if row is None:
        raise NotFound("There is no such symbol.")
    return _view(row)


async def image(symbol: UUID) -> SymbolView:
    """One symbol with its bytes, to serve; NotFound when there is none."""
    row = await Symbol.select(*_LISTED, Symbol.data).where(Symbol.id == symbol).first()
    if row is None:
        raise NotFound("There is no such symbol.")
    return _view(row)


async def library() -> list[SymbolView]:
    """Every symbol with its bytes, in matching order: what documents pick pictures from."""
    rows = await (
        Symbol.select(*_LISTED, Symbol.data).order_by(Symbol.created_at).order_by(Symbol.id)
    )
    return [_view(row) for row in rows]


# Putting pictures beside lines --------------------------------------------------------------------


def _pattern(word: str) -> re.Pattern[str]:
    """The word or phrase as a whole word: a boundary only where its edge is a letter or digit,
    so '£' matches '£25' and 'pay' does not match 'payment'."""
    before = r"(?<!\w)" if _WORD_CHAR.match(word[0]) else ""
    after = r"(?!\w)" if _WORD_CHAR.match(word[-1]) else ""
    return re.compile(before + re.escape(word) + after, re.IGNORECASE)


def match(sentence: str, symbols: Sequence[SymbolView]) -> SymbolView | None:
    """The first symbol (oldest first) one of whose words appears in the sentence."""
    for symbol in symbols:
        if any(_pattern(word).search(sentence) for word in symbol.words):
            return symbol
    return None


def pictured(sections: Sequence[Section], symbols: Sequence[SymbolView]) -> list[Section]:
    """The sections with each Easy Read line's picture set from the library (or left empty)."""
    return [
        replace(section, lines=tuple(_picture_line(line, symbols) for line in section.lines))
        for section in sections
    ]


def _picture_line(line: Line, symbols: Sequence[SymbolView]) -> Line:
    found = match(line.text, symbols)
    if found is None:
        return line
    return replace(line, picture=Picture(found.data, found.media_type, found.alt, found.url))


async def illustrate(sections: Sequence[Section]) -> list[Section]:
    """The one way every Easy Read document gets its pictures: call it on the sections in the
    reader's language, then give the result to the web page and to ``accessible_docs``."""
    return pictured(sections, await library())
