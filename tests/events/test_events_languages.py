"""Events in the reader's language: invitations, reminders, letters and calendar feeds in the
language each person chose on their profile; the reply page and "Your events" in the language
of the request, Arabic right to left. Everything read back is compared with exact catalogue text.
"""

from __future__ import annotations

import email
import io
import re
from datetime import UTC, datetime, timedelta
from email.policy import default
from typing import Any
from uuid import UUID

import httpx
from docx import Document
from docx.oxml.ns import qn
from icalendar import Calendar
from litestar import Litestar

from app import i18n
from app.auth import accounts
from app.datamap import Role
from app.factory import provide_sealer
from app.sealed import Sealer
from app.tables import OutboxMessage
from events.services import documents, feeds, ics, invitations, letters, reminders, scheduling
from events.tables import Event, Invitation
from tests.conftest import TEST_SECRET
from tests.events.conftest import ORGANISER, SENDER, panel
from tests.support.auth import csrf_headers, make_account, sign_in
from tests.support.english import english_left

TITLE = "Housing support evaluation panel"
VENUE = "County Hall, Committee Room 2. County Hall, Northtown NT1 1AA"
TYPED = (TITLE, VENUE, "Use the side entrance on Mill Lane")
TEAM = documents.Team("Northshire County Council", "0300 123 4567", "team@northshire.example")
PEOPLE: dict[str, dict[str, Any]] = {
    "ann": {"email": "ann@example.org", "language": "cy"},
    "bo": {"email": "bo@example.org", "language": "ar"},
    "dee": {"email": "dee@example.org"},
}


async def _mail(sealer: Sealer) -> dict[str, email.message.EmailMessage]:
    """Every queued message, by its address, newest last."""
    found = {}
    for row in await OutboxMessage.select().order_by(OutboxMessage.created_at):
        opened = await sealer.open(OutboxMessage, row)
        raw = opened["message"]
        assert raw is not None
        message = email.message_from_string(raw.reveal(), policy=default)
        found[str(message["To"])] = message
    return found


def _text(message: email.message.EmailMessage) -> list[str]:
    body = message.get_body(("plain",))
    assert body is not None
    content: str = body.get_content()
    return content.splitlines()


def _calendar(message: email.message.EmailMessage) -> Any:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return Calendar.from_ical(part.get_content()).walk("VEVENT")[0]


async def _when_line(event: UUID, code: str, words: str) -> str:
    """The "When" line as the catalogue and the locale's dates write it."""
    row, _ = await scheduling.get(event)
    with i18n.use_locale(code):
        start, end = i18n.moment(row["starts_at"]), i18n.time_of_day(row["ends_at"])
    return words % {"start": start, "end": end}


async def test_each_invitation_and_its_calendar_part_is_in_the_persons_language(
    sealer: Sealer,
) -> None:
    setup = await panel(sealer, **PEOPLE)

    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)

    sent = await _mail(sealer)
    welsh, arabic, english = (sent[f"{n}@example.org"] for n in ("ann", "bo", "dee"))
    assert str(welsh["Subject"]) == f"Gwahoddiad: {TITLE}"
    assert _text(welsh)[:6] == [
        "Helo Ann,",
        "",
        "Rydych chi wedi cael gwahoddiad.",
        "",
        TITLE,
        await _when_line(setup.event, "cy", "Pryd: %(start)s tan %(end)s"),
    ]
    assert re.match(r"Pryd: Dydd \w+ \d+ \w+ \d{4} am ", _text(welsh)[5])
    assert (
        f"Ble: {VENUE}. Hygyrchedd: Llwybr heb risiau o’r stryd i’r ystafell; Dolen sain"
        in _text(welsh)
    )
    assert "Sut i gyrraedd: Use the side entrance on Mill Lane" in _text(welsh)
    assert "Rhowch wybod i ni a allwch chi ddod:" in _text(welsh)
    assert _text(welsh)[-1] == (
        "Os na allwch chi ddod, mae hynny’n iawn: does dim angen i chi roi rheswm."
    )
    assert english_left("\n".join(_text(welsh)), typed=TYPED) == []
    vevent = _calendar(welsh)
    assert str(vevent["SUMMARY"]) == TITLE
    assert str(vevent["DESCRIPTION"]).splitlines()[1].startswith("Pryd: Dydd ")
    assert str(vevent.walk("VALARM")[0]["DESCRIPTION"]) == "Nodyn atgoffa"
    assert str(arabic["Subject"]) == f"دعوة: {TITLE}"
    assert _text(arabic)[:3] == ["مرحبًا Bo،", "", "نوجّه إليك دعوة."]
    assert await _when_line(setup.event, "ar", "متى: %(start)s إلى %(end)s") in _text(arabic)
    assert str(_calendar(arabic).walk("VALARM")[0]["DESCRIPTION"]) == "تذكير"
    assert str(english["Subject"]) == f"Invitation: {TITLE}"
    assert _text(english)[:3] == ["Hello Dee,", "", "You are invited."]
    assert str(_calendar(english).walk("VALARM")[0]["DESCRIPTION"]) == "Reminder"


