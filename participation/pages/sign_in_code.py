"""The coordinator's "give them a sign-in code" button on a person's page: a letter to print."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from app.auth.access import roles
from app.auth.flow import actor_of, context
from app.datamap import Role
from app.sealed import Sealer
from app.web.pages import page
from participation.services import profiles, sign_in


class SignInCodePage(Controller):
    path = "/people"
    include_in_schema = False

    @post("/{person_id:uuid}/sign-in-code", name="person-sign-in-code")
    async def sign_in_code(
        self,
        request: Request[Any, Any, Any],
        person_id: FromPath[UUID],
        sealer: NamedDependency[Sealer],
    ) -> Template:
        actor = actor_of(request)
        code = await sign_in.paper_code(context(request, sealer), person_id, actor)
        profile = await profiles.read(sealer, person_id, actor, Role.coordinator)
        return page(
            "auth/activation_letter.html",
            "Their sign-in code",
            person=profile.about.preferred_name if profile.about else "",
            person_id=person_id,
            code=code,
            public_url=request.app.state.settings.public_url,
        )


ROUTES: list[Any] = [SignInCodePage]
ACCESS: dict[str, Any] = {"person-sign-in-code": roles(Role.coordinator)}
