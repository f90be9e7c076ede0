"""Find English left on a page that should be in another language.

A text is taken for English when it holds two or more words that are common in English and not
words of Welsh or Arabic ("the", "your", "will"...). Text people typed (an opportunity's title,
a coordinator's questions) is shown as typed, so callers pass it as ``typed``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

ENGLISH_WORDS = frozenset(
    [
        "the",
        "you",
        "your",
        "we",
        "our",
        "and",
        "with",
        "this",
        "that",
        "what",
        "how",
        "will",
        "have",
        "are",
        "is",
        "for",
        "of",
        "to",
        "be",
        "not",
        "can",
        "when",
        "they",
        "their",
        "about",
        "from",
        "more",
        "there",
        "here",
        "has",
        "was",
        "been",
        "were",
        "would",
        "should",
    ]
)
SKIPPED = frozenset({"script", "style", "template"})
ATTRIBUTES = ("aria-label", "alt", "title", "placeholder")
_WORD = re.compile(r"[A-Za-z']+")


class _Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self._skipping += 1
        self.texts.extend(value for name, value in attrs if name in ATTRIBUTES and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            self.texts.append(data)


def looks_english(text: str) -> bool:
    words = [word.lower() for word in _WORD.findall(text)]
    return sum(1 for word in words if word in ENGLISH_WORDS) >= 2


def english_left(html: str, typed: tuple[str, ...] = ()) -> list[str]:
    """Each text of the page (and its labelling attributes) that reads as English."""
    parser = _Texts()
    parser.feed(html)
    found = []
    for text in parser.texts:
        clean = " ".join(text.split())
        if looks_english(clean) and not any(clean in words or words in clean for words in typed):
            found.append(clean)
    return found
