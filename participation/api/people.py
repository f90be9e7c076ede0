"""Coordinators working with people's profiles over JSON, under ``/api/v1/participants``.

Staff scripts call these with an API token. Every read of personal data is audited by the
services. Finding someone by name, email or phone number is a POST with the words in the
body: in a query string they would land in access logs and proxies' logs.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, Parameter

from app.api import API_PREFIX, problems
from app.auth.access import Rule, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import Conflict, DomainError, FieldError, Forbidden, NotFound
from app.sealed import Sealer
from participation import schemas
from participation.api import models as m
from participation.api.support import (
    AnyRequest,
    JSONObject,
    SectionBody,
    body,
    parse,
    parse_new_profile,
)
from participation.api.views import consents_of, erased, results, section_model, subject_access
from participation.services import consent, profiles, rights, search

ROLE = "coordinator"
Codes = Annotated[
    list[str] | None,
    Parameter(description="Codes from the list; repeat the parameter to ask for several."),
]
USE_POST = (
    "Do not put a name, email address or phone number in a web address: it is kept in logs. "
    f"Send it as query in a JSON body to POST {API_PREFIX}/participants/search instead."
)


async def _existing(subject: UUID) -> UUID:
    if not await profiles.exists(subject):
        raise NotFound("There is no profile with this id.")
    return subject


def _writable(section: str) -> type[schemas.Section]:
    """Sections a coordinator may change: those they may see (never the equality answers)."""
    model = section_model(section)
    if section not in profiles.visible_sections(ROLE):
        raise Forbidden("Only the person can change this section, from their own profile.")
    return model


class PeopleApi(Controller):
    path = "/participants"
    tags = ["participants"]

    @get(
        "/",
        name="api-participants",
        summary="Find people by what they want to do and what they need",
        description="People on the register (they agreed to be on it) matching every filter, "
        f"most recently changed first, {search.PAGE_SIZE} a page. Paused people are left out "
        "unless include_paused=true. To find someone by name, email or phone number, use "
        "POST /participants/search: a query parameter is refused.",
        responses=problems(400, 401, 403),
    )
    async def find(
        self,
        *,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        activities: Codes = None,
        formats: Codes = None,
        group_sizes: Codes = None,
        available_on: Codes = None,
        times_of_day: Codes = None,
        adjustments: Codes = None,
        travel_help: Codes = None,
        include_paused: Annotated[str | None, Parameter(description="true or false")] = None,
        page: Annotated[str | None, Parameter(description="Page number, from 1")] = None,
    ) -> m.SearchResults:
        if "query" in request.query_params:
            raise DomainError(USE_POST, errors=[FieldError("query", USE_POST)])
        given = {
            "activities": activities,
            "formats": formats,
            "group_sizes": group_sizes,
            "available_on": available_on,
            "times_of_day": times_of_day,
            "adjustments": adjustments,
            "travel_help": travel_help,
            "include_paused": include_paused,
            "page": page,
        }
        unknown = {key: "" for key in request.query_params if key not in given}  # refused
        data = {key: value for key, value in given.items() if value is not None} | unknown
        filters = parse(schemas.SearchFilters, data, text=True)
        return results(await search.search(sealer, filters, actor_of(request)))

    @post(
        "/search",
        name="api-participants-search",
        status_code=200,
        summary="Find people, by name, email or phone number too",
        description="The same filters as GET /participants, as a JSON body, plus query: "
        "words of a name, an email address or a phone number.",
        responses=problems(400, 401, 403),
    )
    async def search_by_query(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        data: Annotated[JSONObject, body(schemas.SearchFilters, description="Filters")],
    ) -> m.SearchResults:
        filters = parse(schemas.SearchFilters, data)
        return results(await search.search(sealer, filters, actor_of(request)))

    @post(
        "/",
        name="api-participants-create",
        summary="Add someone to the register",
        description="A profile for someone who signed up on paper, by phone or in person, "
        "with the consents they gave. Answers 201 with its id, or 409 naming the field if "
        "another profile has the same email address or phone number.",
        responses=problems(400, 401, 403, 409),
    )
    async def create(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        data: Annotated[JSONObject, body(schemas.NewProfile, description="The new profile")],
    ) -> Response[m.Created]:
        new = parse_new_profile(data)
        try:
            subject = await profiles.create(sealer, new, actor_of(request))
        except Conflict as clash:
            fields = [FieldError(f"contact.{e.field}", e.message) for e in clash.errors]
            raise Conflict(clash.message, errors=fields) from None
        return Response(
            m.Created(id=subject),
            status_code=201,
            headers={"Location": f"{API_PREFIX}/participants/{subject}"},
        )

    @get(
        "/{subject:uuid}",
        name="api-participant",
        summary="One person's profile",
        description="Their profile as a coordinator may see it: every section but the "
        "equality answers, which are null. The view is audited.",
        responses=problems(400, 401, 403, 404),
    )
    async def read(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], subject: FromPath[UUID]
    ) -> schemas.Profile:
        return await profiles.read(sealer, subject, actor_of(request), ROLE)

    @put(
        "/{subject:uuid}/{section:str}",
        name="api-participant-section",
        summary="Change one section of someone's profile",
        description="Replace one section (about, contact, lived_experience, involvement or "
        "access_needs) with the body, which is that section's schema. Only the person can "
        "change their equality answers. Answers the whole profile as saved.",
        responses=problems(400, 401, 403, 404, 409),
    )
    async def change(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        subject: FromPath[UUID],
        section: FromPath[str],
        data: SectionBody,
    ) -> schemas.Profile:
        answers = parse(_writable(section), data)
        await _existing(subject)
        actor = actor_of(request)
        await profiles.update(sealer, subject, answers, actor)
        return await profiles.read(sealer, subject, actor, ROLE)

    @get(
        "/{subject:uuid}/consents",
        name="api-participant-consents",
        summary="What someone has agreed to",
        description="Each purpose with whether they agree now, the words, and every answer "
        "they have given, oldest first, with how they gave it and who helped.",
        responses=problems(400, 401, 403, 404),
    )
    async def consents(self, subject: FromPath[UUID]) -> m.Consents:
        return await consents_of(await _existing(subject))

    @post(
        "/{subject:uuid}/consents",
        name="api-participant-consents-change",
        status_code=200,
        summary="Record someone's answer about one use of their information",
        description="Records a yes or no the person gave you, for one purpose, and how they "
        "gave it (paper, phone, in_person or web). Answers what they agree to now.",
        responses=problems(400, 401, 403, 404),
    )
    async def change_consent(
        self,
        request: AnyRequest,
        subject: FromPath[UUID],
        data: Annotated[JSONObject, body(m.StaffConsent, description="Their answer")],
    ) -> m.Consents:
        change = parse(m.StaffConsent, data)
        await _existing(subject)
        actor = actor_of(request)
        await consent.record(subject, change.purpose, change.granted, change.channel, actor)
        return await consents_of(subject)

    @get(
        "/{subject:uuid}/export",
        name="api-participant-export",
        summary="Everything held about someone (subject access)",
        description="Every record about the person, table by table, to answer their subject "
        "access request. The export is audited.",
        responses=problems(400, 401, 403, 404),
    )
    async def export(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], subject: FromPath[UUID]
    ) -> m.SubjectAccess:
        return subject_access(await rights.download(sealer, subject, actor_of(request)))

    @post(
        "/{subject:uuid}/erase",
        name="api-participant-erase",
        status_code=200,
        summary="Erase someone's details at their request",
        description='Send {"confirm": true}. Deletes their profile and account; payment '
        "records are kept for 6 years, as the law requires. It cannot be undone.",
        responses=problems(400, 401, 403, 404),
    )
    async def erase(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        subject: FromPath[UUID],
        data: Annotated[JSONObject, body(m.Confirm, description="Confirmation")],
    ) -> m.Erased:
        parse(m.Confirm, data)
        record = await rights.erase(sealer, subject, "staff", actor_of(request))
        return erased(record)


ROUTES: list[Any] = [PeopleApi]
ACCESS: dict[str, Rule] = dict.fromkeys(
    (
        "api-participants",
        "api-participants-search",
        "api-participants-create",
        "api-participant",
        "api-participant-section",
        "api-participant-consents",
        "api-participant-consents-change",
        "api-participant-export",
        "api-participant-erase",
    ),
    roles(Role.coordinator),
)
