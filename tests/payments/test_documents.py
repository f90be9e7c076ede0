"""Payment documents, opened back with python-docx: the statement (fees and expenses totalled
apart), the letter for the benefits office (not employment; audited), the "what you will be
paid" letter in standard print and Easy Read; each person gets only their own, finance gets
anyone's (audited), bad dates are a 400 page, and no URL carries anything personal."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import httpx
import pytest
from docx import Document
from docx.shared import Pt
from litestar import Litestar

from app.errors import DomainError
from app.sealed import Sealer
from app.tables import AuditEvent
from events.services import ics, scheduling
from events.services.documents import Team
from payments.services import batches, choices, documents, ledger, offer_letter
from tests.events.conftest import panel
from tests.participation.conftest import add_person
from tests.payments.hc_support import approved_policy, as_person, me, signed_in
from tests.payments.hx_support import FINANCE, add_payee, approved_entry, proposed_entry

LONDON = ZoneInfo("Europe/London")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEAM = Team("Northshire County Council", "0300 123 4567", "team@northshire.example")


def _today() -> date:
    return datetime.now(LONDON).date()


def _words(day: date) -> str:
    return day.strftime("%-d %B %Y")


def _texts(body: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(body)).paragraphs]


async def _audits(subject: UUID, purpose: str) -> int:
    return int(
        await AuditEvent.count().where(
            (AuditEvent.subject == subject) & (AuditEvent.purpose == purpose)
        )
    )


async def _payments(subject: UUID) -> None:
    """A paid £25.05 fee, an approved £3.40 bus fare, a proposed £10 voucher (not counted yet)
    and a cancelled £40 fee (never counted)."""
    fee = await approved_entry(subject, 2505, description="Panel day")
    batch = await batches.lock([fee], FINANCE)
    await batches.mark_paid(batch, _today(), "BACS-77", FINANCE)
    await approved_entry(subject, 340, kind="expense", description="Bus fare")
    await proposed_entry(subject, 1000, kind="voucher", method="e_voucher")
    cancelled = await proposed_entry(subject, 4000)
    await ledger.reverse(cancelled, "Entered twice", FINANCE)


def _period() -> dict[str, str]:
    return {"from": (_today() - timedelta(days=30)).isoformat(), "to": _today().isoformat()}


# ---- the statement ---------------------------------------------------------------------------


async def test_the_statement_lists_every_payment_and_totals_fees_apart_from_expenses(
    sealer: Sealer,
) -> None:
    robin = await add_person(sealer, "Robin Ellis", email="robin.ellis@example.org")
    reference = await add_payee(sealer, robin)
    await _payments(robin)
    within = documents.period(_period()["from"], _period()["to"])

    found = await documents.statement(sealer, robin, within, me(robin), "payment statement")
    texts = _texts(documents.statement_docx(found, TEAM))

    today = _words(_today())
    assert texts[:5] == [
        "Northshire County Council",
        "Payment statement",
        "For: Robin Ellis",
        f"Payee reference: {reference}",
        f"Period: {_words(within.start)} to {today}",
    ]
    assert texts[5:21] == [
        f"{today}: £25.05 fee",
        "What for: Panel day",
        "How paid: Bank transfer",
        f"Where it is: Paid, on {today}",
        f"{today}: £3.40 expenses",
        "What for: Bus fare",
        "How paid: Bank transfer",
        "Where it is: Approved. We will pay it soon",
        f"{today}: £10 voucher",
        "What for: Taking part",
        "How paid: E-voucher",
        "Where it is: Waiting to be approved",
        f"{today}: £40 fee",
        "What for: Taking part",
        "How paid: Bank transfer",
        "Where it is: Cancelled",
    ]
    assert texts[21:24] == ["Totals", "Fees and vouchers: £25.05", "Expenses paid back: £3.40"]
    assert (
        "Expenses are money paid back for costs, like bus fares. They are not earnings."
        in (texts[24])
    )
    assert (found.fees_pence, found.expenses_pence) == (2505, 340)


async def test_a_period_outside_the_payments_lists_none(sealer: Sealer) -> None:
    robin = await add_person(sealer, "Robin Ellis", email="robin.ellis@example.org")
    await _payments(robin)
    within = documents.Period(date(2025, 1, 1), date(2025, 6, 30))

    found = await documents.statement(sealer, robin, within, me(robin), "payment statement")
    texts = _texts(documents.statement_docx(found, TEAM))

    assert "There are no payments in this period." in texts
    assert "Payee reference: None yet" in texts
    assert "Fees and vouchers: £0" in texts


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ("2026-05-02", "2026-05-01", "to", "The end date must be the same as or after the start"),
        ("2025-01-01", "2026-01-02", "to", "Choose a period of one year or less"),
        ("yesterday", "2026-05-01", "from", "Enter the start date, for example 2026-04-06"),
        ("2026-04-06", "", "to", "Enter the end date, for example 2026-04-06"),
    ],
)
def test_bad_periods_are_refused_with_a_message(
    start: str, end: str, field: str, message: str
) -> None:
    with pytest.raises(DomainError) as refused:
        documents.period(start, end)
    assert [(e.field, e.message) for e in refused.value.errors] == [(field, message)]
    assert documents.period("2024-01-01", "2024-12-31").end == date(2024, 12, 31)


# ---- over HTTP, as the person ----------------------------------------------------------------


async def test_a_person_downloads_their_own_statement_and_only_theirs(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    robin = await add_person(sealer, "Robin Ellis", email="robin.ellis@example.org")
    other = await add_person(sealer, "Kim Vale", email="kim.vale@example.org")
    await _payments(robin)
    await approved_entry(other, 9999, description="Someone else's fee")
    await as_person(running_app, client, sealer, robin)

    listing = await client.get("/your-payments")
    page = await client.get("/your-payments/documents")
    got = await client.get("/your-payments/statement", params=_period())

    assert '<a class="govuk-link" href="/your-payments/documents">' in listing.text
    assert page.status_code == 200
    assert 'action="/your-payments/statement"' in page.text
    assert got.status_code == 200
    assert got.headers["content-type"].startswith(DOCX)
    assert got.headers["cache-control"] == "no-store"
    texts = _texts(got.content)
    assert "For: Robin Ellis" in texts
    assert "Fees and vouchers: £25.05" in texts
    assert not any("£99.99" in t or "Someone else" in t for t in texts)
    assert await _audits(robin, "payment statement") == 1


async def test_bad_dates_come_back_as_the_form_with_a_400(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    robin = await add_person(sealer, "Robin Ellis", email="robin.ellis@example.org")
    await as_person(running_app, client, sealer, robin)

    backwards = await client.get(
        "/your-payments/statement", params={"from": "2026-05-02", "to": "2026-05-01"}
    )
    too_long = await client.get(
        "/your-payments/benefits-letter", params={"from": "2024-01-01", "to": "2026-01-01"}
    )
    nothing = await client.get("/your-payments/statement")

    assert backwards.status_code == 400
    assert "The end date must be the same as or after the start" in backwards.text
    assert 'href="#to"' in backwards.text
    assert too_long.status_code == 400
    assert "Choose a period of one year or less" in too_long.text
    assert nothing.status_code == 400
    assert "Enter the start date, for example 2026-04-06" in nothing.text
    assert await _audits(robin, "payment statement") == 0


async def test_no_url_on_the_documents_page_carries_anything_personal(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    await approved_policy()
    made = await panel(sealer, ann={"email": "ann@example.org"})
    ann = made.people["ann"]
    await as_person(running_app, client, sealer, ann)

    page = await client.get("/your-payments/documents")

    main = page.text[page.text.index("<main") : page.text.index("</main>")]  # not the menu
    links = re.findall(r'(?:href|action|formaction)="(/your-payments[^"]*)"', main)
    assert set(links) == {
        "/your-payments/benefits-letter",
        "/your-payments/statement",
        f"/your-payments/{made.opportunity}/what-you-will-be-paid",
        f"/your-payments/{made.opportunity}/what-you-will-be-paid?easy_read=1",
        f"/your-payments/{made.opportunity}/what-you-will-be-paid/easy-read",
        f"/your-payments/{made.opportunity}/what-you-will-be-paid/large-print",
    }
    assert str(ann) not in page.text


# ---- the letter for the benefits office ------------------------------------------------------


async def test_the_benefits_letter_says_it_is_not_employment_and_is_logged(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    robin = await add_person(sealer, "Robin Ellis", email="robin.ellis@example.org")
    await _payments(robin)
    await as_person(running_app, client, sealer, robin)

    got = await client.get("/your-payments/benefits-letter", params=_period())

    assert got.status_code == 200
    texts = _texts(got.content)
    today = _words(_today())
    settings = running_app.state.settings
    assert texts[:7] == [
        settings.council_name,
        settings.contact_postal_address,
        f"Phone: {settings.contact_phone}",
        settings.contact_email,
        today,
        "To whom it may concern",
        "Payments to Robin Ellis",
    ]
    assert texts[7] == (
        f"Robin Ellis takes part in involvement (co-production) work with "
        f"{settings.council_name} as a member of the public. They share their experience of "
        "using services to help us plan and improve them."
    )
    assert texts[8].startswith("This is not employment. Robin Ellis is not our employee")
    assert texts[9].startswith("Robin Ellis may decline a payment or ask for a smaller amount.")
    assert texts[11:16] == [
        f"{today}: £25.05, fee, paid on {today}",
        f"{today}: £3.40, expenses (approved. we will pay it soon)",
        "Fees and vouchers in total: £25.05",
        "Expenses in total: £3.40",
        "Expenses are reimbursed costs, such as travel, food or care, that were paid to take "
        "part. They are not earnings.",
    ]
    assert texts[-3:] == ["Yours faithfully,", "The co-production team", settings.council_name]
    assert await _audits(robin, "benefits office letter") == 1


# ---- finance ---------------------------------------------------------------------------------


async def test_finance_downloads_anyones_statement_by_payee_reference_audited(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    robin = await add_person(sealer, "Robin Ellis", email="robin.ellis@example.org")
    reference = await add_payee(sealer, robin)
    await _payments(robin)
    staff = await signed_in(running_app, client, "finance")

    form = await client.get("/finance/statements")
    listing = await client.get("/finance")
    got = await client.post(
        "/finance/statements", data={"reference": reference, **_period()}, headers=staff.headers
    )
    unknown = await client.post(
        "/finance/statements", data={"reference": "PNOBODY", **_period()}, headers=staff.headers
    )
    backwards = await client.post(
        "/finance/statements",
        data={"reference": reference, "from": "2026-05-02", "to": "2026-05-01"},
        headers=staff.headers,
    )

    assert form.status_code == 200
    assert 'href="/finance/statements"' in listing.text
    assert got.status_code == 200
    assert got.headers["content-disposition"] == (
        f'attachment; filename="payment-statement-{reference}.docx"'
    )
    texts = _texts(got.content)
    assert f"Payee reference: {reference}" in texts
    assert (
        texts[texts.index("Totals") + 1],
        texts[texts.index("Totals") + 2],
    ) == ("Fees and vouchers: £25.05", "Expenses paid back: £3.40")
    assert await _audits(robin, "payment statement for finance") == 1
    assert unknown.status_code == 404
    assert "There is no payee with that reference." in unknown.text
    assert backwards.status_code == 400
    assert "The end date must be the same as or after the start" in backwards.text


async def test_a_participant_cannot_use_the_finance_statements(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    robin = await add_person(sealer, "Robin Ellis", email="robin.ellis@example.org")
    signed = await as_person(running_app, client, sealer, robin)

    page = await client.get("/finance/statements")
    posted = await client.post(
        "/finance/statements", data={"reference": "P1", **_period()}, headers=signed.headers
    )

    assert page.status_code == 403
    assert posted.status_code == 403


# ---- what you will be paid -------------------------------------------------------------------


async def _placed(sealer: Sealer, **contact: Any) -> tuple[UUID, UUID, str]:
    """Ann, selected for a 3-hour evaluation panel (£75 at £25 an hour); the session's time."""
    await approved_policy(
        expense_rules=[{"category": "public_transport", "basis": "receipted"}],
        pay_within_working_days=15,
    )
    made = await panel(sealer, ann={"email": "ann@example.org", **contact})
    event, _ = await scheduling.get(made.event)
    return made.people["ann"], made.opportunity, ics.when(event["starts_at"])


