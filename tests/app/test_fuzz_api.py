"""Schemathesis against the whole JSON API as every role (issue 10, figure F1).

For each role, every operation in ``/schema/openapi.json``. The roles the access table lets
in get ``allowed`` generated requests per operation, valid and invalid input half and half,
judged by schemathesis' checks: no 5xx; status codes, content types, headers and bodies as
documented; invalid input refused with 4xx. The roles it keeps out get ``refused`` requests
per operation and must be refused (401 anonymous, 403 signed in). Then every read the role may
make runs again, so what the fuzzer wrote must read back as documented.

One test item per role, so pytest-xdist can spread them. PostgreSQL runs the same matrix with
fewer examples (``PLANS``): the engines differ in types and errors, not in what is reachable.
Operations that take no input at all (``GET /api/v1/me``) have one possible request, and
Hypothesis sends it once per pass rather than repeating it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

import anyio.to_thread
import httpx
import pytest
import schemathesis
from litestar import Litestar

from app import audit
from app.auth import tokens
from app.datamap import Role
from app.sealed import Sealer
from tests.support import fuzzing
from tests.support.auth import make_account, sign_in
from tests.support.fuzz_seed import seed

PLANS = {
    "sqlite": fuzzing.Plan(allowed=100, refused=10, read_back=10),
    "postgres": fuzzing.Plan(allowed=10, refused=2, read_back=2),
}
OPERATIONS = 53


async def credentials(
    app: Litestar, client: httpx.AsyncClient, role: str, participant: UUID
) -> dict[str, str]:
    """How a caller in ``role`` proves who they are: participants by session, staff by token."""
    if role == "anonymous":
        return {}
    if role == "participant":
        return {"cookie": f"session={await sign_in(app, client, participant)}"}
    account = await make_account(app, "staff", (role,))
    token = await tokens.create(app.state.secret_key, account, "fuzz", (role,), 1, audit.SYSTEM)
    return {"authorization": f"Bearer {token}"}


def operations(document: dict[str, Any]) -> list[fuzzing.Operation]:
    schema = schemathesis.openapi.from_dict(document)
    return [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]


@pytest.mark.parametrize("role", sorted(fuzzing.ANYONE))
async def test_every_operation_answers_as_documented(
    running_app: Litestar,
    client: httpx.AsyncClient,
    sealer: Sealer,
    engine_name: str,
    role: str,
) -> None:
    found = operations((await client.get("/schema/openapi.json")).json())
    participant = await make_account(running_app, "participant", (Role.participant,))
    caller = await credentials(running_app, client, role, participant)
    seeds = await seed(sealer, participant)
    send = fuzzing.sender(client, caller)
    started = time.monotonic()

    target = fuzzing.Target(running_app, found, seeds)
    tally = await anyio.to_thread.run_sync(fuzzing.fuzz_as, target, role, send, PLANS[engine_name])

    print(f"\nfuzz {engine_name} {role}: {tally.summary()} in {time.monotonic() - started:.1f}s")
    print("\n".join(f"  {count:4d} {label}" for label, count in sorted(tally.requests.items())))
    assert len(found) == len(tally.requests) == OPERATIONS
    assert list(tally.findings.values()) == [], "\n".join(map(str, tally.findings.values()))
    assert not any(status >= 500 for status in tally.statuses)


async def test_the_fuzzer_reports_a_server_error_and_a_stranger_let_in(
    client: httpx.AsyncClient,
) -> None:
    """The judges themselves: a 500, a body unlike its schema, and a 200 for a caller the route
    keeps out are each a failure."""
    found = operations((await client.get("/schema/openapi.json")).json())
    [events] = [op for op in found if op.label == "GET /api/v1/events"]
    tally = fuzzing.Tally()

    def answering(status: int, body: Any) -> Callable[[fuzzing.AnyCase], httpx.Response]:
        def send(case: fuzzing.AnyCase) -> httpx.Response:
            sent = fuzzing.prepare(case)
            request = httpx.Request(sent.method or "GET", sent.url or "/")
            response = httpx.Response(status, json=body, request=request)
            response.elapsed = timedelta(0)
            return response

        return send

    cases = fuzzing.strategy(events, {})
    let_in, kept_out = (
        fuzzing.conformance_judge("organiser", tally),
        fuzzing.refusal_judge("finance", tally),
    )
    fuzzing.run_examples(cases, 1, answering(500, {"events": []}), let_in)
    fuzzing.run_examples(cases, 1, answering(200, {"events": "none"}), let_in)
    fuzzing.run_examples(cases, 1, answering(200, {"events": []}), kept_out)

    assert [(f.role, f.status, f.problem.split(" | ")[0]) for f in tally.findings.values()] == [
        ("organiser", 500, "ST101 Server error; ST103 Undocumented status code"),
        ("organiser", 200, "ST108 Response violates schema"),
        ("finance", 200, "expected 403 for a caller the route does not allow"),
    ]
