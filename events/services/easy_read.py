"""An invitation to an event in Easy Read and in large print, for the person invited: what it
is, when, where (the venue and its access features; never the person's own address), the help
they asked for and whether it is arranged, travel and costs, how to answer, and who to ask.

Why: issue 11 and the Accessible Information Standard; many people we invite find reading
hard. Each version is a list of ``app.accessible_docs`` sections, so the web page and the
.docx say the same words, composed in the current language (the reader's).

What is personal stays behind sign-in: the help someone asked for is shown only on their own
signed-in page (``personal=True``). The emailed reply link opens without sign-in, so its
versions only say to ring us about help. A safe-contact person's versions never name the
event (``ics.DISCREET_TITLE``) nor describe it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from app import audit, i18n
from app.accessible_docs import Letter, Line, NotEasyRead, Section, check_sentence, sentences
from app.errors import NotFound
from app.i18n import N_
from app.i18n import gettext as _
from app.sealed import Sealer
from events import vocabulary as v
from events.services import ics, logistics, scheduling
from events.tables import Invitation, LogisticsItem
from participation import vocabulary as pv
from participation.services import consent, contact, profiles
from participation.services.easy_read import Team

KIND_LINES = {
    "market_event": N_("At a market event, organisations hear what people need from a service."),
    "market_warming": N_("At this meeting, organisations hear what people need from a service."),
    "evaluation_panel": N_("On this panel, you help choose who runs a service."),
    "interview_panel": N_("On this panel, you help interview groups who want to run a service."),
    "workshop": N_("At a workshop, we work on ideas together."),
    "steering_group": N_("A steering group helps guide the work and checks how it is going."),
}
"""What each kind of event is, in one Easy Read sentence."""

FEATURE_LINES = {
    "step_free": N_("You can get in without using steps."),
    "wheelchair_space": N_("There is space for wheelchairs in the room."),
    "accessible_toilet": N_("There is an accessible toilet."),
    "hearing_loop": N_("There is a hearing loop."),
    "quiet_room": N_("There is a quiet room."),
    "parking": N_("There is parking, with blue badge spaces."),
}
"""The venue's access features (``events.vocabulary.VENUE_FEATURES``) in Easy Read."""

HELP_LINES = {
    "booked": N_("%(need)s: it is booked."),
    "arranging": N_("%(need)s: we are arranging it."),
    "if_coming": N_("%(need)s: we will arrange it if you come."),
}
HELP_STATUS = {
    "booked": N_("It is booked."),
    "arranging": N_("We are arranging it."),
    "if_coming": N_("We will arrange it if you come."),
}
"""The status alone, for a need whose name makes the whole line too long to read easily."""

REPLY_LINES = {
    "invited": N_("Please tell us if you can come."),
    "accepted": N_("You said you will come."),
    "tentative": N_("You said you might come."),
    "declined": N_("You said you cannot come."),
    "waiting": N_("You are on the waiting list."),
}
OTHER_NEED = N_("Something else you asked for")


@dataclass(frozen=True)
class Help:
    """One thing the person asked for (a marked label) and where it is up to."""

    label: str
    status: str


@dataclass(frozen=True)
class Invited:
    """Everything the versions say, for one invitation. ``help`` is None when the version is
    not personal (the emailed link); ``shares_needs`` False when the person has not agreed to
    share their needs with organisers (so nothing can be arranged from them)."""

    event: dict[str, Any]
    venue: dict[str, Any] | None
    reply: str
    discreet: bool
    help: tuple[Help, ...] | None = None
    shares_needs: bool = False
    language: str = i18n.DEFAULT
    """The language the person chose for what we write to them (``contact.Route.language``)."""

    @property
    def title(self) -> str:
        return _("An invitation") if self.discreet else str(self.event["title"])

    @property
    def closed(self) -> str:
        return scheduling.closed_because(self.event)

    @property
    def in_person(self) -> bool:
        return self.event["mode"] != "online" and self.venue is not None


