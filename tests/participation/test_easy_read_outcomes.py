""" "You said, we did" in Easy Read and large print: the coordinator writes the Easy Read words
(15 words a sentence, checked as typed), the people it was sent to read both versions on the
web and as .docx (opened back with python-docx), in English, Welsh and Arabic, and nobody else
can open them."""

from __future__ import annotations

import html
import re
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from litestar import Litestar

from app.auth import accounts
from app.datamap import Role
from app.factory import provide_sealer
from app.sealed import Sealer
from app.web.forms import FormInvalid, parse_form
from participation.services import outcomes
from participation.services import outcomes_easy_read as words
from participation.services.selection import Sender
from participation.tables import Expression, Outcome
from tests.participation.conftest import COORDINATOR, add_person
from tests.participation.recruiting import published
from tests.participation.test_easy_read import (
    DOCX,
    TOO_LONG,
    assert_large_print,
    headings,
    opened,
)
from tests.support.auth import csrf_headers, make_account, sign_in
from tests.support.easy_read import assert_easy_letter

SENDER = Sender(mail_from="team@northshire.example", public_url="https://x.example")
TITLE = "Refuge services review"
FORM = outcomes.OutcomeForm(
    said="The forms were too long.\n\nAnd nobody rang back.",
    did="We cut the form to one page.",
    changed="partly",
    why_not="We still need a call-back service, which is being bought next year.",
)
EASY = words.EasyReadWords(
    easy_said="You said the forms were too long.\nYou said nobody rang you back.",
    easy_did="We made the form shorter. It is one page now.",
)
PHONE = "0300 123 4567"
EMAIL = "coproduction@northshire.example"
LETTER = ["Northshire County Council", "From the co-production team"]
VERSIONS = ("easy-read", "easy-read.docx", "large-print", "large-print.docx")
HEADINGS = ["Thank you", "What you told us", "What we did", "Questions"]
LINES = [
    "Thank you for taking part.",
    "This is what happened because of what you told us.",
    "You said the forms were too long.",
    "You said nobody rang you back.",
    "Some things changed because of what you told us.",
    "We made the form shorter.",
    "It is one page now.",
    "Do you have questions about this?",
    f"Ring us on {PHONE}.",
    f"Or email {EMAIL}.",
]


async def _sent(sealer: Sealer, *, easy: bool = True) -> tuple[UUID, UUID, UUID]:
    """An opportunity with Ada selected, an outcome with (or without) Easy Read words, sent."""
    opportunity = await published(title=TITLE)
    ada = await add_person(sealer, "Ada", email="ada@example.org")
    await Expression.insert(
        Expression(
            id=uuid4(),
            opportunity=opportunity,
            subject=ada,
            once=f"{opportunity}:{ada}",
            status="selected",
        )
    )
    outcome = await outcomes.record(opportunity, FORM, COORDINATOR)
    if easy:
        await words.save_words(opportunity, outcome, EASY, COORDINATOR)
    await outcomes.send(sealer, opportunity, outcome, COORDINATOR, SENDER)
    return opportunity, outcome, ada


async def _as(app: Litestar, client: httpx.AsyncClient, subject: UUID) -> None:
    new = accounts.NewAccount("participant", None, "Ada", (Role.participant,), account_id=subject)
    await accounts.create(provide_sealer(app.state), new, COORDINATOR)
    await sign_in(app, client, subject)


def lines_of(response: httpx.Response) -> list[str]:
    found = re.findall(r'app-easy-read__words">([^<]+)<', response.text)
    return [html.unescape(line) for line in found]


