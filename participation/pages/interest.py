"""Expressing interest in an opportunity, and a participant's own list of what they asked for.

Three kinds of visitor reach the form. A signed-in participant answers only the screener
questions: we use their profile. Someone new also tells us their name, how to contact them and
what they agree to; a profile is made from that, and if they gave an email they are sent a
sign-in link. Staff are pointed to the review board's "add for them" (a page, not a 403: the
form is public, and an EOI recorded by staff must be marked as assisted, which the board does).
A double submit never makes two EOIs: the second gets the same confirmation.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app import audit, i18n
from app.auth import accounts
from app.auth.access import PARTICIPANT, PUBLIC, Rule, current_user
from app.auth.flow import actor_of, attempt_cookie, settle_email_sign_in
from app.datamap import Role
from app.errors import Conflict, DomainError, FieldError
from app.i18n import N_
from app.i18n import gettext as _
from app.sealed import Sealer
from app.web.forms import FormInvalid, parse_form
from app.web.pages import page
from participation import schemas
from participation import vocabulary as v
from participation.pages.export_views import when
from participation.pages.profile import Own
from participation.pages.profile_views import PAGES, YES_NO, Values, extra_inputs, section_data
from participation.pages.public import TEMPLATES, closed_page, closing, published
from participation.schemas.recruitment import Answer, Interest, NewPersonInterest
from participation.services import consent, expressions, opportunities, profiles, sign_in

AnyRequest = Request[Any, Any, Any]
OFFERED_CONSENTS = ("register", "contact")
CONTACT = PAGES["contact"]
FIELD_IDS = CONTACT.field_ids | {"consents": "consents"}
DONE = {
    "saved": N_("We have your interest"),
    "emailed": N_("We have your interest"),
    "already": N_("We already have your interest"),
}
BANNERS = {"withdrawn": N_("You have withdrawn your interest. Thank you for letting us know.")}
MINE_TITLE = N_("Things you have asked to take part in")
REGISTERED_TITLE = N_("You may already be on our register")


def _questions(row: dict[str, Any]) -> list[dict[str, Any]]:
    """Each question as the form shows it; choices are numbered so ids stay simple."""
    return [
        {
            "name": f"answers.{q['id']}",
            "kind": q["kind"],
            "label": q["prompt"]
            if q["required"]
            else _("%(question)s (optional)") % {"question": q["prompt"]},
            "choices": {str(n): choice for n, choice in enumerate(q["choices"])},
        }
        for q in row["questions"]
    ]


def _answers(posted: Any, row: dict[str, Any]) -> tuple[dict[str, Answer], Values]:
    """Answers by question id (choice numbers turned back into their words), and the values
    to show again. Two values for a one-answer question stay a list: the service refuses it."""
    answers: dict[str, Answer] = {}
    values: Values = {}
    for question in row["questions"]:
        name = f"answers.{question['id']}"
        given = [str(x) for x in posted.getall(name, []) if x]
        words = [_choice(question, x) for x in given] if question["kind"] != "text" else given
        many = question["kind"] == "multiple" or len(given) > 1
        values[name] = given if question["kind"] == "multiple" else (given[0] if given else "")
        if given:
            answers[str(question["id"])] = words if many else words[0]
    return answers, values


def _choice(question: dict[str, Any], number: str) -> str:
    choices = question["choices"]
    return choices[int(number)] if number.isdigit() and int(number) < len(choices) else number


def _who(request: AnyRequest) -> str:
    user = current_user(request)
    if not user.is_signed_in:
        return "new"
    return "participant" if Role.participant in user.roles else "staff"


class InterestPages(Controller):
    path = "/take-part/{opportunity:uuid}/interest"
    include_in_schema = False

    @get("/", name="take-part-interest")
    async def form(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], opportunity: FromPath[UUID]
    ) -> Template:
        row = await published(opportunity)
        if not opportunities.is_open(row):
            return closed_page(row)
        return await _form_page(request, sealer, row, {}, [])  # nothing ticked for them

    @post("/", name="take-part-interest-submit")
    async def submit(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], opportunity: FromPath[UUID]
    ) -> Any:
        row = await published(opportunity)
        if not opportunities.is_open(row):
            return closed_page(row, sent=True)
        if _who(request) == "staff":
            return _staff_page(row, 409)
        return await _send(request, sealer, row)

    @get("/done", name="take-part-interest-done")
    async def done(
        self, request: AnyRequest, opportunity: FromPath[UUID], sent: FromQuery[str] = "saved"
    ) -> Template:
        row = await published(opportunity)
        return page(
            f"{TEMPLATES}/interest_done.html",
            _(DONE.get(sent, DONE["saved"])),
            row=row,
            sent=sent if sent in DONE else "saved",
            closes=closing(row["closes_at"]),
            signed_in=_who(request) == "participant",
        )


async def _send(request: AnyRequest, sealer: Sealer, row: dict[str, Any]) -> Response[Any]:
    """Record the interest, or show the form again with every problem listed."""
    posted = await request.form()
    answers, values = _answers(posted, row)
    try:
        if _who(request) == "participant":
            return await _as_participant(request, sealer, row, answers)
        values |= _person_values(posted)
        return await _as_new_person(request, sealer, row, answers, values)
    except Conflict as conflict:
        if conflict.errors:  # their email or phone is already on the register
            return _already_registered(row)
        return closed_page(row, sent=True)  # it closed while they were writing
    except DomainError as problem:
        if not problem.errors:
            raise
        return await _form_page(request, sealer, row, values, problem.errors)


async def _as_participant(
    request: AnyRequest, sealer: Sealer, row: dict[str, Any], answers: dict[str, Answer]
) -> Redirect:
    own = Own(request)
    await own.profile(sealer)
    interest = parse_form(Interest, {"answers": answers})
    _expression, created = await expressions.express(
        sealer, row["id"], own.id, interest, own.actor, channel="web"
    )
    return _done(row["id"], "saved" if created else "already")


async def _as_new_person(
    request: AnyRequest,
    sealer: Sealer,
    row: dict[str, Any],
    answers: dict[str, Answer],
    values: Values,
) -> Response[Any]:
    """Check everything at once (so the summary lists every problem), then make the profile
    and the EOI together; then, if they gave an email, their account and a sign-in link."""
    form = _new_person(row, answers, values)
    email = form.contact.email
    if email and await _registered_email(sealer, email):
        return await _sign_in_to_continue(request, sealer, row, email)
    subject = await expressions.express_as_new_person(sealer, row["id"], form, _visitor())
    if not email:
        return _done(row["id"], "saved")
    person = audit.Actor(id=str(subject), role=Role.participant)
    try:
        address = await sign_in.account_for_email_sign_in(sealer, subject, person)
    except Conflict:  # someone made an account with this email a moment ago: no link
        return _done(row["id"], "saved")
    attempt = await settle_email_sign_in(request, sealer, address or email)
    response = _done(row["id"], "emailed")
    response.set_cookie(attempt_cookie(request, str(attempt)))
    return response


def _new_person(
    row: dict[str, Any], answers: dict[str, Answer], values: Values
) -> NewPersonInterest:
    errors: list[FieldError] = []
    parts: dict[str, Any] = {}
    try:
        expressions.check_answers(row["questions"], answers)
    except DomainError as problem:
        errors += problem.errors
    # someone who signs up while reading Welsh gets Welsh emails: they chose it by using it
    stored = schemas.ContactDetails.model_construct(language=i18n.current())
    for name, model, data in (
        ("about", schemas.AboutYou, {"preferred_name": values.get("preferred_name", "")}),
        ("contact", schemas.ContactDetails, section_data(CONTACT, values, stored)),
    ):
        try:
            parts[name] = parse_form(model, data)
        except FormInvalid as invalid:
            errors += invalid.errors
    consents = values["consents"]
    if "register" not in consents or set(consents) - set(OFFERED_CONSENTS):
        needed = NewPersonInterest.messages["consents"]
        errors.append(FieldError("consents", _(needed)))
    if errors:
        raise FormInvalid(errors, values)
    return NewPersonInterest(answers=answers, consents=consents, **parts)


def _person_values(posted: Any) -> Values:
    """The new person's inputs, by name, to check and to show again if something is wrong."""
    fields = (f for f in CONTACT.fields if f != "intermediary")
    names = ("preferred_name", *fields, *extra_inputs(CONTACT))
    values: Values = {name: str(posted.get(name, "")) for name in names}
    return values | {"consents": [str(c) for c in posted.getall("consents", [])]}


