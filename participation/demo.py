"""Believable participants for Northshire County Council, so a newcomer sees the register working.

Twenty-four people with different lives, needs and ways of being reached. Some signed up
online themselves (each has an account and can sign in with their email code: Jordan, whose
account the kernel's demo makes, sees a filled profile; Gwen Morgan reads and writes in
Welsh). The rest were set up by a coordinator from a paper form, a phone call or a meeting, so
their consents name her as the helper. Every email is at example.org and every phone number is
in Ofcom's drama ranges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from uuid import UUID

from app import audit
from app.auth import accounts
from app.datamap import Role
from app.demo import (
    COORDINATOR_EMAIL,
    COORDINATOR_NAME,
    DEMO_PARTICIPANT_EMAIL,
    SECOND_PARTICIPANT_NAME,
)
from app.sealed import Sealer
from participation import schemas
from participation.services import profiles
from participation.tables import Participant

WOMENS_AID = {"name": "Sandra", "organisation": "Northshire Women's Aid", "contact": "01632 960400"}
ALL = ("register", "contact", "share_access_needs", "equality_monitoring")
NO_EQUALITY = ("register", "contact", "share_access_needs")
Channel = Literal["web", "paper", "phone", "in_person"]
GWEN = SECOND_PARTICIPANT_NAME
"""Writes in Welsh: her profile asks for Cymraeg, so her pages and our emails to her are Welsh."""
QUIET_MONTHS = {"Tomasz Nowak": 8, "Marcus Reid": 11}
"""Signed up months ago and not heard from since: the coordinator's home (/today) says so."""


@dataclass(frozen=True)
class Person:
    """One demo participant: their sections as the forms would post them."""

    name: str
    born: date | None
    contact: dict[str, Any]
    channel: Channel  # "web": signed up themselves; otherwise set up by the coordinator
    consents: tuple[str, ...]
    lived: tuple[list[str], str]
    involvement: dict[str, Any]
    needs: dict[str, Any] = field(default_factory=dict)
    equality: dict[str, str] = field(default_factory=dict)
    paused: bool = False


def _email(name: str) -> dict[str, Any]:
    return {"email": f"{name.lower().replace(' ', '.')}@example.org", "preferred_route": "email"}


