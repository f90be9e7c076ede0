"""Organisers' venues and events over JSON, under ``/api/v1/venues`` and ``/api/v1/events``.

Scheduling, changing and cancelling events (a change people must hear about, and a
cancellation, go to everyone invited as a calendar update), inviting the opportunity's
selection in one step, and the replies: listed by profile id, never by name, and recorded by
staff for someone who rang. Every refusal comes before anything is written.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath

from app.api import API_PREFIX, problems
from app.auth.access import Rule, roles
from app.auth.flow import actor_of
from app.datamap import Role
from app.errors import NotFound
from app.sealed import Sealer
from events.api import common
from events.api import models as em
from events.schemas import EventForm, Reply, VenueForm
from events.services import invitations, scheduling
from events.tables import Venue
from participation.api import models as m
from participation.api.support import AnyRequest, JSONObject, body, parse

VenueBody = Annotated[JSONObject, body(VenueForm, description="The venue")]
EventBody = Annotated[JSONObject, body(EventForm, description="The event")]
ReplyBody = Annotated[JSONObject, body(Reply, description="accepted, tentative or declined")]


async def _venue(venue: UUID) -> dict[str, Any]:
    row = await Venue.select().where(Venue.id == venue).first()
    if row is None:
        raise NotFound("There is no such venue.")
    return dict(row)


async def _event_view(event: UUID) -> em.EventView:
    return em.event_view(*await scheduling.get(event))


class VenuesApi(Controller):
    path = "/venues"
    tags = ["events (organisers)"]

    @get(
        "/",
        name="venue-api-list",
        summary="Every venue and online room",
        description="By name, with each venue's access features as codes.",
        responses=problems(401, 403),
    )
    async def listing(self) -> em.Venues:
        return em.Venues(venues=[em.venue_view(row) for row in await scheduling.venues()])

    @post(
        "/",
        name="venue-api-create",
        summary="Add a venue or an online room",
        description="Access features are codes: step_free, wheelchair_space, "
        "accessible_toilet, hearing_loop, quiet_room, parking. Answers 201 with its id.",
        responses=problems(400, 401, 403),
    )
    async def create(self, request: AnyRequest, data: VenueBody) -> Response[m.Created]:
        venue = await scheduling.save_venue(parse(VenueForm, data), actor_of(request))
        return Response(
            m.Created(id=venue), status_code=201, headers={"Location": f"{API_PREFIX}/venues"}
        )

    @put(
        "/{venue:uuid}",
        name="venue-api-change",
        summary="Change a venue",
        description="Replace the venue's details with the body. Answers the venue as saved.",
        responses=problems(400, 401, 403, 404),
    )
    async def change(
        self, request: AnyRequest, venue: FromPath[UUID], data: VenueBody
    ) -> em.VenueView:
        form = parse(VenueForm, data)
        await _venue(venue)
        await scheduling.save_venue(form, actor_of(request), venue)
        return em.venue_view(await _venue(venue))


class EventsApi(Controller):
    path = "/events"
    tags = ["events (organisers)"]

    @get(
        "/",
        name="event-api-list",
        summary="Events that have not ended",
        description="Soonest first, cancelled ones included (status says so).",
        responses=problems(401, 403),
    )
    async def listing(self) -> em.Events:
        places = {row["id"]: row for row in await scheduling.venues()}
        rows = await scheduling.upcoming()
        return em.Events(events=[em.event_view(r, places.get(r["venue"])) for r in rows])

    @post(
        "/",
        name="event-api-create",
        summary="Schedule an event",
        description="Times are ISO 8601 with an offset (stored UTC, shown in London time). An "
        "in-person or hybrid event needs a venue; an online or hybrid one an https join link. "
        "Nobody is invited yet. Answers 201 with its id.",
        responses=problems(400, 401, 403),
    )
    async def create(self, request: AnyRequest, data: EventBody) -> Response[m.Created]:
        event, _ = await scheduling.save_event(parse(EventForm, data), actor_of(request))
        location = f"{API_PREFIX}/events/{event}"
        return Response(m.Created(id=event), status_code=201, headers={"Location": location})

    @get(
        "/{event:uuid}",
        name="event-api-one",
        summary="One event",
        responses=problems(400, 401, 403, 404),
    )
    async def one(self, event: FromPath[UUID]) -> em.EventView:
        return await _event_view(event)

    @put(
        "/{event:uuid}",
        name="event-api-change",
        summary="Change an event",
        description="Replace its details with the body. A change of time, place, title or how "
        "to join is sent to everyone invited as a calendar update (told counts them). 409 once "
        "it is cancelled or has started; 400 when the capacity is below those coming.",
        responses=problems(400, 401, 403, 404, 409),
    )
    async def change(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        event: FromPath[UUID],
        data: EventBody,
    ) -> em.Changed:
        form = parse(EventForm, data)
        row, _ = await scheduling.get(event)
        common.still_ahead(row)
        actor = actor_of(request)
        _, changed = await scheduling.save_event(form, actor, event)
        told = 0
        if changed:
            told = await invitations.tell_everyone(
                sealer, event, actor, invitations.Sender.of(request.app.state)
            )
        return em.Changed(event=await _event_view(event), told=told)

    @post(
        "/{event:uuid}/cancel",
        name="event-api-cancel",
        status_code=200,
        summary="Cancel an event",
        description="Everyone still invited is sent a calendar cancellation (told counts "
        "them). 409 when it is already cancelled or has started.",
        responses=problems(400, 401, 403, 404, 409),
    )
    async def cancel(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], event: FromPath[UUID]
    ) -> em.Changed:
        row, _ = await scheduling.get(event)
        common.still_ahead(row)
        actor = actor_of(request)
        await scheduling.cancel(event, actor)
        told = await invitations.tell_everyone(
            sealer, event, actor, invitations.Sender.of(request.app.state)
        )
        return em.Changed(event=await _event_view(event), told=told)

    @post(
        "/{event:uuid}/invite-selection",
        name="event-api-invite",
        status_code=200,
        summary="Invite everyone selected for the event's opportunity",
        description="Each person through their route: email with a calendar invite, or listed "
        "to tell by letter or phone (to_tell). Anyone already invited or no longer agreeing "
        "to contact is skipped; repeating it invites only people selected since. 400 when "
        "the event has no opportunity; 409 when it is cancelled or has started.",
        responses=problems(400, 401, 403, 404, 409),
    )
    async def invite(
        self, request: AnyRequest, sealer: NamedDependency[Sealer], event: FromPath[UUID]
    ) -> em.InvitedCounts:
        row, _ = await scheduling.get(event)
        common.still_ahead(row)
        result = await invitations.invite_selected(
            sealer, event, actor_of(request), invitations.Sender.of(request.app.state)
        )
        return em.invited_counts(result)

    @get(
        "/{event:uuid}/invitations",
        name="event-api-invitations",
        summary="Who is invited, and their replies",
        description="Each invitation by profile id (no names), in the order sent, with the "
        "reply, when and how it came (link, web, staff), and when the person was emailed "
        "(told_at null: tell them by letter or phone).",
        responses=problems(400, 401, 403, 404),
    )
    async def invitations(self, event: FromPath[UUID]) -> em.Invitations:
        await scheduling.get(event)
        rows = await common.invitations_of(event)
        return em.Invitations(invitations=[em.invitation_view(row) for row in rows])

    @post(
        "/{event:uuid}/invitations/{invitation:uuid}/reply",
        name="event-api-reply",
        status_code=200,
        summary="Record a reply someone gave by phone or in person",
        description='Body {"answer": "accepted" | "tentative" | "declined"}. Accepting a full '
        'event puts them on the waiting list (reply "waiting"); a place given up goes to the '
        "first person waiting. 409 when the event is cancelled or has started.",
        responses=problems(400, 401, 403, 404, 409),
    )
    async def reply(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        event: FromPath[UUID],
        invitation: FromPath[UUID],
        data: ReplyBody,
    ) -> em.Replied:
        answer = parse(Reply, data).answer
        found = await common.invitation(invitation)
        if found is None or found["event"] != event:
            raise NotFound("There is no such invitation to this event.")
        stored = await invitations.reply(
            sealer,
            invitation,
            answer,
            actor_of(request),
            invitations.Sender.of(request.app.state),
            via="staff",
        )
        return em.replied(invitation, stored)


ROUTES: list[Any] = [VenuesApi, EventsApi]
ACCESS: dict[str, Rule] = dict.fromkeys(
    (
        "venue-api-list",
        "venue-api-create",
        "venue-api-change",
        "event-api-list",
        "event-api-create",
        "event-api-one",
        "event-api-change",
        "event-api-cancel",
        "event-api-invite",
        "event-api-invitations",
        "event-api-reply",
    ),
    roles(Role.organiser, Role.coordinator),
)
