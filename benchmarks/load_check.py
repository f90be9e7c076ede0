"""After a load run: is every write the load users were told was done in the database, once?

Not a benchmark itself (no ``bench_`` prefix); run through ``benchmarks.load_setup check``
against the target database. ``done`` is what the locustfile recorded from the server's own
answers (``benchmarks/load_users.py``). Each virtual user works on its own people, entries
and expressions, so the last value a user saw confirmed is the value the database must hold.
Returns the problems found (empty: nothing lost, nothing doubled) and what was counted.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from uuid import UUID

from app import audit
from app.sealed import Sealer
from app.tables import SignInToken
from events.tables import Invitation
from participation.services import profiles
from participation.tables import Expression
from payments.tables import EntryState, ExportBatch, LedgerEntry, PaymentChoice

CHECKER = audit.Actor(id="load-check", role="participant")


async def check(sealer: Sealer, state: dict[str, Any], done: dict[str, Any]) -> dict[str, Any]:
    problems: list[str] = []
    for part in (_participants, _coordinators, _finance, _duplicates):
        problems += await part(sealer, state, done)
    return {"problems": problems, "counts": _counts(done)}


def _counts(done: dict[str, Any]) -> dict[str, int]:
    """The confirmed writes the check compared with the database, by kind."""
    return {
        "sign-ins": done["sign_ins"],
        "profile edits (people)": len(done["profile_edits"]),
        "invitation replies (invitations)": len(done["replies"]),
        "payment choices": sum(done["choices"].values()),
        "board moves (expressions)": len(done["statuses"]),
        "invitations sent by coordinators": sum(done["invited"].values()),
        "fees proposed twice (double clicks)": len(done["proposed"]),
        "approvals": len(done["approved"]),
        "approvals replayed": done["replayed"],
        "batches locked": len(done["batches"]),
        "entries in batches": sum(len(e) for e in done["batches"].values()),
    }


async def _participants(sealer: Sealer, state: dict[str, Any], done: dict[str, Any]) -> list[str]:
    problems = []
    used = await SignInToken.count().where(
        (SignInToken.purpose == "participant") & SignInToken.used_at.is_not_null()
    )
    if used != done["sign_ins"]:
        problems.append(f"sign-in links used: {used} in the database, {done['sign_ins']} confirmed")
    for subject, text in done["profile_edits"].items():
        profile = await profiles.read(sealer, UUID(subject), CHECKER, "participant")
        stored = profile.access_needs.other if profile.access_needs else None
        if stored != text:
            problems.append(f"profile {subject}: access needs not the last edit confirmed")
    for invitation, answer in done["replies"].items():
        row = await Invitation.select(Invitation.reply).where(Invitation.id == invitation).first()
        if row is None or row["reply"] != answer:
            problems.append(f"invitation {invitation}: reply {row and row['reply']} != {answer}")
    place = UUID(state["participants"][0]["opportunity"])
    rows = await PaymentChoice.select(PaymentChoice.subject).where(
        PaymentChoice.opportunity == place
    )
    stored_choices = Counter(str(row["subject"]) for row in rows)
    if stored_choices != Counter(done["choices"]):
        problems.append(
            f"payment choices: {sum(stored_choices.values())} in the database, "
            f"{sum(done['choices'].values())} confirmed (or not per person)"
        )
    return problems


async def _coordinators(_: Sealer, state: dict[str, Any], done: dict[str, Any]) -> list[str]:
    problems = []
    for expression, status in done["statuses"].items():
        row = await Expression.select(Expression.status).where(Expression.id == expression).first()
        if row is None or row["status"] != status:
            problems.append(f"expression {expression}: {row and row['status']} != {status}")
    for coordinator in state["coordinators"]:
        event = coordinator["event"]
        stored = await Invitation.count().where(Invitation.event == event)
        if stored != done["invited"].get(event, 0):
            problems.append(
                f"event {event}: {stored} invitations, {done['invited'].get(event, 0)} confirmed"
            )
    for once, entry in done["proposed"].items():
        rows = await LedgerEntry.select(LedgerEntry.id).where(LedgerEntry.once == once)
        if isinstance(entry, list) or [str(r["id"]) for r in rows] != [entry]:
            problems.append(f"fee {once}: entries {rows} for one double click (answered {entry})")
    return problems


async def _finance(_: Sealer, state: dict[str, Any], done: dict[str, Any]) -> list[str]:
    problems = []
    approved = done["approved"]
    if len(set(approved)) != len(approved):
        problems.append("an entry was approved twice by the load users")
    ours = [entry for officer in state["finance"] for entry in officer["entries"]]
    rows = await EntryState.select(EntryState.entry).where(
        (EntryState.state == "approved") & EntryState.entry.is_in(ours)
    )
    if sorted(str(r["entry"]) for r in rows) != sorted(approved):
        problems.append(f"approvals: {len(rows)} in the database, {len(approved)} confirmed")
    for batch, entries in done["batches"].items():
        row = await ExportBatch.select().where(ExportBatch.id == batch).first()
        members = await EntryState.select(EntryState.entry).where(
            (EntryState.state == "batched") & (EntryState.batch == batch)
        )
        if row is None or row["entry_count"] != len(entries):
            problems.append(f"batch {batch}: missing or wrong count")
        if sorted(str(m["entry"]) for m in members) != sorted(entries):
            problems.append(f"batch {batch}: members differ from the entries locked")
        lines = done["csv_lines"].get(batch)
        if lines is not None and lines != len(entries):
            problems.append(f"batch {batch}: CSV has {lines} lines for {len(entries)} entries")
    return problems


async def _duplicates(*_: Any) -> list[str]:
    """No payment twice: one live fee per person, event and kind; one of each state per entry."""
    fees = await LedgerEntry.raw(
        "SELECT subject, event, kind, COUNT(*) AS n FROM ledger_entry "
        "WHERE event IS NOT NULL AND reverses IS NULL AND reissues IS NULL "
        "GROUP BY subject, event, kind HAVING COUNT(*) > 1"
    )
    states = await EntryState.raw(
        "SELECT entry, state, COUNT(*) AS n FROM entry_state "
        "GROUP BY entry, state HAVING COUNT(*) > 1"
    )
    problems = [f"duplicated payment: {len(fees)} person/event/kind with more than one fee"]
    problems += [f"duplicated state: {len(states)} entries with a state twice"]
    return [p for p, found in zip(problems, (fees, states), strict=True) if found]
