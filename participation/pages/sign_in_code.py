"""The coordinator's "give them a sign-in code" button on a person's page: a letter to print.

The page is the coordinator's (English), but the boxed part is the letter the person keeps, so
it is written in the language they chose on their profile.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from markupsafe import Markup

from app import i18n
from app.auth.access import roles
from app.auth.flow import actor_of, context
from app.datamap import Role
from app.sealed import Sealer
from app.web.pages import page
from participation.services import contact, profiles, sign_in


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
        public_url = request.app.state.settings.public_url
        return page(
            "auth/activation_letter.html",
            "Their sign-in code",
            person=profile.about.preferred_name if profile.about else "",
            person_id=person_id,
            code=code,
            public_url=public_url,
            letter=_letter(await contact.language_of(sealer, person_id), public_url),
        )


def _letter(code: str | None, public_url: str) -> dict[str, Any]:
    """The words the person keeps, in their language (the template renders in the staff's)."""
    with i18n.use_locale(code):
        go_to = i18n.gettext("To sign in, go to <strong>%(address)s</strong> and enter this code:")
        address = f"{public_url}/sign-in/activate"
        return {
            "language": i18n.current_language(),
            # Our own catalogue's words are trusted markup; Markup's % escapes the address.
            "go_to": Markup(go_to) % {"address": address},  # noqa: S704
            "expiry": i18n.gettext(
                "The code works once, within 14 days. "
                "After that, ask the co-production team for a new one."
            ),
        }


ROUTES: list[Any] = [SignInCodePage]
ACCESS: dict[str, Any] = {"person-sign-in-code": roles(Role.coordinator)}
