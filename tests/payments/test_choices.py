"""The informed payment choice: the facts shown, the choice recorded (sealed, audited), locked
once a payment is approved; and the participant's pages over HTTP."""

from __future__ import annotations

from uuid import UUID

import httpx
import pytest
from litestar import Litestar

from app import audit
from app.errors import Conflict, DomainError, NotFound
from app.sealed import Sealer
from app.tables import AuditEvent
from payments.services import benefit_rules, benefits, choices, ledger, thresholds
from payments.tables import BenefitDeclaration, PaymentChoice
from tests.events.conftest import panel
from tests.payments.hc_support import (
    APPROVER,
    PROPOSER,
    approved_policy,
    as_person,
    declare,
    me,
    paid,
    signed_in,
)

COORDINATOR = audit.Actor(id="00000000-0000-4000-8000-00000000c0de", role="coordinator")


async def _placed(sealer: Sealer, *, with_policy: bool = True) -> tuple[UUID, UUID]:
    """Ann, selected for an opportunity with a 3-hour evaluation panel (£75 at £25 an hour)."""
    if with_policy:
        await approved_policy()
    made = await panel(sealer, ann={"email": "ann@example.org"})
    return made.people["ann"], made.opportunity


def _answer(**changes: str) -> choices.Answer:
    values = {"choice": "reduced", "reduced": "20.50", "advice": "no"}
    return choices.Answer(**(values | changes))


async def test_the_briefing_says_what_the_policy_pays(sealer: Sealer) -> None:
    ann, opportunity = await _placed(sealer)

    shown = await choices.briefing(sealer, ann, opportunity, me(ann))

    assert shown.offer.policy_title == "Northshire involvement payments, version 1"
    assert [(s.minutes, s.fee_pence) for s in shown.offer.sessions] == [(180, 7500)]
    assert shown.offer.fee_pence == 7500
    assert list(shown.offer.offered) == ["full", "reduced", "voucher", "charity", "expenses_only"]
    assert (shown.declared, shown.facts, shown.choice, shown.locked) == (None, [], None, False)
    assert shown.threshold_version == await thresholds.version()
    assert shown.general[:3] == choices.GENERAL[:3]
    assert "£1,000 or less in a tax year" in shown.general[-1]


async def test_a_policy_without_vouchers_does_not_offer_them(sealer: Sealer) -> None:
    await approved_policy(methods=["bank_transfer"])
    ann, opportunity = await _placed(sealer, with_policy=False)

    shown = await choices.briefing(sealer, ann, opportunity, me(ann))

    assert list(shown.offer.offered) == ["full", "reduced", "expenses_only"]
    with pytest.raises(DomainError) as refused:
        await choices.record(sealer, ann, opportunity, _answer(choice="voucher"), me(ann))
    assert [e.field for e in refused.value.errors] == ["choice"]


async def test_without_an_approved_policy_it_says_so_and_a_smaller_amount_waits(
    sealer: Sealer,
) -> None:
    ann, opportunity = await _placed(sealer, with_policy=False)

    shown = await choices.briefing(sealer, ann, opportunity, me(ann))
    with pytest.raises(DomainError) as refused:
        await choices.record(sealer, ann, opportunity, _answer(), me(ann))
    full = await choices.record(sealer, ann, opportunity, _answer(choice="full"), me(ann))

    assert (shown.offer.policy_title, shown.offer.fee_pence) == (None, None)
    assert refused.value.errors[0].message.startswith("We do not know the fee yet")
    assert (await choices.current(ann, opportunity) or shown).id == full  # type: ignore[union-attr]


async def test_the_choice_is_recorded_with_the_facts_sealed(sealer: Sealer) -> None:
    ann, opportunity = await _placed(sealer)
    await declare(sealer, ann, "ESA")

    made = await choices.record(sealer, ann, opportunity, _answer(), me(ann))

    view = await choices.current(ann, opportunity)
    assert view is not None
    assert (view.id, view.choice, view.method, view.reduced_pence, view.advice) == (
        made,
        "reduced",
        "reduced_amount",
        2050,
        "no",
    )
    assert view.words == "A smaller amount: £20.50"
    assert view.threshold_version == await thresholds.version()
    assert view.wording_version == choices.WORDING_VERSION
    assert view.chosen_by is None  # she chose herself
    raw = await PaymentChoice.raw("SELECT facts FROM payment_choice WHERE id = {}", made)
    stored = bytes(raw[0]["facts"])
    for word in (b"ESA", b"Employment", b"203.50", b"esa_pw", b"benefits", b"PW1"):
        assert word not in stored
    seen = await choices.facts_seen(sealer, made, me(ann))
    assert seen["benefits"] == ["ESA"]
    assert seen["facts"][0]["rule_key"] == "esa_pw_lower_weekly"  # £75 is over £20 a week
    assert seen["facts"][0]["figures"]["esa_pw_higher_weekly"] == [20350, "derived", "2026/27"]
    assert (seen["choice"], seen["reduced_pence"]) == ("reduced", 2050)
    assert seen["sessions"][0][3] == 7500
    assert await _audited(ann, "payment choice", "change") == 1
    assert await _audited(ann, "payment choice", "view") == 1


