"""Expense claims: each way the policy pays (receipted, per mile, flat), the receipt rules (needed,
JPEG/PNG/PDF by first bytes, 5 MB), caps, paying in advance, finance's approval (one ledger entry
however often it is pressed, never by the claimant) and rejection, the receipt sealed at rest and
read only by finance with an audit event; then the pages over HTTP."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from litestar import Litestar

from app import audit
from app.errors import Conflict, DomainError, Forbidden
from app.sealed import Sealer
from app.tables import AuditEvent
from events.tables import Invitation
from payments.services import expenses, ledger
from payments.tables import ExpenseClaim, LedgerEntry
from tests.payments.hc_support import approved_policy, as_person, me, person, signed_in
from tests.payments.hx_support import add_event

FINANCE = audit.Actor(id="00000000-0000-4000-8000-0000000fe001", role="finance")
OTHER_FINANCE = audit.Actor(id="00000000-0000-4000-8000-0000000fe002", role="finance")
COORDINATOR = audit.Actor(id="00000000-0000-4000-8000-0000000ce003", role="coordinator")
PNG = b"\x89PNG\r\n\x1a\n" + b"CANARY-RECEIPT-7731" + bytes(64)
JPEG = b"\xff\xd8\xff\xe0" + bytes(32)
PDF = b"%PDF-1.7\n" + bytes(32)
RULES: list[dict[str, Any]] = [
    {"category": "public_transport", "cap_pence": 2000},
    {"category": "mileage_car", "basis": "per_mile", "rate_pence": 45, "cap_pence": 4500},
    {"category": "subsistence", "basis": "flat", "rate_pence": 500, "receipt_required": False},
    {"category": "taxi", "pre_approval_required": True, "advance_allowed": True},
]


async def _setup(sealer: Sealer) -> tuple[UUID, UUID]:
    """A policy with expense rules, and a person invited to an event next week."""
    await approved_policy(expense_rules=RULES)
    subject = await person(sealer)
    event = await add_event(datetime.now(UTC) + timedelta(days=7))
    await Invitation.insert(
        Invitation(event=event, subject=subject, once=f"{event}:{subject}", reply="accepted")
    )
    return subject, event


def _claim(subject: UUID, event: UUID, **changes: Any) -> expenses.Claim:
    values: dict[str, Any] = {
        "subject": subject,
        "event": event,
        "category": "public_transport",
        "details": "CANARY-DETAILS bus to County Hall and back",
        "amount_pence": 480,
        "receipt": expenses.receipt_from(PNG),
    }
    return expenses.Claim(**(values | changes))


async def _claims_of(subject: UUID) -> int:
    return int(await ExpenseClaim.count().where(ExpenseClaim.subject == subject))


async def _refused(sealer: Sealer, claim: expenses.Claim, actor: audit.Actor) -> DomainError:
    with pytest.raises(DomainError) as refused:
        await expenses.submit(sealer, claim, actor)
    assert await _claims_of(claim.subject) == 0
    return refused.value


async def test_a_receipted_claim_is_sealed_at_rest(sealer: Sealer) -> None:
    subject, event = await _setup(sealer)

    claim = await expenses.submit(sealer, _claim(subject, event), me(subject))

    row = await ExpenseClaim.select().where(ExpenseClaim.id == claim).first()
    assert row is not None
    stored = (row["amount_pence"], row["status"], row["receipt_type"])
    assert stored == (480, "submitted", "image/png")
    assert row["submitted_by"] == subject
    raw = bytes(row["receipt"]) + bytes(row["details"])
    assert b"CANARY" not in raw
    assert base64.b64encode(PNG)[:24] not in raw
    receipt = await expenses.receipt_of(sealer, claim, FINANCE)
    assert (receipt.content, receipt.media_type) == (PNG, "image/png")


async def test_mileage_is_worked_out_not_typed(sealer: Sealer) -> None:
    subject, event = await _setup(sealer)
    claim = _claim(subject, event, category="mileage_car", miles=30, amount_pence=99999)

    made = await expenses.submit(sealer, claim, me(subject))

    [view] = await expenses.claims(subject=subject)
    assert (view.id, view.amount_pence, view.miles, view.amount) == (made, 1350, 30, "£13.50")


async def test_a_flat_rate_pays_the_rate_without_a_receipt(sealer: Sealer) -> None:
    subject, event = await _setup(sealer)
    claim = _claim(subject, event, category="subsistence", amount_pence=None, receipt=None)

    await expenses.submit(sealer, claim, me(subject))

    [view] = await expenses.claims(subject=subject)
    assert (view.amount_pence, view.has_receipt, view.category_words) == (
        500,
        False,
        "Food and drink when away over 5 hours",
    )


async def test_no_receipt_where_one_is_needed_writes_nothing(sealer: Sealer) -> None:
    subject, event = await _setup(sealer)

    refused = await _refused(sealer, _claim(subject, event, receipt=None), me(subject))

    assert (refused.status_code, refused.message) == (400, "Add a photo or scan of the receipt")


def test_a_receipt_is_known_by_its_first_bytes_and_size() -> None:
    assert expenses.receipt_from(JPEG).media_type == "image/jpeg"
    assert expenses.receipt_from(PDF).media_type == "application/pdf"
    for wrong in (b"GIF89a" + bytes(10), b"<html>receipt.png</html>", b"MZ\x90\x00"):
        with pytest.raises(DomainError) as refused:
            expenses.receipt_from(wrong)
        assert refused.value.message == "The receipt must be a JPEG, PNG or PDF file"
    with pytest.raises(DomainError) as too_big:
        expenses.receipt_from(PNG + bytes(5 * 1024 * 1024))
    assert (too_big.value.status_code, too_big.value.message) == (
        413,
        "The receipt must be smaller than 5 MB",
    )
    assert expenses.receipt_from(PNG + bytes(5 * 1024 * 1024 - len(PNG))).media_type == "image/png"


async def test_over_the_cap_is_refused_naming_the_cap(sealer: Sealer) -> None:
    subject, event = await _setup(sealer)

    typed = await _refused(sealer, _claim(subject, event, amount_pence=2001), me(subject))
    driven = _claim(subject, event, category="mileage_car", miles=101)
    miles = await _refused(sealer, driven, me(subject))

    assert typed.message == "The most we pay for bus, train or tram fares is £20"
    assert miles.message == "The most we pay for driving (per mile) is £45"


async def test_in_advance_only_where_the_policy_allows_it(sealer: Sealer) -> None:
    subject, event = await _setup(sealer)

    bus = await _refused(sealer, _claim(subject, event, in_advance=True), me(subject))
    taxi = _claim(subject, event, category="taxi", amount_pence=1800, in_advance=True)
    await expenses.submit(sealer, taxi, me(subject))

    assert bus.message == "We cannot pay bus, train or tram fares before the event. Claim it after"
    [view] = await expenses.claims(subject=subject)
    assert (view.in_advance, view.agree_first) == (True, True)


async def test_a_kind_the_policy_does_not_pay_or_an_event_not_theirs_is_refused(
    sealer: Sealer,
) -> None:
    subject, event = await _setup(sealer)
    elsewhere = await add_event(datetime.now(UTC) + timedelta(days=3))

    kind = await _refused(sealer, _claim(subject, event, category="childcare"), me(subject))
    other = await _refused(sealer, _claim(subject, elsewhere), me(subject))
    stranger = await _refused(sealer, _claim(subject, event), me(uuid4()))

    assert kind.message == "Choose a kind of expense from the list"
    assert other.message == "Choose one of your events from the list"
    assert stranger.status_code == 403


async def test_approving_twice_makes_one_ledger_entry(sealer: Sealer) -> None:
    subject, event = await _setup(sealer)
    claim = await expenses.submit(sealer, _claim(subject, event), COORDINATOR)

    first = await expenses.approve(claim, FINANCE)
    second = await expenses.approve(claim, FINANCE)

    assert first == second
    rows = await LedgerEntry.select().where(LedgerEntry.once == f"expense:{claim}")
    assert [(r["id"], r["kind"], r["amount_pence"], r["subject"]) for r in rows] == [
        (first, "expense", 480, subject)
    ]
    assert await ledger.state_of(first) == "proposed"
    [view] = await expenses.claims(subject=subject)
    assert (view.status, view.entry, view.submitted_by) == ("approved", first, UUID(COORDINATOR.id))
    with pytest.raises(Conflict):
        await expenses.reject(claim, "Too late", FINANCE)


async def test_nobody_approves_their_own_claim(sealer: Sealer) -> None:
    subject, event = await _setup(sealer)
    on_behalf = await expenses.submit(sealer, _claim(subject, event), FINANCE)

    with pytest.raises(Forbidden):
        await expenses.approve(on_behalf, FINANCE)
    with pytest.raises(Forbidden):
        await expenses.approve(on_behalf, me(subject))
    with pytest.raises(Forbidden):
        await expenses.approve(on_behalf, COORDINATOR)

    assert await LedgerEntry.count().where(LedgerEntry.once == f"expense:{on_behalf}") == 0
    await expenses.approve(on_behalf, OTHER_FINANCE)
    assert await LedgerEntry.count().where(LedgerEntry.once == f"expense:{on_behalf}") == 1


async def test_a_rejection_needs_a_reason_the_person_reads(sealer: Sealer) -> None:
    subject, event = await _setup(sealer)
    claim = await expenses.submit(sealer, _claim(subject, event), me(subject))

    with pytest.raises(DomainError) as empty:
        await expenses.reject(claim, "  ", FINANCE)
    await expenses.reject(claim, "The receipt is for a different day.", FINANCE)

    assert empty.value.message == "Say why, in plain words (300 characters or fewer)"
    [view] = await expenses.claims(subject=subject)
    assert (view.status, view.status_words, view.reason) == (
        "rejected",
        "Not approved",
        "The receipt is for a different day.",
    )
    assert await LedgerEntry.count().where(LedgerEntry.once == f"expense:{claim}") == 0


async def test_reads_of_details_and_receipts_are_audited_and_finance_only(sealer: Sealer) -> None:
    subject, event = await _setup(sealer)
    claim = await expenses.submit(sealer, _claim(subject, event), me(subject))
    shown = await expenses.claims(subject=subject)

    details = await expenses.details_of(sealer, shown, FINANCE)
    await expenses.receipt_of(sealer, claim, FINANCE)
    with pytest.raises(Forbidden):
        await expenses.receipt_of(sealer, claim, COORDINATOR)

    assert details == {claim: "CANARY-DETAILS bus to County Hall and back"}
    views = await AuditEvent.select(AuditEvent.purpose).where(
        (AuditEvent.subject == subject)
        & (AuditEvent.action == "view")
        & (AuditEvent.field_group == "expense claim")
    )
    assert sorted(v["purpose"] for v in views) == ["check a claim", "receipt"]


# Pages over HTTP


async def _signed_person(
    app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> tuple[UUID, UUID, dict[str, str]]:
    subject, event = await _setup(sealer)
    signed = await as_person(app, client, sealer, subject)
    return subject, event, signed.headers


def _form(event: UUID, **changes: str) -> dict[str, str]:
    values = {"event": str(event), "category": "public_transport", "amount": "4.80"}
    return values | {"details": "Bus to County Hall"} | changes


async def test_a_participant_claims_with_a_receipt_and_sees_it(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    subject, event, headers = await _signed_person(running_app, client, sealer)

    form = await client.get("/your-payments/expenses/new")
    sent = await client.post(
        "/your-payments/expenses/new",
        data=_form(event),
        files={"receipt": ("bus.png", PNG, "image/png")},
        headers=headers,
    )
    listing = await client.get("/your-payments/expenses")

    assert form.status_code == 200
    assert "Housing support panel" in form.text
    assert "The actual cost, with a receipt, up to £20" in form.text
    assert "45p a mile, up to £45" in form.text
    assert 'class="govuk-file-upload"' in form.text
    assert (sent.status_code, sent.headers["location"]) == (303, "/your-payments/expenses?saved=1")
    assert "Bus, train or tram fares: £4.80" in listing.text
    assert "Waiting for finance to check it" in listing.text
    [view] = await expenses.claims(subject=subject)
    assert (view.amount_pence, view.receipt_type) == (480, "image/png")


BAD_RECEIPTS = {
    "missing": (("", b"", "application/octet-stream"), 400, "Add a photo or scan of the receipt"),
    "not a picture": (("receipt.png", b"<svg>hi</svg>", "image/png"), 400, "must be a JPEG, PNG"),
    "too big": (("big.png", PNG + bytes(5 * 1024 * 1024), "image/png"), 413, "smaller than 5 MB"),
}


@pytest.mark.parametrize("bad", list(BAD_RECEIPTS))
async def test_a_bad_receipt_shows_the_error_and_writes_nothing(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer, bad: str
) -> None:
    upload, status, message = BAD_RECEIPTS[bad]
    subject, event, headers = await _signed_person(running_app, client, sealer)
    files = {"receipt": upload}

    sent = await client.post(
        "/your-payments/expenses/new", data=_form(event), files=files, headers=headers
    )

    assert sent.status_code == status
    assert "govuk-error-summary" in sent.text
    assert f'value="{event}" checked' in sent.text  # what they chose is kept
    assert message in sent.text
    assert await _claims_of(subject) == 0


async def test_finance_checks_views_the_receipt_approves_and_rejects(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    subject, event = await _setup(sealer)
    taxi = _claim(subject, event, category="taxi", amount_pence=1650, details="Taxi home")
    one = await expenses.submit(sealer, taxi, me(subject))
    two = await expenses.submit(sealer, _claim(subject, event), me(subject))
    signed = await signed_in(running_app, client, "finance")

    listing = await client.get("/finance/expenses")
    receipt = await client.get(f"/finance/expenses/{one}/receipt")
    empty = await client.post(
        f"/finance/expenses/{two}/reject", data={"reason": ""}, headers=signed.headers
    )
    rejected = await client.post(
        f"/finance/expenses/{two}/reject",
        data={"reason": "Please send the ticket, not the timetable."},
        headers=signed.headers,
    )
    approved = await client.post(f"/finance/expenses/{one}/approve", headers=signed.headers)
    again = await client.post(f"/finance/expenses/{one}/approve", headers=signed.headers)

    assert listing.status_code == 200
    for shown in ("Taxi: £16.50", "Taxi home", "Agree first"):
        assert shown in listing.text
    assert "In advance" not in listing.text
    assert (receipt.status_code, receipt.content) == (200, PNG)
    assert receipt.headers["content-type"] == "image/png"
    assert receipt.headers["content-disposition"] == f'attachment; filename="receipt-{one}.png"'
    assert receipt.headers["cache-control"] == "no-store"
    assert empty.status_code == 400
    assert "Say why, in plain words" in empty.text
    assert (rejected.status_code, approved.status_code) == (303, 303)
    assert again.status_code == 303  # approving again changes nothing
    assert await LedgerEntry.count().where(LedgerEntry.once == f"expense:{one}") == 1
    purposes = await AuditEvent.select(AuditEvent.purpose).where(
        (AuditEvent.subject == subject)
        & (AuditEvent.actor == str(signed.account))
        & (AuditEvent.action == "view")
        & (AuditEvent.field_group == "expense claim")
    )
    assert "receipt" in [p["purpose"] for p in purposes]


@pytest.mark.parametrize("role", ["participant", "coordinator", "organiser"])
async def test_only_finance_reaches_the_finance_routes(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer, role: str
) -> None:
    subject, event = await _setup(sealer)
    claim = await expenses.submit(sealer, _claim(subject, event), me(subject))
    signed = await signed_in(running_app, client, role)
    base = f"/finance/expenses/{claim}"

    answers = [
        await client.get("/finance/expenses"),
        await client.get(f"{base}/receipt"),
        await client.post(f"{base}/approve", headers=signed.headers),
        await client.post(f"{base}/reject", data={"reason": "No"}, headers=signed.headers),
    ]

    assert [a.status_code for a in answers] == [403] * 4
    [view] = await expenses.claims(subject=subject)
    assert view.status == "submitted"
    assert (
        await AuditEvent.count().where(
            (AuditEvent.subject == subject) & (AuditEvent.action == "view")
        )
        == 0
    )


async def test_a_rejected_claim_tells_the_person_why(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    subject, event, _ = await _signed_person(running_app, client, sealer)
    claim = await expenses.submit(sealer, _claim(subject, event), me(subject))
    await expenses.reject(claim, "Please send the ticket, not the timetable.", FINANCE)

    listing = await client.get("/your-payments/expenses")

    assert "Not approved" in listing.text
    assert "Why it was not approved" in listing.text
    assert "Please send the ticket, not the timetable." in listing.text
