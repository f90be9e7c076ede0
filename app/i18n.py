"""Languages: Welsh, community languages and right-to-left scripts, with Babel catalogues.

Why this shape: Litestar has no i18n of its own, and installing translations on the shared Jinja
environment per request would mix languages between concurrent requests. So the language of the
work in hand lives in a context variable: the web shell sets it for each request (``?lang=``,
then the ``lang`` cookie, then the browser's Accept-Language), and code that writes to one
person (an email, a letter) sets it to that person's choice with ``use_locale``. Templates and
Python call the same ``gettext``, so one catalogue serves pages, emails and letters.

Catalogues are the ``.po`` files under ``translations/``, read directly (no compile step to
forget). ``make translations`` extracts new strings; ``python -m app.i18n_check`` (in CI and in
the tests) refuses a shipped language with any string untranslated, because half-translated pages,
above all right-to-left ones, are worse than English.
"""

from __future__ import annotations

import gettext as stdlib_gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from io import BytesIO
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from markupsafe import escape

from app.settings import PROJECT_ROOT

TRANSLATIONS_DIR = PROJECT_ROOT / "translations"
DEFAULT = "en"
COOKIE = "lang"
LONDON = ZoneInfo("Europe/London")
TIME_PATTERNS = {"cy": "h:mmaaaa"}
"""Welsh writes '2:30yh' (CLDR's wide day period), not '2:30 PM'."""


@dataclass(frozen=True)
class Language:
    """A language people can choose: its code, its own name for itself, and its direction."""

    code: str
    endonym: str
    rtl: bool = False

    @property
    def html_lang(self) -> str:
        return "en-GB" if self.code == DEFAULT else self.code

    @property
    def direction(self) -> str:
        return "rtl" if self.rtl else "ltr"


def language(code: str) -> Language:
    """The language for a code, its name and direction taken from CLDR through Babel."""
    try:
        found = Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        raise ValueError(f"'{code}' is not a language code Babel knows.") from None
    name = (found.get_display_name(found) or code).split(" (")[0]
    return Language(code, name[:1].upper() + name[1:], found.character_order == "right-to-left")


def catalogue_names() -> dict[str, str]:
    """Every language with a catalogue (and English), code to its own name: the profile's choice."""
    found = TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po")
    codes = [DEFAULT, *sorted(path.parent.parent.name for path in found)]
    return {code: language(code).endonym for code in codes}


def has_catalogue(code: str) -> bool:
    return code == DEFAULT or (TRANSLATIONS_DIR / code / "LC_MESSAGES" / "messages.po").is_file()


_current: ContextVar[str] = ContextVar("locale", default=DEFAULT)


def current() -> str:
    """The code of the language this request, email or letter is written in."""
    return _current.get()


def current_language() -> Language:
    return language(current())


@contextmanager
def use_locale(code: str | None) -> Iterator[None]:
    """Write in ``code`` inside the block (a person's chosen language); English when unknown."""
    token = _current.set(code if code and has_catalogue(code) else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def switch_to(code: str) -> None:
    """Change the language for the rest of the request already under way: the access guard puts
    staff in English, because staff pages are not translated and half-Welsh pages help nobody.
    The web shell's ``use_locale`` block still restores the language when the request ends."""
    _current.set(code)


@lru_cache(maxsize=16)
def translations(code: str) -> stdlib_gettext.NullTranslations:
    """The catalogue for ``code``, read once per process from its .po file."""
    path = TRANSLATIONS_DIR / code / "LC_MESSAGES" / "messages.po"
    if code == DEFAULT or not path.is_file():
        return stdlib_gettext.NullTranslations()
    with path.open("rb") as po:
        catalogue = read_po(po, locale=code)
    compiled = BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return stdlib_gettext.GNUTranslations(compiled)


def gettext(message: str) -> str:
    return translations(current()).gettext(message)


def page_gettext(message: str) -> str:
    """``_()`` in templates. Jinja marks what it returns as safe HTML: right for the product's own
    words (some hold a link), wrong for anything else handed to ``_()``, like a title someone
    typed, which could then inject markup. So only catalogue messages pass unescaped."""
    translated = gettext(message)
    return translated if message in known_messages() else escape(translated)


@lru_cache(maxsize=1)
def known_messages() -> frozenset[str]:
    """Every message id in the catalogues: the product's own words, never typed data."""
    ids: set[str] = set()
    for path in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po"):
        with path.open("rb") as po:
            ids.update(m.id if isinstance(m.id, str) else m.id[0] for m in read_po(po) if m.id)
    return frozenset(ids)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(current()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return translations(current()).npgettext(context, singular, plural, n)


def isolated(typed: str) -> str:
    """Text someone typed, set inside a sentence of a right-to-left page: wrapped in Unicode
    isolates, so an English question keeps its question mark on the right inside Arabic."""
    return f"\u2068{typed}\u2069" if current_language().rtl else typed


def N_(message: str) -> str:  # noqa: N802 - the conventional name extraction looks for
    """Mark a constant for extraction; it is translated where it is shown (``_(label)``)."""
    return message


def offered(codes: str) -> tuple[Language, ...]:
    """The languages to offer from a setting like ``en,cy,ar``: English first, each checked to
    have a catalogue, so a typo or a missing file stops the service at start-up, not a reader."""
    wanted = [DEFAULT, *(c.strip() for c in codes.split(",") if c.strip() and c.strip() != DEFAULT)]
    missing = [code for code in wanted if not has_catalogue(code)]
    if missing:
        raise ValueError(
            f"RECIPROCITY_LANGUAGES names {', '.join(missing)}, which has no catalogue under "
            f"{TRANSLATIONS_DIR}. Add one with 'make translations' or remove it from the setting."
        )
    return tuple(language(code) for code in dict.fromkeys(wanted))


def day(value: date) -> str:
    """A date as people write it in the current language: '26 November 2026', '26 Tachwedd 2026'."""
    return format_date(value, "d MMMM y", locale=_babel_locale())


def weekday_and_day(value: date) -> str:
    """'Thursday 26 November 2026' ('Dydd Iau 26 Tachwedd 2026')."""
    return format_date(value, "EEEE d MMMM y", locale=_babel_locale())


def time_of_day(value: datetime) -> str:
    """London clock time: '2:30pm' in English (the GOV.UK style), Babel's style otherwise."""
    local = value.astimezone(LONDON) if value.tzinfo else value
    if current() == DEFAULT:
        return f"{local:%-I:%M%p}".lower()
    return format_time(local, TIME_PATTERNS.get(current(), "h:mm a"), locale=_babel_locale())


def moment(value: datetime) -> str:
    """'Thursday 26 November 2026 at 2:30pm', in London time and the current language."""
    local = value.astimezone(LONDON) if value.tzinfo else value
    return gettext("%(day)s at %(time)s") % {
        "day": weekday_and_day(local.date()),
        "time": time_of_day(local),
    }


def _babel_locale() -> str:
    return "en_GB" if current() == DEFAULT else current()