async def test_a_safe_contact_persons_welsh_invitation_names_only_a_meeting(
    sealer: Sealer,
) -> None:
    setup = await panel(
        sealer, cy={"email": "cy@example.org", "language": "cy", "safe_contact": True}
    )

    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)

    message = (await _mail(sealer))["cy@example.org"]
    assert str(message["Subject"]) == "Gwahoddiad: Cyfarfod"
    assert _text(message)[4] == "Cyfarfod"
    assert not any("Housing" in line for line in _text(message))
    assert str(_calendar(message)["SUMMARY"]) == "Cyfarfod"


async def test_a_reminder_is_written_in_the_persons_language(sealer: Sealer) -> None:
    setup = await panel(sealer, bo=PEOPLE["bo"])
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    invitation = (await Invitation.select())[0]["id"]
    await invitations.reply(sealer, invitation, "accepted", ORGANISER, SENDER, via="staff")
    row, _ = await scheduling.get(setup.event)

    sent = await reminders.send_due(sealer, SENDER, row["starts_at"] - timedelta(hours=47))

    assert sent.emailed == 1
    message = (await _mail(sealer))["bo@example.org"]
    assert str(message["Subject"]) == f"تذكير: {TITLE}"
    lines = _text(message)
    assert lines[:5] == ["مرحبًا،", "", "تذكير:", "", TITLE]
    assert lines[-1] == "إذا لم تعد تستطيع الحضور، فلا بأس."


async def test_posted_letters_are_each_in_the_readers_language(sealer: Sealer) -> None:
    post = {"email": None, "route": "post", "address": "4 Quay Road\nNorthtown NT2 2BB"}
    setup = await panel(sealer, bo=post | {"language": "cy"}, dee=post)
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)

    body, count = await letters.to_post(sealer, setup.event, ORGANISER, SENDER, TEAM)

    text = [p.text for p in Document(io.BytesIO(body)).paragraphs]
    assert count == 2
    welsh = text[text.index("Annwyl Bo,") : text.index("Y tîm cydgynhyrchu") + 1]
    assert welsh[:2] == ["Annwyl Bo,", f'Hoffem eich gwahodd i "{TITLE}".']
    assert welsh[2] == await _when_line(setup.event, "cy", "Pryd: %(start)s tan %(end)s")
    assert welsh[-5:] == [
        "Rhowch wybod i ni a allwch chi ddod. Ffoniwch ni ar 0300 123 4567, neu ewch i’r "
        "dudalen we hon:",
        _link_in(welsh),
        "Os na allwch chi ddod, mae hynny’n iawn: does dim angen i chi roi rheswm.",
        "Gyda dymuniadau gorau,",
        "Y tîm cydgynhyrchu",
    ]
    english = text[text.index("Dear Dee,") : text.index("The co-production team") + 1]
    assert english[1] == f'We would like to invite you to a "{TITLE}".'
    assert english[-2:] == ["With best wishes,", "The co-production team"]


def _link_in(lines: list[str]) -> str:
    return next(line for line in lines if line.startswith(f"{SENDER.public_url}/events/reply/"))


async def test_the_calendar_feed_is_in_the_persons_language(sealer: Sealer) -> None:
    setup = await panel(sealer, ann=PEOPLE["ann"])
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    token = await feeds.create(TEST_SECRET, setup.people["ann"])

    body = await feeds.feed_for(sealer, TEST_SECRET, token, SENDER)

    assert body is not None
    calendar = Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == "Digwyddiadau cydgynhyrchu"
    description = str(calendar.walk("VEVENT")[0]["DESCRIPTION"]).splitlines()
    assert description[1] == await _when_line(setup.event, "cy", "Pryd: %(start)s tan %(end)s")


