"""Staff pages for people's profiles: find people, add someone who may never sign in, see and
change their profile for them, and run their rights when they ask on paper or by phone.

Coordinators only: organisers and finance never reach a profile here. The council's
lived-experience list belongs to administrators. Every read goes through ``profiles.read`` as
the coordinator role, so the service audits it and hides equality answers. A search by name,
email or phone is POSTed, so what was typed never reaches a URL (and so never an access log).
Section forms reuse ``profile_views``: the same inputs as a participant's own pages.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from app import audit
from app.auth.access import Rule, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import DomainError, FieldError, NotFound
from app.sealed import Sealer
from app.web.forms import FormInvalid, parse_form, read_fields, read_form
from app.web.pages import page
from app.web.templates import NavItem
from participation import schemas
from participation import vocabulary as v
from participation.pages.export_views import Row, Words, downloaded, json_download, when
from participation.pages.people_views import (
    ASSISTED_CHANNELS,
    BANNERS,
    EDITABLE,
    HISTORY_ACTIONS,
    YES_NO,
    GivenConsents,
    RecordedConsent,
    activity_row,
    for_staff,
    new_profile,
    page_number,
    page_numbers,
    person_row,
    saved_redirect,
)
from participation.pages.profile_views import (
    CHANNEL_WORDS,
    SectionPage,
    Values,
    export_words,
    extra_inputs,
    form_values,
    section_data,
)
from participation.services import attention, consent, lived_experience, profiles, rights, search

AnyRequest = Request[Any, Any, Any]
TEMPLATES = "participation/people"


class PeoplePages(Controller):
    path = "/people"
    include_in_schema = False

    @get("/", name="people")
    async def list_people(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], saved: FromQuery[str] = ""
    ) -> Template:
        """Filters only: a link to a filtered list may be kept or shared; no query by GET."""
        data = read_fields(request.query_params, schemas.SearchFilters)
        data.pop("query", None)
        return await _results(request, sealer, data, BANNERS.get(saved, ""))

    @get("/quiet", name="people-quiet")
    async def quiet(self, request: AnyRequest, sealer: NamedDependency[Sealer]) -> Template:
        """The people /today counts as not heard from, so each is one click from their page."""
        number = page_number(request.query_params.get("page", ""))
        now = datetime.now(UTC)
        found = await attention.quiet_people(sealer, actor_of(request), now, number)
        return page(
            f"{TEMPLATES}/quiet.html",
            "People we have not heard from",
            found=found,
            people=[person_row(person) for person in found.people],
            pages=page_numbers(found.page, found.pages),
        )

    @post("/search", name="people-search")
    async def search_people(self, request: AnyRequest, sealer: NamedDependency[Sealer]) -> Template:
        return await _results(request, sealer, await read_form(request, schemas.SearchFilters))

    @get("/new", name="person-new")
    async def new_form(self) -> Template:
        return _new_page({}, [])

    @post("/new", name="person-new-submit")
    async def create(self, request: AnyRequest, sealer: NamedDependency[Sealer]) -> Any:
        values = await _posted(request, EDITABLE["about"], EDITABLE["contact"])
        values |= await read_form(request, GivenConsents)
        try:
            new = new_profile(values)
            subject = await profiles.create(sealer, new, actor_of(request))
        except DomainError as problem:
            if not problem.errors:
                raise
            return _new_page(values, problem.errors, problem.status_code)
        return saved_redirect(f"/people/{subject}", "created")

    @get("/{person_id:uuid}", name="person")
    async def person(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        person_id: FromPath[UUID],
        saved: FromQuery[str] = "",
    ) -> Template:
        return await _person_page(request, sealer, person_id, BANNERS.get(saved, ""))

    @post("/{person_id:uuid}/consents", name="person-consents")
    async def record_consent(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], person_id: FromPath[UUID]
    ) -> Any:
        values = await read_form(request, RecordedConsent)
        try:
            form = parse_form(RecordedConsent, values)
        except FormInvalid as invalid:
            return await _person_page(
                request, sealer, person_id, "", values=values, errors=invalid.errors
            )
        actor = actor_of(request)
        await consent.record(person_id, form.purpose, form.granted, form.channel, actor)
        return saved_redirect(f"/people/{person_id}", "consent")

    @get("/{person_id:uuid}/download", name="person-download")
    async def download(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], person_id: FromPath[UUID]
    ) -> Template:
        export = await rights.download(sealer, person_id, actor_of(request))
        return page(
            f"{TEMPLATES}/download.html",
            "Everything we hold about them",
            person_id=person_id,
            groups=downloaded(export["tables"], str(person_id), await _export_words()),
            exported_at=when(export["exported_at"]),
        )

    @get("/{person_id:uuid}/download.json", name="person-download-json")
    async def download_file(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], person_id: FromPath[UUID]
    ) -> Response[bytes]:
        export = await rights.download(sealer, person_id, actor_of(request))
        return json_download(export, "their-data.json")

    @get("/{person_id:uuid}/erase", name="person-erase")
    async def erase_form(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], person_id: FromPath[UUID]
    ) -> Template:
        return await _erase_page(request, sealer, person_id, [])

    @post("/{person_id:uuid}/erase", name="person-erase-submit")
    async def erase(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], person_id: FromPath[UUID]
    ) -> Any:
        """Only with the box ticked: a coordinator confirms they checked it is the right person."""
        if (await request.form()).get("confirm") != "yes":
            problem = FieldError("confirm", "Select the box to confirm you want to delete them")
            return await _erase_page(request, sealer, person_id, [problem])
        await rights.erase(sealer, person_id, "staff", actor_of(request))
        return saved_redirect("/people", "erased")

    @get("/{person_id:uuid}/{section:str}", name="person-section")
    async def section_form(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        person_id: FromPath[UUID],
        section: FromPath[str],
    ) -> Template:
        spec = _spec(section)
        profile, stored = await _stored(request, sealer, person_id, spec)
        return await _section_page(profile, spec, form_values(spec, stored), [])

    @post("/{person_id:uuid}/{section:str}", name="person-section-submit")
    async def save_section(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        person_id: FromPath[UUID],
        section: FromPath[str],
    ) -> Any:
        spec = _spec(section)
        profile, stored = await _stored(request, sealer, person_id, spec)
        values = await _posted(request, spec)
        try:
            changed = parse_form(type(stored), section_data(spec, values, stored))
            await profiles.update(sealer, person_id, changed, actor_of(request))
        except DomainError as problem:
            if not problem.errors:
                raise
            return await _section_page(profile, spec, values, problem.errors, problem.status_code)
        return saved_redirect(f"/people/{person_id}", spec.slug)


async def _results(request: AnyRequest, sealer: Sealer, data: Values, banner: str = "") -> Template:
    try:
        filters = parse_form(schemas.SearchFilters, data)
    except FormInvalid as invalid:
        return _people_page(invalid.values, invalid.errors, None, banner)
    found = await search.search(sealer, filters, actor_of(request))
    return _people_page(data, [], found, banner)


def _people_page(
    values: Values, errors: list[FieldError], found: search.Results | None, banner: str
) -> Template:
    filters = {k: val for k, val in values.items() if k not in ("query", "page") and val}
    return page(
        f"{TEMPLATES}/people.html",
        "People",
        status_code=400 if errors else 200,
        values=values,
        errors=errors,
        filtered=bool(filters) or bool(errors),
        listing=urlencode(filters, doseq=True),
        found=found,
        people=[person_row(person) for person in found.people] if found else [],
        pages=page_numbers(found.page, found.pages) if found else [],
        banner=banner,
        vocabulary=v,
    )


async def _posted(request: AnyRequest, *specs: SectionPage) -> Values:
    """What was typed and ticked for these sections, by input name (to show again if wrong)."""
    posted = await request.form()
    values: Values = {}
    for spec in specs:
        fields = await read_form(request, profiles.SECTIONS[spec.section])
        values |= {k: val for k, val in fields.items() if k in spec.fields}
        values |= {name: posted.get(name, "") for name in extra_inputs(spec)}
    return values


def _new_page(values: Values, errors: list[FieldError], status_code: int = 200) -> Template:
    return page(
        f"{TEMPLATES}/new.html",
        "Add a person",
        status_code=status_code,
        values=values,
        errors=for_staff(errors),
        field_ids=EDITABLE["about"].field_ids | EDITABLE["contact"].field_ids,
        wordings=consent.CURRENT,
        channels=ASSISTED_CHANNELS,
        vocabulary=v,
        yes_no=YES_NO,
    )


async def _export_words() -> Words:
    """The same plain words as a participant's own download: the export is written to them."""
    titles = {purpose: wording.title for purpose, wording in consent.CURRENT.items()}
    return export_words(await lived_experience.options(include_retired=True), titles)


