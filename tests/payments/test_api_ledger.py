"""The payments JSON API: Idempotency-Key rules (a replay is the first answer byte for byte),
amounts in whole pence, four eyes on approval, batches; every refusal writes nothing."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from litestar import Litestar

from app.retention import RetentionRun
from app.sealed import Sealer
from payments.services import idempotency, ledger
from payments.tables import IdempotencyRecord, LedgerEntry
from tests.participation.test_api import Headers
from tests.payments.conftest import counts, key

ENTRIES = "/api/v1/payments/entries"
BATCHES = "/api/v1/payments/batches"


def fee(subject: UUID, **changes: Any) -> dict[str, Any]:
    """A proposal as a script sends it."""
    return {"subject": str(subject), "kind": "fee", "amount_pence": 2500, **changes}


def fields(response: httpx.Response) -> list[str]:
    return [e["field"] for e in response.json().get("errors", [])]


async def propose(
    client: httpx.AsyncClient, headers: Headers, subject: UUID, **changes: Any
) -> dict[str, Any]:
    response = await client.post(ENTRIES, json=fee(subject, **changes), headers=headers | key())
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


async def approve(client: httpx.AsyncClient, headers: Headers, entry: str) -> httpx.Response:
    return await client.post(f"{ENTRIES}/{entry}/approve", json={}, headers=headers | key())


# Idempotency-Key


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (None, "needs an Idempotency-Key header"),
        ("", "needs an Idempotency-Key header"),
        ("short", "not a key we can use"),
        ("has a space in it", "not a key we can use"),
        ("x" * 129, "not a key we can use"),
    ],
)
async def test_a_post_without_a_usable_key_is_refused_and_says_what_to_send(
    client: httpx.AsyncClient, finance: Headers, value: str | None, says: str
) -> None:
    subject = uuid4()
    headers = finance if value is None else finance | {"Idempotency-Key": value}

    response = await client.post(ENTRIES, json=fee(subject), headers=headers)

    assert response.status_code == 400
    assert says in response.json()["detail"]
    assert "for example a UUID" in response.json()["detail"]
    assert fields(response) == ["Idempotency-Key"]
    assert await counts(subject) == await counts(uuid4())


async def test_a_quoted_key_as_the_ietf_draft_writes_it_is_accepted(
    client: httpx.AsyncClient, finance: Headers
) -> None:
    subject = uuid4()
    quoted = {"Idempotency-Key": f'"{uuid4()}"'}

    first = await client.post(ENTRIES, json=fee(subject), headers=finance | quoted)
    again = await client.post(ENTRIES, json=fee(subject), headers=finance | quoted)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content


async def test_a_replay_is_the_first_answer_byte_for_byte(
    client: httpx.AsyncClient, finance: Headers
) -> None:
    subject, same = uuid4(), key()
    body = fee(subject, description="Panel on 3 March")

    first = await client.post(ENTRIES, json=body, headers=finance | same)
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2)
    again = await client.post(
        ENTRIES,
        content=reordered,
        headers=finance | same | {"content-type": "application/json"},
    )

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"
    made = first.json()
    assert (made["subject"], made["amount_pence"], made["state"]) == (
        str(subject),
        2500,
        "proposed",
    )
    assert await LedgerEntry.count().where(LedgerEntry.subject == subject) == 1


async def test_the_same_key_with_another_body_or_route_is_422_and_writes_nothing(
    client: httpx.AsyncClient, finance: Headers, second_finance: Headers
) -> None:
    subject, same = uuid4(), key()
    made = await client.post(ENTRIES, json=fee(subject), headers=finance | same)
    before = await counts(subject)

    other_body = await client.post(
        ENTRIES, json=fee(subject, amount_pence=2501), headers=finance | same
    )
    other_route = await client.post(
        f"{ENTRIES}/{made.json()['id']}/reverse", json={"reason": "Oops"}, headers=finance | same
    )

    for response in (other_body, other_route):
        assert response.status_code == 422
        assert "already used for a different request" in response.json()["detail"]
    assert await counts(subject) == before
    # keys belong to their sender: another account's same key is another request
    theirs = await client.post(
        ENTRIES, json=fee(subject, amount_pence=2501), headers=second_finance | same
    )
    assert theirs.status_code == 201
    assert theirs.json()["id"] != made.json()["id"]


async def test_a_refused_request_keeps_no_answer_so_it_can_be_corrected(
    client: httpx.AsyncClient, finance: Headers, second_finance: Headers
) -> None:
    subject = uuid4()
    entry = (await propose(client, finance, subject))["id"]
    same = key()
    before = await counts(subject)

    own = await client.post(f"{ENTRIES}/{entry}/approve", json={}, headers=finance | same)

    assert own.status_code == 403
    assert "someone else must approve" in own.json()["detail"]
    assert await counts(subject) == before
    assert (
        await IdempotencyRecord.count().where(IdempotencyRecord.route == "payment-api-approve") == 0
    )
    done = await client.post(f"{ENTRIES}/{entry}/approve", json={}, headers=second_finance | same)
    assert done.status_code == 200
    assert done.json()["state"] == "approved"


async def test_1000_concurrent_submissions_over_50_keys_make_50_entries(
    client: httpx.AsyncClient, finance: Headers
) -> None:
    keys = [str(uuid4()) for _ in range(50)]
    subjects = {k: uuid4() for k in keys}
    bodies = {k: fee(subjects[k], amount_pence=100 + n) for n, k in enumerate(keys)}
    plan = [keys[n % 50] for n in range(1000)]

    async def submit(k: str) -> tuple[str, httpx.Response]:
        headers = finance | {"Idempotency-Key": k}
        return k, await client.post(ENTRIES, json=bodies[k], headers=headers)

    answers: list[tuple[str, httpx.Response]] = []
    for wave in range(0, 1000, 250):
        answers += await asyncio.gather(*(submit(k) for k in plan[wave : wave + 250]))

    assert {r.status_code for _, r in answers} == {201}
    by_key: dict[str, set[bytes]] = defaultdict(set)
    for k, response in answers:
        by_key[k].add(response.content)
    assert all(len(contents) == 1 for contents in by_key.values())
    firsts = [r for _, r in answers if "idempotent-replayed" not in r.headers]
    assert len(firsts) == 50
    made = await LedgerEntry.select(LedgerEntry.id, LedgerEntry.subject).where(
        LedgerEntry.subject.is_in(list(subjects.values()))
    )
    assert len(made) == 50
    assert {str(row["id"]) for row in made} == {
        json.loads(next(iter(contents)))["id"] for contents in by_key.values()
    }
    for k in keys[:3]:
        assert json.loads(next(iter(by_key[k])))["amount_pence"] == bodies[k]["amount_pence"]


# Amounts and bodies


@pytest.mark.parametrize("amount", [-100, 0, 12.5, 1250.0, "1250", True, 10_000_001, 10**18, None])
async def test_an_amount_that_is_not_whole_positive_pence_is_422_naming_the_field(
    client: httpx.AsyncClient, finance: Headers, amount: Any
) -> None:
    subject = uuid4()
    answers = await IdempotencyRecord.count()

    response = await client.post(
        ENTRIES, json=fee(subject, amount_pence=amount), headers=finance | key()
    )

    assert response.status_code == 422
    assert fields(response) == ["amount_pence"]
    assert "whole pence" in response.json()["errors"][0]["message"]
    assert await counts(subject) == await counts(uuid4())
    assert await IdempotencyRecord.count() == answers


async def test_unknown_kinds_methods_and_extra_fields_are_422(
    client: httpx.AsyncClient, finance: Headers
) -> None:
    subject = uuid4()
    body = fee(subject, kind="reversal", method="bitcoin", minutes=1.5, surprise=1)

    response = await client.post(ENTRIES, json=body, headers=finance | key())

    assert response.status_code == 422
    assert fields(response) == ["kind", "method", "minutes", "surprise"]
    assert await LedgerEntry.count().where(LedgerEntry.subject == subject) == 0


# The journey: propose, approve, lock, pay, void, reverse


async def test_a_coordinator_proposes_and_finance_approves_locks_and_pays(
    client: httpx.AsyncClient, coordinator: Headers, finance: Headers
) -> None:
    subject = uuid4()
    entry = (await propose(client, coordinator, subject))["id"]

    refused = await approve(client, coordinator, entry)
    approved = await approve(client, finance, entry)
    locked = await client.post(BATCHES, json={"entries": [entry]}, headers=finance | key())
    batch = locked.json()
    paid = await client.post(
        f"{BATCHES}/{batch['id']}/paid",
        json={"paid_on": datetime.now(ledger.LONDON).date().isoformat(), "reference": "BACS 5"},
        headers=finance | key(),
    )
    listed = await client.get(ENTRIES, params={"subject": str(subject)}, headers=finance)
    listed_batches = await client.get(BATCHES, headers=finance)

    assert refused.status_code == 403
    assert approved.status_code == 200
    assert approved.json()["state"] == "approved"
    assert locked.status_code == 201
    assert batch["reference"].startswith("RCP-")
    assert (batch["entry_count"], batch["total_pence"], batch["status"]) == (1, 2500, "locked")
    assert paid.status_code == 200
    assert (paid.json()["status"], paid.json()["paid_reference"]) == ("paid", "BACS 5")
    [view] = listed.json()["entries"]
    assert (view["id"], view["state"], view["batch"]) == (entry, "paid", batch["id"])
    assert view["paid_reference"] == "BACS 5"
    assert [b["id"] for b in listed_batches.json()["batches"]] == [batch["id"]]


async def test_adding_a_batched_entry_to_another_batch_is_409_and_writes_nothing(
    client: httpx.AsyncClient, coordinator: Headers, finance: Headers
) -> None:
    subject = uuid4()
    first = (await propose(client, coordinator, subject))["id"]
    second = (await propose(client, coordinator, subject))["id"]
    for entry in (first, second):
        await approve(client, finance, entry)
    await client.post(BATCHES, json={"entries": [first]}, headers=finance | key())
    before = await counts(subject)

    again = await client.post(BATCHES, json={"entries": [second, first]}, headers=finance | key())
    empty = await client.post(BATCHES, json={"entries": []}, headers=finance | key())
    not_ids = await client.post(BATCHES, json={"entries": ["x"]}, headers=finance | key())

    assert again.status_code == 409
    assert "already in a batch" in again.json()["detail"]
    assert (empty.status_code, fields(empty)) == (422, ["entries"])
    assert (not_ids.status_code, fields(not_ids)) == (422, ["entries"])
    assert await counts(subject) == before


async def test_voiding_over_the_api_reissues_and_a_second_reversal_is_409(
    client: httpx.AsyncClient, coordinator: Headers, finance: Headers
) -> None:
    subject = uuid4()
    entry = (await propose(client, coordinator, subject))["id"]
    await approve(client, finance, entry)
    batch = (await client.post(BATCHES, json={"entries": [entry]}, headers=finance | key())).json()

    voided = await client.post(
        f"{BATCHES}/{batch['id']}/void", json={"reason": "Wrong file"}, headers=finance | key()
    )
    [reissue] = voided.json()["reissued"]
    reversed_ = await client.post(
        f"{ENTRIES}/{reissue}/reverse", json={"reason": "Not owed"}, headers=finance | key()
    )
    twice = await client.post(
        f"{ENTRIES}/{reissue}/reverse", json={"reason": "Not owed"}, headers=finance | key()
    )
    too_long = await client.post(
        f"{ENTRIES}/{entry}/reverse", json={"reason": "x" * 201}, headers=finance | key()
    )

    assert voided.status_code == 200
    assert voided.json()["batch"]["status"] == "voided"
    assert reversed_.status_code == 201
    assert (reversed_.json()["amount_pence"], reversed_.json()["reverses"]) == (-2500, reissue)
    assert twice.status_code == 409
    assert "already been reversed" in twice.json()["detail"]
    assert (too_long.status_code, fields(too_long)) == (422, ["reason"])
    balance = await LedgerEntry.select(LedgerEntry.amount_pence).where(
        LedgerEntry.subject == subject
    )
    assert sum(row["amount_pence"] for row in balance) == 0


async def test_listing_entries_is_finance_only_and_audited(
    running_app: Litestar, client: httpx.AsyncClient, coordinator: Headers, finance: Headers
) -> None:
    from app.tables import AuditEvent

    subject = uuid4()
    await propose(client, coordinator, subject)

    refused = await client.get(ENTRIES, headers=coordinator)
    listed = await client.get(
        ENTRIES, params={"subject": str(subject), "state": "proposed"}, headers=finance
    )
    bad_state = await client.get(ENTRIES, params={"state": "lost"}, headers=finance)

    assert refused.status_code == 403
    assert [e["amount_pence"] for e in listed.json()["entries"]] == [2500]
    assert bad_state.status_code == 400
    views = await AuditEvent.select(AuditEvent.purpose).where(
        (AuditEvent.subject == subject) & (AuditEvent.action == "view")
    )
    assert views == [{"purpose": "list payments"}]


# Retention


async def test_stored_answers_are_purged_after_seven_days(
    running_app: Litestar, client: httpx.AsyncClient, finance: Headers, sealer: Sealer
) -> None:
    await propose(client, finance, uuid4())
    now = datetime.now(UTC)

    def run(at: datetime, dry_run: bool = False) -> RetentionRun:
        return RetentionRun(at, dry_run, sealer, running_app.state.settings)

    assert await idempotency.purge(run(now + timedelta(days=6, hours=23))) == 0
    assert await idempotency.purge(run(now + timedelta(days=7, minutes=1), dry_run=True)) == 1
    assert await IdempotencyRecord.count() == 1
    assert await idempotency.purge(run(now + timedelta(days=7, minutes=1))) == 1
    assert await IdempotencyRecord.count() == 0