async def test_a_coordinator_can_write_it_down_from_a_phone_call(sealer: Sealer) -> None:
    ann, opportunity = await _placed(sealer)

    await choices.record(sealer, ann, opportunity, _answer(choice="full"), COORDINATOR)

    view = await choices.current(ann, opportunity)
    assert view is not None
    assert (view.choice, view.method, str(view.chosen_by)) == (
        "full",
        "bank_transfer",
        COORDINATOR.id,
    )


@pytest.mark.parametrize(
    ("answer", "fields"),
    [
        (_answer(reduced="20.5"), ["reduced"]),
        (_answer(reduced="-1"), ["reduced"]),
        (_answer(reduced="0"), ["reduced"]),
        (_answer(reduced="75.01"), ["reduced"]),
        (_answer(reduced=""), ["reduced"]),
        (_answer(choice="charity", charity=""), ["charity"]),
        (_answer(choice="cash"), ["choice"]),
        (_answer(choice=""), ["choice"]),
        (_answer(advice=""), ["advice"]),
        (_answer(reduced="lots", advice="maybe"), ["reduced", "advice"]),
    ],
)
async def test_bad_answers_are_refused_and_nothing_is_written(
    sealer: Sealer, answer: choices.Answer, fields: list[str]
) -> None:
    ann, opportunity = await _placed(sealer)

    with pytest.raises(DomainError) as refused:
        await choices.record(sealer, ann, opportunity, answer, me(ann))

    assert [e.field for e in refused.value.errors] == fields
    assert await PaymentChoice.count() == 0


async def test_the_full_fee_is_the_most_a_smaller_amount_can_be(sealer: Sealer) -> None:
    ann, opportunity = await _placed(sealer)

    await choices.record(sealer, ann, opportunity, _answer(reduced="75"), me(ann))
    with pytest.raises(DomainError, match="Enter £75 or less"):
        await choices.record(sealer, ann, opportunity, _answer(reduced="75.01"), me(ann))


async def test_only_people_selected_can_choose(sealer: Sealer) -> None:
    ann, opportunity = await _placed(sealer)
    other = await panel(sealer, bo={"email": "bo@example.org"})

    with pytest.raises(NotFound):
        await choices.briefing(sealer, ann, other.opportunity, me(ann))
    with pytest.raises(NotFound):
        await choices.record(sealer, other.people["bo"], opportunity, _answer(), me(ann))
    assert await PaymentChoice.count() == 0


async def test_once_a_payment_is_approved_the_choice_is_locked(sealer: Sealer) -> None:
    ann, opportunity = await _placed(sealer)
    await choices.record(sealer, ann, opportunity, _answer(choice="full"), me(ann))
    entry = await ledger.propose(
        ledger.Proposal(subject=ann, kind="fee", amount_pence=7500, opportunity=opportunity),
        PROPOSER,
    )
    await choices.record(
        sealer, ann, opportunity, _answer(choice="voucher"), me(ann)
    )  # proposed only
    await ledger.approve(entry, APPROVER)

    with pytest.raises(Conflict, match="now fixed"):
        await choices.record(sealer, ann, opportunity, _answer(), me(ann))

    assert (await choices.briefing(sealer, ann, opportunity, me(ann))).locked
    assert await PaymentChoice.count() == 2
    assert (await choices.current(ann, opportunity) or _answer()).choice == "voucher"


async def test_figures_changed_while_reading(sealer: Sealer) -> None:
    ann, opportunity = await _placed(sealer)
    before = await thresholds.version()
    figure = (await thresholds.every())[0]
    change = thresholds.Change(
        figure.amount + 1, "verified", figure.effective_from, None, figure.source, ""
    )
    await thresholds.change(figure.id, change, COORDINATOR)

    with pytest.raises(Conflict) as refused:
        await choices.record(sealer, ann, opportunity, _answer(shown_version=before), me(ann))

    assert refused.value.errors[0].field == "choice"
    assert await PaymentChoice.count() == 0


# ---- over HTTP, as the person ---------------------------------------------------------------


