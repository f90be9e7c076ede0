"""Word documents (.docx, python-docx) for people to print or keep: one way to start one and one
way to turn it into bytes, so every domain's letters look and save the same."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
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
