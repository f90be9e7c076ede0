"""Organisers' events: the upcoming list, the form to schedule or change one, and one event
with its scheduling help, its invitation list and the buttons that invite the selection,
record a reply taken by phone, and cancel.

Thin handlers: ``event_views`` maps the flat form onto ``EventForm``; services save, invite
and tell people; their errors show as an error summary on the page, never an error page.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.auth.access import Rule, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import DomainError, FieldError
from app.sealed import Sealer
from app.web.forms import FormInvalid
from app.web.pages import page
from events import vocabulary as v
from events.pages import event_views as views
from events.services import availability, guests, invitations, logistics, scheduling
from participation import vocabulary as pv
from participation.services import contact, opportunities

AnyRequest = Request[Any, Any, Any]
ORGANISERS = roles(Role.organiser, Role.coordinator)
BANNERS = {
    "created": "The event has been scheduled.",
    "saved": "The event has been saved.",
    "changed": "The event has been saved. Everyone invited has been sent the change.",
    "reply": "The reply has been recorded.",
    "cancelled": "The event has been cancelled. Everyone invited has been told.",
}
COUNT_NAMES = ("invited", "emailed", "to_tell", "skipped")
ANSWER_MESSAGE = "Select their answer"
WHO_MESSAGE = "Select whose reply this is"


class EventPages(Controller):
    path = "/events"
    include_in_schema = False

    @get("/", name="events")
    async def list_events(self) -> Template:
        rows = await scheduling.upcoming()
        counts = await guests.reply_counts([row["id"] for row in rows])
        listed = [
            row | {"when": views.when_text(row), "counts": counts.get(row["id"], {})}
            for row in rows
        ]
        return page("events/organiser_list.html", "Events", rows=listed, replies=v.REPLIES)

    @get("/new", name="event-new")
    async def new_form(self) -> Template:
        return await _form_page(None, views.blank_values(), [])

    @post("/new", name="event-new-submit")
    async def create(self, request: AnyRequest, sealer: NamedDependency[Sealer]) -> Any:
        return await _save(request, sealer, None)

    @get("/{event:uuid}/edit", name="event-edit")
    async def edit_form(self, event: FromPath[UUID]) -> Template:
        row, _ = await scheduling.get(event)
        return await _form_page(event, views.form_values(row), [])

    @post("/{event:uuid}/edit", name="event-edit-submit")
    async def edit(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], event: FromPath[UUID]
    ) -> Any:
        await scheduling.get(event)
        return await _save(request, sealer, event)

    @get("/{event:uuid}", name="event")
    async def show(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        event: FromPath[UUID],
        saved: FromQuery[str] = "",
    ) -> Template:
        counts = {name: request.query_params.get(name, "") for name in COUNT_NAMES}
        sent = {k: int(n) for k, n in counts.items() if n.isdigit()}
        return await _event_page(request, sealer, event, banner=BANNERS.get(saved, ""), sent=sent)

    @post("/{event:uuid}/invite", name="event-invite")
    async def invite(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], event: FromPath[UUID]
    ) -> Any:
        await scheduling.get(event)
        try:
            result = await invitations.invite_selected(
                sealer, event, actor_of(request), invitations.Sender.of(request.app.state)
            )
        except DomainError as problem:
            errors = [FieldError("invite", problem.message)]
            return await _event_page(
                request, sealer, event, errors=errors, status_code=problem.status_code
            )
        query = "&".join(f"{name}={getattr(result, name)}" for name in COUNT_NAMES)
        return _back(event, query)

    @post("/{event:uuid}/reply", name="event-staff-reply")
    async def record_reply(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], event: FromPath[UUID]
    ) -> Any:
        """A reply someone gave by phone: whose, and what they said."""
        await scheduling.get(event)
        posted = await request.form()
        values = {k: str(posted.get(k, "")) for k in ("invitation", "answer")}
        errors = await _reply_problems(event, values)
        try:
            if not errors:
                await invitations.reply(
                    sealer,
                    UUID(values["invitation"]),
                    values["answer"],
                    actor_of(request),
                    invitations.Sender.of(request.app.state),
                    via="staff",
                )
                return _back(event, "saved=reply")
            status = 400
        except DomainError as problem:
            errors, status = [FieldError("answer", problem.message)], problem.status_code
        return await _event_page(
            request, sealer, event, errors=errors, values=values, status_code=status
        )

    @get("/{event:uuid}/cancel", name="event-cancel-confirm")
    async def cancel_form(self, event: FromPath[UUID]) -> Template:
        row, _ = await scheduling.get(event)
        return page(
            "events/organiser_cancel.html",
            "Cancel this event",
            event=row,
            when=views.when_text(row),
        )

    @post("/{event:uuid}/cancel", name="event-cancel")
    async def cancel(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], event: FromPath[UUID]
    ) -> Redirect:
        await scheduling.cancel(event, actor_of(request))
        await invitations.tell_everyone(
            sealer, event, actor_of(request), invitations.Sender.of(request.app.state)
        )
        return _back(event, "saved=cancelled")


async def _save(request: AnyRequest, sealer: Sealer, event: UUID | None) -> Any:
    values = views.posted_values(await request.form())
    try:
        form = views.read_event(values)
        saved, changed = await scheduling.save_event(form, actor_of(request), event)
    except FormInvalid as invalid:
        return await _form_page(event, values, invalid.errors, status_code=400)
    except DomainError as problem:
        errors = problem.errors or [FieldError("title", problem.message)]
        return await _form_page(event, values, errors, status_code=problem.status_code)
    if changed:
        await invitations.tell_everyone(
            sealer, saved, actor_of(request), invitations.Sender.of(request.app.state)
        )
    outcome = "changed" if changed else "saved" if event else "created"
    return _back(saved, f"saved={outcome}")


async def _form_page(
    event: UUID | None, values: views.Values, errors: list[FieldError], status_code: int = 200
) -> Template:
    chosen = [o for o in await opportunities.for_staff() if o["status"] in ("published", "closed")]
    return page(
        "events/organiser_form.html",
        "Change this event" if event else "Schedule an event",
        status_code=status_code,
        action=f"/events/{event}/edit" if event else "/events/new",
        back=f"/events/{event}" if event else "/events",
        values=values,
        errors=errors,
        field_ids=views.FIELD_IDS,
        kinds=v.KINDS,
        modes=v.MODES,
        opportunities={"": "None", **{str(o["id"]): o["title"] for o in chosen}},
        venues={"": "No venue (online only)"}
        | {str(row["id"]): row["name"] for row in await scheduling.venues()},
        reminders=views.REMINDERS,
    )


async def _event_page(
    request: AnyRequest,
    sealer: Sealer,
    event: UUID,
    *,
    banner: str = "",
    sent: dict[str, int] | None = None,
    errors: list[FieldError] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    row, venue = await scheduling.get(event)
    invited = await guests.of_event(event)
    help_ = await availability.help_for(row, [i["subject"] for i in invited])
    features = (venue["features"] if venue else "").split(",")
    rows = await _guest_rows(sealer, invited, actor_of(request))
    open_ = row["status"] == "scheduled"
    gaps = await logistics.venue_gaps(sealer, event, actor_of(request)) if open_ else None
    return page(
        "events/organiser_show.html",
        row["title"],
        status_code=status_code,
        event=row,
        venue=venue,
        when=views.when_text(row),
        kind=v.KINDS.get(row["kind"], row["kind"]),
        mode=v.MODES.get(row["mode"], row["mode"]),
        features=[v.VENUE_FEATURES[f] for f in features if f in v.VENUE_FEATURES],
        help=help_,
        gaps=gaps or logistics.Gaps(),
        day=pv.DAYS.get(help_.day, ""),
        part=pv.TIMES_OF_DAY.get(help_.part_of_day, "").lower(),
        guests=rows,
        people={row["id"]: row["name"] for row in rows},
        answers=v.ANSWERS,
        banner=banner,
        sent=sent or {},
        errors=errors or [],
        values=values or {},
        field_ids={"invitation": "invitation", "answer": "answer", "invite": "invite"},
    )


async def _guest_rows(sealer: Sealer, invited: list[dict[str, Any]], actor: Any) -> list[Any]:
    """Each invitation with the person's name (an audited read) and whether they still need
    telling by another route."""
    rows = []
    for invitation in invited:
        route = await contact.route_for(sealer, invitation["subject"], actor)
        untold = invitation["told_at"] is None and invitation["reply"] == "invited"
        rows.append(
            {
                "id": str(invitation["id"]),
                "name": route.name.reveal() if route.name else "Name not given",
                "reply": v.REPLIES.get(invitation["reply"], invitation["reply"]),
                "untold": pv.CONTACT_ROUTES.get(route.route, route.route) if untold else "",
                "safe_contact": route.safe_contact,
            }
        )
    return rows


async def _reply_problems(event: UUID, values: dict[str, str]) -> list[FieldError]:
    errors = []
    try:
        found = await guests.invitation_of(event, UUID(values["invitation"]))
    except ValueError:
        found = None
    if found is None:
        errors.append(FieldError("invitation", WHO_MESSAGE))
    if values["answer"] not in v.ANSWERS:
        errors.append(FieldError("answer", ANSWER_MESSAGE))
    return errors


def _back(event: UUID, query: str) -> Redirect:
    return Redirect(f"/events/{event}?{query}", status_code=HTTP_303_SEE_OTHER)


ROUTES: list[Any] = [EventPages]
ACCESS: dict[str, Rule] = dict.fromkeys(
    (
        "events",
        "event-new",
        "event-new-submit",
        "event",
        "event-edit",
        "event-edit-submit",
        "event-invite",
        "event-staff-reply",
        "event-cancel-confirm",
        "event-cancel",
    ),
    ORGANISERS,
)
NAVIGATION: list[Any] = []
