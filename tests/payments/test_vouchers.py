"""Vouchers: issued only for an approved voucher entry, one per entry, the serial sealed under the
finance key, listed masked, shown in full only by an audited action, handed over once, and in the
export's voucher_serials column; refusals are 4xx with nothing written; only finance gets in."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from uuid import UUID, uuid4

import httpx
import pytest
from litestar import Litestar

from app import audit
from app.datamap import Role
from app.errors import Conflict, DomainError, Forbidden, NotFound
from app.sealed import Sealer
from app.tables import AuditEvent
from payments.services import export, ledger, vouchers
from payments.tables import Voucher
from tests.payments.hx_support import FINANCE, add_payee, approved_entry, locked, proposed_entry
from tests.support.auth import csrf_headers, make_account, sign_in

TODAY = date(2026, 11, 23)
SERIAL = "L2S-4417-0093-2286"


def new(entry: UUID, **changes: object) -> vouchers.NewVoucher:
    values: dict[str, object] = {
        "entry": entry,
        "provider": "Love2shop",
        "serial": SERIAL,
        "expires_on": date(2027, 11, 30),
    }
    return vouchers.NewVoucher(**(values | changes))  # type: ignore[arg-type]


async def voucher_entry(subject: UUID | None = None, amount: int = 2500) -> UUID:
    return await approved_entry(subject or uuid4(), amount, kind="voucher", method="e_voucher")


async def audits(subject: UUID, purpose: str) -> int:
    found: int = await AuditEvent.count().where(
        (AuditEvent.subject == subject) & (AuditEvent.purpose == purpose)
    )
    return found


async def test_a_voucher_is_issued_for_an_approved_voucher_entry_with_its_serial_sealed(
    db: None, sealer: Sealer
) -> None:
    person = uuid4()
    entry = await voucher_entry(person, 2500)

    voucher = await vouchers.issue(
        sealer, new(entry, serial="  L2S-4417  0093-2286 "), FINANCE, TODAY
    )

    row = await Voucher.select().where(Voucher.id == voucher).first()
    assert row is not None
    assert (row["entry"], row["subject"], row["provider"], row["value_pence"]) == (
        entry,
        person,
        "Love2shop",
        2500,
    )
    assert row["expires_on"] == date(2027, 11, 30)
    assert row["issued_by"] == UUID(FINANCE.id)
    assert SERIAL.encode() not in bytes(row["serial"])
    assert row["sealed_with"] == sealer.marker
    assert await vouchers.reveal(sealer, voucher, FINANCE) == "L2S-4417 0093-2286"
    assert await audits(person, "issue a voucher") == 1


async def test_only_a_voucher_entry_that_is_approved_gets_a_voucher(
    db: None, sealer: Sealer
) -> None:
    fee = await approved_entry(uuid4(), 2500)
    proposed = await proposed_entry(uuid4(), 2500, kind="voucher", method="e_voucher")
    reversed_entry = await voucher_entry()
    await ledger.reverse(reversed_entry, "Wrong amount", FINANCE)

    with pytest.raises(DomainError) as not_voucher:
        await vouchers.issue(sealer, new(fee), FINANCE, TODAY)
    with pytest.raises(Conflict) as not_approved:
        await vouchers.issue(sealer, new(proposed), FINANCE, TODAY)
    with pytest.raises(Conflict) as was_reversed:
        await vouchers.issue(sealer, new(reversed_entry), FINANCE, TODAY)
    with pytest.raises(NotFound):
        await vouchers.issue(sealer, new(uuid4()), FINANCE, TODAY)

    assert not_voucher.value.status_code == 400
    assert not_voucher.value.message == "This payment is not a voucher payment."
    assert not_approved.value.message.startswith("This payment must be approved")
    assert was_reversed.value.message.startswith("This payment was reversed")
    assert await Voucher.count().where(Voucher.entry.is_in([fee, proposed, reversed_entry])) == 0


async def test_one_voucher_per_entry(db: None, sealer: Sealer) -> None:
    entry = await voucher_entry()
    await vouchers.issue(sealer, new(entry), FINANCE, TODAY)

    with pytest.raises(Conflict, match="already been issued"):
        await vouchers.issue(sealer, new(entry, serial="OTHER-1234"), FINANCE, TODAY)

    assert await Voucher.count().where(Voucher.entry == entry) == 1


async def test_bad_input_names_every_field_and_writes_nothing(db: None, sealer: Sealer) -> None:
    entry = await voucher_entry()
    cases = [
        new(entry, provider="Bitcoin", serial="x!", expires_on=TODAY),
        new(entry, expires_on=None),
        new(entry, expires_on=TODAY + timedelta(days=6 * 366)),
    ]
    fields = []
    for case in cases:
        with pytest.raises(DomainError) as refused:
            await vouchers.issue(sealer, case, FINANCE, TODAY)
        assert refused.value.status_code == 400
        fields.append([e.field for e in refused.value.errors])

    assert fields == [["provider", "serial", "expires_on"], ["expires_on"], ["expires_on"]]
    assert await Voucher.count().where(Voucher.entry == entry) == 0


async def test_only_finance_issues_lists_reveals_and_hands_over(db: None, sealer: Sealer) -> None:
    entry = await voucher_entry()
    voucher = await vouchers.issue(sealer, new(entry), FINANCE, TODAY)
    organiser = audit.Actor(id=str(uuid4()), role="coordinator")

    with pytest.raises(Forbidden):
        await vouchers.issue(sealer, new(await voucher_entry()), organiser, TODAY)
    with pytest.raises(Forbidden):
        await vouchers.listed(sealer, organiser)
    with pytest.raises(Forbidden):
        await vouchers.reveal(sealer, voucher, organiser)
    with pytest.raises(Forbidden):
        await vouchers.hand_over(voucher, organiser)


async def test_the_list_masks_serials_and_the_reveal_is_audited_each_time(
    db: None, sealer: Sealer
) -> None:
    person = uuid4()
    reference = await add_payee(sealer, person)
    voucher = await vouchers.issue(sealer, new(await voucher_entry(person)), FINANCE, TODAY)

    shown = [v for v in await vouchers.listed(sealer, FINANCE) if v.id == voucher]
    await vouchers.reveal(sealer, voucher, FINANCE)
    await vouchers.reveal(sealer, voucher, FINANCE)

    assert [(v.masked_serial, v.payee_reference, v.value) for v in shown] == [
        ("****2286", reference, "£25")
    ]
    assert await audits(person, "list vouchers (serials masked)") == 1
    assert await audits(person, "show a voucher serial") == 2


async def test_a_voucher_is_handed_over_once_recording_who(db: None, sealer: Sealer) -> None:
    voucher = await vouchers.issue(sealer, new(await voucher_entry()), FINANCE, TODAY)

    await vouchers.hand_over(voucher, FINANCE)
    with pytest.raises(Conflict, match="already been handed over"):
        await vouchers.hand_over(voucher, FINANCE)

    row = await Voucher.select().where(Voucher.id == voucher).first()
    assert row is not None
    assert row["handed_over_by"] == UUID(FINANCE.id)
    assert row["handed_over_at"] is not None


async def test_the_export_shows_the_serial_of_a_voucher_entry_only(
    db: None, sealer: Sealer
) -> None:
    person = uuid4()
    await add_payee(sealer, person)
    entry = await voucher_entry(person)
    fee = await approved_entry(person, 1000)
    await vouchers.issue(sealer, new(entry), FINANCE, TODAY)
    batch = await locked([entry, fee])

    body = await export.csv_bytes(batch, sealer=sealer, actor=FINANCE)
    rows = list(csv.DictReader(io.StringIO(body.decode())))

    assert {row["entry_id"]: row["voucher_serials"] for row in rows} == {
        str(entry): SERIAL,
        str(fee): "",
    }


async def test_an_entry_in_a_batch_can_no_longer_get_a_voucher(db: None, sealer: Sealer) -> None:
    entry = await voucher_entry()
    await locked([entry])

    with pytest.raises(Conflict, match="already in an export batch"):
        await vouchers.issue(sealer, new(entry), FINANCE, TODAY)


# --- Pages ------------------------------------------------------------------------------------


async def signed_in(app: Litestar, client: httpx.AsyncClient, role: str) -> dict[str, str]:
    account = await make_account(app, "staff", (role,))
    await sign_in(app, client, account)
    return await csrf_headers(client)


async def test_finance_issues_shows_and_hands_over_on_the_page(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    headers = await signed_in(running_app, client, Role.finance)
    entry = await voucher_entry()
    form = {
        "provider": "Love2shop",
        "serial": SERIAL,
        "expires-day": "30",
        "expires-month": "11",
        "expires-year": str(date.today().year + 1),
    }

    listing = await client.get("/finance/vouchers")
    issued = await client.post(f"/finance/vouchers/{entry}/issue", data=form, headers=headers)
    after = await client.get("/finance/vouchers")
    voucher = await vouchers.voucher_for(entry)
    assert voucher is not None
    serial = await client.post(f"/finance/vouchers/{voucher}/serial", headers=headers)
    handed = await client.post(f"/finance/vouchers/{voucher}/handed-over", headers=headers)

    assert listing.status_code == 200
    assert f"/finance/vouchers/{entry}/issue" in listing.text
    assert (issued.status_code, issued.headers["location"]) == (
        303,
        "/finance/vouchers?done=issued",
    )
    assert "****2286" in after.text
    assert SERIAL not in after.text
    assert f"/finance/vouchers/{entry}/issue" not in after.text
    assert serial.status_code == 200
    assert SERIAL in serial.text
    assert handed.status_code == 303


async def test_a_bad_form_shows_the_error_summary_and_writes_nothing(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    headers = await signed_in(running_app, client, Role.finance)
    entry = await voucher_entry()
    form = {
        "provider": "",
        "serial": "",
        "expires-day": "31",
        "expires-month": "2",
        "expires-year": "2027",
    }

    refused = await client.post(f"/finance/vouchers/{entry}/issue", data=form, headers=headers)
    missing = await client.post(f"/finance/vouchers/{uuid4()}/issue", data=form, headers=headers)

    assert refused.status_code == 400
    assert "govuk-error-summary" in refused.text
    assert f'href="#expires-day-{entry}"' in refused.text
    assert "Enter the date the voucher expires, for example 31 12 2027" in refused.text
    assert missing.status_code == 400
    assert await Voucher.count().where(Voucher.entry == entry) == 0


@pytest.mark.parametrize("role", [Role.coordinator, Role.organiser])
async def test_other_staff_cannot_open_the_voucher_pages(
    running_app: Litestar, client: httpx.AsyncClient, role: str
) -> None:
    await signed_in(running_app, client, role)

    assert (await client.get("/finance/vouchers")).status_code == 403
