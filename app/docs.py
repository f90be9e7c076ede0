"""Word documents (.docx, python-docx) for people to print or keep: one way to start one and one
way to turn it into bytes, so every domain's letters look and save the same."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

BODY_SIZE = Pt(14)
"""Letters go to many people with low vision: 14 pt body, larger headings."""


def new_document(body_size: Pt = BODY_SIZE) -> Any:
    """An empty document whose normal text is ``body_size``."""
    document = Document()
    document.styles["Normal"].font.size = body_size
    return document


def as_bytes(document: Any) -> bytes:
    """The document as the bytes of a .docx file."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


AFTER_BIDI = (
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
"""What follows ``w:bidi`` inside ``w:pPr`` (ECMA-376 CT_PPrBase order): Word refuses a
document whose paragraph properties are out of order."""


def right_to_left(paragraphs: list[Any]) -> None:
    """Lay these paragraphs out right to left (Arabic, Urdu...): the paragraph's direction
    (``w:bidi``, so it starts at the right margin) and each run's (``w:rtl``). python-docx has
    the run's setting but not the paragraph's, which must sit at its place in ``w:pPr``."""
    for paragraph in paragraphs:
        properties = paragraph._p.get_or_add_pPr()
        if properties.find(qn("w:bidi")) is None:
            properties.insert_element_before(OxmlElement("w:bidi"), *AFTER_BIDI)
        for run in paragraph.runs:
            run.font.rtl = True
