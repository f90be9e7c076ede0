"""The demo council: exactly what ``reciprocity demo`` promises, read back from the database, and
every sign-in link it prints working once and landing on a home that shows the demo's data."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email import message_from_string
from email.policy import default
from uuid import UUID

import httpx
import pytest
from litestar import Litestar

from app import cli
from app import demo as kernel_demo
from app.db import bind_engine, current_engine
from app.factory import create_app
from app.sealed import Sealer
from app.settings import Environment, Settings
from app.tables import OutboxMessage
from events.tables import Event, Invitation, LogisticsItem
from participation.services import opportunities, profiles
from participation.tables import CommissioningWork, Expression, Opportunity, Participant
from payments.services import ledger
from payments.tables import ExportBatch, LedgerEntry, PaymentChoice
from tests.conftest import RESPONSE_TRAP, TEST_SECRET
from tests.support.auth import form_token

LANDINGS = {
    "Priya Sharma, coordinator": ("/today", "Meet the providers: housing support market event"),
    "Tom Reilly, organiser": ("/events", "Housing support market event: afternoon two"),
    "Helen Carter, finance": ("/finance", "Batches (2)"),
    "Chris Adebayo, admin": ("/staff", "Helen Carter"),
    "Jordan, participant": ("/profile", "jordan@example.org"),
    "Gwen Morgan, participant, in Welsh": ("/profile", "gwen.morgan@example.org"),
}
"""Each demo account's home, and something of the demo's that it shows."""
WELSH = "Gwen Morgan, participant, in Welsh"
HOUSING = "Help us choose the new housing support provider"


@pytest.fixture
async def council(sealer: Sealer, monkeypatch: pytest.MonkeyPatch) -> Sealer:
    monkeypatch.setenv("RECIPROCITY_SECRET_KEY", TEST_SECRET)  # the events demo's reply links
    monkeypatch.setenv("RECIPROCITY_ENVIRONMENT", "test")
    assert await cli._state() in ("empty", "demo")  # the audit mark outlives emptied tables
    await cli._populate(sealer)
    return sealer


@pytest.fixture
async def dev_app(running_app: Litestar, engine_settings: Settings) -> AsyncIterator[Litestar]:
    """The same database served in development, where the one-time sign-in route exists."""
    engine = current_engine()
    app = create_app(engine_settings.model_copy(update={"environment": Environment.development}))
    try:
        async with app.lifespan():
            yield app
    finally:
        bind_engine(engine)


async def _ledger_of(people: set[UUID]) -> list[ledger.EntryView]:
    """The demo's entries (the ledger is append-only: earlier tests' entries stay)."""
    rows = await LedgerEntry.select().where(LedgerEntry.subject.is_in(list(people)))
    return await ledger.views(rows)


async def test_the_council_holds_exactly_what_it_promises(council: Sealer) -> None:
    people = {row["id"] for row in await Participant.select(Participant.id)}
    entries = await _ledger_of(people)

    assert len(people) == 200
    assert await Participant.count().where(Participant.paused_at.is_not_null()) == 9
    assert sorted(row["stage"] for row in await CommissioningWork.select()) == [1, 3, 5]
    assert sorted(row["status"] for row in await Opportunity.select(Opportunity.status)) == [
        "archived",
        "closed",
        "published",
        "published",
    ]
    assert {row["status"] for row in await Expression.select(Expression.status)} == {
        "received",
        "shortlisted",
        "selected",
        "reserve",
        "not_selected",
        "withdrawn",
    }
    assert {entry.state for entry in entries} == {
        "proposed",
        "approved",
        "batched",
        "paid",
        "reversed",
    }
    assert {entry.kind for entry in entries} == {"fee", "expense", "voucher", "reversal"}
    assert {row["choice"] for row in await PaymentChoice.select(PaymentChoice.choice)} == {
        "expenses_only",
        "reduced",
        "voucher",
        "charity",
        "full",
    }
    assert await ExportBatch.count().where(ExportBatch.status == "locked") == 1
    assert await ExportBatch.count().where(ExportBatch.status == "paid") == 1
    assert await cli._state() == "demo"


async def test_every_printed_link_works_once_and_lands_on_a_home_with_demo_data(
    council: Sealer, dev_app: Litestar
) -> None:
    links = await cli._links(council, TEST_SECRET, "http://testserver")

    assert [who for who, _ in links] == list(LANDINGS)
    transport = RESPONSE_TRAP.watch_urls(httpx.ASGITransport(app=dev_app))
    for who, link in links:
        path = link.removeprefix("http://testserver")
        assert re.fullmatch(r"/sign-in/dev/[\w-]{40,}", path)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            token = form_token((await http.get(path)).text)
            signed_in = await http.post(path, data={"_csrf_token": token})
            home, shows = LANDINGS[who]
            assert (signed_in.status_code, signed_in.headers["location"]) == (303, home), who
            page = await http.get(home)
            assert page.status_code == 200, who
            assert shows in page.text, who
            lang = "cy" if who == WELSH else "en-GB"
            assert f'<html lang="{lang}"' in page.text, who
            again = await http.post(path, data={"_csrf_token": token})
            assert again.status_code == 400
            assert "This link has expired" in again.text


@asynccontextmanager
async def _signed_in_as(
    who: str, sealer: Sealer, app: Litestar
) -> AsyncIterator[httpx.AsyncClient]:
    """A client signed in with the demo's printed link for ``who``."""
    link = dict(await cli._links(sealer, TEST_SECRET, "http://testserver"))[who]
    transport = RESPONSE_TRAP.watch_urls(httpx.ASGITransport(app=app))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        path = link.removeprefix("http://testserver")
        token = form_token((await http.get(path)).text)
        assert (await http.post(path, data={"_csrf_token": token})).status_code == 303
        yield http