def _visitor() -> audit.Actor:
    """Who the audit log names before the person's profile exists: nobody signed in."""
    return audit.Actor(id="anonymous", role="public")


def _done(opportunity: UUID, sent: str) -> Redirect:
    return Redirect(
        f"/take-part/{opportunity}/interest/done?sent={sent}", status_code=HTTP_303_SEE_OTHER
    )


def _staff_page(row: dict[str, Any], status_code: int = 200) -> Template:
    return page(f"{TEMPLATES}/interest_staff.html", "Use the review board", status_code, row=row)


async def _registered_email(sealer: Sealer, email: str) -> bool:
    return bool(
        await accounts.find_by_email(sealer, email) or await profiles.find_by_email(sealer, email)
    )


async def _sign_in_to_continue(
    request: AnyRequest, sealer: Sealer, row: dict[str, Any], email: str
) -> Response[Any]:
    """Their email is already on the register: email them a sign-in link, and answer exactly as
    for someone new, so the page never tells a visitor whose email is registered (an abuser
    must not be able to check). Nothing from the form is kept: they continue signed in."""
    subject = await profiles.find_by_email(sealer, email)
    if subject is not None:
        person = audit.Actor(id=str(subject), role=Role.participant)
        with suppress(Conflict):  # the email is a staff account's: no participant link to send
            await sign_in.account_for_email_sign_in(sealer, subject, person)
    attempt = await settle_email_sign_in(request, sealer, email)
    response = _done(row["id"], "emailed")
    response.set_cookie(attempt_cookie(request, str(attempt)))
    return response


