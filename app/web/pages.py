"""The kernel's own pages: home, accessibility statement, privacy notice, contact and feedback."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Response, get, post
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from app import feedback
from app.web.forms import FormInvalid, parse_form

FEEDBACK_FIELD_IDS = {"satisfaction": "satisfaction", "comments": "comments"}


def page(name: str, title: str, status_code: int = 200, **context: Any) -> Template:
    """Render ``templates/<name>`` with a page title; every kernel page goes through here."""
    return Template(
        template_name=name,
        context={"page_title": title, **context},
        status_code=status_code,
        media_type=MediaType.HTML,
    )


def attachment(body: bytes, media_type: str, filename: str) -> Response[bytes]:
    """A file to download (an export, a CSV), never kept by a cache on the way."""
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


class KernelPages(Controller):
    """Pages every visitor can reach without signing in."""

    include_in_schema = False

    @get("/", name="home")
    async def home(self) -> Template:
        return page("kernel/home.html", "Help shape the services you use")

    @get("/accessibility", name="accessibility")
    async def accessibility(self) -> Template:
        return page("kernel/accessibility.html", "Accessibility statement")

    @get("/privacy", name="privacy")
    async def privacy(self) -> Template:
        return page("kernel/privacy.html", "Privacy notice")

    @get("/contact", name="contact")
    async def contact(self) -> Template:
        return page("kernel/contact.html", "Contact the co-production team")

    @get("/feedback", name="feedback")
    async def feedback_form(self, came_from: FromQuery[str] = "") -> Template:
        """``?came_from=/path`` records which page the banner link was on (a path only)."""
        return _feedback_page(values={"came_from": came_from.split("?")[0][:200]})

    @post("/feedback", name="feedback-submit")
    async def feedback_submit(self, data: URLEncodedBody[dict[str, str]]) -> Template | Redirect:
        try:
            form = parse_form(feedback.FeedbackForm, data)
        except FormInvalid as invalid:
            return _feedback_page(values=invalid.values, errors=invalid.errors, status_code=400)
        await feedback.record_feedback(form)
        return Redirect(path="/feedback/thank-you", status_code=303)

    @get("/feedback/thank-you", name="feedback-done")
    async def feedback_done(self) -> Template:
        return page("kernel/feedback_done.html", "Thank you for your feedback")


def _feedback_page(values: dict[str, Any], errors: Any = None, status_code: int = 200) -> Template:
    return page(
        "kernel/feedback.html",
        "Give feedback",
        status_code=status_code,
        values=values,
        errors=errors or [],
        field_ids=FEEDBACK_FIELD_IDS,
        choices=feedback.SATISFACTION_LABELS,
        max_comment_length=feedback.MAX_COMMENT_LENGTH,
    )
