"""Debriefs after sensitive sessions: asked for by the person, listed until done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import httpx
import pytest
from litestar import Litestar

from app.auth import accounts
from app.datamap import Role
from app.factory import provide_sealer
from app.sealed import Sealer
from events.services import followups, invitations
from events.tables import Event, FollowUp, Invitation
from tests.events.conftest import ORGANISER, SENDER, panel
from tests.support.auth import csrf_headers, make_account, sign_in


async def _after_a_sensitive_session(sealer: Sealer) -> tuple[UUID, UUID]:
    setup = await panel(sealer, ann={"email": "ann@example.org"})
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    past = datetime.now(UTC) - timedelta(hours=3)
    await Event.update(
        {Event.sensitive: True, Event.starts_at: past, Event.ends_at: past + timedelta(hours=2)}
    ).where(Event.id == setup.event)
    invitation = await Invitation.select().first()
    assert invitation is not None
    return invitation["id"], setup.people["ann"]


async def _as(app: Litestar, client: httpx.AsyncClient, subject: UUID) -> None:
    """Sign in as the person (their account has their profile's id)."""
    new = accounts.NewAccount("participant", None, "Ann", (Role.participant,), account_id=subject)
    await accounts.create(provide_sealer(app.state), new, ORGANISER)
    await sign_in(app, client, subject)


async def test_a_person_asks_for_a_check_in_and_it_waits_until_done(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    invitation, subject = await _after_a_sensitive_session(sealer)
    await _as(running_app, client, subject)
    headers = await csrf_headers(client)

    empty = await client.post(f"/profile/debrief/{invitation}", data={}, headers=headers)
    saved = await client.post(
        f"/profile/debrief/{invitation}",
        data={"wanted": "yes", "channel": "phone", "preferred_time": "Weekday mornings"},
        headers=headers,
    )

    assert empty.status_code == 400
    assert 'href="#wanted"' in empty.text
    assert saved.status_code == 303
    waiting = await followups.due()
    assert [(w["subject"], w["channel"], w["preferred_time"]) for w in waiting] == [
        (subject, "phone", "Weekday mornings")
    ]
    await followups.mark_done(waiting[0]["id"], ORGANISER)
    assert await followups.due() == []
    with pytest.raises(Exception, match="no such follow-up"):
        await followups.mark_done(waiting[0]["id"], ORGANISER)


async def test_saying_no_is_kept_and_nobody_else_can_answer(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    invitation, subject = await _after_a_sensitive_session(sealer)
    await followups.ask(invitation, subject, ORGANISER, wanted=False)
    other = await make_account(running_app, "participant", (Role.participant,))
    await sign_in(running_app, client, other)

    response = await client.get(f"/profile/debrief/{invitation}")

    assert response.status_code == 404
    assert await followups.due() == []
    assert await FollowUp.count() == 1


async def test_coordinators_see_the_list_with_names(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    invitation, subject = await _after_a_sensitive_session(sealer)
    await followups.ask(invitation, subject, ORGANISER, wanted=True, channel="video")
    coordinator = await make_account(running_app, "staff", (Role.coordinator,))
    await sign_in(running_app, client, coordinator)

    listing = await client.get("/follow-ups")

    assert listing.status_code == 200
    assert "Ann" in listing.text
    assert "A video call" in listing.text
