"""A participant's own profile over JSON, under ``/api/v1/me``: the same rights as the pages.

There are no ids in these paths: every route works on the caller's own profile (its id is
their account id), so nobody can reach anyone else's through them. Participants call these
with their session (the API needs ``Content-Type: application/json`` on every body, which a
cross-site form cannot send); staff tokens carry no participant role and get 403.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath

from app import audit
from app.api import problems
from app.auth.access import PARTICIPANT, Rule, current_user
from app.auth.flow import actor_of, end_session
from app.sealed import Sealer
from participation import schemas
from participation.api import models as m
from participation.api.support import (
    AnyRequest,
    JSONObject,
    SectionBody,
    body,
    parse,
)
from participation.api.views import consents_of, erased, section_model, subject_access
from participation.services import consent, profiles, rights


async def _own(request: AnyRequest, sealer: Sealer) -> tuple[UUID, audit.Actor]:
    """The caller's id and audit name; their profile is made from their account on first use."""
    account_id = current_user(request).account_id
    assert account_id is not None  # the PARTICIPANT rule let only signed-in people in
    actor = actor_of(request)
    await profiles.ensure_own_profile(sealer, account_id, actor)
    return account_id, actor


class OwnProfileApi(Controller):
    path = "/me"
    tags = ["your profile"]

    @get(
        "/profile",
        name="api-me-profile",
        summary="Your profile",
        description="Every section of your own profile, with what you have agreed to. The "
        "first call makes your profile from your account if you do not have one yet.",
        responses=problems(401, 403),
    )
    async def profile(
        self, request: AnyRequest, sealer: NamedDependency[Sealer]
    ) -> schemas.Profile:
        subject, actor = await _own(request, sealer)
        return await profiles.read(sealer, subject, actor, "participant")

    @put(
        "/profile/{section:str}",
        name="api-me-profile-section",
        summary="Change one section of your profile",
        description="Replace one section (about, contact, lived_experience, equality, "
        "involvement or access_needs) with the body, which is that section's schema. "
        "Answers the whole profile as saved.",
        responses=problems(400, 401, 403, 404, 409),
    )
    async def change(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        section: FromPath[str],
        data: SectionBody,
    ) -> schemas.Profile:
        answers = parse(section_model(section), data)
        subject, actor = await _own(request, sealer)
        await profiles.update(sealer, subject, answers, actor)
        return await profiles.read(sealer, subject, actor, "participant")

    @post(
        "/pause",
        name="api-me-pause",
        status_code=200,
        summary="Pause or resume contact",
        description='Send {"paused": true} to stop all invitations and messages about '
        'opportunities until you send {"paused": false}.',
        responses=problems(400, 401, 403),
    )
    async def pause(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        data: Annotated[JSONObject, body(schemas.Pause, description="Pause or not")],
    ) -> m.Paused:
        change = parse(schemas.Pause, data)
        subject, actor = await _own(request, sealer)
        await profiles.set_paused(subject, change.paused, actor)
        return m.Paused(paused=change.paused)

    @get(
        "/consents",
        name="api-me-consents",
        summary="What you have agreed to",
        description="Each purpose with whether you agree now, the exact words you agree to, "
        "and every answer you have given, oldest first.",
        responses=problems(401, 403),
    )
    async def consents(self, request: AnyRequest, sealer: NamedDependency[Sealer]) -> m.Consents:
        subject, _ = await _own(request, sealer)
        return await consents_of(subject)

    @post(
        "/consents",
        name="api-me-consents-change",
        status_code=200,
        summary="Agree or stop agreeing to one use of your information",
        description="Records your answer for one purpose against the words shown now. It "
        "takes effect at once. Answers what you agree to now.",
        responses=problems(400, 401, 403),
    )
    async def change_consent(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        data: Annotated[JSONObject, body(m.OwnConsent, description="One purpose, yes or no")],
    ) -> m.Consents:
        change = parse(m.OwnConsent, data)
        subject, actor = await _own(request, sealer)
        await consent.record(subject, change.purpose, change.granted, "web", actor)
        return await consents_of(subject)

    @get(
        "/export",
        name="api-me-export",
        summary="Download everything we hold about you",
        description="Your subject access request: every record about you, table by table, "
        "and the words of each consent.",
        responses=problems(401, 403),
    )
    async def export(self, request: AnyRequest, sealer: NamedDependency[Sealer]) -> m.SubjectAccess:
        subject, actor = await _own(request, sealer)
        return subject_access(await rights.download(sealer, subject, actor))

    @post(
        "/withdraw",
        name="api-me-withdraw",
        status_code=200,
        summary="Withdraw and delete your details",
        description='Send {"confirm": true}. Deletes your profile and account and signs you '
        "out. It cannot be undone. Payment records are kept for 6 years, as the law requires.",
        responses=problems(400, 401, 403),
    )
    async def withdraw(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        data: Annotated[JSONObject, body(m.Confirm, description="Confirmation")],
    ) -> Response[m.Erased]:
        parse(m.Confirm, data)
        subject, actor = await _own(request, sealer)
        record = await rights.erase(sealer, subject, "self", actor)
        return await end_session(request, Response(erased(record)))


ROUTES: list[Any] = [OwnProfileApi]
ACCESS: dict[str, Rule] = dict.fromkeys(
    (
        "api-me-profile",
        "api-me-profile-section",
        "api-me-pause",
        "api-me-consents",
        "api-me-consents-change",
        "api-me-export",
        "api-me-withdraw",
    ),
    PARTICIPANT,
)
