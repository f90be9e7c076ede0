"""The coordinator's home, /today: each domain's counts, in sentences, linked, most urgent first."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import httpx
import pytest
from litestar import Litestar

from app.auth import totp
from app.datamap import Role
from events.services import ics
from events.tables import Event, FollowUp, Invitation, LogisticsItem
from participation.tables import Expression, Opportunity, Participant
from tests.app.test_sign_in import PASSWORD, post_form, staff_with_mfa
from tests.support.auth import make_account, sign_in

NOW = datetime.now(UTC)


async def _opportunity(title: str, closes_in: timedelta, received: int, shortlisted: int) -> UUID:
    opportunity = uuid4()
    await Opportunity.insert(
        Opportunity(
            id=opportunity,
            title=title,
            activity="evaluation_panel",
            rung_planned="co_production",
            closes_at=NOW + closes_in,
            status="published",
        )
    )
    for status in ["received"] * received + ["shortlisted"] * shortlisted:
        subject = uuid4()
        await Participant.insert(Participant(id=subject, consents="register,contact"))
        await Expression.insert(
            Expression(
                id=uuid4(),
                opportunity=opportunity,
                subject=subject,
                once=str(uuid4()),
                status=status,
            )
        )
    return opportunity


async def _event(title: str, starts_in: timedelta) -> UUID:
    event = uuid4()
    starts = NOW + starts_in
    await Event.insert(
        Event(
            id=event,
            kind="panel",
            title=title,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
        )
    )
    return event


async def _invite(event: UUID, *, attended: bool | None, minutes: int | None = None) -> None:
    await Invitation.insert(
        Invitation(
            id=uuid4(),
            event=event,
            subject=uuid4(),
            once=str(uuid4()),
            reply="accepted",
            attended=attended,
            minutes=minutes,
        )
    )


async def _seed() -> dict[str, UUID]:
    """Something for every provider, plus things that must not show."""
    soon = await _opportunity("Housing panel", timedelta(days=2), received=2, shortlisted=1)
    later = await _opportunity("Carers survey", timedelta(days=20), received=1, shortlisted=0)
    await _opportunity("All looked at", timedelta(days=5), received=0, shortlisted=3)
    old = NOW - timedelta(days=400)
    await Participant.insert(
        Participant(id=uuid4(), consents="register,contact", last_active_at=old),
        Participant(id=uuid4(), consents="register", last_active_at=old),  # no contact consent
        Participant(id=uuid4(), consents="register,contact", last_active_at=old, paused_at=old),
        Participant(
            id=uuid4(), consents="register", last_active_at=old, reminded_at=NOW - timedelta(days=3)
        ),
    )
    came_back = uuid4()  # quiet on the register, but expressed interest this week
    await Participant.insert(Participant(id=came_back, consents="contact", last_active_at=old))
    await Expression.insert(
        Expression(id=uuid4(), opportunity=later, subject=came_back, once="x", status="selected")
    )
    for due in (NOW - timedelta(days=1), NOW - timedelta(days=2)):
        await FollowUp.insert(FollowUp(id=uuid4(), event=uuid4(), subject=uuid4(), due_at=due))
    await FollowUp.insert(
        FollowUp(id=uuid4(), event=uuid4(), subject=uuid4(), due_at=NOW + timedelta(days=5)),
        FollowUp(id=uuid4(), event=uuid4(), subject=uuid4(), due_at=NOW + timedelta(days=9)),
    )
    await FollowUp.insert(
        FollowUp(
            id=uuid4(), event=uuid4(), subject=uuid4(), due_at=NOW - timedelta(days=3), done_at=NOW
        )
    )
    market = await _event("Market event", timedelta(days=3))
    workshop = await _event("Design workshop", timedelta(days=30))
    for event, status in (
        (market, "to_do"),
        (market, "booked"),
        (workshop, "to_do"),
        (workshop, "to_do"),
    ):
        await LogisticsItem.insert(
            LogisticsItem(id=uuid4(), event=event, subject=uuid4(), need="taxi", status=status)
        )
    past = await _event("Steering group", -timedelta(days=5))
    await _invite(past, attended=None)
    await _invite(past, attended=True, minutes=120)
    return {"soon": soon, "later": later, "market": market, "workshop": workshop, "past": past}


def _items(html: str) -> list[tuple[str, str, str]]:
    """(group heading, urgency tag, link text and href) in page order."""
    found = []
    group = ""
    for match in re.finditer(
        r'<h2 class="govuk-heading-m"[^>]*>([^<]+)</h2>|<li class="app-today-item">(.*?)</li>',
        html,
        re.S,
    ):
        if match.group(1):
            group = match.group(1)
            continue
        tag = re.search(r'govuk-tag[^"]*">([^<]+)<', match.group(2))
        link = re.search(r'href="([^"]+)">([^<]+)</a>', match.group(2))
        assert link
        found.append((group, tag.group(1) if tag else "", f"{link.group(2)} -> {link.group(1)}"))
    return found


async def _as_coordinator(app: Litestar, client: httpx.AsyncClient) -> None:
    await sign_in(app, client, await make_account(app, "staff", (Role.coordinator,)))


async def test_every_domain_says_what_needs_the_coordinator_most_urgent_first(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    made = await _seed()
    await _as_coordinator(running_app, client)

    page = await client.get("/today")

    assert page.status_code == 200
    soon = f"{(NOW + timedelta(days=2)).astimezone(ics.LONDON):%-d %B %Y}"
    later = f"{(NOW + timedelta(days=20)).astimezone(ics.LONDON):%-d %B %Y}"
    assert _items(page.text) == [
        (
            "Follow-ups and debriefs",
            "Urgent",
            "2 follow-ups after a sensitive session are overdue -> /follow-ups",
        ),
        (
            "Follow-ups and debriefs",
            "",
            "2 follow-ups after a sensitive session are waiting; the next is due on "
            f"{ics.when(NOW + timedelta(days=5)).split(' at ')[0]} -> /follow-ups",
        ),
        (
            "Bookings for events",
            "Urgent",
            f"1 access or travel need not booked yet for Market event on {_when(made, 'market')}"
            f" -> /events/{made['market']}/logistics",
        ),
        (
            "Bookings for events",
            "Soon",
            f"2 access or travel needs not booked yet for Design workshop on "
            f"{_when(made, 'workshop')} -> /events/{made['workshop']}/logistics",
        ),
        (
            "Recruitment",
            "Soon",
            f"Housing panel: 2 new expressions of interest to look at (closes on {soon})"
            f" -> /opportunities/{made['soon']}/board?status=received",
        ),
        (
            "Recruitment",
            "",
            f"Carers survey: 1 new expression of interest to look at (closes on {later}) "
            f"-> /opportunities/{made['later']}/board?status=received",
        ),
        (
            "Keeping in touch",
            "Soon",
            "1 person was reminded that their details will be deleted and has not come back"
            " -> /people",
        ),
        (
            "Keeping in touch",
            "",
            "1 person who agreed to be contacted has not heard from us for over 6 months"
            " -> /people/quiet",
        ),
        (
            "Payments",
            "Soon",
            "1 person who came to Steering group is waiting for a fee to be proposed"
            " -> /finance/fees",
        ),
        (
            "After events",
            "",
            f"Attendance is not recorded for 1 person at Steering group"
            f" -> /events/{made['past']}/attendance",
        ),
    ]


def _when(made: dict[str, UUID], key: str) -> str:
    return ics.when(NOW + (timedelta(days=3) if key == "market" else timedelta(days=30)))


async def test_nothing_waiting_says_so_calmly(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    await _opportunity("All looked at", timedelta(days=5), received=0, shortlisted=2)
    await _as_coordinator(running_app, client)

    page = await client.get("/today")

    assert page.status_code == 200
    assert _items(page.text) == []
    assert "Nothing needs you" in page.text


@pytest.mark.parametrize("roles", [(Role.participant,), (Role.organiser,), (Role.finance,)])
async def test_only_coordinators_and_admins_see_it(
    running_app: Litestar, client: httpx.AsyncClient, roles: tuple[str, ...]
) -> None:
    kind = "participant" if roles == (Role.participant,) else "staff"
    await sign_in(running_app, client, await make_account(running_app, kind, roles))

    assert (await client.get("/today")).status_code == 403


async def test_an_admin_may_look_and_anonymous_is_sent_to_sign_in(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    anonymous = await client.get("/today")
    await sign_in(running_app, client, await make_account(running_app, "staff", (Role.admin,)))
    admin = await client.get("/today")

    assert (anonymous.status_code, anonymous.headers["location"]) == (303, "/sign-in")
    assert admin.status_code == 200


async def test_coordinators_land_on_today_after_signing_in(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    secret = await staff_with_mfa(running_app, client, "cora.today@northshire.example")
    await post_form(
        client, "/sign-in/staff", {"email": "cora.today@northshire.example", "password": PASSWORD}
    )
    done = await post_form(
        client, "/sign-in/two-step", {"code": totp.code_at(secret, time.time() + 30)}
    )
    menu = await client.get("/account")

    assert (done.status_code, done.headers["location"]) == (303, "/today")
    assert re.search(r'<a [^>]*href="/today"[^>]*>\s*Today\s*</a>', menu.text)
