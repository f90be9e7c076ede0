"""A participant's own profile: see it, change it a page at a time, and use their rights.

There are no ids in these URLs: every page works on the signed-in person's own profile (its id
is their account id), so nobody can reach anyone else's. Thin: read the form, call one service,
render. What the pages show and how forms map onto sections is in ``profile_views``.

Every page here is a participant's, so titles and messages are in the request's language; saving
a language on the contact page also sets the ``lang`` cookie, so the next page is in it at once.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app import audit, i18n
from app.auth.access import PARTICIPANT, PUBLIC, Rule, current_user
from app.auth.flow import actor_of, end_session
from app.datamap import Role
from app.errors import DomainError, FieldError
from app.i18n import N_
from app.i18n import gettext as _
from app.sealed import Sealer
from app.web.forms import parse_form, read_form
from app.web.locale import ONE_YEAR
from app.web.pages import page
from app.web.templates import NavItem
from participation import schemas
from participation import vocabulary as v
from participation.pages.export_views import Words, downloaded, json_download, when
from participation.pages.profile_views import (
    CHANNEL_WORDS,
    PAGES,
    YES_NO,
    SectionPage,
    Values,
    banner,
    export_words,
    extra_inputs,
    form_values,
    section_data,
    summary,
)
from participation.services import consent, lived_experience, profiles, rights

AnyRequest = Request[Any, Any, Any]


class Own:
    """The signed-in participant: who they are and how the audit log names them."""

    def __init__(self, request: AnyRequest) -> None:
        account_id = current_user(request).account_id
        assert account_id is not None  # the PARTICIPANT rule let only signed-in people in
        self.id: UUID = account_id
        self.actor: audit.Actor = actor_of(request)

    async def profile(self, sealer: Sealer) -> schemas.Profile:
        """Their profile, made from their account the first time they look."""
        await profiles.ensure_own_profile(sealer, self.id, self.actor)
        return await profiles.read(sealer, self.id, self.actor, "participant")


def _saved(where: str, what: str) -> Redirect:
    return Redirect(f"{where}?saved={what}", status_code=HTTP_303_SEE_OTHER)


class ProfilePages(Controller):
    """The profile summary, pausing, consent, download and withdrawal (section forms: below)."""

    include_in_schema = False

    @get("/profile", name="profile")
    async def show(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], saved: FromQuery[str] = ""
    ) -> Template:
        profile = await Own(request).profile(sealer)
        lived = await lived_experience.options(include_retired=True)
        safe = profile.contact is not None and profile.contact.safe_contact
        return page(
            "participation/profile/profile.html",
            _("Your profile"),
            cards=summary(profile, lived),
            paused=profile.paused,
            safe_contact=safe,
            banner=banner(saved),
        )

    @post("/profile/pause", name="profile-pause")
    async def pause(self, request: AnyRequest, sealer: NamedDependency[Sealer]) -> Any:
        own = Own(request)
        form = parse_form(schemas.Pause, await read_form(request, schemas.Pause))
        await own.profile(sealer)
        await profiles.set_paused(own.id, form.paused, own.actor)
        return _saved("/profile", "paused" if form.paused else "resumed")

    @get("/profile/consents", name="profile-consents")
    async def consents(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], saved: FromQuery[str] = ""
    ) -> Template:
        return await _consents_page(request, sealer, banner(saved))

    @post("/profile/consents", name="profile-consents-submit")
    async def change_consent(self, request: AnyRequest, sealer: NamedDependency[Sealer]) -> Any:
        own = Own(request)
        data = await read_form(request, schemas.ConsentChange)
        if data.get("purpose") not in consent.CURRENT or data.get("granted") not in YES_NO:
            unknown = schemas.ConsentChange.messages["purpose"]
            problem = FieldError("purpose", _(unknown))
            return await _consents_page(request, sealer, "", [problem])
        form = parse_form(schemas.ConsentChange, data)
        await own.profile(sealer)
        await consent.record(own.id, form.purpose, form.granted, "web", own.actor)
        return _saved("/profile/consents", "consent")

    @get("/profile/download", name="profile-download")
    async def download(self, request: AnyRequest, sealer: NamedDependency[Sealer]) -> Template:
        own = Own(request)
        await own.profile(sealer)
        export = await rights.download(sealer, own.id, own.actor)
        return page(
            "participation/profile/download.html",
            _("Everything we hold about you"),
            groups=downloaded(export["tables"], str(own.id), await _export_words()),
            exported_at=when(export["exported_at"]),
        )

    @get("/profile/download.json", name="profile-download-json")
    async def download_file(
        self, request: AnyRequest, sealer: NamedDependency[Sealer]
    ) -> Response[bytes]:
        own = Own(request)
        await own.profile(sealer)
        export = await rights.download(sealer, own.id, own.actor)
        return json_download(export, "my-data.json")

    @get("/profile/withdraw", name="profile-withdraw")
    async def withdraw_form(self) -> Template:
        return page(
            "participation/profile/withdraw.html",
            _("Withdraw and delete your details"),
            kept_for_finance=_(rights.KEPT_FOR_FINANCE),
        )

    @post("/profile/withdraw", name="profile-withdraw-submit")
    async def withdraw(self, request: AnyRequest, sealer: NamedDependency[Sealer]) -> Any:
        """One step, no reason asked: erase, end the session, and say kindly that it is done."""
        own = Own(request)
        await own.profile(sealer)
        await rights.erase(sealer, own.id, "self", own.actor)
        return await end_session(
            request, Redirect("/profile/withdrawn", status_code=HTTP_303_SEE_OTHER)
        )

    @get("/profile/withdrawn", name="profile-withdrawn")
    async def withdrawn(self) -> Template:
        return page("participation/profile/withdrawn.html", _("Your details have been deleted"))


async def _export_words() -> Words:
    titles = {purpose: wording.title for purpose, wording in consent.CURRENT.items()}
    return export_words(await lived_experience.options(include_retired=True), titles)


async def _consents_page(
    request: AnyRequest, sealer: Sealer, banner: str, errors: list[FieldError] | None = None
) -> Template:
    own = Own(request)
    profile = await own.profile(sealer)
    history = [
        {
            "at": when(row["at"]),
            "title": _(str(row["title"])),
            "granted": row["granted"],
            "channel": _(CHANNEL_WORDS.get(row["channel"], row["channel"])),
        }
        for row in reversed(await consent.history(own.id))
    ]
    return page(
        "participation/profile/consents.html",
        _("What you have agreed to"),
        status_code=400 if errors else 200,
        wordings=consent.CURRENT,
        granted=profile.consents,
        history=history,
        banner=banner,
        errors=errors or [],
        field_ids={"purpose": "consents"},
    )


def section_routes(spec: SectionPage) -> list[HTTPRouteHandler]:
    """The GET and POST handlers of one section page, named ``profile-<slug>`` (and -submit)."""

    @get(f"/profile/{spec.slug}", name=spec.name, include_in_schema=False)
    async def show(request: AnyRequest, sealer: NamedDependency[Sealer]) -> Template:
        stored = await _stored(Own(request), sealer, spec)
        return await _section_page(spec, form_values(spec, stored), [])

    @post(f"/profile/{spec.slug}", name=f"{spec.name}-submit", include_in_schema=False)
    async def save(request: AnyRequest, sealer: NamedDependency[Sealer]) -> Any:
        own = Own(request)
        stored = await _stored(own, sealer, spec)
        values = await _posted(request, spec)
        try:
            section = parse_form(type(stored), section_data(spec, values, stored))
            await profiles.update(sealer, own.id, section, own.actor)
        except DomainError as problem:
            if not problem.errors:
                raise  # not about an answer on this page: the kernel's error page says what
            return await _section_page(spec, values, problem.errors)
        return _remember_language(_saved("/profile", spec.slug), section)

    return [show, save]


def _remember_language(response: Redirect, section: schemas.Section) -> Redirect:
    """After saving the contact page, set the ``lang`` cookie to the language chosen there (as
    the language switcher does), so the profile they land on is already in that language."""
    if isinstance(section, schemas.ContactDetails):
        response.cookies.append(Cookie(key=i18n.COOKIE, value=section.language, max_age=ONE_YEAR))
    return response


async def _stored(own: Own, sealer: Sealer, spec: SectionPage) -> schemas.Section:
    section: schemas.Section | None = getattr(await own.profile(sealer), spec.section)
    return section or profiles.SECTIONS[spec.section].model_construct()


async def _posted(request: AnyRequest, spec: SectionPage) -> Values:
    """What was typed and ticked on this page, by input name (to show again if wrong)."""
    model = profiles.SECTIONS[spec.section]
    fields = {k: val for k, val in (await read_form(request, model)).items() if k in spec.fields}
    posted = await request.form()
    return fields | {name: posted.get(name, "") for name in extra_inputs(spec)}


async def _section_page(spec: SectionPage, values: Values, errors: list[FieldError]) -> Template:
    """One section's form; errors from a service (like a duplicate email) are translated here,
    as are labels of the council's lived-experience list that the catalogue knows."""
    lived = await lived_experience.options(include_retired=True)
    active = await lived_experience.options()
    chosen = values.get("lived_experience", [])
    return page(
        spec.template,
        _(spec.title),
        status_code=400 if errors else 200,
        spec=spec,
        values=values,
        errors=[FieldError(error.field, _(error.message)) for error in errors],
        field_ids=spec.field_ids,
        vocabulary=v,
        lived_choices={c: _(label) for c, label in lived.items() if c in active or c in chosen},
    )


ROUTES: list[Any] = [ProfilePages, *(h for spec in PAGES.values() for h in section_routes(spec))]
ACCESS: dict[str, Rule] = {
    **dict.fromkeys(
        (
            "profile",
            "profile-pause",
            "profile-consents",
            "profile-consents-submit",
            "profile-download",
            "profile-download-json",
            "profile-withdraw",
            "profile-withdraw-submit",
        ),
        PARTICIPANT,
    ),
    **{name: PARTICIPANT for spec in PAGES.values() for name in (spec.name, f"{spec.name}-submit")},
    "profile-withdrawn": PUBLIC,
}
NAVIGATION: list[Any] = [
    NavItem(N_("Your profile"), "/profile", roles=frozenset({Role.participant}))
]