PEOPLE = (
    Person(
        "Jordan",
        date(1996, 5, 14),
        {"email": DEMO_PARTICIPANT_EMAIL, "preferred_route": "email"},
        "web",
        ALL,
        (
            ["homelessness", "mental_health"],
            "I sofa-surfed for a year after leaving home at 19. The hardest part was never "
            "knowing who to ask, and telling my story again at every office.",
        ),
        {"activities": ["listening_events", "steering_groups"], "formats": ["online"]},
        {"adjustments": ["quiet_room"]},
        {"age": "25_34", "sex": "prefer_not_to_say", "disability": "no", "religion": "none"},
    ),
    Person(
        "Amina Yusuf",
        date(1987, 2, 3),
        {"phone": "07700 900101", "preferred_route": "phone"},
        "paper",
        NO_EQUALITY,
        (["refugee_asylum"], "I came from Somalia in 2016 with my two daughters."),
        {"activities": ["market_events", "peer_research"], "formats": ["in_person"]},
        {"adjustments": ["interpreter"], "interpreter_language": "Somali"},
    ),
    Person(
        "Maggie Okonkwo",
        date(1958, 9, 21),
        {**_email("Maggie Okonkwo"), "phone": "01632 960101"},
        "web",
        ALL,
        (["carer", "disability"], "I cared for my husband for eleven years after his stroke."),
        {"activities": ["evaluation_panels", "method_statements"], "times_of_day": ["morning"]},
        {"adjustments": ["step_free", "hearing_loop"], "travel_help": ["taxi"]},
        {"age": "65_plus", "sex": "female", "ethnicity": "black", "disability": "yes"},
    ),
    Person(
        "Daniel Price",
        date(1979, 11, 2),
        {
            "preferred_route": "intermediary",
            "intermediary": {
                "name": "Kerry",
                "organisation": "St Anne's Hostel",
                "contact": "01632 960210",
            },
        },
        "in_person",
        NO_EQUALITY,
        (
            ["homelessness", "substance_use"],
            "Twelve years on and off the streets. Clean for two years now.",
        ),
        {"activities": ["learning_walks", "mystery_shopping"], "never_days": ["mon"]},
        {"travel_help": ["paid_in_advance", "met_on_arrival"]},
    ),
    Person(
        "Leanne",
        None,
        {"preferred_route": "intermediary", "intermediary": WOMENS_AID, "safe_contact": True},
        "phone",
        NO_EQUALITY,
        (["domestic_abuse"], "I left with my son last spring. Please only contact me via Sandra."),
        {"activities": ["peer_research"], "group_sizes": ["one_to_one"], "formats": ["phone"]},
        {"other": "Please do not post anything to me or leave voicemails."},
    ),
    Person(
        "Farah Begum",
        date(1992, 7, 8),
        {"phone": "07700 900102", "preferred_route": "sms", "safe_contact": True},
        "in_person",
        ALL,
        (["domestic_abuse", "refugee_asylum"], "I want other women to be believed sooner."),
        {"activities": ["surveys", "listening_events"], "times_of_day": ["morning"]},
        {"adjustments": ["quiet_room", "breaks"]},
        {"age": "25_34", "sex": "female", "ethnicity": "asian", "religion": "muslim"},
    ),
    Person(
        "Kwame Mensah",
        date(1984, 3, 30),
        {"phone": "07700 900103", "preferred_route": "phone"},
        "phone",
        NO_EQUALITY,
        (["criminal_justice"], "Six years inside. Probation was the first service that listened."),
        {"activities": ["interviews", "steering_groups"], "times_of_day": ["afternoon"]},
    ),
    Person(
        "Sophie Turner",
        date(1990, 1, 17),
        _email("Sophie Turner"),
        "web",
        ALL,
        (["send_parent"], "My son is autistic. His EHCP took two years and a tribunal."),
        {"activities": ["surveys", "method_statements"], "formats": ["online"]},
        {},
        {"age": "35_49", "sex": "female", "ethnicity": "white", "religion": "prefer_not_to_say"},
    ),
    Person(
        GWEN,
        date(1971, 6, 12),
        {**_email(GWEN), "phone": "07700 900104", "language": "cy"},
        "web",
        ALL,
        (["disability"], "Rydw i wedi defnyddio cadair olwyn ers damwain yn y gwaith yn 2009."),
        {"activities": ["evaluation_panels", "learning_walks"], "formats": ["in_person"]},
        {"adjustments": ["step_free", "wheelchair_space"], "travel_help": ["taxi"]},
        {"age": "50_64", "sex": "female", "disability": "yes", "sexual_orientation": "straight"},
    ),
    Person(
        "Tomasz Nowak",
        date(1983, 10, 5),
        {"phone": "07700 900105", "preferred_route": "phone"},
        "in_person",
        NO_EQUALITY,
        (["homelessness"], "I lost my job and my room in the same month."),
        {"activities": ["market_events"], "times_of_day": ["evening"]},
        {"adjustments": ["interpreter"], "interpreter_language": "Polish"},
    ),
    Person(
        "Bernadette Walsh",
        date(1949, 4, 23),
        {"address": "14 Mill Lane, Ashcombe, Northshire, NS4 2PL", "preferred_route": "post"},
        "paper",
        ALL,
        (["carer"], "I look after my grandson three days a week."),
        {"activities": ["listening_events"], "times_of_day": ["morning", "afternoon"]},
        {"adjustments": ["large_print"], "travel_help": ["met_on_arrival"]},
        {"age": "65_plus", "sex": "female", "religion": "christian"},
    ),
    Person(
        "Ryan Clarke",
        date(2006, 8, 19),
        {"phone": "07700 900106", "email": "ryan.clarke@example.org", "preferred_route": "sms"},
        "web",
        NO_EQUALITY,
        (["care_leaver"], "I left care at 18 and moved into supported lodgings."),
        {"activities": ["peer_research", "surveys"], "formats": ["online", "phone"]},
    ),
    Person(
        "Priti Desai",
        date(1988, 12, 1),
        _email("Priti Desai"),
        "web",
        ALL,
        (["mental_health"], "Bipolar disorder. Community mental health services saved my life."),
        {"activities": ["steering_groups"], "formats": ["online"], "shorter_sessions": True},
        {"adjustments": ["breaks"]},
        {"age": "35_49", "sex": "female", "ethnicity": "asian", "disability": "yes"},
        paused=True,
    ),
    Person(
        "Hassan Ali",
        date(1975, 5, 28),
        {"phone": "07700 900107", "preferred_route": "phone"},
        "in_person",
        NO_EQUALITY,
        (["refugee_asylum"], "I was a teacher in Aleppo."),
        {"activities": ["interviews", "market_events"], "group_sizes": ["group"]},
        {"adjustments": ["interpreter", "dietary"], "interpreter_language": "Arabic"},
    ),
    Person(
        "Chloe Evans",
        date(1993, 3, 9),
        {**_email("Chloe Evans"), "phone": "07700 900108"},
        "web",
        ALL,
        (["send_parent", "carer"], "Both my girls have additional needs."),
        {"activities": ["method_statements", "evaluation_panels"], "times_of_day": ["evening"]},
        {"adjustments": ["companion"]},
        {"age": "25_34", "sex": "female", "gender_same_as_birth": "yes", "ethnicity": "mixed"},
    ),
    Person(
        "Dave Robinson",
        date(1968, 1, 14),
        {
            "preferred_route": "intermediary",
            "intermediary": {
                "name": "Mo",
                "organisation": "Northshire Recovery Hub",
                "contact": "01632 960330",
            },
        },
        "paper",
        NO_EQUALITY,
        (
            ["substance_use", "multiple_disadvantage"],
            "Drink took everything. The hub gave it back.",
        ),
        {"activities": ["listening_events", "learning_walks"], "never_days": ["fri"]},
        {"travel_help": ["paid_in_advance"]},
    ),
    Person(
        "Grace Adeyemi",
        date(1999, 10, 30),
        _email("Grace Adeyemi"),
        "web",
        ALL,
        (["mental_health"], "Eating disorder services, twice, in two different counties."),
        {"activities": ["surveys", "peer_research"], "formats": ["online"]},
        {},
        {"age": "25_34", "sex": "prefer_not_to_say", "sexual_orientation": "prefer_not_to_say"},
        paused=True,
    ),
    Person(
        "Sam Whitfield",
        date(1981, 7, 4),
        _email("Sam Whitfield"),
        "web",
        ALL,
        (["disability"], "I am Deaf; BSL is my first language."),
        {"activities": ["evaluation_panels", "provider_presentations"], "formats": ["in_person"]},
        {"adjustments": ["bsl"]},
        {"age": "35_49", "disability": "yes", "sexual_orientation": "gay_lesbian"},
    ),
    Person(
        "Eileen Murphy",
        date(1952, 2, 11),
        {"phone": "01632 960102", "preferred_route": "phone"},
        "phone",
        NO_EQUALITY,
        (["disability"], "Macular degeneration. I can read very large print only."),
        {"activities": ["listening_events", "surveys"], "formats": ["phone"]},
        {"adjustments": ["large_print"], "travel_help": ["taxi", "met_on_arrival"]},
    ),
    Person(
        "Josh Bennett",
        date(2001, 9, 9),
        {"phone": "07700 900109", "preferred_route": "sms"},
        "in_person",
        NO_EQUALITY,
        (["homelessness", "care_leaver"], "Sofa-surfing since my placement broke down."),
        {"activities": ["mystery_shopping", "peer_research"], "times_of_day": ["afternoon"]},
        {"travel_help": ["paid_in_advance"]},
    ),
    Person(
        "Natalia Kowalczyk",
        date(1986, 4, 16),
        {**_email("Natalia Kowalczyk"), "phone": "07700 900110"},
        "web",
        ALL,
        (["domestic_abuse"], "Five years since I left. I want to help the services improve."),
        {"activities": ["evaluation_panels", "interviews"], "never_days": ["sat", "sun"]},
        {},
        {"age": "35_49", "sex": "female", "ethnicity": "white", "religion": "christian"},
    ),
    Person(
        "Marcus Reid",
        date(1990, 12, 24),
        {"phone": "07700 900111", "preferred_route": "phone"},
        "paper",
        NO_EQUALITY,
        (["criminal_justice", "multiple_disadvantage"], "In and out of prison from 17 to 28."),
        {"activities": ["steering_groups", "interviews"], "group_sizes": ["group"]},
        {"adjustments": ["easy_read"]},
    ),
    Person(
        "Yvonne Campbell",
        date(1963, 8, 7),
        {
            "address": "3 Station Street, Brackley Vale, Northshire, NS7 1QT",
            "phone": "01632 960103",
            "preferred_route": "post",
        },
        "paper",
        ALL,
        (["carer"], "My mum has dementia and lives with us."),
        {"activities": ["surveys", "listening_events"], "contact_frequency": "quarterly"},
        {"adjustments": ["dietary"], "dietary": "Diabetic: no sugary snacks, please."},
        {"age": "50_64", "sex": "female", "ethnicity": "black", "religion": "christian"},
    ),
    Person(
        "Aisha Rahman",
        date(1995, 6, 2),
        _email("Aisha Rahman"),
        "web",
        ALL,
        (["send_parent"], "My daughter has cerebral palsy. School transport is a daily battle."),
        {"activities": ["method_statements", "surveys"], "formats": ["online"]},
        {},
        {"age": "25_34", "sex": "female", "ethnicity": "asian", "religion": "muslim"},
    ),
)


