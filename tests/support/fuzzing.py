"""Schemathesis against the app in this process, one caller (a role) at a time.

Why not ``case.call()``: schemathesis runs an ASGI app on an event loop of its own, but the
test app, its database pool and its sessions live on the test's loop (and PostgreSQL
connections cannot move between loops). So Hypothesis runs in a worker thread and every
request it generates hops back onto the test's loop (``anyio.from_thread``), goes through the
real app over httpx, and the answer is judged by schemathesis' own checks
(``case.validate_response``). Requests are built by ``requests`` exactly as schemathesis would
send them, so its checks read the bytes that were really sent.

Each operation gets a fixed number of examples, half valid input, half invalid, under a fixed
seed and without an example database, so every run sends the same requests. Failures are
collected rather than raised, so one run lists every problem at once.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

import anyio.from_thread
import httpx
import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.routes import HTTPRoute
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.auth.access import rules_for

AnyCase = Case[Any]
Operation = APIOperation[Any, Any, Any, Any]
BASE_URL = "http://testserver"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
ANYONE = frozenset({"anonymous", "participant", "coordinator", "organiser", "finance", "admin"})
LAST = frozenset({"POST /api/v1/me/withdraw"})
"""Run after everything else: withdrawing deletes the caller's account."""
PATH_PARAMETER = re.compile(r"\{(\w+)\}")
TYPED_PARAMETER = re.compile(r"\{(\w+):[^}]+\}")


@dataclass(frozen=True)
class Finding:
    """One distinct failure: which operation, as whom, what came back, and how to repeat it."""

    operation: str
    role: str
    status: int
    problem: str
    curl: str

    def __str__(self) -> str:
        return f"{self.operation} as {self.role} -> {self.status}: {self.problem}\n    {self.curl}"


@dataclass
class Tally:
    """Requests sent per operation, answers by status, and the distinct failures found."""

    requests: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    findings: dict[tuple[str, str, int, str], Finding] = field(default_factory=dict)

    def count(self, case: AnyCase, response: httpx.Response) -> None:
        self.requests[case.operation.label] += 1
        self.statuses[response.status_code] += 1

    def add(self, finding: Finding) -> None:
        self.findings.setdefault(
            (finding.operation, finding.role, finding.status, finding.problem), finding
        )

    def summary(self) -> str:
        classes = Counter(f"{status // 100}xx" for status in self.statuses.elements())
        shown = ", ".join(f"{name} {classes[name]}" for name in sorted(classes))
        return f"{sum(self.requests.values())} requests ({shown}), {len(self.findings)} failures"


@dataclass(frozen=True)
class Plan:
    """How many examples each kind of operation gets, for one role on one engine."""

    allowed: int
    refused: int
    read_back: int


@dataclass(frozen=True)
class Target:
    """What is fuzzed: the app, its documented operations, and rows their paths can name."""

    app: Litestar
    operations: list[Operation]
    seeds: dict[str, list[str]]


def fuzz_as(
    target: Target, role: str, send: Callable[[AnyCase], httpx.Response], plan: Plan
) -> Tally:
    """Every operation as ``role``; then every read it may make again, valid input only, to
    check that what the fuzzer wrote reads back as documented; then ``LAST`` (withdrawing
    deletes the caller). Runs in a worker thread."""
    tally = Tally()
    lets_in = {op.label: role in who_may_call(target.app, op) for op in target.operations}

    def fuzz(operation: Operation) -> None:
        cases = strategy(operation, target.seeds)
        if lets_in[operation.label]:
            run_examples(cases, plan.allowed, send, conformance_judge(role, tally))
        else:
            run_examples(cases, plan.refused, send, refusal_judge(role, tally))

    first = [op for op in target.operations if op.label not in LAST]
    for operation in first:
        fuzz(operation)
    for operation in first:
        if lets_in[operation.label] and operation.method.upper() == "GET":
            cases = strategy(operation, target.seeds, valid_only=True)
            run_examples(cases, plan.read_back, send, conformance_judge(role, tally))
    for operation in target.operations:
        if operation.label in LAST:
            fuzz(operation)
    return tally


def who_may_call(app: Litestar, operation: Operation) -> frozenset[str]:
    """The roles the app's access table lets through to this operation."""
    handlers = {
        (method, TYPED_PARAMETER.sub(r"{\1}", route.path)): handler
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        for method in handler.http_methods
    }
    handler = handlers[(cast("Any", operation.method.upper()), operation.path)]
    rule = rules_for(handler, app.state.access_rules)
    assert rule is not None, f"{operation.label} is in the OpenAPI document but not the table"
    if rule.roles is None:
        return ANYONE
    return frozenset(str(role) for role in rule.roles)


