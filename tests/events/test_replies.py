"""Replying from the link in the email and on "Your events": only a button press acts, a wrong
or stale link writes nothing, and a full event puts people on the waiting list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import httpx
from litestar import Litestar

from app.auth import accounts
from app.datamap import Role
from app.factory import provide_sealer
from app.sealed import Sealer
from events.services import invitations, scheduling
from events.tables import Event, Invitation
from tests.events.conftest import ORGANISER, SENDER, panel
from tests.support.auth import csrf_headers, make_account, sign_in

THREE = {n: {"email": f"{n}@example.org"} for n in ("ann", "bo", "cy")}


async def _invited(sealer: Sealer, **people: dict[str, object]) -> tuple[UUID, dict[str, UUID]]:
    """An event with these people invited; their invitation ids by name."""
    setup = await panel(sealer, **people)
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    by_subject = {row["subject"]: row["id"] for row in await Invitation.select()}
    return setup.event, {name: by_subject[s] for name, s in setup.people.items()}


def _link(invitation: UUID) -> str:
    return f"/events/reply/{invitation}/{invitations.reply_token(SENDER.secret_key, invitation)}"


async def _answer(client: httpx.AsyncClient, path: str, answer: str) -> httpx.Response:
    return await client.post(path, data={"answer": answer}, headers=await csrf_headers(client))


async def _state(invitation: UUID) -> tuple[str, str]:
    row = await Invitation.select(Invitation.reply, Invitation.replied_via).where(
        Invitation.id == invitation
    )
    return row[0]["reply"], row[0]["replied_via"]


async def test_opening_the_link_only_shows_and_a_button_replies(
    client: httpx.AsyncClient, sealer: Sealer
) -> None:
    _, ids = await _invited(sealer, ann=THREE["ann"])
    link = _link(ids["ann"])

    shown = await client.get(link)
    unchanged = await _state(ids["ann"])
    replied = await _answer(client, link, "declined")
    thanks = await client.get(replied.headers["location"])

    assert shown.status_code == 200
    assert "Housing support evaluation panel" in shown.text
    assert "County Hall, Committee Room 2" in shown.text
    for label in ("Yes, I will come", "Maybe", "I can't make it"):
        assert label in shown.text
    assert unchanged == ("invited", "")
    assert replied.status_code == 303
    assert replied.headers["location"] == f"{link}?replied=1"
    assert await _state(ids["ann"]) == ("declined", "link")
    assert "You do not need to give a reason" in thanks.text


async def test_a_safe_contact_persons_link_page_has_no_title(
    client: httpx.AsyncClient, sealer: Sealer
) -> None:
    _, ids = await _invited(sealer, cy={"email": "cy@example.org", "safe_contact": True})

    shown = await client.get(_link(ids["cy"]))

    assert shown.status_code == 200
    assert "Housing support" not in shown.text
    assert "Meeting" in shown.text


async def test_a_wrong_token_or_unknown_invitation_is_not_found_and_writes_nothing(
    client: httpx.AsyncClient, sealer: Sealer
) -> None:
    _, ids = await _invited(sealer, ann=THREE["ann"])
    wrong = f"/events/reply/{ids['ann']}/{'0' * 32}"
    stranger = uuid4()
    unknown = f"/events/reply/{stranger}/{invitations.reply_token(SENDER.secret_key, stranger)}"

    answers = [
        (await client.get(wrong)).status_code,
        (await _answer(client, wrong, "accepted")).status_code,
        (await client.get(unknown)).status_code,
        (await _answer(client, unknown, "accepted")).status_code,
    ]

    assert answers == [404, 404, 404, 404]
    assert "This link does not work" in (await client.get(wrong)).text
    assert await _state(ids["ann"]) == ("invited", "")


async def test_a_missing_answer_is_a_400_naming_the_field(
    client: httpx.AsyncClient, sealer: Sealer
) -> None:
    _, ids = await _invited(sealer, ann=THREE["ann"])

    response = await _answer(client, _link(ids["ann"]), "maybe-later")

    assert response.status_code == 400
    assert 'href="#answer"' in response.text
    assert "Select whether you can come" in response.text
    assert await _state(ids["ann"]) == ("invited", "")


async def test_a_cancelled_event_says_so_and_writes_nothing(
    client: httpx.AsyncClient, sealer: Sealer
) -> None:
    event, ids = await _invited(sealer, ann=THREE["ann"])
    await scheduling.cancel(event, ORGANISER)

    shown = await client.get(_link(ids["ann"]))
    replied = await _answer(client, _link(ids["ann"]), "accepted")

    assert shown.status_code == 409
    assert "This event has been cancelled" in shown.text
    assert "Yes, I will come" not in shown.text
    assert replied.status_code == 409
    assert "This event was cancelled" in replied.text
    assert await _state(ids["ann"]) == ("invited", "")


async def test_a_started_event_is_closed_to_replies(
    client: httpx.AsyncClient, sealer: Sealer
) -> None:
    event, ids = await _invited(sealer, ann=THREE["ann"])
    began = datetime.now(UTC) - timedelta(minutes=5)
    await Event.update({Event.starts_at: began}).where(Event.id == event)

    shown = await client.get(_link(ids["ann"]))
    replied = await _answer(client, _link(ids["ann"]), "accepted")

    assert shown.status_code == 409
    assert "already started, so replies are closed" in shown.text
    assert replied.status_code == 409
    assert "already started" in replied.text
    assert await _state(ids["ann"]) == ("invited", "")


async def _as(app: Litestar, client: httpx.AsyncClient, subject: UUID) -> None:
    new = accounts.NewAccount("participant", None, "Ann", (Role.participant,), account_id=subject)
    await accounts.create(provide_sealer(app.state), new, ORGANISER)
    await sign_in(app, client, subject)


async def test_a_full_event_puts_people_on_the_waiting_list_offered_in_order(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    _, ids = await _invited(sealer, **THREE)
    for name in ("ann", "bo"):
        await _answer(client, _link(ids[name]), "accepted")

    third = await _answer(client, _link(ids["cy"]), "accepted")
    waiting = await client.get(third.headers["location"])
    assert "The event is full, so you are on the waiting list" in waiting.text
    assert await _state(ids["cy"]) == ("waiting", "link")

    participants = await Invitation.select(Invitation.subject).where(Invitation.id == ids["ann"])
    await _as(running_app, client, participants[0]["subject"])
    changed = await _answer(client, f"/profile/events/{ids['ann']}/reply", "declined")
    mine = await client.get(changed.headers["location"])

    assert changed.status_code == 303
    assert changed.headers["location"] == "/profile/events?saved=declined"
    assert "You do not need to give a reason" in mine.text
    assert await _state(ids["ann"]) == ("declined", "web")
    assert (await _state(ids["cy"]))[0] == "accepted"


async def test_your_events_shows_only_yours_and_guards_others_invitations(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    event, ids = await _invited(sealer, ann=THREE["ann"])
    other_event, others = await _invited(sealer, bo=THREE["bo"])
    await Event.update({Event.title: "Somebody else's workshop"}).where(Event.id == other_event)
    ann = (await Invitation.select(Invitation.subject).where(Invitation.id == ids["ann"]))[0]
    await _as(running_app, client, ann["subject"])

    mine = await client.get("/profile/events")
    theirs = await _answer(client, f"/profile/events/{others['bo']}/reply", "declined")
    nobody = await _answer(client, f"/profile/events/{uuid4()}/reply", "declined")
    empty = await _answer(client, f"/profile/events/{ids['ann']}/reply", "")

    assert mine.status_code == 200
    assert "Housing support evaluation panel" in mine.text
    assert "Somebody else" not in mine.text
    assert "Not replied yet" in mine.text
    assert f'action="/profile/events/{ids["ann"]}/reply"' in mine.text
    assert (theirs.status_code, nobody.status_code) == (404, 404)
    assert await _state(others["bo"]) == ("invited", "")
    assert empty.status_code == 400
    assert f'href="#answer-{ids["ann"]}"' in empty.text
    assert await _state(ids["ann"]) == ("invited", "")
    assert event != other_event


async def test_staff_cannot_open_your_events(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    coordinator = await make_account(running_app, "staff", (Role.coordinator,))
    await sign_in(running_app, client, coordinator)

    response = await client.get("/profile/events")

    assert response.status_code == 403
