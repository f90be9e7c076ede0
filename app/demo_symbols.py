"""The demo council's Easy Read symbols: five plain pictures drawn here (a coin, a calendar, a
house, a speech bubble, a tick), added through ``app.symbols`` like a coordinator's upload,
so the demo's Easy Read advert, withdrawal explanation and payment letter show pictures.

Real councils upload their own licensed set (Photosymbols, Widgit...); these shapes carry no
text and stand only for the words listed, in English, Welsh and Arabic.
"""

from __future__ import annotations

from collections.abc import Callable

from app import symbols
from app.accessible_docs import png
from app.sealed import Sealer
from app.tables import Symbol

SIZE = 96
Colour = bytes
Painter = Callable[[int, int], Colour | None]
WHITE, INK = b"\xff\xff\xff", b"\x0b\x0c\x0c"
GOLD, AMBER = b"\xf2\xc1\x2e", b"\xb5\x86\x00"
RED, GREEN, BLUE, BROWN = b"\xd4\x35\x1c", b"\x00\x70\x3c", b"\x1d\x70\xb8", b"\x8a\x4b\x2a"


def _drawn(paint: Painter) -> bytes:
    """A 96-pixel PNG: each pixel the painter's colour, white where it gives None."""
    rows = (b"".join(paint(x, y) or WHITE for x in range(SIZE)) for y in range(SIZE))
    return png(SIZE, rows)


def _coin(x: int, y: int) -> Colour | None:
    distance = (x - 48) ** 2 + (y - 48) ** 2
    if distance <= 26**2:
        return GOLD
    return AMBER if distance <= 36**2 else None


def _calendar(x: int, y: int) -> Colour | None:
    if not (14 <= x <= 82 and 18 <= y <= 82):
        return None
    if y <= 34:
        return RED
    on_edge = x in (14, 15, 81, 82) or y in (81, 82)
    in_grid = (x - 22) % 16 < 8 and (y - 42) % 14 < 7 and x < 78 and y < 78
    return INK if on_edge else (BLUE if in_grid else None)


def _house(x: int, y: int) -> Colour | None:
    if 12 <= y <= 46 and abs(x - 48) <= (y - 12) * 1.1 + 2:
        return RED
    if 46 < y <= 84 and 20 <= x <= 76:
        return BROWN if (42 <= x <= 54 and y >= 60) else GOLD
    return None


def _speech(x: int, y: int) -> Colour | None:
    inside = 10 <= x <= 86 and 14 <= y <= 62 and (x - 48) ** 2 / 38**2 + (y - 38) ** 2 / 24**2 <= 1
    tail = 62 < y <= 84 and 26 <= x <= 26 + (84 - y)
    return BLUE if inside or tail else None


def _tick(x: int, y: int) -> Colour | None:
    short = 14 <= x <= 40 and abs((y - 50) - (x - 14)) <= 7
    long = 34 <= x <= 84 and abs((y - 76) + (x - 34) * 1.05) <= 7
    return GREEN if short or long else None


DEMO_SYMBOLS: tuple[tuple[str, str, Painter], ...] = (
    ("A gold coin", "money, paid, pay, fee, £, cost, expenses, arian, talu, ffi, مال, دفع", _coin),
    ("A calendar", "date, day, time, when, session, dyddiad, amser, تاريخ, موعد", _calendar),
    ("A house", "house, home, housing, tai, cartref, سكن, منزل", _house),
    (
        "A speech bubble",
        "tell, say, said, talk, ring, phone, email, ask, questions, ffoniwch, dweud, اتصل",
        _speech,
    ),
    ("A green tick", "choose, chose, choice, agree, agreed, yes, dewis, اختر, اخترت", _tick),
)


async def is_empty() -> bool:
    """True when the library holds no symbol."""
    return not await Symbol.exists()


async def populate(sealer: Sealer) -> list[str]:
    """Add the demo symbols through the same checks as an upload; one line for the operator."""
    del sealer  # pictures are not personal: nothing to seal
    for alt, words, paint in DEMO_SYMBOLS:
        await symbols.add(alt, words, _drawn(paint))
    return [f"{len(DEMO_SYMBOLS)} Easy Read symbols (coin, calendar, house, speech, tick)"]