async def invited(
    sealer: Sealer, invitation: UUID, actor: audit.Actor, *, personal: bool, viewer: str = ""
) -> Invited:
    """The invitation, its event and venue, and (``personal``) the help the person asked for,
    read from their profile as ``viewer`` sees it ("participant" for themselves, "organiser"
    for staff, who see the needs only while the person shares them)."""
    row = await Invitation.select().where(Invitation.id == invitation).first()
    if row is None:
        raise NotFound("There is no such invitation.")
    event, venue = await scheduling.get(row["event"])
    route = await contact.route_for(sealer, row["subject"], actor)
    found = Invited(event, venue, row["reply"], route.safe_contact, language=route.language)
    if not personal:
        return found
    shares = (await consent.current(row["subject"])).get("share_access_needs", False)
    wanted = await _help(sealer, row, event, actor, viewer or "participant") if shares else ()
    return replace(found, help=wanted, shares_needs=shares)


async def _help(
    sealer: Sealer, row: dict[str, Any], event: dict[str, Any], actor: audit.Actor, viewer: str
) -> tuple[Help, ...]:
    """The person's needs, each with the organisers' progress."""
    profile = await profiles.read(sealer, row["subject"], actor, viewer)
    needs = getattr(profile, "access_needs", None)
    if needs is None:
        return ()
    online = event["mode"] == "online"
    codes = [
        code
        for code, _detail in logistics.needs_of(needs)
        if not (online and code in logistics.IN_PERSON_ONLY)
    ]
    items = await LogisticsItem.select(LogisticsItem.need, LogisticsItem.status).where(
        (LogisticsItem.event == event["id"]) & (LogisticsItem.subject == row["subject"])
    )
    status = {item["need"]: item["status"] for item in items}
    coming = row["reply"] in logistics.COMING
    labels = {**pv.ADJUSTMENTS, **pv.TRAVEL_HELP, "other": OTHER_NEED}
    return tuple(
        Help(
            labels[code],
            "booked" if status.get(code) == "booked" else "arranging" if coming else "if_coming",
        )
        for code in dict.fromkeys(codes)
        if code in labels
    )


def letter_of(invited: Invited, team: Team) -> Letter:
    """Who the printed invitation is from; a safe-contact person's names no programme."""
    if invited.discreet:
        return Letter(sign_off=_("From the team"))
    return Letter(letterhead=team.council, sign_off=_("From the co-production team"))


# --- Easy Read ------------------------------------------------------------------------------------


def invitation_easy_read(invited: Invited, team: Team) -> list[Section]:
    """The invitation in Easy Read: a heading a topic, one short sentence a line."""
    sections = [_what(invited), _when(invited), _where(invited)]
    if not invited.closed:
        sections.append(Section(_("Help to take part"), lines=_help_lines(invited)))
        if invited.in_person:
            sections.append(Section(_("Travel and costs"), lines=_lines(*_travel_lines())))
    sections.append(Section(_("Your answer"), lines=_answer_lines(invited, team)))
    sections.append(Section(_("Questions"), lines=_contact_lines(invited, team)))
    return sections


def _lines(*texts: str) -> tuple[Line, ...]:
    return tuple(Line(text) for text in texts)


def _fits(text: str) -> bool:
    """Whether a sentence made from data (a venue's name, a need) is short enough."""
    try:
        check_sentence(text)
    except NotEasyRead:
        return False
    return True


def _what(invited: Invited) -> Section:
    if invited.discreet:
        return Section(_("What it is"), lines=_lines(_("You are invited to a meeting.")))
    kind = KIND_LINES.get(invited.event["kind"])
    said = [_("You are invited to an event."), *([_(kind)] if kind else [])]
    return Section(_("What it is"), lines=_lines(*said))


def _when(invited: Invited) -> Section:
    start, end = invited.event["starts_at"], invited.event["ends_at"]
    return Section(
        _("When"),
        lines=_lines(
            _("It is on %(day)s.") % {"day": i18n.weekday_and_day(_local(start).date())},
            _("It starts at %(time)s.") % {"time": i18n.time_of_day(start)},
            _("It ends at %(time)s.") % {"time": i18n.time_of_day(end)},
        ),
    )