async def test_what_you_will_be_paid_in_standard_print(sealer: Sealer) -> None:
    ann, opportunity, when = await _placed(sealer)

    before = await offer_letter.what_you_will_be_paid(sealer, ann, opportunity, me(ann), TEAM)
    await choices.record(
        sealer, ann, opportunity, choices.Answer(choice="full", advice="no"), me(ann)
    )
    after = await offer_letter.what_you_will_be_paid(sealer, ann, opportunity, me(ann), TEAM)

    texts = _texts(before)
    assert texts[:4] == [
        "Northshire County Council",
        "What you will be paid",
        "Dear Ann,",
        "You have a place on: Help us choose the new housing support provider.",
    ]
    assert texts[texts.index("Your fee") + 1] == (
        f"We pay £25 an hour. For the session on {when}, the fee is £75."
    )
    assert texts[texts.index("How you will be paid") + 1] == (
        "You have not chosen how to be paid yet. Choose on the Your payments page, or ring us "
        "on 0300 123 4567."
    )
    assert texts[texts.index("When you will be paid") + 1] == (
        "We pay you within 15 working days after you take part."
    )
    assert texts[texts.index("Expenses") + 1] == (
        "We pay back what it costs you to take part. Bus, train or tram fares: the actual "
        "cost, with a receipt. Keep your receipts. We pay expenses back by bank transfer. "
        "Expenses are not earnings."
    )
    assert texts[texts.index("Your rights") + 1].startswith("You can say no to the fee.")
    assert (
        "Citizens Advice: Free, private advice on benefits."
        in (texts[texts.index("Free advice") + 1])
    )
    assert _texts(after)[_texts(after).index("How you will be paid") + 1] == (
        "You chose: The full fee. You can change your choice until we approve the payment."
    )


