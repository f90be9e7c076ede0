"""Taking part in the reader's language: the public adverts, their Easy Read and large-print
versions, the interest form and "Things you have asked to take part in" in the language of the
request (Arabic right to left), and each recruitment email in the language the person chose on
their profile. Everything is compared with the exact catalogue text.
"""

from __future__ import annotations

import email
import html
import re
from datetime import UTC, date, datetime, timedelta
from email.policy import default
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from litestar import Litestar

from app import audit, i18n
from app.accessible_docs import check_sentence
from app.datamap import Role
from app.factory import provide_sealer
from app.retention import RetentionRun, run_rules
from app.sealed import Sealer
from app.tables import OutboxMessage
from participation import vocabulary as v
from participation.pages.public import closing
from participation.schemas.recruitment import Interest, StatusChange
from participation.services import (
    easy_read,
    expressions,
    matching,
    opportunities,
    outcomes,
    profiles,
    retention,
    review,
    review_panel,
    selection,
)
from participation.services.selection import Sender
from participation.tables import Expression, Opportunity, Participant
from tests.participation.conftest import COORDINATOR, add_person, new_profile
from tests.participation.recruiting import published
from tests.support.auth import csrf_headers, form_token, make_account, sign_in
from tests.support.english import english_left

SENDER = Sender(mail_from="team@northshire.example", public_url="https://x.example")
TITLE = "Help us choose the new housing support provider"
QUESTION = "Why do you want to take part?"
TYPED = (
    TITLE,
    QUESTION,
    "Have you used this service?",
    "Which days suit you?",
    "Read three bids and score them with us.",
)
TEAM = easy_read.Team("Northshire County Council", "0300 123 4567", "team@northshire.example")


