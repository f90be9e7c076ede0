"""Demo events: two venues (one with full access features, one online room) and the housing
panel's first session, with the selected person invited. Runs after the recruitment demo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app import audit
from app.keys import load_secret_key
from app.sealed import Sealer
from app.settings import Settings
from events.schemas import EventForm, VenueForm
from events.services import invitations, scheduling
from events.tables import Event
from participation.services import opportunities

DEMO_ACTOR = audit.Actor(id="demo", role="organiser")


def _sender() -> invitations.Sender:
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
    invited = await invitations.invite_selected(sealer, event, DEMO_ACTOR, _sender())
    return [
        "2 venues (County Hall with its access features, an online room) and the housing "
        f"panel's first session, with {invited.invited} selected person invited"
    ]