async def test_the_person_reads_the_facts_and_chooses_a_smaller_amount(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    ann, opportunity = await _placed(sealer)
    signed = await as_person(running_app, client, sealer, ann)
    await declare(sealer, ann, "ESA")

    listing = await client.get("/your-payments")
    page = await client.get(f"/your-payments/{opportunity}")
    saved = await client.post(
        f"/your-payments/{opportunity}",
        data={
            "choice": "reduced",
            "reduced": "18.00",
            "advice": "not_say",
            "shown_version": await thresholds.version(),
        },
        headers=signed.headers,
    )
    after = await client.get(saved.headers.get("location", "/"))

    assert listing.status_code == 200
    assert "Read the facts and choose" in listing.text
    assert page.status_code == 200
    for words in (
        "Housing support evaluation panel",
        "£75",
        "With ESA you can earn up to £20 a week.",
        "The full fee would take you over the lower limit.",
        "Expenses are not earnings.",
        "Vouchers are not a way around the rules.",
        "You can say no to the fee, or take less.",
        "Citizens Advice",
        "Turn2us",
    ):
        assert words in page.text.replace("&#39;", "'"), words
    assert saved.status_code == 303
    assert "Your choice: A smaller amount: £18" in after.text
    view = await choices.current(ann, opportunity)
    assert view is not None
    assert (view.reduced_pence, view.advice) == (1800, "not_say")


@pytest.mark.parametrize(
    "case",
    [
        ({"choice": "reduced", "reduced": "18.5"}, "reduced", "in pounds and pence"),
        ({"choice": "reduced", "reduced": "80"}, "reduced", "Enter £75 or less"),
        ({"choice": "charity", "charity": ""}, "charity", "Enter the name of the charity"),
        ({"choice": ""}, "choice", "Select how you want to be paid"),
    ],
)
async def test_a_wrong_answer_gets_an_error_summary_and_nothing_is_written(
    running_app: Litestar,
    client: httpx.AsyncClient,
    sealer: Sealer,
    case: tuple[dict[str, str], str, str],
) -> None:
    posted, field, message = case
    ann, opportunity = await _placed(sealer)
    signed = await as_person(running_app, client, sealer, ann)

    refused = await client.post(
        f"/your-payments/{opportunity}", data=posted | {"advice": "no"}, headers=signed.headers
    )

    assert refused.status_code == 400
    assert "govuk-error-summary" in refused.text
    assert f'href="#{field}"' in refused.text
    assert message in refused.text
    assert await PaymentChoice.count() == 0


async def test_the_locked_page_says_who_to_contact(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    ann, opportunity = await _placed(sealer)
    signed = await as_person(running_app, client, sealer, ann)
    await paid(ann, 7500, opportunity)

    page = await client.get(f"/your-payments/{opportunity}")
    refused = await client.post(
        f"/your-payments/{opportunity}",
        data={"choice": "full", "advice": "no"},
        headers=signed.headers,
    )
    listing = await client.get("/your-payments")

    assert "Your choice is fixed" in page.text
    assert 'action="/your-payments/' not in page.text
    assert refused.status_code == 409
    assert await PaymentChoice.count() == 0
    assert "Approved. We will pay it soon" in listing.text
    assert "£75" in listing.text


async def test_nobody_else_reaches_someone_elses_choice(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    _, opportunity = await _placed(sealer)
    other = await panel(sealer, bo={"email": "bo@example.org"})
    signed = await as_person(running_app, client, sealer, other.people["bo"])

    assert (await client.get(f"/your-payments/{opportunity}")).status_code == 404
    posted = await client.post(
        f"/your-payments/{opportunity}",
        data={"choice": "full", "advice": "no"},
        headers=signed.headers,
    )
    assert posted.status_code == 404
    assert await PaymentChoice.count() == 0


@pytest.mark.parametrize("role", ["coordinator", "finance", "admin"])
async def test_staff_do_not_see_the_participant_pages(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer, role: str
) -> None:
    await signed_in(running_app, client, role)
    assert (await client.get("/your-payments")).status_code == 403
    assert (await client.get("/your-payments/benefits")).status_code == 403


async def test_benefits_are_stored_only_with_consent_given_on_the_form(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    ann, _ = await _placed(sealer)
    signed = await as_person(running_app, client, sealer, ann)
    form = {"benefits": ["UC", "CA"], "uc_work_allowance": "yes", "uc_housing": "no"}

    refused = await client.post(
        "/your-payments/benefits",
        data=form | {"ca_other_weekly": "60.5"},
        headers=signed.headers,
    )
    saved = await client.post(
        "/your-payments/benefits",
        data=form | {"ca_other_weekly": "60.50", "uc_period_day": "14", "consent": "yes"},
        headers=signed.headers,
    )

    assert refused.status_code == 400
    assert 'href="#ca_other_weekly"' in refused.text
    assert 'href="#consent"' in refused.text
    assert saved.status_code == 303
    declared = await benefits.current(sealer, ann, me(ann))
    assert declared == benefit_rules.Declared(("UC", "CA"), "yes", "no", 14, 6050)
    raw = await BenefitDeclaration.raw("SELECT benefits FROM benefit_declaration")
    assert len(raw) == 1
    assert b"CA" not in bytes(raw[0]["benefits"])

    withdrawn = await client.post("/your-payments/benefits/withdraw", headers=signed.headers)
    assert withdrawn.status_code == 303
    assert await BenefitDeclaration.count() == 0


async def _audited(subject: UUID, group: str, action: str) -> int:
    return int(
        await AuditEvent.count().where(
            (AuditEvent.subject == subject)
            & (AuditEvent.field_group == group)
            & (AuditEvent.action == action)
        )
    )
