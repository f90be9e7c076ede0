"""Accessible documents as downloads: the .docx, or the same document as PDF when LibreOffice
is installed. One handler serves both addresses (``…/easy-read.docx`` and ``…/easy-read.pdf``),
so a document's access rule covers its PDF too, and a page links to the PDF only when the
PDF can be made (no dead links where LibreOffice is missing).
"""

from __future__ import annotations

from collections.abc import Sequence

import anyio.to_thread
from litestar import Response
from litestar.response import Template

from app import accessible_docs
from app.errors import NotFound
from app.i18n import gettext as _
from app.web.pages import attachment, page

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
VERSION_TEMPLATES = "kernel/accessible"
SUFFIXES = {"easy_read": "easy-read", "large_print": "large-print"}


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


def version_page(
    kind: str,
    title: str,
    sections: Sequence[accessible_docs.Section],
    *,
    back: str,
    back_words: str,
    docx: str,
) -> Template:
    """An Easy Read or large-print page (``kind``): the same sections its .docx holds, a way
    back, and the downloads (the PDF only where it can be made)."""
    return page(
        f"{VERSION_TEMPLATES}/{kind}.html",
        title,
        sections=sections,
        back=back,
        back_words=back_words,
        download=docx,
        pdf=pdf_of(docx),
    )


async def version_download(
    kind: str,
    title: str,
    sections: Sequence[accessible_docs.Section],
    path: str,
    *,
    prefix: str = "",
    letter: accessible_docs.Letter | None = None,
) -> Response[bytes]:
    """The Easy Read or large-print .docx (or PDF, by ``path``), named ``<prefix>easy-read``."""
    build = accessible_docs.easy_read if kind == "easy_read" else accessible_docs.large_print
    return await download(build(title, sections, letter), path, prefix + SUFFIXES[kind])
