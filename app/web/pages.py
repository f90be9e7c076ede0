"""The kernel's own pages: home, accessibility statement, privacy notice, contact and feedback."""

from __future__ import annotations

from datetime import date
from typing import Any

from babel import Locale
from litestar import Controller, MediaType, Response, get, post
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from app import feedback, i18n
from app.i18n import gettext as _
from app.i18n import ngettext
from app.web.forms import FormInvalid, parse_form

FEEDBACK_FIELD_IDS = {"satisfaction": "satisfaction", "comments": "comments"}
ACCESSIBILITY_STATEMENT_PREPARED = date(2026, 11, 23)


def page(name: str, title: str, status_code: int = 200, **context: Any) -> Template:
    """Render ``templates/<name>`` with a page title; every kernel page goes through here.

    The caller translates ``title`` (``_("...")``): pages are built inside the request, whose
    language is already set, and staff pages pass plain English."""
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
        return page("kernel/home.html", _("Help shape the services you use"))

    @get("/accessibility", name="accessibility")
    async def accessibility(self) -> Template:
        return page(
            "kernel/accessibility.html",
            _("Accessibility statement"),
            prepared=ACCESSIBILITY_STATEMENT_PREPARED,
        )

    @get("/privacy", name="privacy")
    async def privacy(self) -> Template:
        return page("kernel/privacy.html", _("Privacy notice"))

    @get("/contact", name="contact")
    async def contact(self) -> Template:
        return page("kernel/contact.html", _("Contact the co-production team"))

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
        return page("kernel/feedback_done.html", _("Thank you for your feedback"))


def character_count_texts(limit: int) -> dict[str, Any]:
    """The messages GOV.UK Frontend's character count shows, in the page's language, as the
    ``govukCharacterCount`` parameters of the same names. Its script picks a message by the
    count's CLDR plural category, so each category gets the catalogue's form for a number in it.
    """
    samples = _plural_samples(i18n.current())
    typed = "%{count}"  # the script puts the number here
    return {
        "textareaDescriptionText": ngettext(
            "You can enter up to %(num)s character", "You can enter up to %(num)s characters", limit
        )
        % {"num": limit},
        "charactersUnderLimitText": {
            category: ngettext(
                "You have %(num)s character remaining", "You have %(num)s characters remaining", n
            )
            % {"num": typed}
            for category, n in samples.items()
        },
        "charactersAtLimitText": _("You have 0 characters remaining"),
        "charactersOverLimitText": {
            category: ngettext(
                "You have %(num)s character too many", "You have %(num)s characters too many", n
            )
            % {"num": typed}
            for category, n in samples.items()
        },
    }


def _plural_samples(code: str) -> dict[str, int]:
    """The smallest number in each CLDR plural category of a language: {'one': 1, 'other': 0}."""
    rule = Locale.parse("en_GB" if code == i18n.DEFAULT else code).plural_form
    samples: dict[str, int] = {}
    for number in range(200):
        samples.setdefault(rule(number), number)
    return samples


def _feedback_page(values: dict[str, Any], errors: Any = None, status_code: int = 200) -> Template:
    return page(
        "kernel/feedback.html",
        _("Give feedback"),
        status_code=status_code,
        values=values,
        errors=errors or [],
        field_ids=FEEDBACK_FIELD_IDS,
        choices=feedback.SATISFACTION_LABELS,
        max_comment_length=feedback.MAX_COMMENT_LENGTH,
        count_texts=character_count_texts(feedback.MAX_COMMENT_LENGTH),
    )
