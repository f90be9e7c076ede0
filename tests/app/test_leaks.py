"""Targeted leak scans: canaries in every sensitive field, then every way out is read back.

The suite-wide scan (tests/conftest.py) covers logs, error bodies, headers and URLs for every
test. Here the data is planted on purpose, everywhere the data map says personal data lives,
and the outputs that legitimately carry personal data are checked against the data map:
downloads staff take away (nothing a role may not see) and a person's own data download
(nothing of anyone else). Safe-contact email: test_leaks_mail.py; a whole flow's logs:
test_leaks_flow.py.
"""

from __future__ import annotations

import io
import re
import zipfile
from uuid import UUID

import httpx
import pytest
from litestar import Litestar

from app.datamap import Role
from app.factory import data_map
from app.sealed import Sealer
from events.services import invitations, scheduling
from participation.services import selection
from tests.events.conftest import ORGANISER, SENDER, event_form, venue
from tests.participation.recruiting import published
from tests.participation.test_rights import seed_everywhere
from tests.support.auth import make_account, sign_in
from tests.support.planted import Planted, person, selected_for

STRUCTURED = {
    "participant.safe_contact": "yes or no",
    "participant.date_of_birth": "a date",
    "participant.lived_experience": "codes from a list",
    "participant.equality": "codes from lists",
    "participant.preferred_route": "a code",
    "participant.language": "a language code",
    "participant.activities": "codes",
    "participant.formats": "codes",
    "participant.group_sizes": "codes",
    "participant.never_days": "codes",
    "participant.times_of_day": "codes",
    "participant.shorter_sessions": "yes or no",
    "participant.contact_frequency": "a code",
    "participant.paused_at": "a moment",
    "participant.consents": "codes",
    "participant.adjustments": "codes",
    "participant.travel_help": "codes",
    "account.totp_secret": "random; never shown",
    "account.password_hash": "a hash; never shown",
    "account.roles": "codes",
    "audit_event.actor": "an account id",
    "audit_event.assisted_by": "an account id",
    "erasure_record.actor": "an account id",
    "payee.sort_code": "six digits",
    "payee.account_number": "eight digits",
    "expense_claim.receipt": "an image",
    "store_entry.value": "session data: ids and timestamps",
    "service_feedback.comments": "anonymous feedback, about nobody",
    "logistics_item.need": "a code",
    "logistics_item.detail": "free text, planted by test_leaks_flow.py's demo data",
    "follow_up.preferred_time": "free text, planted by test_leaks_flow.py's demo data",
    "follow_up.channel": "a code",
    "check_in_note.text": "free text, planted by test_leaks_flow.py's demo data",
}
"""Personal fields that cannot hold a canary (their values come from lists, or are numbers),
and why; every other personal field of the data map gets one below."""

CANARIED = {
    # tests/support/planted.py ``person``
    "participant.preferred_name",
    "participant.email",
    "participant.phone",  # a UK number, planted as "07700 9001.." by seed_everywhere
    "participant.address",
    "participant.intermediary",
    "participant.lived_experience_words",
    "participant.needs_details",
    "expression.answers",
    "expression.notes",
    # tests/participation/test_rights.py ``seed_everywhere``
    "account.email",
    "account.display_name",
    "outbox_message.recipient",
    "outbox_message.message",
    "score.comment",
    "benefit_declaration.benefits",
    "payment_choice.facts",
    "payee.account_name",
    "expense_claim.details",
    "voucher.serial",
}


def test_every_personal_field_of_the_data_map_gets_a_canary_or_says_why_not() -> None:
    """A new personal field fails here until a leak test plants something in it."""
    personal = {
        f"{name}.{f.column}"
        for name, table_map in data_map().tables.items()
        for f in table_map.fields
        if not f.identifier
    }

    assert personal - CANARIED - set(STRUCTURED) == set()
    assert (CANARIED | set(STRUCTURED)) - personal == set()
    assert CANARIED & set(STRUCTURED) == set()


