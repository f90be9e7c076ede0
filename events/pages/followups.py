"""Debrief and wellbeing follow-ups: a person asks for one after a sensitive session (when and
how suits them); coordinators see who is waiting and mark each one done. The person's page is
in their language; the coordinators' list stays English."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.auth.access import PARTICIPANT, Rule, current_user, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import FieldError
from app.i18n import N_
from app.i18n import gettext as _
from app.sealed import Sealer
from app.web.pages import page
from events.pages import attendance
from events.services import followups, ics
from participation.services import contact

AnyRequest = Request[Any, Any, Any]
TEMPLATES = "events"
WANTED = {"yes": N_("Yes, please check in with me"), "no": N_("No, thank you")}


class DebriefPages(Controller):
    include_in_schema = False

    @get("/profile/debrief/{invitation:uuid}", name="debrief")
    async def form(
        self, request: AnyRequest, invitation: FromPath[UUID], saved: FromQuery[str] = ""
    ) -> Template:
        offer = await followups.offer_for(invitation, _me(request))
        existing = offer["existing"] or {}
        values = {
            "wanted": "" if not existing else ("yes" if existing["wanted"] else "no"),
            "channel": existing.get("channel", ""),
            "preferred_time": existing.get("preferred_time", ""),
        }
        return _page(offer, invitation, values, [], saved=bool(saved))

    @post("/profile/debrief/{invitation:uuid}", name="debrief-submit")
    async def submit(self, request: AnyRequest, invitation: FromPath[UUID]) -> Any:
        posted = await request.form()
        values = {
            k: str(posted.get(k, "")).strip() for k in ("wanted", "channel", "preferred_time")
        }
        errors = _problems(values)
        offer = await followups.offer_for(invitation, _me(request))
        if errors:
            return _page(offer, invitation, values, errors, status_code=400)
        await followups.ask(
            invitation,
            _me(request),
            actor_of(request),
            wanted=values["wanted"] == "yes",
            preferred_time=values["preferred_time"],
            channel=values["channel"] or "phone",
        )
        return Redirect(f"/profile/debrief/{invitation}?saved=1", status_code=HTTP_303_SEE_OTHER)


class FollowUpPages(Controller):
    path = "/follow-ups"
    include_in_schema = False

    @get("/", name="follow-ups")
    async def waiting(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], saved: FromQuery[str] = ""
    ) -> Template:
        rows = []
        waiting = await followups.due()
        sessions = await attendance.notes_by_event(
            sealer, [row["event"] for row in waiting], actor_of(request), "follow-ups"
        )
        for row in waiting:
            route = await contact.route_for(sealer, row["subject"], actor_of(request))
            rows.append(
                {
                    "id": row["id"],
                    "name": route.name.reveal() if route.name else "",
                    "how": followups.CHANNELS.get(row["channel"], row["channel"]),
                    "when": row["preferred_time"] or "Any time",
                    "due": ics.when(row["due_at"]) if row["due_at"] else "",
                    "overdue": row["overdue"],
                    "safe_contact": route.safe_contact,
                }
            )
        return page(
            f"{TEMPLATES}/followups_due.html",
            "Follow-ups",
            rows=rows,
            sessions=sessions,
            saved=bool(saved),
        )

    @post("/{follow_up:uuid}/done", name="follow-up-done")
    async def done(self, request: AnyRequest, follow_up: FromPath[UUID]) -> Redirect:
        await followups.mark_done(follow_up, actor_of(request))
        return Redirect("/follow-ups?saved=1", status_code=HTTP_303_SEE_OTHER)


def _me(request: AnyRequest) -> UUID:
    user = current_user(request)
    assert user.account_id is not None
    return user.account_id


def _problems(values: dict[str, str]) -> list[FieldError]:
    errors = []
    if values["wanted"] not in WANTED:
        errors.append(FieldError("wanted", _("Select whether you would like someone to check in")))
    elif values["wanted"] == "yes" and values["channel"] not in followups.CHANNELS:
        errors.append(FieldError("channel", _("Select how you would like us to check in")))
    if len(values["preferred_time"]) > 100:
        too_long = _("Say when suits you in 100 characters or fewer")
        errors.append(FieldError("preferred_time", too_long))
    return errors


def _page(
    offer: dict[str, Any],
    invitation: UUID,
    values: dict[str, str],
    errors: list[FieldError],
    *,
    saved: bool = False,
    status_code: int = 200,
) -> Template:
    return page(
        f"{TEMPLATES}/followups_ask.html",
        _("After the session"),
        status_code=status_code,
        event=offer["event"],
        invitation=invitation,
        values=values,
        errors=errors,
        saved=saved,
        wanted=_translated(WANTED),
        channels=_translated(followups.CHANNELS),
    )


def _translated(choices: dict[str, str]) -> dict[str, str]:
    return {code: _(label) for code, label in choices.items()}


ROUTES: list[Any] = [DebriefPages, FollowUpPages]
ACCESS: dict[str, Rule] = {
    "debrief": PARTICIPANT,
    "debrief-submit": PARTICIPANT,
    "follow-ups": roles(Role.coordinator),
    "follow-up-done": roles(Role.coordinator),
}
NAVIGATION: list[Any] = []
