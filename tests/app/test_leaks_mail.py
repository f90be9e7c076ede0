"""What reaches the inbox of someone at risk: never the programme, an address, or their story.

A safe-contact person (someone an abuser may be watching) gets every email the service can
send them, through the real outbox and a real SMTP server: an invitation to express interest,
being selected, an event invitation with its calendar part, a reminder, "you said, we did",
a bank-details notice and a sign-in code; and their calendar feed is fetched. Every header and
every decoded part of every message, and the feed, are read for the opportunity's and the
event's titles (canaries), the service's name, programme words, and the canaries in their
address, key worker, lived experience and access needs.
"""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import httpx
from litestar import Litestar

from app import audit, mail
from app.datamap import Role
from app.factory import provide_sealer
from app.sealed import Sealer
from app.settings import Settings
from events.services import feeds, invitations, reminders, scheduling
from events.tables import Invitation
from participation.services import matching, outcomes, selection
from payments.services import payees
from tests.app.test_sign_in import post_form
from tests.events.conftest import ORGANISER, event_form, venue
from tests.participation.conftest import COORDINATOR
from tests.participation.recruiting import published
from tests.support.auth import make_account
from tests.support.canaries import canary
from tests.support.planted import Planted, person, selected_for
from tests.support.smtp import CapturingSMTPServer

PROGRAMME_WORDS = ("co-production", "involvement")
"""Words that tell whoever reads the inbox what the person is part of (as payments' own list)."""
AT_RISK = (
    "participant.address",
    "participant.intermediary",
    "participant.lived_experience_words",
    "participant.needs_details",
)


def _everything(message: EmailMessage, *, but: str = "") -> str:
    """Every header (bar ``but``), decoded, and every part's content, decoded: what the inbox
    and the attachments show."""
    text = [f"{name}: {value}" for name, value in message.items() if name != but]
    for part in message.walk():
        if not part.is_multipart():
            content = part.get_content()
            text.append(content if isinstance(content, str) else content.decode(errors="replace"))
    return "\n".join(text)


async def _delivered(app: Litestar, smtp: CapturingSMTPServer) -> list[EmailMessage]:
    settings = app.state.settings.model_copy(
        update={"smtp_host": smtp.host, "smtp_port": smtp.port}
    )
    await mail.deliver_due(provide_sealer(app.state), settings)
    return smtp.messages


async def _everything_sent_to(
    app: Litestar, client: httpx.AsyncClient, sealer: Sealer, dee: Planted
) -> tuple[str, str]:
    """Every kind of email for ``dee``, queued the way the pages queue them; returns the
    opportunity's and the event's titles."""
    settings = app.state.settings
    sender = selection.Sender(settings.mail_from, settings.public_url)
    events_sender = invitations.Sender.of(app.state)
    title = canary("programme")
    opportunity = await published(title=title)
    await matching.invite(sealer, opportunity, [dee.subject], COORDINATOR, sender)
    await selected_for(sealer, opportunity, [dee], sender)
    event_title = canary("event-title")
    form = event_form(opportunity=opportunity, venue=await venue(), title=event_title)
    event, _ = await scheduling.save_event(form, ORGANISER)
    await invitations.invite_selected(sealer, event, ORGANISER, events_sender)
    [invitation] = await Invitation.select().where(Invitation.event == event)
    me = audit.Actor(id=str(dee.subject), role="participant")
    await invitations.reply(sealer, invitation["id"], "accepted", me, events_sender)
    row, _ = await scheduling.get(event)
    await reminders.send_due(sealer, events_sender, now=row["starts_at"] - timedelta(hours=47))
    said = outcomes.OutcomeForm(said=canary("said"), did=canary("did"), changed="yes")
    outcome = await outcomes.record(opportunity, said, COORDINATOR)
    await outcomes.send(sealer, opportunity, outcome, COORDINATOR, sender)
    bank = payees.BankDetails(canary("payee"), "40 11 62", "12345678")
    await payees.save(
        sealer, dee.subject, bank, me, payees.Sender(settings.mail_from, settings.service_name)
    )
    email = dee.values["participant.email"][0] + "@example.org"
    await make_account(app, "participant", (Role.participant,), email=email)
    await post_form(client, "/sign-in/email", {"email": email})
    return title, event_title


async def test_nothing_sent_to_someone_at_risk_names_the_programme_or_their_life(
    running_app: Litestar,
    client: httpx.AsyncClient,
    sealer: Sealer,
    smtp_server: CapturingSMTPServer,
) -> None:
    dee = await person(sealer, "dee", safe_contact=True)
    titles = await _everything_sent_to(running_app, client, sealer, dee)

    messages = await _delivered(running_app, smtp_server)
    token = await feeds.create(running_app.state.secret_key, dee.subject)
    calendar = await client.get(f"/calendar/{token}.ics")

    subjects = sorted(str(m["Subject"]) for m in messages)
    assert subjects == [
        "A chance to take part",
        "An update from us",
        "Invitation: Meeting",
        "Reminder: Meeting",
        "What changed",
        "Your details were updated",
        "Your sign-in code",
    ]
    banned = [*titles, running_app.state.settings.service_name, *PROGRAMME_WORDS]
    banned += [value for field in AT_RISK for value in dee.values[field]]
    found = [
        (str(m["Subject"]), word)
        for m in messages
        for word in banned
        if word.casefold() in _everything(m, but="From").casefold()
    ]
    assert found == [], found
    assert calendar.status_code == 200
    assert "BEGIN:VEVENT" in calendar.text  # their event is in their calendar feed, discreetly
    assert [word for word in banned if word.casefold() in calendar.text.casefold()] == []
    assert all(str(m["To"]).startswith(dee.values["participant.email"][0]) for m in messages)


def test_the_default_sender_does_not_name_the_programme() -> None:
    sender = str(Settings.model_fields["mail_from"].default).casefold()

    assert [word for word in PROGRAMME_WORDS if word in sender] == []
