"""A participant's bank details: given or changed at "/your-payments/bank-details".

Changing them needs a fresh sign-in: the kernel marks a session fresh for five minutes after
signing in (``CurrentUser.is_fresh``). Its "confirm it is you" page is for staff (an
authenticator code), so a participant whose sign-in is older is asked to sign in again instead.
A save from an older sign-in writes nothing and goes back to the page, which says so.
The page only ever shows the details masked. Finance and coordinators cannot set them here.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.auth.access import PARTICIPANT, Rule, current_user
from app.errors import DomainError, FieldError
from app.i18n import N_
from app.i18n import gettext as _
from app.sealed import Sealer
from app.web.pages import page
from payments.pages.choices import Own
from payments.services import payees

AnyRequest = Request[Any, Any, Any]
FIELDS = ("account_name", "sort_code", "account_number")
SAVED = {
    "email": N_("Your bank details are saved. We have emailed you to say they changed."),
    "phone": N_("Your bank details are saved. A coordinator will phone you to check it was you."),
}


class BankPages(Controller):
    path = "/your-payments/bank-details"
    include_in_schema = False

    @get("/", name="bank-details")
    async def form(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], saved: FromQuery[str] = ""
    ) -> Template:
        own = await Own(request).ready(sealer)
        banner = _(SAVED[saved]) if saved in SAVED else ""
        return await _form_page(request, sealer, own, {}, banner=banner)

    @post("/", name="bank-details-submit")
    async def save(self, request: AnyRequest, sealer: NamedDependency[Sealer]) -> Any:
        own = await Own(request).ready(sealer)
        posted = await request.form()
        values = {name: str(posted.get(name, "")).strip() for name in FIELDS}
        if not current_user(request).is_fresh:  # the page then asks them to sign in again
            return Redirect("/your-payments/bank-details", status_code=HTTP_303_SEE_OTHER)
        settings = request.app.state.settings
        sender = payees.Sender(settings.mail_from, settings.service_name)
        try:
            saved = await payees.save(
                sealer, own.id, payees.BankDetails(**values), own.actor, sender
            )
        except DomainError as problem:
            if not problem.errors:
                raise
            return await _form_page(request, sealer, own, values, problem.errors, status=400)
        told = "email" if saved.emailed else "phone"
        return Redirect(f"/your-payments/bank-details?saved={told}", status_code=HTTP_303_SEE_OTHER)


async def _form_page(
    request: AnyRequest,
    sealer: Sealer,
    own: Own,
    values: dict[str, str],
    errors: list[FieldError] | None = None,
    *,
    status: int = 200,
    banner: str = "",
) -> Template:
    return page(
        "payments/bank/details.html",
        _("Your bank details"),
        status_code=status,
        current=await payees.masked(sealer, own.id, own.actor),
        fresh=current_user(request).is_fresh,
        values=values,
        errors=errors or [],
        field_ids={},
        banner=banner,
    )


ROUTES: list[Any] = [BankPages]
ACCESS: dict[str, Rule] = dict.fromkeys(("bank-details", "bank-details-submit"), PARTICIPANT)
NAVIGATION: list[Any] = []