def text_of(response: httpx.Response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def summary_links(response: httpx.Response) -> dict[str, str]:
    box = response.text.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return {
        target: html.unescape(message)
        for target, message in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', box)
    }


def in_language(code: str, message: str) -> str:
    """Someone else's catalogue entry (a vocabulary label) as the page should show it."""
    with i18n.use_locale(code):
        translated = i18n.gettext(message)
    assert translated != message
    return translated


async def _mail(sealer: Sealer) -> dict[str, email.message.EmailMessage]:
    """Every queued message, by its address."""
    found = {}
    for row in await OutboxMessage.select().order_by(OutboxMessage.created_at):
        raw = (await sealer.open(OutboxMessage, row))["message"]
        assert raw is not None
        message = email.message_from_string(raw.reveal(), policy=default)
        found[str(message["To"])] = message
    return found


def _body(message: email.message.EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    content: str = part.get_content()
    return content


# Dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "moment", "words"),
    [
        ("cy", datetime(2026, 12, 3, 17, 0, tzinfo=UTC), "3 Rhagfyr am {clock}"),
        ("cy", datetime(2026, 6, 3, 11, 0, tzinfo=UTC), "3 Mehefin am hanner dydd"),
        ("cy", datetime(2027, 1, 9, 0, 0, tzinfo=UTC), "9 Ionawr 2027 am hanner nos"),
        ("ar", datetime(2026, 6, 3, 16, 30, tzinfo=UTC), "3 يونيو الساعة {clock}"),
        ("ar", datetime(2027, 1, 9, 0, 0, tzinfo=UTC), "9 يناير 2027 الساعة 12 ليلًا"),
    ],
)
def test_closing_dates_in_welsh_and_arabic(code: str, moment: datetime, words: str) -> None:
    """Midday and midnight in words; other times as the language's clock writes them."""
    with i18n.use_locale(code):
        clock = i18n.time_of_day(moment)
        assert closing(moment, today=date(2026, 3, 1)) == words.format(clock=clock)
    assert clock not in ("5pm", "5:30pm")


# Pages ---------------------------------------------------------------------------------------


async def test_the_listing_in_welsh(client: httpx.AsyncClient) -> None:
    await published(starts_on=date(2027, 3, 2), ends_on=date(2027, 3, 9))

    response = await client.get("/take-part?lang=cy")

    words = text_of(response)
    assert '<html lang="cy" dir="ltr"' in response.text
    assert '<h1 class="govuk-heading-l">Ffyrdd o gymryd rhan</h1>' in response.text
    assert "1 cyfle ar agor nawr." in words
    span = in_language("cy", "%(start)s to %(end)s") % {
        "start": "2 Mawrth 2027",
        "end": "9 Mawrth 2027",
    }
    assert f"{in_language('cy', 'When')} {span}" in words
    assert (
        "Help i gymryd rhan Dywedwch wrthym beth sydd ei angen arnoch i gymryd rhan a byddwn "
        "yn gwneud ein gorau i’w drefnu"
    ) in words
    assert "Dyddiad cau Yn cau ar " in words
    assert english_left(response.text, TYPED) == []


async def test_an_opportunity_page_in_arabic_reads_right_to_left(
    client: httpx.AsyncClient,
) -> None:
    opportunity = await published(easy_read="We want your help.\n\nYou will be paid.")
    client.cookies.set("lang", "ar")

    page = await client.get(f"/take-part/{opportunity}")
    easy = await client.get(f"/take-part/{opportunity}/easy-read")

    words = text_of(page)
    assert '<html lang="ar" dir="rtl"' in page.text
    assert "توجد 6 أماكن." in words
    assert "طريقة للمشاركة" in words
    assert (
        f"نريد بشكل خاص أن نسمع من أشخاص لديهم تجربة في: {in_language('ar', 'Homelessness')}"
        in words
    )
    assert english_left(page.text, (*TYPED, "We want your help.", "You will be paid.")) == []
    easy_words = text_of(easy)
    assert "كيف تشارك" in easy_words
    assert "املأ نموذجًا قصيرًا على موقعنا." in easy_words
    assert "يمكن لشخص تثق به أن يساعدك." in easy_words


async def test_problems_with_the_interest_form_are_in_welsh(client: httpx.AsyncClient) -> None:
    opportunity = await published()
    client.cookies.set("lang", "cy")
    form = await client.get(f"/take-part/{opportunity}/interest")
    why = f"answers.{(await question_ids(opportunity))[0]}"

    response = await client.post(
        f"/take-part/{opportunity}/interest", data={"_csrf_token": form_token(form.text)}
    )

    assert response.status_code == 400
    problems = summary_links(response)
    assert problems[why] == f"Atebwch y cwestiwn: {QUESTION}"
    assert problems["consents"] == (
        "Cytunwch i ni gadw eich manylion, er mwyn i ni allu dweud wrthych beth sy’n digwydd nesaf"
    )
    assert "Dywedwch wrthym fod gennych ddiddordeb" in text_of(form)
    assert english_left(form.text, TYPED) == []


async def question_ids(opportunity: UUID) -> list[str]:
    return [str(row["id"]) for row in await opportunities.questions_of(opportunity)]


async def test_a_participant_sees_their_interest_in_arabic(
    running_app: Litestar, client: httpx.AsyncClient
) -> None:
    account = await make_account(
        running_app, "participant", (Role.participant,), email="huda@example.org"
    )
    profile = new_profile("Huda", email="huda@example.org", language="ar")
    sealer = provide_sealer(running_app.state)
    await profiles.create(sealer, profile, COORDINATOR, subject=account)
    await sign_in(running_app, client, account)
    opportunity = await published()
    first = (await question_ids(opportunity))[0]
    person = audit.Actor(id=str(account), role="participant")
    await expressions.express(
        sealer, opportunity, account, Interest(answers={first: "Because"}), person
    )
    client.cookies.set("lang", "ar")

    done = await client.get(f"/take-part/{opportunity}/interest/done?sent=saved")
    mine = await client.get("/profile/interest")

    assert '<html lang="ar" dir="rtl"' in done.text
    assert '<h1 class="govuk-panel__title">سجّلنا اهتمامك</h1>' in done.text
    assert "يُغلق باب الاهتمام في " in text_of(done)
    words = text_of(mine)
    assert "الأنشطة التي طلبت المشاركة فيها" in words
    received = in_language("ar", v.EOI_STATUS_FOR_PEOPLE["received"])
    assert f"المرحلة الحالية {received}" in words
    assert "انسحاب" in words
    for response in (done, mine):
        assert english_left(response.text, TYPED) == []


async def test_a_co_opted_participant_reviews_in_welsh(
    running_app: Litestar, client: httpx.AsyncClient, sealer: Sealer
) -> None:
    opportunity = await published()
    await Opportunity.update({Opportunity.blind_review: True}).where(Opportunity.id == opportunity)
    criteria = [("Profiad bywyd", "Ydyn nhw’n adnabod y gwasanaeth?", 5)]
    await review_panel.set_criteria(opportunity, criteria, COORDINATOR)
    reviewer = await make_account(running_app, "participant", (Role.participant,))
    await review_panel.add_reviewer(opportunity, reviewer, COORDINATOR)
    applicant = await add_person(sealer, "Ann", email="ann@example.org")
    first = (await question_ids(opportunity))[0]
    person = audit.Actor(id=str(applicant), role="participant")
    expression, _created = await expressions.express(
        sealer, opportunity, applicant, Interest(answers={first: "Rwy’n ei adnabod"}), person
    )
    [criterion] = await review.criteria(opportunity)
    await sign_in(running_app, client, reviewer)
    client.cookies.set("lang", "cy")

    mine = await client.get("/reviews")
    listing = await client.get(f"/reviews/{opportunity}")
    refused = await client.post(
        f"/reviews/{opportunity}/{expression}",
        data={f"score-{criterion.id}": "9"},
        headers=await csrf_headers(client),
    )

    assert "Rydych chi wedi sgorio 0 o 1" in text_of(mine)
    assert "Adolygiad dall yw hwn: rydych chi’n gweld beth ddywedodd pobl" in text_of(listing)
    assert "Ymgeisydd 1 I’w wneud" in text_of(listing)
    assert refused.status_code == 400
    assert summary_links(refused) == {
        f"score-{criterion.id}": "Rhowch sgôr o 0 i 5 ar gyfer: Profiad bywyd"
    }
    assert "0 yw’r sgôr isaf, 5 yw’r uchaf." in text_of(refused)
    typed = (*TYPED, "Rwy’n ei adnabod", *criteria[0][:2])
    for response in (mine, listing, refused):
        assert english_left(response.text, typed) == []


# The Easy Read rule holds in every language ------------------------------------------------


@pytest.mark.parametrize("code", ["cy", "ar"])
def test_our_easy_read_sentences_stay_short_in_translation(code: str) -> None:
    row = {"easy_read": "We want your help."}
    with i18n.use_locale(code):
        advert = easy_read.advert_easy_read(
            row, closing(datetime(2027, 1, 9, 17, tzinfo=UTC)), TEAM
        )
        withdrawal = easy_read.withdrawal_easy_read(TEAM)

    lines = [line.text for section in (*advert, *withdrawal) for line in section.lines]
    assert len(lines) == 27
    for line in lines:
        assert check_sentence(line) == line
    english = [
        line.text for section in easy_read.withdrawal_easy_read(TEAM) for line in section.lines
    ]
    assert not set(lines) & set(english)


# Emails, each in the language the person chose ---------------------------------------------


async def test_an_invitation_to_take_part_is_in_each_persons_language(sealer: Sealer) -> None:
    opportunity = await published(title=TITLE)
    ann = await add_person(sealer, "Ann", email="ann@example.org", language="cy")
    dee = await add_person(sealer, "Dee", email="dee@example.org")

    await matching.invite(sealer, opportunity, [ann, dee], COORDINATOR, SENDER)

    sent = await _mail(sealer)
    assert sent["ann@example.org"]["Subject"] == "Cyfle i gymryd rhan"
    assert _body(sent["ann@example.org"]).splitlines() == [
        "Helo,",
        "",
        f"Rydym yn meddwl efallai yr hoffech “{TITLE}”. Mae’n cyd-fynd â’r hyn a ddywedoch "
        "wrthym rydych chi eisiau ei wneud.",
        "",
        "Gallwch ddarllen amdano, a dweud wrthym os oes gennych ddiddordeb, yma: "
        f"https://x.example/take-part/{opportunity}",
        "",
        "Nid oes angen ateb os nad yw hyn i chi. Gallwch newid pa mor aml rydym yn cysylltu â "
        "chi, neu oedi cyswllt, ar unrhyw adeg ar eich proffil.",
    ]
    assert sent["dee@example.org"]["Subject"] == "A chance to take part"
    assert f'We think you might like "{TITLE}".' in _body(sent["dee@example.org"])


async def test_news_of_a_place_is_in_arabic_for_someone_who_chose_it(sealer: Sealer) -> None:
    opportunity = await published(title=TITLE)
    first = (await question_ids(opportunity))[0]
    bo = await add_person(sealer, "Bo", email="bo@example.org", language="ar")
    await expressions.express(
        sealer,
        opportunity,
        bo,
        Interest(answers={first: "Because"}),
        audit.Actor(id=str(bo), role="participant"),
    )
    board = await selection.board(sealer, opportunity, COORDINATOR)

    change = StatusChange(expressions=[board[0].expression], status="selected")
    await selection.set_status(sealer, opportunity, change, COORDINATOR, SENDER)

    message = (await _mail(sealer))["bo@example.org"]
    assert message["Subject"] == "مستجدات منّا"
    assert _body(message).splitlines() == [
        "مرحبًا،",
        "",
        f"أخبار سارة: لقد حصلت على مكان في «{TITLE}». سنتواصل معك لنعطيك التفاصيل ولنسألك "
        "عمّا تحتاجه للمشاركة.",
        "",
        "يمكنك الاطلاع على ذلك هنا: https://x.example/profile/interest",
    ]


async def test_what_changed_is_in_welsh_and_discreet_when_it_must_be(sealer: Sealer) -> None:
    opportunity = await published(title=TITLE)
    for name, extra in (("Ann", {}), ("Gwen", {"safe_contact": True})):
        subject = await add_person(
            sealer, name, email=f"{name.lower()}@example.org", language="cy", **extra
        )
        await _select(opportunity, subject)
    form = outcomes.OutcomeForm(
        said="Roedd y ffurflenni’n rhy hir",
        did="Fe wnaethon ni’r ffurflen yn fyrrach",
        changed="yes",
    )
    outcome = await outcomes.record(opportunity, form, COORDINATOR)

    await outcomes.send(sealer, opportunity, outcome, COORDINATOR, SENDER)

    sent = await _mail(sealer)
    assert sent["ann@example.org"]["Subject"] == "Beth newidiodd"
    assert _body(sent["ann@example.org"]).splitlines() == [
        "Helo,",
        "",
        f"Diolch am gymryd rhan yn “{TITLE}”.",
        "",
        "Dywedoch chi: Roedd y ffurflenni’n rhy hir",
        "",
        "Beth wnaethom ni: Fe wnaethon ni’r ffurflen yn fyrrach",
        "",
        "Gan y tîm cydgynhyrchu",
    ]
    assert _body(sent["gwen@example.org"]).splitlines()[2:] == [
        "Diolch am gymryd rhan yn ddiweddar. Mae gennym newyddion am yr hyn a newidiodd "
        "oherwydd yr hyn a ddywedoch wrthym. Cysylltwch â ni pan fydd yn ddiogel i chi, a "
        "byddwn yn dweud wrthych.",
        "",
        "Gan y tîm",
    ]


async def _select(opportunity: UUID, subject: UUID) -> None:
    await Expression.insert(
        Expression(
            id=uuid4(),
            opportunity=opportunity,
            subject=subject,
            once=f"{opportunity}:{subject}",
            status="selected",
        )
    )


async def test_the_reminder_before_deletion_is_in_welsh(
    running_app: Litestar, sealer: Sealer
) -> None:
    now = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
    subject = await add_person(sealer, "Ann", email="ann@example.org", language="cy")
    await Participant.update({Participant.last_active_at: now - timedelta(days=800)}).where(
        Participant.id == subject
    )
    settings: Any = running_app.state.settings
    run = RetentionRun(now, False, sealer, settings)

    await run_rules(retention.RETENTION[:1], run)

    message = (await _mail(sealer))["ann@example.org"]
    days = settings.profile_reminder_days
    assert message["Subject"] == "Ydych chi eisiau i ni gadw eich manylion?"
    assert _body(message).splitlines() == [
        "Helo,",
        "",
        "Nid ydych wedi defnyddio eich cyfrif gyda ni ers tro. Os ydych chi eisiau i ni gadw "
        f"eich manylion, mewngofnodwch yn {settings.public_url}/sign-in cyn pen {days} diwrnod.",
        "",
        "Os na fyddwch yn gwneud dim, byddwn yn dileu eich manylion. Nid oes angen i chi ateb.",
    ]