def _already_registered(row: dict[str, Any]) -> Template:
    """Nothing was written: their details match someone on the register, so they sign in."""
    return page(f"{TEMPLATES}/interest_registered.html", _(REGISTERED_TITLE), 409, row=row)


async def _form_page(
    request: AnyRequest,
    sealer: Sealer,
    row: dict[str, Any],
    values: Values,
    errors: list[FieldError],
) -> Template:
    who = _who(request)
    if who == "staff":
        return _staff_page(row)
    context: dict[str, Any] = {}
    if who == "participant":
        context = await _profile_context(request, sealer, row["id"])
    return page(
        f"{TEMPLATES}/interest_form.html",
        _("Tell us you are interested: %(title)s") % {"title": row["title"]},
        status_code=400 if errors else 200,
        row=row,
        who=who,
        questions=_questions(row),
        values=values,
        errors=errors,
        field_ids=FIELD_IDS,
        wordings={p: consent.CURRENT[p] for p in OFFERED_CONSENTS},
        contact_routes={code: _(label) for code, label in v.CONTACT_ROUTES.items()},
        yes_no={code: _(label) for code, label in YES_NO.items()},
        closes=closing(row["closes_at"]),
        **context,
    )


async def _profile_context(request: AnyRequest, sealer: Sealer, opportunity: UUID) -> Values:
    """Whose profile we will use (their name, the way we contact them) and whether they have
    already told us they are interested."""
    profile = await Own(request).profile(sealer)
    about, contact = profile.about, profile.contact
    mine = await expressions.mine(profile.id)
    return {
        "profile_name": about.preferred_name if about else "",
        "profile_route": _(v.CONTACT_ROUTES[contact.preferred_route])
        if contact and contact.preferred_route in v.CONTACT_ROUTES
        else "",
        "already": any(e["opportunity"] == opportunity for e in mine),
    }


def _shown(expression: dict[str, Any]) -> dict[str, Any]:
    """One of their EOIs as the page shows it: when they told us, and where it is up to."""
    words = expression["status_words"]
    return expression | {"told": when(expression["created_at"]), "status_words": _(words)}


class MyInterestPages(Controller):
    path = "/profile/interest"
    include_in_schema = False

    @get("/", name="my-interest")
    async def mine(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], saved: FromQuery[str] = ""
    ) -> Template:
        own = Own(request)
        await own.profile(sealer)
        return page(
            f"{TEMPLATES}/interest_mine.html",
            _(MINE_TITLE),
            expressions=[_shown(e) for e in await expressions.mine(own.id)],
            banner=_(BANNERS[saved]) if saved in BANNERS else "",
        )

    @post("/{expression:uuid}/withdraw", name="my-interest-withdraw")
    async def withdraw(self, request: AnyRequest, expression: FromPath[UUID]) -> Redirect:
        own = Own(request)
        await expressions.withdraw(own.id, expression, actor_of(request))
        return Redirect("/profile/interest?saved=withdrawn", status_code=HTTP_303_SEE_OTHER)


ROUTES: list[Any] = [InterestPages, MyInterestPages]
ACCESS: dict[str, Rule] = {
    "take-part-interest": PUBLIC,
    "take-part-interest-submit": PUBLIC,
    "take-part-interest-done": PUBLIC,
    "my-interest": PARTICIPANT,
    "my-interest-withdraw": PARTICIPANT,
}
NAVIGATION: list[Any] = []