async def _read(request: AnyRequest, sealer: Sealer, person_id: UUID) -> schemas.Profile:
    """The profile as a coordinator may see it; the service audits the view."""
    return await profiles.read(sealer, person_id, actor_of(request), Role.coordinator)


async def _person_page(
    request: AnyRequest,
    sealer: Sealer,
    person_id: FromPath[UUID],
    banner: str,
    *,
    values: Values | None = None,
    errors: list[FieldError] | None = None,
) -> Template:
    profile = await _read(request, sealer, person_id)
    history = [
        {
            "at": when(row["at"]),
            "title": row["title"],
            "granted": row["granted"],
            "channel": CHANNEL_WORDS.get(row["channel"], row["channel"]),
            "assisted": row["assisted_by"] is not None,
        }
        for row in reversed(await consent.history(person_id))
    ]
    activity = await audit.events_about(person_id, HISTORY_ACTIONS)
    return page(
        f"{TEMPLATES}/person.html",
        _name(profile),
        activity=[activity_row(row, person_id) for row in activity],
        status_code=400 if errors else 200,
        profile=profile,
        person_id=person_id,
        banner=banner,
        history=history,
        wordings=consent.CURRENT,
        channels=ASSISTED_CHANNELS,
        lived=await lived_experience.options(include_retired=True),
        values=values or {},
        errors=errors or [],
        Row=Row,
        labels=v.labels,
        vocabulary=v,
    )


