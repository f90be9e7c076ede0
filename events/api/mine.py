"""A participant's own events over JSON, under ``/api/v1/me/events``.

Only their own invitations: another person's invitation id answers 404, exactly like one that
does not exist, so ids cannot be probed. A reply here needs no reason and carries no penalty.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from app.api import problems
from app.auth.access import PARTICIPANT, Rule, current_user
from app.auth.flow import actor_of
from app.errors import NotFound
from app.sealed import Sealer
from events.api import common
from events.api import models as em
from events.schemas import Reply
from events.services import invitations
from participation.api.support import AnyRequest, JSONObject, body, parse

ReplyBody = Annotated[JSONObject, body(Reply, description="accepted, tentative or declined")]


def _me(request: AnyRequest) -> UUID:
    account_id = current_user(request).account_id
    assert account_id is not None  # the PARTICIPANT rule let only signed-in people in
    return account_id


class MyEventsApi(Controller):
    path = "/me/events"
    tags = ["your events"]

    @get(
        "/",
        name="event-api-mine",
        summary="Events you are invited to",
        description="Soonest first, with your reply. A cancelled event stays, with status "
        "cancelled, so you know it is off.",
        responses=problems(401, 403),
    )
    async def listing(self, request: AnyRequest) -> em.MyEvents:
        rows = await common.events_of(_me(request))
        return em.MyEvents(events=[em.my_event(*row) for row in rows])

    @post(
        "/{invitation:uuid}/reply",
        name="event-api-mine-reply",
        status_code=200,
        summary="Say whether you can come",
        description='Body {"answer": "accepted" | "tentative" | "declined"}. You do not need '
        'to give a reason. When the event is full, "accepted" puts you on the waiting list '
        '(reply "waiting") and you are told if a place comes up.',
        responses=problems(400, 401, 403, 404, 409),
    )
    async def reply(
        self,
        request: AnyRequest,
        sealer: NamedDependency[Sealer],
        invitation: FromPath[UUID],
        data: ReplyBody,
    ) -> em.Replied:
        answer = parse(Reply, data).answer
        found = await common.invitation(invitation)
        if found is None or found["subject"] != _me(request):
            raise NotFound("There is no such invitation.")
        stored = await invitations.reply(
            sealer,
            invitation,
            answer,
            actor_of(request),
            invitations.Sender.of(request.app.state),
            via="web",
        )
        return em.replied(invitation, stored)


ROUTES: list[Any] = [MyEventsApi]
ACCESS: dict[str, Rule] = dict.fromkeys(("event-api-mine", "event-api-mine-reply"), PARTICIPANT)
