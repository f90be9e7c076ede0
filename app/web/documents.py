"""Accessible documents as downloads: the .docx, or the same document as PDF when LibreOffice
is installed. One handler serves both addresses (``…/easy-read.docx`` and ``…/easy-read.pdf``),
so a document's access rule covers its PDF too, and a page links to the PDF only when the
PDF can be made (no dead links where LibreOffice is missing).
"""

from __future__ import annotations

import anyio.to_thread
from litestar import Response

from app import accessible_docs
from app.errors import NotFound
from app.i18n import gettext as _
from app.web.pages import attachment

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


def both(docx_path: str) -> list[str]:
    """The route paths of one document: its .docx and its .pdf."""
    return [docx_path, docx_path.removesuffix(".docx") + ".pdf"]


def pdf_of(docx_url: str) -> str:
    """The PDF's address beside a .docx address, or "" when no PDF can be made here."""
    if not accessible_docs.pdf_available():
        return ""
    return docx_url.removesuffix(".docx") + ".pdf"


async def download(body: bytes, path: str, stem: str) -> Response[bytes]:
    """The .docx ``body`` as ``<stem>.docx``, or as ``<stem>.pdf`` when ``path`` (the request's
    path) ends in .pdf. Converting takes a second or two, so it runs off the event loop."""
    if not path.endswith(".pdf"):
        return attachment(body, DOCX, f"{stem}.docx")
    pdf = await anyio.to_thread.run_sync(accessible_docs.to_pdf, body)
    if pdf is None:
        raise NotFound(_("There is no PDF version here. Download the Word document instead."))
    return attachment(pdf, PDF, f"{stem}.pdf")