async def test_what_you_will_be_paid_in_easy_read(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    ann, opportunity, when = await _placed(sealer)
    await as_person(running_app, client, sealer, ann)

    got = await client.get(
        f"/your-payments/{opportunity}/what-you-will-be-paid", params={"easy_read": "1"}
    )
    standard = await client.get(f"/your-payments/{opportunity}/what-you-will-be-paid")

    assert got.status_code == 200
    assert "what-you-will-be-paid-easy-read.docx" in got.headers["content-disposition"]
    opened = Document(io.BytesIO(got.content))
    normal = opened.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing == 1.5
    assert opened.styles["Heading 1"].font.size == Pt(24)
    assert [p.text for p in opened.paragraphs][:4] == [
        "Northshire County Council",
        "What you will be paid",
        "Dear Ann,",
        "You have a place on: Help us choose the new housing support provider.",
    ]
    fee_rows = opened.tables[0].rows  # one row a sentence: picture slot left, words right
    assert [row.cells[1].text for row in fee_rows] == [
        "We pay £25 an hour.",
        f"For the session on {when}, the fee is £75.",
    ]
    assert all(len(row.cells[0].paragraphs[0].runs) == 1 for row in fee_rows)  # the slot
    bold = [
        r.text
        for t in opened.tables
        for row in t.rows
        for r in row.cells[1].paragraphs[0].runs
        if r.bold
    ]
    for fact in ("£25 an hour", "£75", "not chosen", "15 working days", "not earnings"):
        assert fact in bold, fact
    assert standard.status_code == 200
    assert Document(io.BytesIO(standard.content)).styles["Normal"].font.size == Pt(14)


async def test_a_letter_for_a_place_you_do_not_have_is_not_found(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    ann, _, _ = await _placed(sealer)
    other = await panel(sealer, bo={"email": "bo@example.org"})
    await as_person(running_app, client, sealer, ann)

    got = await client.get(f"/your-payments/{other.opportunity}/what-you-will-be-paid")
    nowhere = await client.get(f"/your-payments/{uuid4()}/what-you-will-be-paid")

    assert (got.status_code, nowhere.status_code) == (404, 404)


async def test_a_safe_contact_persons_documents_do_not_name_the_programme(
    sealer: Sealer,
) -> None:
    ann, opportunity, _ = await _placed(sealer, safe_contact=True)
    await approved_entry(ann, 7500, opportunity=opportunity)
    within = documents.Period(_today(), _today())

    letter = _texts(
        await offer_letter.what_you_will_be_paid(sealer, ann, opportunity, me(ann), TEAM)
    )
    found = await documents.statement(sealer, ann, within, me(ann), "payment statement")
    statement = _texts(documents.statement_docx(found, TEAM))

    assert "You have a place on: Meeting." in letter
    assert "What for: Meeting" in statement
    for text in letter + statement:
        assert "housing support" not in text.lower(), text
        assert "Reciprocity" not in text, text
