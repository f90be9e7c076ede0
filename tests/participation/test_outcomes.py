"""'You said, we did': recorded with reasons, sent once to the selected people who can be
contacted, discreetly to those at risk, and the rest listed for the coordinator."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from app.errors import Conflict
from app.sealed import Sealer
from app.tables import OutboxMessage
from app.web.forms import FormInvalid, parse_form
from participation.services import outcomes, profiles
from participation.services.selection import Sender
from participation.tables import Expression, Outcome
from tests.participation.conftest import COORDINATOR, add_person
from tests.participation.recruiting import published

SENDER = Sender(mail_from="team@northshire.example", public_url="https://x.example")
FORM = outcomes.OutcomeForm(
    said="The forms were too long", did="We cut the form to one page", changed="yes"
)


async def _selected(sealer: Sealer, opportunity: UUID, name: str, **kwargs: object) -> UUID:
    subject = await add_person(sealer, name, **kwargs)
    await Expression.insert(
        Expression(
            id=uuid4(),
            opportunity=opportunity,
            subject=subject,
            once=f"{opportunity}:{subject}",
            status="selected",
        )
    )
    return subject


def test_an_outcome_that_did_not_change_says_why() -> None:
    with pytest.raises(FormInvalid) as problem:
        parse_form(outcomes.OutcomeForm, {"said": "More evening sessions", "changed": "no"})

    assert [(e.field, e.message) for e in problem.value.errors] == [
        ("why_not", "Explain why it did not change, or only partly")
    ]


async def test_sending_is_once_and_reaches_only_those_who_can_be_contacted(
    sealer: Sealer,
) -> None:
    opportunity = await published(title="Refuge services review")
    ada = await _selected(sealer, opportunity, "Ada", email="ada@example.org")
    dee = await _selected(sealer, opportunity, "Dee", email="dee@example.org", safe_contact=True)
    bo = await _selected(sealer, opportunity, "Bo", email=None, phone="07700 900401", route="phone")
    quiet = await _selected(sealer, opportunity, "Cy", email="cy@example.org")
    await profiles.set_paused(quiet, True, COORDINATOR)
    outcome = await outcomes.record(opportunity, FORM, COORDINATOR)

    sent = await outcomes.send(sealer, opportunity, outcome, COORDINATOR, SENDER)
    with pytest.raises(Conflict):
        await outcomes.send(sealer, opportunity, outcome, COORDINATOR, SENDER)

    assert (sent.emailed, [p.subject for p in sent.by_hand], sent.not_contactable) == (2, [bo], 1)
    owners = sorted(str(r["owner"]) for r in await OutboxMessage.select(OutboxMessage.owner))
    assert owners == sorted([str(ada), str(dee)])
    row = await Outcome.select().where(Outcome.id == outcome).first()
    assert row is not None
    assert row["sent_at"] is not None
    texts = {}
    for message in await OutboxMessage.select():
        opened = (await sealer.open(OutboxMessage, message))["message"]
        assert opened is not None
        texts[message["owner"]] = opened.reveal()
    assert "We cut the form to one page" in texts[ada]
    assert "Refuge" not in texts[dee]
    assert "forms were too long" not in texts[dee]
    by_hand = await outcomes.to_tell_by_hand(sealer, opportunity, COORDINATOR)
    assert [(p.subject, p.route) for p in by_hand] == [(bo, "phone")]