async def is_empty() -> bool:
    """True when nobody is on the register yet."""
    return not await Participant.exists()


async def populate(sealer: Sealer) -> list[str]:
    """Add the demo people through the services, as the pages would; lines for the operator."""
    coordinator = await _account(sealer, COORDINATOR_EMAIL, COORDINATOR_NAME, Role.coordinator)
    staff = audit.Actor(id=str(coordinator), role=Role.coordinator.value)
    for person in PEOPLE:
        subject = await add(sealer, person, staff)
        if person.name in QUIET_MONTHS:
            await _quiet_since(subject, QUIET_MONTHS[person.name])
    online = sum(p.channel == "web" for p in PEOPLE)
    safe = sum(bool(p.contact.get("safe_contact")) for p in PEOPLE)
    return [
        f"{len(PEOPLE)} participant profiles ({safe} marked safe contact, "
        f"{sum(p.paused for p in PEOPLE)} paused)",
        f"{online} of them signed up online and can sign in with their email; "
        f"{DEMO_PARTICIPANT_EMAIL} sees a filled-in profile",
        f"{len(PEOPLE) - online} set up on paper, by phone or in person by {COORDINATOR_NAME}, "
        f"coordinator ({COORDINATOR_EMAIL})",
    ]


async def add(sealer: Sealer, person: Person, staff: audit.Actor) -> UUID:
    """One person: their account if they signed up online, the profile, then each section."""
    subject = None
    actor = staff
    if person.channel == "web":
        email = person.contact["email"]
        subject = await _account(sealer, email, person.name.split()[0], Role.participant)
        actor = audit.Actor(id=str(subject), role=Role.participant.value)
    new = schemas.NewProfile(
        about=schemas.AboutYou(preferred_name=person.name, date_of_birth=person.born),
        contact=schemas.ContactDetails(**person.contact),
        consents=list(person.consents),
        channel=person.channel,
    )
    subject = await profiles.create(sealer, new, actor, subject=subject)
    codes, words = person.lived
    sections: list[schemas.Section] = [
        schemas.LivedExperience(lived_experience=codes, lived_experience_words=words),
        schemas.Involvement(**person.involvement),
        schemas.AccessNeeds(**person.needs),
    ]
    if person.equality:
        sections.append(schemas.Equality(**person.equality))
    for section in sections:
        await profiles.update(sealer, subject, section, actor)
    if person.paused:
        await profiles.set_paused(subject, True, actor)
    return subject


async def _account(sealer: Sealer, email: str, name: str, role: Role) -> UUID:
    """The account with this email (the kernel demo makes Jordan's), or a new one."""
    found = await accounts.find_by_email(sealer, email)
    if found is not None:
        return UUID(str(found["id"]))
    kind = "participant" if role is Role.participant else "staff"
    new = accounts.NewAccount(kind, email, name, (role,))
    return await accounts.create(sealer, new, audit.SYSTEM)


async def _quiet_since(subject: UUID, months: int) -> None:
    then = datetime.now(UTC) - timedelta(days=30 * months)
    await Participant.update(
        {
            Participant.created_at: then,
            Participant.updated_at: then,
            Participant.last_active_at: then,
        }
    ).where(Participant.id == subject)
