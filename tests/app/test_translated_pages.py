"""Every page a participant or a visitor opens, in Welsh and in Arabic, with no English left.

The catalogue check proves each marked string is translated; this proves the strings are marked.
The walk covers every participant or public GET page without a token in its path, for a
signed-in participant whose data is typed in Welsh (so anything English is the product's own
words, not theirs). A page missing from ``PAGES`` fails the first test, so a new page is walked.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

import httpx
import pytest
from litestar import Litestar

from app.auth.access import rules_for
from app.datamap import Role
from app.factory import provide_sealer
from participation.schemas.recruitment import Question
from participation.services import profiles
from tests.participation.conftest import COORDINATOR, new_profile
from tests.participation.recruiting import published
from tests.support.auth import make_account, sign_in
from tests.support.english import english_left

LANGUAGES = ("cy", "ar")
NOT_PAGES = re.compile(
    r"\.(docx|pdf|json|ics)$|^/sign-in/staff$|^/symbols/|^/schema|"
    r"^/your-payments/(statement|benefits-letter)$"
)
"""Downloads (opened by their own tests), the API schema and staff sign-in: not pages to read."""
WITH_TOKENS = frozenset(
    {
        "/sign-in/link/{token:str}",
        "/sign-in/dev/{token:str}",
        "/invitation/{token:str}",
        "/events/reply/{invitation:uuid}/{token:str}",
        "/events/reply/{invitation:uuid}/{token:str}/easy-read",
        "/events/reply/{invitation:uuid}/{token:str}/large-print",
        "/calendar/{token:str}",
        "/profile/events/{invitation:uuid}/easy-read",
        "/profile/events/{invitation:uuid}/large-print",
        "/profile/debrief/{invitation:uuid}",
        "/profile/what-changed/{outcome:uuid}/easy-read",
        "/profile/what-changed/{outcome:uuid}/large-print",
        "/reviews/{opportunity:uuid}",
        "/reviews/{opportunity:uuid}/{expression:uuid}",
        "/take-part/{opportunity:uuid}/interest/done",
        "/your-payments/{opportunity:uuid}",
        "/your-payments/{opportunity:uuid}/what-you-will-be-paid",
        "/your-payments/{opportunity:uuid}/what-you-will-be-paid/easy-read",
        "/your-payments/{opportunity:uuid}/what-you-will-be-paid/large-print",
    }
)
"""Pages that need an invitation, a reply token or a fee first: walked by their journeys."""
WELSH_DATA = {
    "title": "Helpu i ddewis y ganolfan ddydd newydd",
    "description": "Darllen tri chynnig a rhoi marciau gyda ni.",
    "payment_offer": "£25 yr awr",
    "easy_read": "Helpwch ni i ddewis.\nRydyn ni'n talu.",
    "questions": [Question(kind="text", prompt="Pam ydych chi eisiau cymryd rhan?")],
}


def participant_pages(app: Litestar) -> list[str]:
    """Paths of GET pages a participant or a visitor may open, tokens and downloads aside."""
    found = []
    for route in app.routes:
        for handler in route.route_handlers:
            rule = rules_for(handler, app.state.access_rules)
            open_to_them = rule is not None and (
                rule.roles is None or Role.participant in rule.roles
            )
            if (
                "GET" in getattr(handler, "http_methods", ())
                and open_to_them
                and not route.path.startswith(("/api", "/static", "/health", "/metrics"))
                and not NOT_PAGES.search(route.path)
                and route.path not in WITH_TOKENS
            ):
                found.append(route.path)
    return sorted(set(found))


async def welsh_speaking_participant(app: Litestar, client: httpx.AsyncClient) -> UUID:
    email = "eira.jones@example.org"
    account = await make_account(app, "participant", (Role.participant,), email=email)
    profile = new_profile("Eira", email=email, language="cy")
    await profiles.create(provide_sealer(app.state), profile, COORDINATOR, subject=account)
    await sign_in(app, client, account)
    return account


def concrete(path: str, ids: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+):uuid\}", lambda match: str(ids[match.group(1)]), path)


@pytest.mark.parametrize("code", LANGUAGES)
async def test_no_english_is_left_on_participant_pages(
    running_app: Litestar, client: httpx.AsyncClient, code: str
) -> None:
    await welsh_speaking_participant(running_app, client)
    ids = {"opportunity": await published(**WELSH_DATA)}
    client.cookies.set("lang", code)

    pages = participant_pages(running_app)
    unknown = [p for p in pages if set(re.findall(r"\{(\w+):", p)) - set(ids)]
    assert unknown == [], "add these to WITH_TOKENS (walked by a journey) or give them ids here"
    left: dict[str, list[str]] = {}
    statuses: dict[str, int] = {}
    for path in pages:
        response = await client.get(concrete(path, ids))
        statuses[path] = response.status_code
        if response.status_code == 200 and f'<html lang="{code}"' in response.text:
            left[path] = english_left(response.text, ("Eira", WELSH_DATA["title"]))

    assert {path: status for path, status in statuses.items() if status != 200} == {}
    assert {path: texts for path, texts in left.items() if texts} == {}
    assert sorted(left) == sorted(statuses)
