"""Reading Easy Read letters back: the checks of ``tests.participation.test_easy_read``'s
``assert_easy_read`` for a document that is a letter (who it is from above the title, a
sign-off at the end: the only plain paragraphs it may have)."""

from __future__ import annotations

from typing import Any

from docx.shared import Pt

from app import accessible_docs
from tests.participation.test_easy_read import all_paragraphs, easy_rows, size_of


def assert_easy_letter(document: Any, letter: list[str]) -> list[str]:
    """One sentence a row, 15 words at most, a picture slot each, 16 pt or more; the plain
    paragraphs are exactly ``letter``. Returns the sentences in order."""
    assert [p.text for p in document.paragraphs if p.style.name == "Normal" and p.text] == letter
    rows = easy_rows(document)
    for alt, sentence in rows:
        assert alt == f"Picture: {sentence}"
        assert len(accessible_docs.sentences(sentence)) == 1, sentence
        assert 1 <= accessible_docs.words_in(sentence) <= 15, sentence
    for paragraph in all_paragraphs(document):
        for run in paragraph.runs:
            if run.text:
                assert size_of(paragraph, run) >= Pt(16), run.text
    return [sentence for _, sentence in rows]