def _local(moment: datetime) -> datetime:
    return moment.astimezone(i18n.LONDON)


def _where(invited: Invited) -> Section:
    event, venue = invited.event, invited.venue
    if event["mode"] == "online":
        link = event["join_link"]
        said = [_("It is online.")]
        said.append(
            _("Join with this link: %(link)s") % {"link": link}
            if link
            else _("We will send you the link to join.")
        )
        return Section(_("Where"), lines=_lines(*said))
    if venue is None:
        return Section(_("Where"), lines=_lines(_("We will tell you where it is.")))
    said = [
        _("It is at %(place)s.") % {"place": venue["name"]},
        _("The address is %(address)s.") % {"address": _one_line(venue["address"])},
    ]
    said = [text for text in said if _fits(text)] or [_("Ring us to ask where it is.")]
    features = [f for f in venue["features"].split(",") if f in FEATURE_LINES]
    said += [_(FEATURE_LINES[f]) for f in features]
    directions = sentences(venue["directions"])
    if directions and all(_fits(text) for text in directions):
        said += directions
    if event["mode"] == "hybrid":
        said.append(_("You can also join online."))
    return Section(_("Where"), lines=_lines(*said))


def _one_line(address: str) -> str:
    return ", ".join(part.strip() for part in address.splitlines() if part.strip())


def _help_lines(invited: Invited) -> tuple[Line, ...]:
    ask = _("Tell us if you need help to take part.")
    if invited.help is None:
        return _lines(ask, _("Ring us to check the help we are arranging for you."))
    if not invited.shares_needs:
        return _lines(_("You have not said we can share your needs with the organisers."), ask)
    if not invited.help:
        return _lines(_("You have not told us about any help you need."), ask)
    said: list[str] = []
    for need in invited.help:
        line = _(HELP_LINES[need.status]) % {"need": _(need.label)}
        said += [line] if _fits(line) else [_(need.label), _(HELP_STATUS[need.status])]
    return _lines(*said, _("Tell us if you need anything else."))


def _travel_lines() -> tuple[str, ...]:
    return (
        _("You can claim back what it costs to get there."),
        _("Keep your tickets and receipts."),
        _("Costs we pay back do not count as earnings for benefits."),
        _("Ask us if you need your travel paid before you come."),
    )


def _answer_lines(invited: Invited, team: Team) -> tuple[Line, ...]:
    if invited.closed == "cancelled":
        return _lines(_("This event has been cancelled."), _("We are sorry."))
    if invited.closed:
        return _lines(_("This event has already started."))
    said = [_(REPLY_LINES.get(invited.reply, REPLY_LINES["invited"]))]
    if invited.reply == "waiting":
        said.append(_("We will tell you if a place comes up."))
    said += [
        _("You can answer on our website."),
        _("Or ring us on %(phone)s.") % {"phone": team.phone},
        _("If you cannot come, that is fine."),
        _("You do not need to give a reason."),
    ]
    return _lines(*said)


def _contact_lines(invited: Invited, team: Team) -> tuple[Line, ...]:
    ring = (
        _("Ring us on %(phone)s.")
        if invited.discreet
        else _("Ring the co-production team on %(phone)s.")
    )
    return _lines(ring % {"phone": team.phone}, _("Or email %(email)s.") % {"email": team.email})


# --- Large print ----------------------------------------------------------------------------------


def invitation_large_print(invited: Invited, team: Team) -> list[Section]:
    """The same facts in full sentences, for large print."""
    event = invited.event
    start, end = event["starts_at"], event["ends_at"]
    when = _("%(day)s, from %(start)s to %(end)s.") % {
        "day": i18n.weekday_and_day(_local(start).date()),
        "start": i18n.time_of_day(start),
        "end": i18n.time_of_day(end),
    }
    sections = [
        _what_in_full(invited),
        Section(_("When"), paragraphs=(when,)),
        _where_in_full(invited),
    ]
    if not invited.closed:
        sections.append(_help_in_full(invited))
        if invited.in_person:
            sections.append(Section(_("Travel and costs"), paragraphs=_travel_in_full()))
    sections.append(Section(_("Your answer"), paragraphs=_answer_in_full(invited, team)))
    sections.append(Section(_("Questions"), paragraphs=(_contact_in_full(invited, team),)))
    return sections


