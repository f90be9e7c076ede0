"""The demo council's ledger, moved on the way finance would: the market event's fees approved
by finance (the organiser proposed them: four eyes), two of them exported in a batch already
marked paid, one in a locked batch waiting to be paid (the only locked batch), the voucher
approved and waiting for its voucher; the expenses-only person's bus fare approved as an
expense; and one fee entered twice by mistake, reversed. Runs last, after ``demo_vouchers``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app import audit
from app import demo as kernel_demo
from app.sealed import Sealer
from events.services import attendance
from payments import demo_expenses
from payments.services import batches, expenses, ledger
from payments.tables import ExportBatch

FINANCE = kernel_demo.actor(kernel_demo.FINANCE)
COORDINATOR = kernel_demo.actor(kernel_demo.COORDINATOR)
PAID_REFERENCE = "BACS run 4471"


async def is_empty() -> bool:
    return bool(await ExportBatch.count() == 0)


async def populate(sealer: Sealer) -> list[str]:
    market = [row for row in await attendance.with_hours() if row["kind"] == "market_event"]
    if not market:
        return []
    event = market[0]
    entries = {
        view.method: view.id
        for view in await ledger.entries(state="proposed", limit=1000)
        if view.event == event["id"]
    }
    for entry in entries.values():
        await ledger.approve(entry, FINANCE)
    paid = await batches.lock([entries["pay_to_charity"], entries["bank_transfer"]], FINANCE)
    await batches.mark_paid(paid, datetime.now(ledger.LONDON).date(), PAID_REFERENCE, FINANCE)
    locked = await batches.lock([entries["reduced_amount"]], FINANCE)
    await _bus_fare(sealer, event)
    await _entered_twice(event)
    shown = [await batches.view(paid), await batches.view(locked)]
    return [
        f"the market event's {len(entries)} fees approved by finance; batch {shown[0].reference} "
        f"paid ({PAID_REFERENCE}), batch {shown[1].reference} locked and waiting to be paid, "
        "the voucher approved; a fee entered twice reversed; the briefing's fee waits for "
        "finance to approve at /finance",
    ]


async def _bus_fare(sealer: Sealer, event: dict[str, Any]) -> None:
    """The person who chose no fee still gets their bus fare back: expenses are not earnings."""
    hours = await attendance.hours_of(event["id"])
    first = sorted(hours, key=str)[0]
    claim = expenses.Claim(
        subject=first,
        opportunity=event["opportunity"],
        category="public_transport",
        details="Bus 5 to County Hall and back",
        amount_pence=360,
        receipt=expenses.receipt_from(demo_expenses.RECEIPT),
    )
    themselves = audit.Actor(id=str(first), role="participant")
    await expenses.approve(await expenses.submit(sealer, claim, themselves), FINANCE)


async def _entered_twice(event: dict[str, Any]) -> None:
    """A coordinator typed in a fee the attendance had already proposed; finance reversed it."""
    hours = await attendance.hours_of(event["id"])
    subject = sorted(hours, key=str)[-1]
    typed = ledger.Proposal(
        subject=subject,
        kind="fee",
        amount_pence=5000,
        opportunity=event["opportunity"],
        method="bank_transfer",
        description=f"Market event, {datetime.now(UTC):%B %Y}",
    )
    entry = await ledger.propose(typed, COORDINATOR)
    await ledger.reverse(entry, "Entered twice: the attendance had already proposed it", FINANCE)
