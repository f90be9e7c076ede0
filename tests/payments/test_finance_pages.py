"""Finance's Payments pages over HTTP: approve, lock a batch, download its file, mark it paid,
void it; refusals as the GOV.UK error summary with nothing written; nobody else gets in."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import httpx
import openpyxl
import pytest
from litestar import Litestar

from app import audit
from app.datamap import Role
from app.sealed import Sealer
from payments.services import batches, ledger
from payments.tables import ExportBatch, Payee
from tests.participation.conftest import add_person
from tests.payments.hc_support import declare
from tests.payments.hx_support import add_payee, approved_entry, proposed_entry
from tests.support.auth import csrf_headers, make_account, sign_in

LONDON = ZoneInfo("Europe/London")


class Finance:
    def __init__(self, account: UUID, headers: dict[str, str]) -> None:
        self.account, self.headers = account, headers
        self.actor = audit.Actor(id=str(account), role="finance")


@pytest.fixture
async def finance(running_app: Litestar, client: httpx.AsyncClient) -> Finance:
    account = await make_account(running_app, "staff", (Role.finance,))
    await sign_in(running_app, client, account)
    return Finance(account, await csrf_headers(client))


async def test_finance_approves_locks_downloads_and_marks_paid(
    client: httpx.AsyncClient, finance: Finance, sealer: Sealer
) -> None:
    jo, ash = uuid4(), uuid4()
    jo_ref = await add_payee(sealer, jo, sort_code="20-45-77", account_number="55779911")
    await add_payee(sealer, ash, account_number="12345678")
    one, two, three = (
        await proposed_entry(jo, 2505),
        await proposed_entry(jo, 340, kind="expense"),
        await proposed_entry(ash, 5000),
    )

    listing = await client.get("/finance")
    assert listing.status_code == 200
    assert jo_ref in listing.text
    assert "**-**-77 ****9911" in listing.text
    assert "55779911" not in listing.text
    assert "£25.05 fee to" in listing.text
    assert "£3.40 expense to" in listing.text
    single = await client.post(
        "/finance/approve", data={"entry": str(one)}, headers=finance.headers
    )
    assert single.status_code == 303
    assert single.headers["location"] == "/finance?done=approved-1"
    both = await client.post(
        "/finance/approve", data={"entries": [str(two), str(three)]}, headers=finance.headers
    )
    assert both.status_code == 303
    assert [await ledger.state_of(e) for e in (one, two, three)] == ["approved"] * 3

    locked = await client.post(
        "/finance/batches",
        data={"entries": [str(one), str(two), str(three)]},
        headers=finance.headers,
    )
    assert locked.status_code == 303
    batch = UUID(locked.headers["location"].split("/")[3].split("?")[0])
    shown = await client.get(locked.headers["location"])
    view = await batches.view(batch)
    assert shown.status_code == 200
    assert view.reference in shown.text
    assert "£78.45" in shown.text
    assert "The batch is locked." in shown.text

    first = await client.get(f"/finance/batches/{batch}/file.csv")
    again = await client.get(f"/finance/batches/{batch}/file.csv")
    digest = hashlib.sha256(first.content).hexdigest()
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("text/csv")
    assert first.headers["x-content-sha256"] == digest == (await batches.view(batch)).sha256
    assert first.headers["repr-digest"] == (
        f"sha-256=:{base64.b64encode(bytes.fromhex(digest)).decode()}:"
    )
    assert f'filename="payments-{view.reference}.csv"' in first.headers["content-disposition"]
    assert again.content == first.content
    rows = list(csv.reader(io.StringIO(first.text, newline="")))
    assert sorted(row[5] for row in rows[1:]) == ["12345678", "55779911", "55779911"]
    workbook = await client.get(f"/finance/batches/{batch}/file.xlsx")
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content), read_only=True).active
    assert sheet is not None
    assert len(list(sheet.iter_rows(values_only=True))) == 4

    today = datetime.now(LONDON).date()
    paid = await client.post(
        f"/finance/batches/{batch}/paid",
        data={
            "paid_day": str(today.day),
            "paid_month": str(today.month),
            "paid_year": str(today.year),
            "reference": "BACS run 4471",
        },
        headers=finance.headers,
    )
    assert paid.status_code == 303
    after = await batches.view(batch)
    assert (after.status, after.paid_on, after.paid_reference) == ("paid", today, "BACS run 4471")
    assert [await ledger.state_of(e) for e in (one, two, three)] == ["paid"] * 3
    assert "BACS run 4471" in (await client.get(f"/finance/batches/{batch}")).text


async def test_finance_cannot_approve_their_own_proposal(
    client: httpx.AsyncClient, finance: Finance, sealer: Sealer
) -> None:
    subject = uuid4()
    await add_payee(sealer, subject)
    own = await ledger.propose(
        ledger.Proposal(subject=subject, kind="fee", amount_pence=1000), finance.actor
    )
    other = await proposed_entry(subject, 2000)

    alone = await client.post("/finance/approve", data={"entry": str(own)}, headers=finance.headers)
    together = await client.post(
        "/finance/approve", data={"entries": [str(other), str(own)]}, headers=finance.headers
    )

    for refused in (alone, together):
        assert refused.status_code == 403
        assert "govuk-error-summary" in refused.text
        assert (
            '<a href="#entries">You proposed this payment, so someone else must approve it.</a>'
            in refused.text
        )
    assert [await ledger.state_of(e) for e in (own, other)] == ["proposed", "proposed"]


async def test_a_benefit_warning_shows_its_words_and_never_the_benefit(
    client: httpx.AsyncClient, finance: Finance, sealer: Sealer
) -> None:
    subject = await add_person(sealer, "Dee Warner", consents=("register", "contact"))
    await declare(sealer, subject, "UC", uc_work_allowance="no", uc_housing="yes")
    await add_payee(sealer, subject)
    await proposed_entry(subject, 4000)

    listing = await client.get("/finance")

    assert "This payment may reduce a benefit the person told us about." in listing.text
    assert "Universal Credit" not in listing.text


async def test_bad_input_is_refused_with_the_error_summary_and_nothing_written(
    client: httpx.AsyncClient, finance: Finance, sealer: Sealer
) -> None:
    subject = uuid4()
    await add_payee(sealer, subject)
    waiting = await proposed_entry(subject, 1000)
    ready = await approved_entry(subject, 2000)

    nothing = await client.post("/finance/approve", data={}, headers=finance.headers)
    not_an_id = await client.post("/finance/approve", data={"entry": "x"}, headers=finance.headers)
    no_lock = await client.post("/finance/batches", data={}, headers=finance.headers)
    unapproved = await client.post(
        "/finance/batches", data={"entries": [str(ready), str(waiting)]}, headers=finance.headers
    )

    assert (nothing.status_code, not_an_id.status_code, no_lock.status_code) == (400, 400, 400)
    assert '<a href="#entries">Select at least one payment to approve</a>' in nothing.text
    assert '<a href="#entries">Select at least one payment to approve</a>' in not_an_id.text
    assert (
        '<a href="#lock-entries">Select at least one approved payment to put in the batch</a>'
        in no_lock.text
    )
    assert unapproved.status_code == 409
    assert '<a href="#lock-entries">1 of these payments are not approved' in unapproved.text
    assert await ExportBatch.count() == 0
    assert [await ledger.state_of(e) for e in (waiting, ready)] == ["proposed", "approved"]

    batch = await batches.lock([ready], finance.actor)
    page = f"/finance/batches/{batch}"
    bad_day = await client.post(
        f"{page}/paid",
        data={"paid_day": "31", "paid_month": "2", "paid_year": "2026", "reference": "R1"},
        headers=finance.headers,
    )
    tomorrow = date.fromordinal(datetime.now(LONDON).date().toordinal() + 1)
    future = await client.post(
        f"{page}/paid",
        data={
            "paid_day": str(tomorrow.day),
            "paid_month": str(tomorrow.month),
            "paid_year": str(tomorrow.year),
            "reference": "R1",
        },
        headers=finance.headers,
    )
    no_reference = await client.post(
        f"{page}/paid",
        data={"paid_day": "1", "paid_month": "1", "paid_year": "2026", "reference": " "},
        headers=finance.headers,
    )
    no_reason = await client.post(f"{page}/void", data={"reason": ""}, headers=finance.headers)

    assert [r.status_code for r in (bad_day, future, no_reference, no_reason)] == [400] * 4
    assert '<a href="#paid_day">Enter the date it was paid, for example 27 11 2026</a>' in (
        bad_day.text
    )
    assert 'value="31"' in bad_day.text
    assert '<a href="#paid_day">Enter the date it was paid: it cannot be in the future' in (
        future.text
    )
    assert '<a href="#reference">Enter the payment reference' in no_reference.text
    assert '<a href="#reason">Enter why you are voiding the batch' in no_reason.text
    assert (await batches.view(batch)).status == "locked"
    assert await ledger.state_of(ready) == "batched"

    voided = await client.post(
        f"{page}/void", data={"reason": "Wrong amount"}, headers=finance.headers
    )
    assert voided.status_code == 303
    assert (await batches.view(batch)).status == "voided"
    no_file = await client.get(f"{page}/file.csv")
    assert no_file.status_code == 409
    assert "This batch was voided" in no_file.text


async def test_a_file_that_changed_is_refused_not_sent(
    client: httpx.AsyncClient, finance: Finance, sealer: Sealer
) -> None:
    subject = uuid4()
    await add_payee(sealer, subject)
    batch = await batches.lock([await approved_entry(subject, 1200)], finance.actor)
    assert (await client.get(f"/finance/batches/{batch}/file.csv")).status_code == 200
    payee = await Payee.select(Payee.id).where(Payee.subject == subject).first()
    assert payee is not None
    changed: dict[Any, Any] = await sealer.seal_fields(
        Payee, payee["id"], subject, {"sort_code": "11-22-33"}
    )
    await Payee.update(changed).where(Payee.id == payee["id"])

    for kind in ("csv", "xlsx"):
        refused = await client.get(f"/finance/batches/{batch}/file.{kind}")
        assert refused.status_code == 409
        assert "not the same as when it was first downloaded" in refused.text
        assert "11-22-33" not in refused.text


@pytest.mark.parametrize("role", ["coordinator", "organiser", "participant"])
async def test_only_finance_and_admin_get_in(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer, role: str
) -> None:
    subject = uuid4()
    await add_payee(sealer, subject)
    entry = await approved_entry(subject, 1000)
    batch = await batches.lock([entry], audit.Actor(id=str(uuid4()), role="finance"))
    kind = "participant" if role == "participant" else "staff"
    await sign_in(running_app, client, await make_account(running_app, kind, (Role(role),)))
    headers = await csrf_headers(client)

    answers = [
        await client.get("/finance"),
        await client.get(f"/finance/batches/{batch}"),
        await client.get(f"/finance/batches/{batch}/file.csv"),
        await client.post("/finance/approve", data={"entry": str(entry)}, headers=headers),
        await client.post("/finance/batches", data={"entries": [str(entry)]}, headers=headers),
        await client.post(f"/finance/batches/{batch}/void", data={"reason": "x"}, headers=headers),
    ]

    assert [a.status_code for a in answers] == [403] * 6
    assert (await batches.view(batch)).sha256 == ""
    assert (await batches.view(batch)).status == "locked"


async def test_admin_gets_in(running_app: Litestar, client: httpx.AsyncClient) -> None:
    await sign_in(running_app, client, await make_account(running_app, "staff", (Role.admin,)))

    assert (await client.get("/finance")).status_code == 200
