"""Deny by default: every (persona, route, method) answers what the access table says."""

from __future__ import annotations

import re
from typing import Any
from uuid import uuid4

import httpx
import pytest
from litestar import Litestar

from app.auth.access import KERNEL_RULES, PUBLIC, STAGE_MFA, Rule, rules_for
from app.datamap import Role
from tests.support.auth import STAFF_PERSONAS, csrf_headers, make_account, sign_in

PERSONAS = (
    "anonymous",
    "participant",
    "coordinator",
    "organiser",
    "finance",
    "admin",
    "staff-mid-sign-in",
)


def concrete(path: str) -> str:
    """A real URL for a route path: random ids, a dummy token."""
    path = re.sub(r"\{[a-z_]+:uuid\}", str(uuid4()), path)
    return re.sub(r"\{[a-z_]+:(str|path)\}", "not-a-real-token", path)


def every_route(app: Litestar) -> list[tuple[str, str, Any]]:
    """Each (method, path, handler). A ``.pdf`` path is served by its ``.docx`` path's handler
    under the same rule, so walking the .docx is enough (each PDF takes seconds to convert)."""
    routes = []
    for route in app.routes:
        for handler in route.route_handlers:
            for method in sorted(getattr(handler, "http_methods", ())):
                if (
                    method not in {"OPTIONS", "HEAD"}
                    and not route.path.startswith("/static")
                    and not route.path.endswith(".pdf")
                ):
                    routes.append((method, route.path, handler))
    return routes


async def test_every_route_is_in_the_access_table(running_app: Litestar) -> None:
    missing = [
        f"{method} {path}"
        for method, path, handler in every_route(running_app)
        if rules_for(handler, running_app.state.access_rules) is None
    ]

    assert missing == []
    assert len(every_route(running_app)) >= 40


async def persona_client(app: Litestar, client: httpx.AsyncClient, persona: str) -> None:
    if persona == "anonymous":
        return
    if persona == "participant":
        account = await make_account(app, "participant", (Role.participant,))
        await sign_in(app, client, account)
        return
    roles = STAFF_PERSONAS.get(persona, (Role.coordinator,))
    account = await make_account(app, "staff", roles)
    stage = STAGE_MFA if persona == "staff-mid-sign-in" else "signed-in"
    await sign_in(app, client, account, stage=stage, fresh=persona == "admin")


def expected(rule: Rule, persona: str) -> str:
    """What the table promises: 'open', 'sign-in', 'forbidden' or 'confirm'."""
    if rule.roles is None:
        return "open"
    if persona == "anonymous":
        return "sign-in"
    stage = STAGE_MFA if persona == "staff-mid-sign-in" else "signed-in"
    if stage not in rule.stages:
        return "sign-in"
    roles = (
        {"participant"}
        if persona == "participant"
        else set(STAFF_PERSONAS.get(persona, ("coordinator",)))
    )
    if not roles & rule.roles:
        return "forbidden"
    if rule.fresh and persona != "admin":
        return "confirm"
    return "open"


def observed(response: httpx.Response) -> str:
    if response.status_code >= 500:
        return f"server error {response.status_code}"
    location = response.headers.get("location", "")
    if response.status_code == 401 or (response.status_code == 303 and location == "/sign-in"):
        return "sign-in"
    if response.status_code == 303 and location.startswith("/account/confirm"):
        return "confirm"
    if response.status_code == 403 and "Your form has expired" not in response.text:
        return "forbidden"
    return "open"


@pytest.mark.parametrize("persona", PERSONAS)
async def test_each_persona_gets_exactly_what_the_table_says(
    running_app: Litestar, client: httpx.AsyncClient, persona: str
) -> None:
    mismatches = []
    for method, path, handler in every_route(running_app):
        client.cookies.clear()
        await persona_client(running_app, client, persona)
        headers = {**await csrf_headers(client), "accept": "text/html"}
        if path.startswith("/api/"):
            headers["accept"] = "application/json"
            headers["content-type"] = "application/json"
        response = await client.request(method, concrete(path), headers=headers, content=b"{}")
        rule = rules_for(handler, running_app.state.access_rules) or Rule(roles=frozenset())
        if expected(rule, persona) != observed(response):
            mismatches.append(
                f"{method} {path}: expected {expected(rule, persona)}, got {response.status_code}"
            )

    assert mismatches == []


async def test_the_table_names_no_route_that_does_not_exist(running_app: Litestar) -> None:
    names = {handler.name for _, _, handler in every_route(running_app)}
    development_only = {"dev-sign-in", "dev-sign-in-submit"}

    assert sorted(set(KERNEL_RULES) - names - development_only - {"static", "static/head"}) == []
    assert KERNEL_RULES["home"] is PUBLIC
