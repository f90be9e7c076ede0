"""The review board: statuses move in bulk, each person is told their way, blind boards name
nobody."""

from __future__ import annotations

from uuid import UUID

from app import audit
from app.sealed import Sealer
from app.tables import OutboxMessage
from participation.schemas.recruitment import Interest, StatusChange
from participation.services import expressions, opportunities, selection
from tests.participation.conftest import COORDINATOR, add_person
from tests.participation.recruiting import published
from tests.support.canaries import canary

SENDER = selection.Sender(mail_from="team@northshire.example", public_url="https://x.example")


async def _applied(sealer: Sealer, opportunity: UUID, name: str, **contact: object) -> UUID:
    subject = await add_person(sealer, name, **contact)
    first = (await opportunities.questions_of(opportunity))[0]
    await expressions.express(
        sealer,
        opportunity,
        subject,
        Interest(answers={str(first["id"]): "Because I know the service"}),
        audit.Actor(id=str(subject), role="participant"),
    )
    return subject


async def test_bulk_changes_email_those_who_chose_email_and_list_the_rest(sealer: Sealer) -> None:
    opportunity = await published()
    ada = await _applied(sealer, opportunity, "Ada", email="ada@example.org")
    bo = await _applied(sealer, opportunity, "Bo", email=None, phone="07700 900401", route="phone")
    board = await selection.board(sealer, opportunity, COORDINATOR)

    moved = await selection.set_status(
        sealer,
        opportunity,
        StatusChange(expressions=[a.expression for a in board], status="shortlisted"),
        COORDINATOR,
        SENDER,
    )
    again = await selection.set_status(
        sealer,
        opportunity,
        StatusChange(expressions=[a.expression for a in board], status="shortlisted"),
        COORDINATOR,
        SENDER,
    )

    assert (moved, again) == (2, 0)
    after = {
        a.subject: (a.status, a.told)
        for a in await selection.board(sealer, opportunity, COORDINATOR)
    }
    assert after == {ada: ("shortlisted", True), bo: ("shortlisted", False)}
    assert [row["owner"] for row in await OutboxMessage.select(OutboxMessage.owner)] == [ada]


def test_messages_are_kind_and_discreet_for_people_at_risk() -> None:
    for status in selection.TOLD_BY_EMAIL:
        plain = selection.message_for(status, "Domestic abuse refuge review", False)
        discreet = selection.message_for(status, "Domestic abuse refuge review", True)
        assert "Domestic abuse refuge review" in plain
        assert "Domestic abuse" not in discreet
        assert "reject" not in (plain + discreet).lower()


async def test_a_blind_board_names_nobody(sealer: Sealer) -> None:
    opportunity = await published()
    name = canary("applicant")
    await _applied(
        sealer,
        opportunity,
        name,
        email="blind@example.org",
    )

    blind = await selection.board(sealer, opportunity, COORDINATOR, blind=True)
    seen = await selection.board(sealer, opportunity, COORDINATOR)

    assert [a.name for a in blind] == [None]
    assert name not in repr([a.__dict__ for a in blind])
    assert [a.name.reveal() if a.name else "" for a in seen] == [name]
    assert list(blind[0].answers.values()) == ["Because I know the service"]


async def test_safe_contact_people_get_no_programme_name(sealer: Sealer) -> None:
    opportunity = await published(title="Refuge services review")
    subject = await _applied(
        sealer,
        opportunity,
        "Dee",
        email="dee@example.org",
        safe_contact=True,
    )
    board = await selection.board(sealer, opportunity, COORDINATOR)

    await selection.set_status(
        sealer,
        opportunity,
        StatusChange(expressions=[board[0].expression], status="selected"),
        COORDINATOR,
        SENDER,
    )

    row = await OutboxMessage.select().where(OutboxMessage.owner == subject).first()
    assert row is not None
    text = (await sealer.open(OutboxMessage, row))["message"]
    assert text is not None
    assert "Refuge" not in text.reveal()
    assert "you have a place" in text.reveal()
