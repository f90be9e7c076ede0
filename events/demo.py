"""Demo events: two venues (one with full access features, one online room), the housing
panel's first session with the selected person invited, and its briefing session under way as
the demo loads (the person checked in, a check-in note written, a follow-up asked for), so the
attendance and follow-up pages have something true to show. Runs after the recruitment demo.

No venue gap is staged: County Hall has every feature the needs map to, and the selected
person asked for no adjustment, so a warning would not be honest here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from app import audit
from app.keys import load_secret_key
from app.sealed import Sealer
from app.settings import Settings
from events.schemas import EventForm, VenueForm
from events.services import attendance, followups, invitations, scheduling
from events.tables import Event, Invitation
from participation.services import opportunities

DEMO_ACTOR = audit.Actor(id="demo", role="organiser")
BRIEFING_NOTE = (
    "Short break after going through the scoring guide. One person found the first bid's "
    "case study hard to read and stepped out for ten minutes; they want to carry on. "
    "Coordinator to check in with them tomorrow."
)


def sender() -> invitations.Sender:
    """The same sender the running service uses, so the demo's reply links work."""
    settings = Settings()
    return invitations.Sender(settings.mail_from, settings.public_url, load_secret_key(settings))


async def is_empty() -> bool:
    return bool(await Event.count() == 0)


async def populate(sealer: Sealer) -> list[str]:
    hall = await scheduling.save_venue(
        VenueForm(
            name="County Hall, Committee Room 2",
            address="County Hall\nMarket Street\nNorthtown NT1 1AA",
            directions="Use the side entrance on Mill Lane: it is step free. Reception will "
            "bring you up in the lift.",
            features=[
                "step_free",
                "wheelchair_space",
                "accessible_toilet",
                "hearing_loop",
                "quiet_room",
            ],
            public_transport="Buses 5 and 12 stop outside. Northtown station is 10 minutes' walk.",
        ),
        DEMO_ACTOR,
    )
    await scheduling.save_venue(
        VenueForm(
            name="Online meeting room",
            join_link="https://meet.northshire.example/coprod",
            dial_in="0300 123 4599, then 4471 #",
        ),
        DEMO_ACTOR,
    )
    housing = (await opportunities.open_now())[0]
    start = (datetime.now(UTC) + timedelta(days=30)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    event, _ = await scheduling.save_event(
        EventForm(
            title="Housing support panel: day 1",
            kind="evaluation_panel",
            opportunity=housing["id"],
            venue=hall,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            capacity=6,
            description="We will read the first provider's answers together and score them.",
            reminder_hours=[48, 2],
            sensitive=True,
        ),
        DEMO_ACTOR,
    )
    telling = sender()
    invited = await invitations.invite_selected(sealer, event, DEMO_ACTOR, telling)
    here = await _briefing_under_way(sealer, housing["id"], hall, telling)
    return [
        "2 venues (County Hall with its access features, an online room) and the housing "
        f"panel's first session, with {invited.invited} selected person invited",
        f"the panel's briefing session under way now: {here} checked in, 1 check-in note",
    ]


async def _briefing_under_way(
    sealer: Sealer, opportunity: UUID, hall: UUID, telling: invitations.Sender
) -> int:
    """Preparation before the panel, as the Plymouth toolkit asks, started 45 minutes ago;
    returns how many people are checked in.

    Scheduled ahead and accepted by phone through the services, as staff would; then moved to
    now, since no form schedules an event that has already started.
    """
    soon = (datetime.now(UTC) + timedelta(days=1)).replace(second=0, microsecond=0)
    event, _ = await scheduling.save_event(
        EventForm(
            title="Housing support panel: briefing",
            kind="workshop",
            opportunity=opportunity,
            venue=hall,
            starts_at=soon,
            ends_at=soon + timedelta(hours=2),
            capacity=6,
            description="What the panel does, how scoring works, and who to ask for help.",
            reminder_hours=[48],
            sensitive=True,
        ),
        DEMO_ACTOR,
    )
    await invitations.invite_selected(sealer, event, DEMO_ACTOR, telling)
    rows = await Invitation.select(Invitation.id, Invitation.subject).where(
        Invitation.event == event
    )
    for row in rows:
        await invitations.reply(sealer, row["id"], "accepted", DEMO_ACTOR, telling, via="staff")
    started = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=45)
    await Event.update(
        {Event.starts_at: started, Event.ends_at: started + timedelta(hours=2)}
    ).where(Event.id == event)
    for row in rows:
        await attendance.check_in(event, row["id"], DEMO_ACTOR)
    await attendance.add_note(sealer, event, BRIEFING_NOTE, DEMO_ACTOR)
    for row in rows[:1]:  # the person the note is about asked for a check-in afterwards
        await followups.ask(
            row["id"], row["subject"], DEMO_ACTOR, wanted=True, preferred_time="Tomorrow morning"
        )
    return len(rows)