def _what_in_full(invited: Invited) -> Section:
    if invited.discreet:
        return Section(_("What it is"), paragraphs=(_("You are invited to a meeting."),))
    event = invited.event
    kind = KIND_LINES.get(event["kind"])
    described = [b.strip() for b in event["description"].replace("\r\n", "\n").split("\n\n")]
    said = [
        _("You are invited to %(title)s.") % {"title": event["title"]},
        *([_(kind)] if kind else []),
        *(block for block in described if block),
    ]
    return Section(_("What it is"), paragraphs=tuple(said))


def _where_in_full(invited: Invited) -> Section:
    event, venue = invited.event, invited.venue
    if event["mode"] == "online" or venue is None:
        online = ics.where(event, venue) if event["mode"] == "online" else ""
        return Section(_("Where"), paragraphs=(online or _("We will tell you where it is."),))
    said = [venue["name"], _one_line(venue["address"])]
    if venue["directions"]:
        said.append(_("How to get there: %(directions)s") % {"directions": venue["directions"]})
    if venue["public_transport"]:
        transport = venue["public_transport"]
        said.append(_("By bus or train: %(transport)s") % {"transport": transport})
    if event["mode"] == "hybrid" and event["join_link"]:
        said.append(_("Join online: %(link)s") % {"link": event["join_link"]})
    features = [
        _(v.VENUE_FEATURES[f]) for f in venue["features"].split(",") if f in v.VENUE_FEATURES
    ]
    return Section(_("Where"), paragraphs=tuple(p for p in said if p), bullets=tuple(features))


def _help_in_full(invited: Invited) -> Section:
    heading = _("Help to take part")
    if invited.help is None:
        said = _(
            "If you need help to take part, tell us. Ring us to check the help we are "
            "arranging for you."
        )
        return Section(heading, paragraphs=(said,))
    if not invited.shares_needs:
        said = _(
            "You have not said we can share your needs with the people organising events, so "
            "we cannot arrange help from them. Tell us if you need help to take part."
        )
        return Section(heading, paragraphs=(said,))
    if not invited.help:
        said = _("You have not told us about any help you need. Tell us if you need any.")
        return Section(heading, paragraphs=(said,))
    bullets = tuple(_(HELP_LINES[n.status]) % {"need": _(n.label)} for n in invited.help)
    return Section(
        heading,
        paragraphs=(_("You asked for this help:"),),
        bullets=(*bullets, _("Tell us if you need anything else.")),
    )


def _travel_in_full() -> tuple[str, ...]:
    return (
        _(
            "You can claim back what it costs you to get there, such as bus or train fares. "
            "Keep your tickets and receipts."
        ),
        _("Expenses do not count as earnings for benefits."),
        _("If you need your travel paid for before you come, or a taxi booked, tell us."),
    )


def _answer_in_full(invited: Invited, team: Team) -> tuple[str, ...]:
    if invited.closed == "cancelled":
        return (_("This event has been cancelled, so there is nothing to reply to. We are sorry."),)
    if invited.closed:
        return (_("This event has already started, so replies are closed."),)
    said = _(REPLY_LINES.get(invited.reply, REPLY_LINES["invited"]))
    how = _(
        "You can answer on our website, or ring us on %(phone)s. If you cannot come, that is "
        "fine: you do not need to give a reason."
    ) % {"phone": team.phone}
    return (said, how)


def _contact_in_full(invited: Invited, team: Team) -> str:
    words = (
        _("If you have a question, ring us on %(phone)s or email %(email)s.")
        if invited.discreet
        else _(
            "If you have a question, ring the co-production team on %(phone)s or email %(email)s."
        )
    )
    return words % {"phone": team.phone, "email": team.email}
