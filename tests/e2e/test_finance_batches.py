"""Finance, in a real browser: approves payments (one, then two together), locks them into a
batch, downloads its CSV file and marks the batch paid, at phone and desktop widths."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_sign_in import PASSWORD, open_menu_on_a_phone, staff_sign_in
from tests.support.axe import assert_accessible

SEED = """
import asyncio, json, sys
from uuid import uuid4
from app import audit
from app.auth import accounts
from app.cli_keys import sealer_for
from app.datamap import Role
from app.db import with_database
from app.factory import data_map
from app.settings import Settings
from payments.services import ledger
from payments.tables import Payee

email, password, pence = sys.argv[1], sys.argv[2], [int(p) for p in sys.argv[3:]]
settings = Settings()
sealer = sealer_for(settings, data_map())
proposer = audit.Actor(id=str(uuid4()), role="coordinator")

async def seed():
    new = accounts.NewAccount("staff", email, "Fola Adeyemi", (Role.finance,), password=password)
    await accounts.create(sealer, new, audit.SYSTEM)
    made = []
    for n, amount in enumerate(pence):
        subject, payee = uuid4(), uuid4()
        reference = "P" + payee.hex[:8].upper()
        details = {"account_name": f"Person {n}", "sort_code": "20-45-77",
                   "account_number": f"5577{n:04d}"}
        stored = await sealer.seal(Payee, payee, subject, details)
        await Payee.insert(Payee(id=payee, subject=subject, reference=reference, **stored))
        proposal = ledger.Proposal(subject=subject, kind="fee", amount_pence=amount,
                                   method="bank_transfer")
        made.append({"entry": str(await ledger.propose(proposal, proposer)),
                     "payee": reference, "pence": amount})
    return made

print(json.dumps(with_database(settings, seed)))
"""


def seed(env: dict[str, str], email: str, pence: list[int]) -> list[dict[str, object]]:
    """A finance account and three people's proposed fees, written by the service's own code
    into the live service's database (no page lets staff type bank details yet)."""
    done = subprocess.run(
        [sys.executable, "-c", SEED, email, PASSWORD, *map(str, pence)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    made: list[dict[str, object]] = json.loads(done.stdout.strip().splitlines()[-1])
    return made


def label(payment: dict[str, object]) -> str:
    pence = int(str(payment["pence"]))
    return f"£{pence // 100}.{pence % 100:02d} fee to {payment['payee']}"


def test_finance_approves_locks_downloads_and_pays_a_batch(
    page: Page, live_env: dict[str, str]
) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    email = f"fola.{width}@northshire.example"
    pence = [width * 10 + 1, width * 10 + 2, width * 10 + 3]  # ours, whatever else is there
    made = seed(live_env, email, pence)
    staff_sign_in(page, email)

    open_menu_on_a_phone(page)
    page.get_by_role("link", name="Payments", exact=True).click()
    expect(page.locator("h1")).to_have_text("Payments")
    assert_accessible(page)
    screenshot(page, "finance-payments")

    approve_one_then_two(page, made)
    page.get_by_role("button", name="Lock a batch").click()  # nothing ticked: told what to do
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Select at least one approved payment to put in the batch")
    assert_accessible(page)
    screenshot(page, "finance-lock-error")
    for payment in made:
        page.get_by_label(f"Select {label(payment)}").check()
    page.get_by_role("button", name="Lock a batch").click()
    expect(page.get_by_text("The batch is locked.")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("RCP-")
    assert_accessible(page)
    screenshot(page, "finance-batch")

    with page.expect_download() as downloading:
        page.get_by_role("button", name="Download CSV file").click()
    body = Path(downloading.value.path()).read_bytes()
    rows = list(csv.reader(body.decode().splitlines()))
    assert downloading.value.suggested_filename.startswith("payments-RCP-")
    assert sorted(row[6] for row in rows[1:]) == [f"{p // 100}.{p % 100:02d}" for p in pence]
    assert sorted(row[2] for row in rows[1:]) == sorted(str(p["payee"]) for p in made)

    page.reload()
    expect(page.locator("code")).to_have_text(hashlib.sha256(body).hexdigest())
    mark_paid(page, f"BACS {width}")


def approve_one_then_two(page: Page, made: list[dict[str, object]]) -> None:
    page.get_by_role("button", name=f"Approve {label(made[0])}").click()
    expect(page.get_by_text("1 payment approved.")).to_be_visible()
    page.get_by_label(f"Select {label(made[1])}").check()
    page.get_by_label(f"Select {label(made[2])}").check()
    page.get_by_role("button", name="Approve selected").click()
    expect(page.get_by_text("2 payments approved.")).to_be_visible()
    assert_accessible(page)


def mark_paid(page: Page, reference: str) -> None:
    """First without a date (the error summary says what to do), then with today's."""
    page.get_by_role("button", name="Mark as paid").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_accessible(page)
    screenshot(page, "finance-paid-error")
    today = date.today()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Payment reference").fill(reference)
    page.get_by_role("button", name="Mark as paid").click()
    expect(page.get_by_text("The batch is marked as paid.")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Paid")
    assert_accessible(page)
    screenshot(page, "finance-batch-paid")
