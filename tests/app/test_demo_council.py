"""The demo council: exactly what ``reciprocity demo`` promises, read back from the database, and
every sign-in link it prints working once and landing on a home that shows the demo's data."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from uuid import UUID

import httpx
import pytest
from litestar import Litestar

from app import cli
from app.db import bind_engine, current_engine
from app.factory import create_app
from app.sealed import Sealer
from app.settings import Environment, Settings
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
    "Maggie Okonkwo, participant": ("/profile", "maggie.okonkwo@example.org"),
}
"""Each demo account's home, and something of the demo's that it shows."""


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
            again = await http.post(path, data={"_csrf_token": token})
            assert again.status_code == 400
            assert "This link has expired" in again.text
