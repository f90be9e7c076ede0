"""Demo voucher: Jordan is paid £25 as a Love2shop e-voucher for the housing panel. A
coordinator proposed the voucher payment, finance approved it (two different people), and
finance issued the voucher; it waits at /finance/vouchers to be marked handed over."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from app import demo as kernel_demo
from app.demo import DEMO_PARTICIPANT_EMAIL
from app.sealed import Sealer
from participation.services import opportunities, profiles
from payments.services import ledger, vouchers
from payments.tables import Voucher

DEMO_PROPOSER = kernel_demo.actor(kernel_demo.COORDINATOR)
DEMO_FINANCE = kernel_demo.actor(kernel_demo.FINANCE)
DEMO_SERIAL = "L2S-7731-0042-2580"
LONDON = ZoneInfo("Europe/London")


async def is_empty() -> bool:
    return bool(await Voucher.count() == 0)


async def populate(sealer: Sealer) -> list[str]:
    jordan = await profiles.find_by_email(sealer, DEMO_PARTICIPANT_EMAIL)
    open_now = await opportunities.open_now()
    if jordan is None or not open_now:
        return []
    proposal = ledger.Proposal(
        subject=jordan,
        kind="voucher",
        amount_pence=2500,
        opportunity=open_now[0]["id"],
        method="e_voucher",
        description="Love2shop e-voucher for the housing panel",
        once=f"demo-voucher:{jordan}",
    )
    entry = await ledger.propose(proposal, DEMO_PROPOSER)
    await ledger.approve(entry, DEMO_FINANCE)
    today = datetime.now(UTC).astimezone(LONDON).date()
    new = vouchers.NewVoucher(
        entry=entry,
        provider="Love2shop",
        serial=DEMO_SERIAL,
        expires_on=date(today.year + 1, today.month, min(today.day, 28)),
    )
    await vouchers.issue(sealer, new, DEMO_FINANCE, today)
    return [
        f"a £25 Love2shop e-voucher for {DEMO_PARTICIPANT_EMAIL}, proposed and approved by two "
        "different staff, issued and waiting to be handed over at /finance/vouchers",
    ]
