"""The council's own list of lived experiences, kept by administrators: add, retire, restore.

Retired experiences stay on the profiles that chose them; people just cannot pick them anew.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Template

from app.auth.access import Rule, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import DomainError, FieldError
from app.web.forms import parse_form, read_form
from app.web.pages import page
from participation.pages.people_views import BANNERS, NewExperience, saved_redirect
from participation.pages.profile_views import Values
from participation.services import lived_experience

AnyRequest = Request[Any, Any, Any]
TEMPLATES = "participation/people"


class LivedExperienceList(Controller):
    path = "/people"
    include_in_schema = False

    @get("/lived-experience-list", name="lived-experience-list")
    async def experiences(self, saved: FromQuery[str] = "") -> Template:
        return await _experiences_page({}, [], BANNERS.get(saved, ""))

    @post("/lived-experience-list", name="lived-experience-list-submit")
    async def change_experiences(self, request: AnyRequest) -> Any:
        """One form per button: "add" with a label, or "retire"/"restore" with a code."""
        posted = await request.form()
        action, code = posted.get("action", ""), posted.get("code", "")
        try:
            if action == "add":
                form = parse_form(NewExperience, await read_form(request, NewExperience))
                await lived_experience.add(form.label, actor_of(request))
                return saved_redirect("/people/lived-experience-list", "added")
            if action in ("retire", "restore") and code in await lived_experience.options(True):
                await lived_experience.set_active(code, action == "restore", actor_of(request))
                return saved_redirect("/people/lived-experience-list", f"{action}d")
            raise DomainError(CHOOSE, errors=[FieldError("label", CHOOSE)])
        except DomainError as problem:
            if not problem.errors:
                raise
            return await _experiences_page(dict(posted), problem.errors, "", 400)


CHOOSE = "Enter an experience to add, or choose one to retire or restore"


async def _experiences_page(
    values: Values, errors: list[FieldError], banner: str, status_code: int = 200
) -> Template:
    every = await lived_experience.options(include_retired=True)
    offered = await lived_experience.options()
    return page(
        f"{TEMPLATES}/lived_experience_list.html",
        "Lived experience list",
        status_code=status_code,
        experiences=[(code, label, code in offered) for code, label in every.items()],
        values=values,
        errors=errors,
        banner=banner,
    )


ROUTES: list[Any] = [LivedExperienceList]
ACCESS: dict[str, Rule] = {
    "lived-experience-list": roles(Role.admin),
    "lived-experience-list-submit": roles(Role.admin),
}