def _link(invitation: UUID) -> str:
    return f"/events/reply/{invitation}/{invitations.reply_token(SENDER.secret_key, invitation)}"


def _main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


async def test_the_reply_page_in_arabic_reads_right_to_left(
    client: httpx.AsyncClient, sealer: Sealer
) -> None:
    setup = await panel(sealer, dee=PEOPLE["dee"])
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    link = _link((await Invitation.select())[0]["id"])

    shown = await client.get(f"{link}?lang=ar")
    replied = await client.post(
        link, data={"answer": "accepted"}, headers=await csrf_headers(client)
    )
    thanks = await client.get(replied.headers["location"])

    assert shown.status_code == 200
    assert '<html lang="ar" dir="rtl"' in shown.text
    assert '<h1 class="govuk-heading-l">هل يمكنك الحضور؟</h1>' in shown.text
    for label in ("نعم، سأحضر", "ربما", "لا أستطيع الحضور"):
        assert f">{label}</button>" in shown.text
    assert f"أين: {VENUE}. إمكانية الوصول: طريق بلا درجات من الشارع إلى الغرفة; حلقة سمعية" in (
        shown.text
    )
    assert english_left(_main(shown.text), typed=TYPED) == []
    assert '<h1 class="govuk-heading-l">شكرًا لك</h1>' in thanks.text
    assert "شكرًا لك. نتطلع إلى رؤيتك." in thanks.text
    assert "ردك الحالي: نعم، سأحضر." in thanks.text
    assert english_left(_main(thanks.text), typed=TYPED) == []