def text_of(response: httpx.Response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def test_easy_read_words_are_checked_as_the_coordinator_types() -> None:
    with pytest.raises(FormInvalid) as refused:
        parse_form(words.EasyReadWords, {"easy_said": f"Short.\n{TOO_LONG}", "easy_did": "Yes."})
    with pytest.raises(FormInvalid) as empty:
        parse_form(words.EasyReadWords, {"easy_said": "Short.", "easy_did": ""})

    assert [(e.field, e.message) for e in refused.value.errors] == [
        (
            "easy_said",
            f'Easy Read sentences have at most 15 words. This one has 16: "{TOO_LONG}". '
            "Split it into shorter sentences.",
        )
    ]
    assert [e.field for e in empty.value.errors] == ["easy_did"]


async def test_what_changed_lists_yours_and_each_version_opens(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    _, outcome, ada = await _sent(sealer)
    await _as(running_app, client, ada)
    here = f"/profile/what-changed/{outcome}"

    listing = await client.get("/profile/what-changed")
    page, docx, large, large_docx = [await client.get(f"{here}/{v}") for v in VERSIONS]

    assert 'href="/profile/what-changed"' in (await client.get("/profile/interest")).text
    assert listing.status_code == 200
    assert (
        f"{TITLE} You said The forms were too long. And nobody rang back. "
        "We did We cut the form to one page."
    ) in text_of(listing)
    assert f'href="{here}/easy-read"' in listing.text
    assert f'href="{here}/large-print"' in listing.text
    assert [r.status_code for r in (page, docx, large, large_docx)] == [200] * 4
    assert lines_of(page) == LINES
    assert page.text.count('class="app-easy-read__picture"') == len(LINES)
    assert docx.headers["content-type"] == DOCX
    document = opened(docx.content)
    assert headings(document) == [f"You said, we did: {TITLE}", *HEADINGS]
    assert assert_easy_letter(document, LETTER) == LINES
    text = assert_large_print(opened(large_docx.content))
    assert "What you told us\nThe forms were too long.\nAnd nobody rang back.\n" in text
    assert "Did it change anything?\nPartly. Some things changed because" in text
    assert "Why not all of it\nWe still need a call-back service" in text
    assert "Why not all of it We still need a call-back service" in text_of(large)


async def test_what_changed_in_welsh_and_arabic(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    _, outcome, ada = await _sent(sealer)
    await _as(running_app, client, ada)
    here = f"/profile/what-changed/{outcome}"

    welsh = await client.get(f"{here}/easy-read?lang=cy")
    welsh_docx = opened((await client.get(f"{here}/easy-read.docx")).content)
    arabic = await client.get(f"{here}/large-print?lang=ar")

    assert '<html lang="cy"' in welsh.text
    assert lines_of(welsh)[:3] == [
        "Diolch am gymryd rhan.",
        "Dyma beth ddigwyddodd oherwydd yr hyn a ddywedoch wrthym.",
        "You said the forms were too long.",
    ]
    assert headings(welsh_docx) == [
        f"Dywedoch chi, fe wnaethon ni: {TITLE}",
        "Diolch",
        "Beth ddywedoch chi wrthym",
        "Beth wnaethon ni",
        "Cwestiynau",
    ]
    assert assert_easy_letter(welsh_docx, [LETTER[0], "Gan y tîm cydgynhyrchu"]) == lines_of(welsh)
    assert 'dir="rtl"' in arabic.text
    assert "هل غيّر ذلك شيئًا؟" in arabic.text


async def test_without_easy_read_words_only_large_print(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    _, outcome, ada = await _sent(sealer, easy=False)
    await _as(running_app, client, ada)
    here = f"/profile/what-changed/{outcome}"

    listing = await client.get("/profile/what-changed")
    codes = [(await client.get(f"{here}/{v}")).status_code for v in VERSIONS]

    assert f'href="{here}/easy-read"' not in listing.text
    assert f'href="{here}/large-print"' in listing.text
    assert codes == [404, 404, 200, 200]


async def test_nobody_else_opens_them(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    opportunity, outcome, _ = await _sent(sealer)
    unsent = await outcomes.record(opportunity, FORM, COORDINATOR)
    stranger = await add_person(sealer, "Bo", email="bo@example.org")
    await _as(running_app, client, stranger)

    listing = await client.get("/profile/what-changed")
    theirs = [await client.get(f"/profile/what-changed/{outcome}/{v}") for v in VERSIONS]
    client.cookies.clear()
    finance = await make_account(running_app, "staff", (Role.finance,))
    await sign_in(running_app, client, finance)
    staff = await client.get(f"/reach/opportunities/{opportunity}/outcomes/{outcome}/easy-read")

    assert "Nothing yet." in listing.text
    assert [r.status_code for r in theirs] == [404] * 4
    assert staff.status_code == 403
    assert unsent != outcome


async def test_an_unsent_outcome_is_not_shown_to_the_people_selected(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    opportunity, _, ada = await _sent(sealer)
    unsent = await outcomes.record(opportunity, FORM, COORDINATOR)
    await _as(running_app, client, ada)

    response = await client.get(f"/profile/what-changed/{unsent}/large-print")

    assert response.status_code == 404


async def _coordinator(app: Litestar, client: httpx.AsyncClient) -> None:
    await sign_in(app, client, await make_account(app, "staff", (Role.coordinator,)))


async def test_the_coordinator_writes_the_words_then_sees_both_versions(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    opportunity, outcome, _ = await _sent(sealer, easy=False)
    await _coordinator(running_app, client)
    base = f"/reach/opportunities/{opportunity}/outcomes"
    here = f"{base}/{outcome}"

    before = await client.get(base)
    form = await client.get(f"{here}/easy-read-words")
    headers = await csrf_headers(client)
    refused = await client.post(
        f"{here}/easy-read-words",
        data={"easy_said": f"Short.\n{TOO_LONG}", "easy_did": "We did it."},
        headers=headers,
    )
    saved = await client.post(
        f"{here}/easy-read-words",
        data={"easy_said": EASY.easy_said, "easy_did": EASY.easy_did},
        headers=headers,
    )
    after = await client.get(saved.headers["location"])
    page = await client.get(f"{here}/easy-read")
    docx = opened((await client.get(f"{here}/large-print.docx")).content)

    assert f'href="{here}/easy-read-words"' in before.text
    assert "Write the Easy Read words" in before.text
    assert f'href="{here}/easy-read"' not in before.text
    assert form.status_code == 200
    assert "The forms were too long." in form.text
    assert refused.status_code == 400
    assert 'href="#easy_said"' in refused.text
    assert "This one has 16" in refused.text
    assert saved.status_code == 303
    assert "The Easy Read words are saved." in after.text
    assert "Change the Easy Read words" in after.text
    row = await Outcome.select().where(Outcome.id == outcome).first()
    assert row is not None
    assert (row["easy_said"], row["easy_did"]) == (EASY.easy_said, EASY.easy_did)
    assert lines_of(page) == LINES
    assert headings(docx)[0] == f"You said, we did: {TITLE}"


async def test_the_coordinator_cannot_reach_another_opportunitys_outcome(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    _, outcome, _ = await _sent(sealer)
    other = await published(title="Another piece of work")
    await _coordinator(running_app, client)

    responses: list[Any] = [
        await client.get(f"/reach/opportunities/{other}/outcomes/{outcome}/{v}") for v in VERSIONS
    ]

    assert [r.status_code for r in responses] == [404] * 4
