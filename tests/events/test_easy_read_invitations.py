"""An invitation in Easy Read and large print: the web pages read back line by line, every
.docx opened back with python-docx, in English and Welsh, and only the invited person (or the
holder of their reply link, who sees nothing about their needs) can open them."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from litestar import Litestar

from app import accessible_docs, i18n, symbols
from app.auth import accounts
from app.datamap import Role
from app.factory import provide_sealer
from app.sealed import Sealer
from events import vocabulary as v
from events.services import easy_read, invitations, logistics
from events.tables import Event, Invitation, LogisticsItem
from participation import schemas
from participation import vocabulary as pv
from participation.services import consent, profiles
from participation.services.easy_read import Team
from tests.events.conftest import ORGANISER, SENDER, panel
from tests.participation.test_easy_read import DOCX, assert_large_print, headings, opened
from tests.support.auth import make_account, sign_in
from tests.support.easy_read import assert_easy_letter

TITLE = "Housing support evaluation panel"
PHONE = "0300 123 4567"
EMAIL = "coproduction@northshire.example"
LETTER = ["Northshire County Council", "From the co-production team"]
WELSH_LETTER = ["Northshire County Council", "Gan y tîm cydgynhyrchu"]
DISCREET = ["From the team"]
VERSIONS = ("easy-read", "easy-read.docx", "large-print", "large-print.docx")
NEEDS = schemas.AccessNeeds(adjustments=["step_free", "hearing_loop"], travel_help=["taxi"])


async def _invited(sealer: Sealer, **people: dict[str, Any]) -> tuple[UUID, dict[str, UUID]]:
    """An event with these people invited; their invitation ids by name."""
    setup = await panel(sealer, **people)
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    by_subject = {row["subject"]: row["id"] for row in await Invitation.select()}
    return setup.event, {name: by_subject[s] for name, s in setup.people.items()}


async def _ann_coming(sealer: Sealer) -> tuple[UUID, UUID, UUID]:
    """Ann shares her needs and is coming; the hearing loop is booked, the rest to do."""
    event, ids = await _invited(sealer, ann={"email": "ann@example.org"})
    subject = await _subject(ids["ann"])
    await profiles.update(sealer, subject, NEEDS, ORGANISER)
    await consent.record(subject, "share_access_needs", True, "web", ORGANISER)
    await Invitation.update({Invitation.reply: "accepted"}).where(Invitation.id == ids["ann"])
    await logistics.generate(sealer, event, ORGANISER)
    loop = await LogisticsItem.select(LogisticsItem.id).where(LogisticsItem.need == "hearing_loop")
    await logistics.update(event, loop[0]["id"], ORGANISER, status="booked", cost_pence=0)
    return event, ids["ann"], subject


async def _subject(invitation: UUID) -> UUID:
    rows = await Invitation.select(Invitation.subject).where(Invitation.id == invitation)
    return UUID(str(rows[0]["subject"]))


async def _as(app: Litestar, client: httpx.AsyncClient, subject: UUID) -> None:
    new = accounts.NewAccount("participant", None, "Ann", (Role.participant,), account_id=subject)
    await accounts.create(provide_sealer(app.state), new, ORGANISER)
    await sign_in(app, client, subject)


async def _times(event: UUID) -> dict[str, str]:
    """When the event is, as the current language writes it (the fixture's event moves with
    today's date)."""
    row = (await Event.select().where(Event.id == event))[0]
    start: datetime = row["starts_at"]
    return {
        "day": i18n.weekday_and_day(start.astimezone(i18n.LONDON).date()),
        "start": i18n.time_of_day(start),
        "end": i18n.time_of_day(row["ends_at"]),
    }


def lines_of(response: httpx.Response) -> list[str]:
    found = re.findall(r'app-easy-read__words">([^<]+)<', response.text)
    return [html.unescape(line) for line in found]


def text_of(response: httpx.Response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def ann_lines(times: dict[str, str]) -> list[str]:
    return [
        "You are invited to an event.",
        "On this panel, you help choose who runs a service.",
        f"It is on {times['day']}.",
        f"It starts at {times['start']}.",
        f"It ends at {times['end']}.",
        "It is at County Hall, Committee Room 2.",
        "The address is County Hall, Northtown NT1 1AA.",
        "You can get in without using steps.",
        "There is a hearing loop.",
        "Use the side entrance on Mill Lane",
        "Step-free access: we are arranging it.",
        "A hearing loop: it is booked.",
        "A taxi booked for me: we are arranging it.",
        "Tell us if you need anything else.",
        "You can claim back what it costs to get there.",
        "Keep your tickets and receipts.",
        "Costs we pay back do not count as earnings for benefits.",
        "Ask us if you need your travel paid before you come.",
        "You said you will come.",
        "You can answer on our website.",
        f"Or ring us on {PHONE}.",
        "If you cannot come, that is fine.",
        "You do not need to give a reason.",
        f"Ring the co-production team on {PHONE}.",
        f"Or email {EMAIL}.",
    ]


HEADINGS = ["What it is", "When", "Where", "Help to take part", "Travel and costs"]
HEADINGS += ["Your answer", "Questions"]


async def test_your_invitation_in_easy_read_says_what_when_where_and_your_help(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    event, invitation, subject = await _ann_coming(sealer)
    await _as(running_app, client, subject)
    here = f"/profile/events/{invitation}"

    mine = await client.get("/profile/events")
    page = await client.get(f"{here}/easy-read")
    download = await client.get(f"{here}/easy-read.docx")

    assert f'href="{here}/easy-read"' in mine.text
    assert f'href="{here}/large-print"' in mine.text
    assert page.status_code == 200
    assert lines_of(page) == ann_lines(await _times(event))
    assert page.text.count('class="app-easy-read__picture"') == 25
    assert f'href="{here}/easy-read.docx"' in page.text
    assert download.headers["content-type"] == DOCX
    document = opened(download.content)
    assert headings(document) == [TITLE, *HEADINGS]
    assert assert_easy_letter(document, LETTER) == lines_of(page)


async def test_your_invitation_in_large_print(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    event, invitation, subject = await _ann_coming(sealer)
    await _as(running_app, client, subject)
    here = f"/profile/events/{invitation}"
    times = await _times(event)

    page = await client.get(f"{here}/large-print")
    document = opened((await client.get(f"{here}/large-print.docx")).content)

    when = f"{times['day']}, from {times['start']} to {times['end']}."
    assert page.status_code == 200
    assert f"When {when} Where County Hall, Committee Room 2" in text_of(page)
    assert headings(document) == [TITLE, *HEADINGS]
    text = assert_large_print(document)
    assert f"When\n{when}\nWhere\nCounty Hall, Committee Room 2\n" in text
    assert "How to get there: Use the side entrance on Mill Lane" in text
    assert "Step-free route from the street to the room\nHearing loop\n" in text
    assert (
        "You asked for this help:\nStep-free access: we are arranging it.\n"
        "A hearing loop: it is booked.\nA taxi booked for me: we are arranging it.\n"
    ) in text
    assert "Expenses do not count as earnings for benefits." in text


async def test_your_invitation_in_welsh(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    event, invitation, subject = await _ann_coming(sealer)
    await _as(running_app, client, subject)
    here = f"/profile/events/{invitation}"

    page = await client.get(f"{here}/easy-read?lang=cy")
    document = opened((await client.get(f"{here}/easy-read.docx")).content)  # the cookie
    with i18n.use_locale("cy"):
        times = await _times(event)

    assert '<html lang="cy"' in page.text
    said = lines_of(page)
    assert said[:3] == [
        "Rydych chi’n cael eich gwahodd i ddigwyddiad.",
        "Ar y panel hwn, rydych chi’n helpu i ddewis pwy sy’n rhedeg gwasanaeth.",
        f"Y dyddiad yw {times['day']}.",
    ]
    assert "Dolen sain: mae hyn wedi’i archebu." in said
    assert headings(document)[1:4] == ["Beth ydyw", "Pryd", "Ble"]
    assert assert_easy_letter(document, WELSH_LETTER) == said


async def test_your_invitation_in_arabic_reads_right_to_left(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    _, invitation, subject = await _ann_coming(sealer)
    await _as(running_app, client, subject)

    page = await client.get(f"/profile/events/{invitation}/easy-read?lang=ar")

    assert 'dir="rtl"' in page.text
    assert lines_of(page)[0] == "أنت مدعو إلى فعالية."


async def test_the_reply_link_versions_say_nothing_about_needs(
    client: httpx.AsyncClient, sealer: Sealer
) -> None:
    _, invitation, _ = await _ann_coming(sealer)
    token = invitations.reply_token(SENDER.secret_key, invitation)
    link = f"/events/reply/{invitation}/{token}"

    reply_page = await client.get(link)
    responses = [await client.get(f"{link}/{version}") for version in VERSIONS]

    assert f'href="{link}/easy-read"' in reply_page.text
    assert f'href="{link}/large-print"' in reply_page.text
    assert [r.status_code for r in responses] == [200] * 4
    said = lines_of(responses[0])
    assert said[10:12] == [
        "Tell us if you need help to take part.",
        "Ring us to check the help we are arranging for you.",
    ]
    assert "hearing loop: it is booked" not in responses[0].text
    assert assert_easy_letter(opened(responses[1].content), LETTER) == said
    assert "A hearing loop" not in assert_large_print(opened(responses[3].content))


async def test_a_safe_contact_persons_versions_never_name_the_event(
    client: httpx.AsyncClient, sealer: Sealer
) -> None:
    _, ids = await _invited(sealer, cy={"email": "cy@example.org", "safe_contact": True})
    link = f"/events/reply/{ids['cy']}/{invitations.reply_token(SENDER.secret_key, ids['cy'])}"

    responses = [await client.get(f"{link}/{version}") for version in VERSIONS]

    assert [r.status_code for r in responses] == [200] * 4
    assert lines_of(responses[0])[0] == "You are invited to a meeting."
    assert f"Ring us on {PHONE}." in lines_of(responses[0])
    assert assert_easy_letter(opened(responses[1].content), DISCREET)[0] == (
        "You are invited to a meeting."
    )
    for document in (opened(responses[1].content), opened(responses[3].content)):
        assert headings(document)[0] == "An invitation"
        text = "\n".join(p.text for p in document.paragraphs)
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        assert "Housing support" not in text + "\n".join(cells)
        assert "co-production" not in text + "\n".join(cells)


async def test_a_cancelled_event_says_so_and_offers_no_help_or_travel(
    client: httpx.AsyncClient, sealer: Sealer
) -> None:
    event, ids = await _invited(sealer, ann={"email": "ann@example.org"})
    await Event.update({Event.status: "cancelled"}).where(Event.id == event)
    link = f"/events/reply/{ids['ann']}/{invitations.reply_token(SENDER.secret_key, ids['ann'])}"

    document = opened((await client.get(f"{link}/easy-read.docx")).content)

    assert headings(document)[1:] == ["What it is", "When", "Where", "Your answer", "Questions"]
    assert "This event has been cancelled." in assert_easy_letter(document, LETTER)


async def test_only_the_invited_person_opens_them(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    _, invitation, _ = await _ann_coming(sealer)
    _, others = await _invited(sealer, bo={"email": "bo@example.org"})
    await _as(running_app, client, await _subject(others["bo"]))
    wrong = f"/events/reply/{invitation}/{'0' * 32}"

    theirs = [await client.get(f"/profile/events/{invitation}/{v}") for v in VERSIONS]
    bad_link = [await client.get(f"{wrong}/{v}") for v in VERSIONS]
    client.cookies.clear()
    await sign_in(running_app, client, await make_account(running_app, "staff", (Role.organiser,)))
    staff = await client.get(f"/profile/events/{invitation}/easy-read")

    assert [r.status_code for r in theirs] == [404] * 4
    assert [r.status_code for r in bad_link] == [404] * 4
    assert "This link does not work" in bad_link[0].text
    assert staff.status_code == 403


@pytest.mark.skipif(
    not accessible_docs.pdf_available(),
    reason="LibreOffice is not installed here; the pages offer only the .docx",
)
async def test_the_easy_read_invitation_as_pdf(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    _, invitation, subject = await _ann_coming(sealer)
    await _as(running_app, client, subject)
    here = f"/profile/events/{invitation}"

    page = await client.get(f"{here}/easy-read")
    pdf = await client.get(f"{here}/easy-read.pdf")

    assert f'href="{here}/easy-read.pdf"' in page.text
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf.content)) >= 2


async def test_a_staff_symbol_stands_beside_the_lines_it_matches(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    _, invitation, subject = await _ann_coming(sealer)
    await symbols.add("A calendar page", "starts, ends", accessible_docs.EMPTY_SLOT)
    await _as(running_app, client, subject)
    here = f"/profile/events/{invitation}"

    page = await client.get(f"{here}/easy-read")
    document = opened((await client.get(f"{here}/easy-read.docx")).content)

    assert page.text.count('alt="A calendar page"') == 2
    described = [str(d) for d in document.element.body.xpath(".//wp:docPr/@descr")]
    assert described.count("A calendar page") == 2
    assert len(described) == 25


async def test_organisers_print_an_invitation_in_the_persons_own_language(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    event, invitation, subject = await _ann_coming(sealer)
    await profiles.update(
        sealer,
        subject,
        schemas.ContactDetails(email="ann@example.org", language="cy"),
        ORGANISER,
    )
    other, others = await _invited(sealer, bo={"email": "bo@example.org"})
    organiser = await make_account(running_app, "staff", (Role.organiser,))
    await sign_in(running_app, client, organiser)
    here = f"/events/{event}/invitations/{invitation}"

    shown = await client.get(f"/events/{event}")
    easy = await client.get(f"{here}/easy-read.docx")
    large = await client.get(f"{here}/large-print.docx")
    elsewhere = await client.get(f"/events/{other}/invitations/{invitation}/easy-read.docx")

    assert f'href="{here}/easy-read.docx"' in shown.text
    assert f'href="{here}/large-print.docx"' in shown.text
    assert (easy.status_code, large.status_code, elsewhere.status_code) == (200, 200, 404)
    document = opened(easy.content)
    assert headings(document)[1:4] == ["Beth ydyw", "Pryd", "Ble"]
    assert "Dolen sain: mae hyn wedi’i archebu." in assert_easy_letter(document, WELSH_LETTER)
    assert "Gofynnoch chi am yr help hwn:" in assert_large_print(opened(large.content))
    assert others != {}


def _event(**changes: Any) -> dict[str, Any]:
    start = datetime.now(i18n.LONDON).replace(microsecond=0) + timedelta(days=9)
    return {
        "id": uuid4(),
        "kind": "market_event",
        "mode": "in_person",
        "title": TITLE,
        "description": "We will read the answers.\n\nThen we score them.",
        "join_link": "",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "status": "scheduled",
    } | changes


VENUE = {
    "name": "County Hall",
    "address": "Mill Lane\nNorthtown",
    "features": ",".join(v.VENUE_FEATURES),
    "directions": "Use the side door. Ring the bell.",
    "public_transport": "Bus 12 stops outside.",
}
TEAM = Team("Northshire County Council", PHONE, EMAIL)
EVERY_HELP = tuple(
    easy_read.Help(label, status)
    for label, status in zip(
        [*pv.ADJUSTMENTS.values(), *pv.TRAVEL_HELP.values(), easy_read.OTHER_NEED],
        ["booked", "arranging", "if_coming"] * 6,
        strict=False,
    )
)
STATES = [
    easy_read.Invited(_event(), VENUE, "accepted", False, EVERY_HELP, True),
    easy_read.Invited(_event(kind="workshop"), VENUE, "tentative", False, (), True),
    easy_read.Invited(_event(kind="steering_group"), VENUE, "declined", False, (), False),
    easy_read.Invited(_event(kind="interview_panel", mode="hybrid"), VENUE, "waiting", False),
    easy_read.Invited(_event(kind="market_warming"), None, "invited", True),
    easy_read.Invited(
        _event(mode="online", join_link="https://meet.example/x"), None, "invited", False
    ),
    easy_read.Invited(_event(mode="online"), None, "invited", False),
    easy_read.Invited(_event(status="cancelled"), VENUE, "accepted", False),
    easy_read.Invited(_event(starts_at=datetime.now(i18n.LONDON)), VENUE, "accepted", False),
]


def _lines(sections: list[Any]) -> list[str]:
    return [line.text for section in sections for line in section.lines]


@pytest.mark.parametrize("language", ["en", "cy", "ar"])
def test_every_easy_read_sentence_is_short_in_every_language_and_state(language: str) -> None:
    """Every fixed sentence, in every state an invitation can be in, fits Easy Read (15 words)
    in English, Welsh and Arabic (the builder refuses any that does not), and is translated:
    only the venue's own directions stay as staff wrote them."""
    for invited in STATES:
        english = _lines(easy_read.invitation_easy_read(invited, TEAM))
        with i18n.use_locale(language):
            sections = easy_read.invitation_easy_read(invited, TEAM)
            document = opened(accessible_docs.easy_read(invited.title, sections))
            printed = easy_read.invitation_large_print(invited, TEAM)
            large = opened(accessible_docs.large_print(invited.title, printed))

        assert assert_easy_letter(document, []) == _lines(sections)
        assert_large_print(large)
        assert len(_lines(sections)) == len(english)
        if language != "en":
            same = {a for a, b in zip(english, _lines(sections), strict=True) if a == b}
            assert same <= {"Use the side door.", "Ring the bell."}