async def test_your_events_in_welsh(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    setup = await panel(sealer, ann=PEOPLE["ann"])
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    subject = setup.people["ann"]
    new = accounts.NewAccount("participant", None, "Ann", (Role.participant,), account_id=subject)
    await accounts.create(provide_sealer(running_app.state), new, ORGANISER)
    await sign_in(running_app, client, subject)
    client.cookies.set("lang", "cy")

    mine = await client.get("/profile/events")

    assert mine.status_code == 200
    assert '<html lang="cy" dir="ltr"' in mine.text
    assert '<h1 class="govuk-heading-l">Eich digwyddiadau</h1>' in mine.text
    row, _ = await scheduling.get(setup.event)
    with i18n.use_locale("cy"):
        when = i18n.moment(row["starts_at"])
    assert f'<dd class="govuk-summary-list__value">{when}</dd>' in mine.text
    assert '<dd class="govuk-summary-list__value">Heb ateb eto</dd>' in mine.text
    assert "Allwch chi ddod?</legend>" in mine.text
    assert ">Gallaf, fe ddof i</button>" in mine.text
    assert ">Gwneud cyfeiriad calendr</button>" in mine.text
    assert "Does gennych chi ddim digwyddiadau blaenorol eto." in mine.text
    assert english_left(_main(mine.text), typed=TYPED) == []


async def test_english_reads_as_before(sealer: Sealer) -> None:
    """The English text is unchanged: the same words and the same date style as before."""
    setup = await panel(sealer)
    row, venue = await scheduling.get(setup.event)
    start = row["starts_at"].astimezone(i18n.LONDON)

    lines = ics.describe(row, venue, discreet=False).splitlines()

    assert lines[1].startswith(f"When: {start:%A} {start.day} {start:%B %Y} at ")
    assert lines[2] == (
        f"Where: {VENUE}. Access: Step-free route from the street to the room; Hearing loop"
    )


async def test_a_missing_answer_is_named_in_welsh(
    client: httpx.AsyncClient, sealer: Sealer
) -> None:
    setup = await panel(sealer, ann=PEOPLE["ann"])
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    invitation = (await Invitation.select())[0]["id"]
    client.cookies.set("lang", "cy")

    empty = await client.post(
        _link(invitation), data={"answer": ""}, headers=await csrf_headers(client)
    )

    assert empty.status_code == 400
    assert f'<a href="#answer">{WHICH}</a>' in empty.text
    assert f'<span class="govuk-visually-hidden">Gwall:</span> {WHICH}</p>' in empty.text


WHICH = "Dewiswch a allwch chi ddod"


async def test_asking_for_a_check_in_in_welsh(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    setup = await panel(sealer, ann=PEOPLE["ann"])
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)
    past = datetime.now(UTC) - timedelta(hours=3)
    await Event.update(
        {Event.sensitive: True, Event.starts_at: past, Event.ends_at: past + timedelta(hours=2)}
    ).where(Event.id == setup.event)
    invitation = (await Invitation.select())[0]["id"]
    subject = setup.people["ann"]
    new = accounts.NewAccount("participant", None, "Ann", (Role.participant,), account_id=subject)
    await accounts.create(provide_sealer(running_app.state), new, ORGANISER)
    await sign_in(running_app, client, subject)
    client.cookies.set("lang", "cy")

    shown = await client.get(f"/profile/debrief/{invitation}")
    empty = await client.post(
        f"/profile/debrief/{invitation}", data={}, headers=await csrf_headers(client)
    )

    assert shown.status_code == 200
    assert '<h1 class="govuk-heading-l">Ar ôl y sesiwn</h1>' in shown.text
    for label in ("Hoffwn, cysylltwch â fi i holi sut ydw i", "Galwad ffôn", "Drwy e-bost"):
        assert label in shown.text
    assert "ffonio’r Samariaid am ddim ar 116 123, ddydd neu nos." in shown.text
    assert english_left(_main(shown.text)) == []
    assert empty.status_code == 400
    assert (
        '<a href="#wanted">Dewiswch a hoffech i rywun gysylltu â chi i holi sut ydych chi</a>'
        in empty.text
    )


def _right_to_left(paragraph: Any) -> bool:
    """Whether Word lays the paragraph out right to left, and each of its runs."""
    properties = paragraph._p.pPr
    bidi = properties is not None and properties.find(qn("w:bidi")) is not None
    return bidi and all(run.font.rtl for run in paragraph.runs)


async def test_an_arabic_letter_reads_right_to_left(sealer: Sealer) -> None:
    post = {"email": None, "route": "post", "address": "4 Quay Road\nNorthtown NT2 2BB"}
    setup = await panel(sealer, bo=post | {"language": "ar"}, dee=post)
    await invitations.invite_selected(sealer, setup.event, ORGANISER, SENDER)

    body, _ = await letters.to_post(sealer, setup.event, ORGANISER, SENDER, TEAM)

    paragraphs = {p.text: p for p in Document(io.BytesIO(body)).paragraphs}
    arabic = ("عزيزي/عزيزتي Bo،", f'نود دعوتك إلى "{TITLE}".', "فريق الإنتاج المشترك")
    assert all(_right_to_left(paragraphs[text]) for text in arabic)
    assert not any(_right_to_left(paragraphs[text]) for text in ("Dear Dee,", "With best wishes,"))


async def test_an_organiser_downloads_the_briefing_pack_in_welsh(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    setup = await panel(sealer)
    organiser = await make_account(running_app, "staff", (Role.organiser,))
    await sign_in(running_app, client, organiser)

    shown = await client.get(f"/events/{setup.event}")
    response = await client.get(f"/events/{setup.event}/briefing.docx?language=cy")
    unknown = await client.get(f"/events/{setup.event}/briefing.docx?language=xx")

    assert f'href="/events/{setup.event}/briefing.docx?language=cy">in <span lang="cy"' in (
        shown.text
    )
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if _style(p).startswith("Heading")]
    assert headings == [
        "Pryd a ble",
        "Hygyrchedd yn y lleoliad",
        "Beth fydd yn digwydd",
        "Wedyn",
        "Cwestiynau?",
    ]
    text = [p.text for p in document.paragraphs]
    assert "Dolen sain" in text
    assert re.fullmatch(r"Ffoniwch ni ar .+ neu anfonwch e-bost at .+@.+\.", text[-1])
    assert not any(_right_to_left(p) for p in document.paragraphs)
    assert "When and where" in [p.text for p in Document(io.BytesIO(unknown.content)).paragraphs]


def _style(paragraph: Any) -> str:
    return str(paragraph.style.name) if paragraph.style is not None else ""