def strategy(
    operation: Operation, seeds: dict[str, list[str]], *, valid_only: bool = False
) -> st.SearchStrategy[AnyCase]:
    """Valid and invalid cases half and half; valid ones name a seeded row half the time."""
    valid = operation.as_strategy(GenerationMode.POSITIVE)
    names = [name for name in PATH_PARAMETER.findall(operation.path) if name in seeds]
    if names:
        rows = st.fixed_dictionaries({name: st.sampled_from(seeds[name]) for name in names})
        valid = st.one_of(valid, st.tuples(valid, rows).map(_naming_rows))
    if valid_only:
        return valid
    return st.one_of(valid, operation.as_strategy(GenerationMode.NEGATIVE))


def _naming_rows(pair: tuple[AnyCase, dict[str, str]]) -> AnyCase:
    case, rows = pair
    case.path_parameters = {**(case.path_parameters or {}), **rows}
    return case


Judge = Callable[[AnyCase, httpx.Response], None]


def run_examples(
    cases: st.SearchStrategy[AnyCase],
    examples: int,
    send: Callable[[AnyCase], httpx.Response],
    judge: Judge,
) -> None:
    """Send up to ``examples`` generated cases (fewer when the inputs run out) and judge each.

    Runs in a worker thread; ``send`` carries each request back to the app's event loop.
    """

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def one(case: AnyCase) -> None:
        judge(case, send(case))

    one()


def sender(
    http: httpx.AsyncClient, credentials: dict[str, str]
) -> Callable[[AnyCase], httpx.Response]:
    """Send a case from the worker thread through the app, as the caller with ``credentials``."""

    async def send(prepared: requests.PreparedRequest) -> httpx.Response:
        http.cookies.clear()  # each request carries only the caller's own credentials
        headers = {
            name.encode("latin-1"): value.encode("latin-1") if isinstance(value, str) else value
            for name, value in {**prepared.headers, **credentials}.items()
        }
        started = time.perf_counter()
        response = await http.request(
            prepared.method or "GET",
            prepared.url or "/",
            headers=headers,
            content=cast("bytes | None", prepared.body),
        )
        if not hasattr(response, "_elapsed"):  # read early by the canary trap, so never dated
            response.elapsed = timedelta(seconds=time.perf_counter() - started)
        return response

    def call(case: AnyCase) -> httpx.Response:
        return anyio.from_thread.run(send, prepare(case))

    return call


def prepare(case: AnyCase) -> requests.PreparedRequest:
    """The request exactly as schemathesis would send it through ``requests``."""
    kwargs = case.as_transport_kwargs(base_url=BASE_URL)
    assert not kwargs.get("cookies"), "the API documents no cookie parameters"
    return requests.Request(
        method=kwargs["method"],
        url=kwargs["url"],
        headers=dict(kwargs.get("headers") or {}),
        params=kwargs.get("params"),
        json=kwargs.get("json"),
        data=kwargs.get("data"),
    ).prepare()


def failure_of(error: FailureGroup, case: AnyCase, response: httpx.Response, role: str) -> Finding:
    """Every failed check (code and title, in code order) and the first one's message."""
    failures = sorted(error.exceptions, key=lambda failure: failure.code)
    titles = "; ".join(f"{failure.code} {failure.title}" for failure in failures)
    message = " ".join(failures[0].message.split())[:200]
    curl = next((line.strip() for line in str(error).splitlines() if "curl " in line), "")
    return Finding(case.operation.label, role, response.status_code, f"{titles} | {message}", curl)


def conformance_judge(role: str, tally: Tally) -> Judge:
    """For callers the route lets in: every schemathesis check, failures kept in ``tally``."""

    def judge(case: AnyCase, response: httpx.Response) -> None:
        tally.count(case, response)
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as error:
            tally.add(failure_of(error, case, response, role))

    return judge


def refusal_judge(role: str, tally: Tally) -> Judge:
    """For callers the route keeps out: valid input is refused 401 (anonymous) or 403;
    invalid input may also fail on its own first (404, 400), but never with 2xx or 5xx."""
    refused = 401 if role == "anonymous" else 403

    def judge(case: AnyCase, response: httpx.Response) -> None:
        tally.count(case, response)
        mode = case.meta.generation.mode if case.meta else GenerationMode.POSITIVE
        status = response.status_code
        if status == refused or (mode.is_negative and 400 <= status < 500):
            return
        tally.add(
            Finding(
                case.operation.label,
                role,
                status,
                f"expected {refused} for a caller the route does not allow",
                prepare(case).url or "",
            )
        )

    return judge