async def _day_one_invitation(subject: UUID) -> UUID:
    event = await Event.select(Event.id).where(Event.title == "Housing support panel: day 1")
    row = (
        await Invitation.select(Invitation.id, Invitation.reply)
        .where((Invitation.event == event[0]["id"]) & (Invitation.subject == subject))
        .first()
    )
    assert row is not None
    assert row["reply"] == "accepted"
    return UUID(str(row["id"]))


async def test_jordan_sees_the_invitation_in_easy_read_what_changed_and_what_they_will_be_paid(
    council: Sealer, dev_app: Litestar
) -> None:
    jordan = await profiles.find_by_email(council, kernel_demo.DEMO_PARTICIPANT_EMAIL)
    assert jordan is not None
    invitation = await _day_one_invitation(jordan)
    housing = (await opportunities.open_now())[0]["id"]
    taxi = await LogisticsItem.select().where(
        (LogisticsItem.subject == jordan) & (LogisticsItem.need == "taxi")
    )

    async with _signed_in_as("Jordan, participant", council, dev_app) as http:
        events = await http.get("/profile/events")
        easy = await http.get(f"/profile/events/{invitation}/easy-read")
        changed = await http.get("/profile/what-changed")
        paid = await http.get(f"/your-payments/{housing}/what-you-will-be-paid/easy-read")
        large = await http.get(f"/your-payments/{housing}/what-you-will-be-paid/large-print")

    assert [(row["status"], row["cost_pence"]) for row in taxi] == [("booked", 1800)]
    assert events.status_code == 200
    assert f'href="/profile/events/{invitation}/easy-read"' in events.text
    assert f'href="/profile/events/{invitation}/large-print"' in events.text
    assert easy.status_code == 200
    assert "Housing support panel: day 1" in easy.text
    assert changed.status_code == 200
    assert "Carers&#39; breaks: tell us what worked" in changed.text
    assert "Breaks now last at least four hours and can be booked online or by text." in (
        changed.text
    )
    outcome = re.findall(r'href="/profile/what-changed/([\w-]+)/easy-read"', changed.text)
    assert len(outcome) == 1
    async with _signed_in_as("Jordan, participant", council, dev_app) as http:
        easy_outcome = await http.get(f"/profile/what-changed/{outcome[0]}/easy-read")
    assert "You said the breaks were too short." in easy_outcome.text
    for page in (paid, large):
        assert page.status_code == 200
        assert "What you will be paid" in page.text
        assert HOUSING in page.text
        assert "£25" in page.text


async def test_gwen_reads_her_pages_and_was_written_to_in_welsh(
    council: Sealer, dev_app: Litestar
) -> None:
    gwen = await profiles.find_by_email(council, kernel_demo.SECOND_PARTICIPANT_EMAIL)
    assert gwen is not None
    invitation = await _day_one_invitation(gwen)
    housing = (await opportunities.open_now())[0]["id"]
    subjects = set()
    for message in await OutboxMessage.select().where(OutboxMessage.owner == gwen):
        opened = (await council.open(OutboxMessage, message))["message"]
        assert opened is not None
        subjects.add(str(message_from_string(opened.reveal(), policy=default)["Subject"]))

    async with _signed_in_as(WELSH, council, dev_app) as http:
        events = await http.get("/profile/events")
        paid = await http.get(f"/your-payments/{housing}/what-you-will-be-paid/large-print")

    assert subjects == {
        "Diweddariad gennym ni",
        "Gwahoddiad: Housing support panel: day 1",
    }
    for page in (events, paid):
        assert page.status_code == 200
        assert '<html lang="cy"' in page.text
    assert f'href="/profile/events/{invitation}/easy-read"' in events.text
    assert "Eich digwyddiadau" in events.text
    assert "Beth fyddwch chi’n cael eich talu" in paid.text
    assert "Eich ffi" in paid.text
