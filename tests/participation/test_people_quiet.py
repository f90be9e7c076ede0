"""/people/quiet: the people /today counts as not heard from, named and linked, and nobody else.

People are made the way the service makes them (sealed names), then aged by setting when they
were last active; interest and invitations are rows as recruitment writes them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import httpx
import pytest
from litestar import Litestar

from app.datamap import Role
from app.sealed import Sealer
from app.tables import AuditEvent
from participation.services import attention
from participation.tables import Expression, InterestInvitation, Participant
from tests.participation.conftest import add_person
from tests.support.auth import make_account, sign_in

NOW = datetime.now(UTC)
LONG_AGO = NOW - timedelta(days=attention.QUIET_DAYS + 20)
ROW_LINK = re.compile(
    r'<th scope="row" class="govuk-table__header">\s*<a class="govuk-link" '
    r'href="/people/([0-9a-f-]{36})">([^<]+)</a>'
)


async def _person(
    sealer: Sealer,
    name: str,
    *,
    active: datetime = LONG_AGO,
    paused: bool = False,
    consents: tuple[str, ...] = ("register", "contact"),
    safe_contact: bool = False,
) -> UUID:
    email = f"{name.lower().replace(' ', '.')}@example.org"
    subject = await add_person(
        sealer, name, email=email, consents=consents, safe_contact=safe_contact
    )
    await Participant.update(
        {Participant.last_active_at: active, Participant.paused_at: active if paused else None}
    ).where(Participant.id == subject)
    return subject


async def _seed(sealer: Sealer) -> dict[str, UUID]:
    """One of each kind the definition must tell apart."""
    made = {
        "quietest": await _person(sealer, "Quinn Quiet", active=LONG_AGO - timedelta(days=100)),
        "quiet": await _person(sealer, "Ada Away", safe_contact=True),
        "old_interest": await _person(sealer, "Olu Older", active=LONG_AGO - timedelta(days=50)),
        "recent": await _person(sealer, "Rae Recent", active=NOW - timedelta(days=10)),
        "paused": await _person(sealer, "Pat Paused", paused=True),
        "no_contact": await _person(sealer, "Nell Nocontact", consents=("register",)),
        "interested": await _person(sealer, "Ivy Interested"),
        "invited": await _person(sealer, "Ian Invited"),
    }
    await Expression.insert(
        Expression(id=uuid4(), opportunity=uuid4(), subject=made["interested"], once="a"),
        Expression(
            id=uuid4(),
            opportunity=uuid4(),
            subject=made["old_interest"],
            once="b",
            created_at=LONG_AGO,
        ),
    )
    await InterestInvitation.insert(
        InterestInvitation(id=uuid4(), opportunity=uuid4(), subject=made["invited"], once="c")
    )
    return made


def _rows(response: httpx.Response) -> list[tuple[UUID, str]]:
    assert response.status_code == 200, response.text
    return [(UUID(found), name) for found, name in ROW_LINK.findall(response.text)]


@pytest.fixture
async def coordinator(running_app: Litestar, client: httpx.AsyncClient) -> UUID:
    account = await make_account(running_app, "staff", (Role.coordinator,))
    await sign_in(running_app, client, account)
    return account


async def test_lists_exactly_the_people_not_heard_from_quietest_first(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer
) -> None:
    made = await _seed(sealer)

    page = await client.get("/people/quiet")

    assert _rows(page) == [
        (made["quietest"], "Quinn Quiet"),
        (made["old_interest"], "Olu Older"),
        (made["quiet"], "Ada Away"),
    ]
    assert '<h1 class="govuk-heading-l">People we have not heard from</h1>' in page.text
    assert (
        "These people agreed to be contacted but have not heard from us for over 6 months. "
        "Get in touch or ask whether they want to stay on the register." in page.text
    )
    assert '<h2 class="govuk-heading-m" id="results">3 people</h2>' in page.text
    assert page.text.count("Take care: safe contact") == 1
    assert page.text.split("Ada Away", 1)[1].index("Take care") < 200
    assert "govuk-pagination" not in page.text


async def test_each_name_shown_is_audited_as_a_view_by_the_coordinator(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer
) -> None:
    made = await _seed(sealer)

    await client.get("/people/quiet")

    views = await AuditEvent.select(AuditEvent.subject, AuditEvent.field_group).where(
        (AuditEvent.actor == str(coordinator)) & (AuditEvent.purpose == "people not heard from")
    )
    assert sorted((str(row["subject"]), row["field_group"]) for row in views) == sorted(
        (str(made[key]), "identity") for key in ("quietest", "quiet", "old_interest")
    )


async def test_the_link_on_today_lands_on_the_same_people(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer
) -> None:
    await _seed(sealer)

    today = await client.get("/today")
    link = re.search(r'href="([^"]+)">([^<]*not heard from us[^<]*)</a>', today.text)

    assert link is not None
    assert link.groups() == (
        "/people/quiet",
        "3 people who agreed to be contacted have not heard from us for over 6 months",
    )
    assert len(_rows(await client.get(link.group(1)))) == 3


async def test_nobody_to_get_in_touch_with_says_so_calmly(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer
) -> None:
    await _person(sealer, "Rae Recent", active=NOW - timedelta(days=10))

    page = await client.get("/people/quiet")

    assert _rows(page) == []
    assert (
        '<div class="govuk-inset-text">Everyone who agreed to be contacted has heard from us in '
        "the last 6 months. There is nobody to get back in touch with.</div>" in page.text
    )
    assert "not heard from us" not in (await client.get("/today")).text


async def test_many_people_come_a_page_at_a_time_and_a_bad_page_is_the_nearest_one(
    client: httpx.AsyncClient, coordinator: UUID, sealer: Sealer
) -> None:
    made = [
        await _person(sealer, f"Person {n:02d}", active=LONG_AGO - timedelta(days=n))
        for n in range(26)
    ]
    quietest_first = list(reversed(made))

    first = await client.get("/people/quiet")
    second = await client.get("/people/quiet?page=2")

    assert [subject for subject, _ in _rows(first)] == quietest_first[:25]
    assert [subject for subject, _ in _rows(second)] == quietest_first[25:]
    assert 'href="/people/quiet?page=2" rel="next"' in first.text
    assert 'href="/people/quiet?page=1" rel="prev"' in second.text
    assert _rows(await client.get("/people/quiet?page=abc")) == _rows(first)
    assert _rows(await client.get("/people/quiet?page=99")) == _rows(second)


@pytest.mark.parametrize("roles", [(Role.participant,), (Role.organiser,), (Role.finance,)])
async def test_only_coordinators_see_it(
    running_app: Litestar, client: httpx.AsyncClient, roles: tuple[str, ...]
) -> None:
    kind = "participant" if roles == (Role.participant,) else "staff"
    anonymous = await client.get("/people/quiet")
    await sign_in(running_app, client, await make_account(running_app, kind, roles))

    assert (anonymous.status_code, anonymous.headers["location"]) == (303, "/sign-in")
    assert (await client.get("/people/quiet")).status_code == 403