def _name(profile: schemas.Profile) -> str:
    return profile.about.preferred_name if profile.about else "Their profile"


def _spec(slug: str) -> SectionPage:
    if slug not in EDITABLE:
        raise NotFound("There is no such page.")
    return EDITABLE[slug]


async def _stored(
    request: AnyRequest, sealer: Sealer, person_id: FromPath[UUID], spec: SectionPage
) -> tuple[schemas.Profile, schemas.Section]:
    profile = await _read(request, sealer, person_id)
    section: schemas.Section | None = getattr(profile, spec.section)
    return profile, section or profiles.SECTIONS[spec.section].model_construct()


async def _section_page(
    profile: schemas.Profile,
    spec: SectionPage,
    values: Values,
    errors: list[FieldError],
    status_code: int = 200,
) -> Template:
    lived = await lived_experience.options(include_retired=True)
    active = await lived_experience.options()
    chosen = values.get("lived_experience", [])
    return page(
        f"{TEMPLATES}/{spec.slug.replace('-', '_')}.html",
        spec.title,
        status_code=status_code if errors else 200,
        spec=spec,
        person_id=profile.id,
        person_name=_name(profile),
        values=values,
        errors=for_staff(errors),
        field_ids=spec.field_ids,
        vocabulary=v,
        yes_no=YES_NO,
        lived_choices={c: label for c, label in lived.items() if c in active or c in chosen},
    )


async def _erase_page(
    request: AnyRequest, sealer: Sealer, person_id: FromPath[UUID], errors: list[FieldError]
) -> Template:
    profile = await _read(request, sealer, person_id)
    return page(
        f"{TEMPLATES}/erase.html",
        "Delete their details",
        status_code=400 if errors else 200,
        person_id=person_id,
        person_name=_name(profile),
        kept_for_finance=rights.KEPT_FOR_FINANCE,
        errors=errors,
    )


PEOPLE_ROUTES = (
    "people",
    "people-search",
    "people-quiet",
    "person-new",
    "person-new-submit",
    "person",
    "person-consents",
    "person-download",
    "person-download-json",
    "person-erase",
    "person-erase-submit",
    "person-section",
    "person-section-submit",
)

ROUTES: list[Any] = [PeoplePages]
ACCESS: dict[str, Rule] = {
    **dict.fromkeys(PEOPLE_ROUTES, roles(Role.coordinator)),
}
NAVIGATION: list[Any] = [NavItem("People", "/people", roles=frozenset({Role.coordinator}))]