def _text_of(body: bytes) -> str:
    """Every word of a download: a .docx's XML parts with the tags taken out, or the text."""
    if not body.startswith(b"PK"):
        return body.decode("utf-8-sig")
    with zipfile.ZipFile(io.BytesIO(body)) as docx:
        parts = [name for name in docx.namelist() if name.endswith((".xml", ".rels"))]
        xml = " ".join(docx.read(name).decode() for name in parts)
    return re.sub(r"<[^>]+>", "", xml)


async def _as(app: Litestar, client: httpx.AsyncClient, role: Role) -> None:
    client.cookies.clear()
    await sign_in(app, client, await make_account(app, "staff", (role,)))


@pytest.fixture
async def invited(sealer: Sealer) -> tuple[UUID, UUID, list[Planted]]:
    """Three selected people invited to an event: one by post, one through a key worker (at
    risk), one by email; returns the opportunity, the event and the people."""
    people = [
        await person(sealer, "bo", route="post"),
        await person(sealer, "dee", route="intermediary", safe_contact=True),
        await person(sealer, "ann"),
    ]
    opportunity = await published()
    sender = selection.Sender(mail_from=SENDER.mail_from, public_url=SENDER.public_url)
    await selected_for(sealer, opportunity, people, sender)
    event, _ = await scheduling.save_event(
        event_form(opportunity=opportunity, venue=await venue()), ORGANISER
    )
    await invitations.invite_selected(sealer, event, ORGANISER, SENDER)
    return opportunity, event, people


DOWNLOADS = {
    Role.organiser: ["/events/{event}/letters.docx", "/events/{event}/briefing.docx"],
    Role.coordinator: [
        "/events/{event}/letters.docx",
        "/events/{event}/briefing.docx",
        "/reach/opportunities/{opportunity}.csv",
        "/reach/ladder.csv",
    ],
}


@pytest.mark.parametrize("role", [Role.organiser, Role.coordinator])
async def test_staff_downloads_hold_nothing_their_role_may_not_see(
    running_app: Litestar,
    client: httpx.AsyncClient,
    invited: tuple[UUID, UUID, list[Planted]],
    role: Role,
) -> None:
    opportunity, event, people = invited
    datamap = data_map()
    await _as(running_app, client, role)

    texts = {}
    for path in DOWNLOADS[role]:
        response = await client.get(path.format(event=event, opportunity=opportunity))
        assert response.status_code == 200, path
        texts[path] = _text_of(response.content)

    hidden = [value for one in people for value in one.hidden_from(role, datamap)]
    found = [(path, value) for path, text in texts.items() for value in hidden if value in text]
    assert found == [], found
    letters = texts["/events/{event}/letters.docx"]
    bo, dee, _ = people
    assert [bo.values["participant.preferred_name"][0] in letters] == [True]  # it does read them
    assert [dee.values["participant.preferred_name"][0] in letters] == [True]


async def test_a_persons_own_download_holds_nobody_elses_data(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    ada = await seed_everywhere(sealer, "ada", "07700 900101")
    ben = await seed_everywhere(sealer, "ben", "07700 900202")
    await sign_in(running_app, client, UUID(ada["id"]))

    page = await client.get("/profile/download")
    file = await client.get("/profile/download.json")

    assert (page.status_code, file.status_code) == (200, 200)
    theirs = [v for k, v in ben.items() if k != "id"] + [ben["id"]]
    for response in (page, file):
        assert [v for v in theirs if v in response.text] == []
    for key in ("name", "words", "address", "answer", "benefits", "facts", "serial"):
        assert ada[key] in file.text, key  # the download is full: the check above is not idle


async def test_a_coordinators_download_for_someone_holds_nobody_elses_data(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    ada = await seed_everywhere(sealer, "ada", "07700 900101")
    ben = await seed_everywhere(sealer, "ben", "07700 900202")
    await _as(running_app, client, Role.coordinator)

    page = await client.get(f"/people/{ada['id']}/download")
    file = await client.get(f"/people/{ada['id']}/download.json")

    assert (page.status_code, file.status_code) == (200, 200)
    theirs = [v for k, v in ben.items() if k != "id"] + [ben["id"]]
    for response in (page, file):
        assert [v for v in theirs if v in response.text] == []
    assert ada["words"] in page.text
    assert ada["address"] in file.text
