"""The rest of the demo council's register: 176 more people, so Northshire's programme looks the
size of a real county's (200 people with the 24 in ``participation.demo``).

Made deterministically from short lists (names, lived experiences, ways of taking part), so every
run gives the same register and a test can count it. Each person is added through the profile
services exactly as ``participation.demo`` adds its 24, by the same channels: some signed up
online (with an account), the rest were set up by the coordinator. Every email is at example.org
and every phone number is in Ofcom's drama ranges (07700 900xxx, 01632 960xxx).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app import audit
from app import demo as kernel_demo
from app.auth import accounts
from app.datamap import Role
from app.sealed import Sealer
from participation import demo
from participation.tables import Participant

EXTRA = 176
"""How many people this step adds: 24 + 176 = the 200 the demo council promises."""
FIRST_NAMES = (
    "Aaron", "Abdul", "Adele", "Ahmed", "Alan", "Alison", "Amir", "Andrea", "Barry", "Bethany",
    "Bilal", "Callum", "Carla", "Ciaran", "Colin", "Danielle", "Deepa", "Declan", "Ewa", "Faisal",
    "Fiona", "Gemma", "George", "Hannah", "Ian", "Imran", "Jade", "Jamal", "Janet", "Kai",
    "Karen", "Kieran", "Laura", "Liam", "Lina", "Mark", "Mohammed", "Nadia", "Neil", "Olga",
    "Rachel", "Rosa", "Shona", "Stacey", "Tariq", "Wayne",
)  # fmt: skip
SURNAMES = (
    "Abbott", "Baker", "Bhatti", "Brown", "Chen", "Collins", "Davies", "Edwards", "Fraser",
    "Green", "Hall", "Hussain", "Iqbal", "Jones", "Kaur", "Khan", "Lewis", "Martin", "Nowicki",
    "Obi", "Patel", "Roberts", "Singh", "Smith", "Taylor", "Thomas", "Walker", "White", "Wilson",
    "Wright", "Young",
)  # fmt: skip
LIVES: tuple[tuple[list[str], str], ...] = (
    (["homelessness"], "I slept in my car for four months after the eviction."),
    (["domestic_abuse"], "It took me three tries to leave. The third time someone believed me."),
    (["mental_health"], "Depression since my teens; the crisis line was a lifeline."),
    (["carer"], "I care for my dad, who has Parkinson's."),
    (["disability"], "I have MS. Some weeks are good, some are not."),
    (["refugee_asylum"], "I waited three years for a decision on my asylum claim."),
    (["substance_use", "homelessness"], "Heroin for ten years. Eighteen months clean now."),
    (["care_leaver"], "I grew up in foster care and left at eighteen."),
    (["send_parent"], "My son has ADHD and it took four years to get help at school."),
    (["criminal_justice"], "I served four years. Getting a flat afterwards was the hardest part."),
    (["multiple_disadvantage", "mental_health"], "Everything went wrong at once, more than once."),
)
ACTIVITY_PAIRS = (
    ["evaluation_panels", "method_statements"],
    ["market_events", "provider_presentations"],
    ["listening_events", "surveys"],
    ["peer_research", "interviews"],
    ["steering_groups", "listening_events"],
    ["mystery_shopping", "learning_walks"],
    ["market_events", "evaluation_panels"],
)
FORMATS = (["in_person"], ["online"], ["phone"], ["in_person", "online"])
TIMES = (["morning"], ["afternoon"], ["evening"], ["morning", "afternoon"])
NEEDS: tuple[dict[str, Any], ...] = (
    {},
    {"adjustments": ["step_free"], "travel_help": ["taxi"]},
    {"adjustments": ["interpreter"], "interpreter_language": "Urdu"},
    {"adjustments": ["quiet_room", "breaks"]},
    {},
    {"adjustments": ["easy_read"], "travel_help": ["met_on_arrival"]},
    {"adjustments": ["hearing_loop"]},
    {"travel_help": ["paid_in_advance"]},
    {"adjustments": ["interpreter"], "interpreter_language": "Polish"},
    {"adjustments": ["large_print", "companion"]},
    {"adjustments": ["bsl"]},
)
CHANNELS: tuple[demo.Channel, ...] = ("web", "paper", "phone", "in_person", "web")
SUPPORT = (
    {"name": "Ruth", "organisation": "Northshire Women's Aid", "contact": "01632 960401"},
    {"name": "Kerry", "organisation": "St Anne's Hostel", "contact": "01632 960210"},
    {"name": "Mo", "organisation": "Northshire Recovery Hub", "contact": "01632 960330"},
)
SEXES = ("female", "male", "prefer_not_to_say")
ETHNICITIES = ("white", "asian", "black", "mixed", "other", "white", "white")


def person(n: int) -> demo.Person:
    """The ``n``-th extra person (0-based): the same every run."""
    first = FIRST_NAMES[n % len(FIRST_NAMES)]
    surname = SURNAMES[(n + n // len(FIRST_NAMES)) % len(SURNAMES)]  # never the same pair twice
    name = f"{first} {surname}"
    codes, words = LIVES[n % len(LIVES)]
    channel = CHANNELS[n % len(CHANNELS)]
    return demo.Person(
        name=name,
        born=date(_born_in(n), 1 + n % 12, 1 + n * 3 % 28),
        contact=_contact(n, name, channel, codes),
        channel=channel,
        consents=demo.ALL if n % 3 else demo.NO_EQUALITY,
        lived=(list(codes), words),
        involvement=_involvement(n),
        needs=NEEDS[n % len(NEEDS)],
        equality=_equality(n) if n % 3 else {},
        paused=n % 25 == 24,
    )


def people(count: int = EXTRA) -> list[demo.Person]:
    return [person(n) for n in range(count)]


async def is_empty() -> bool:
    return not await Participant.exists()


async def populate(sealer: Sealer, count: int = EXTRA) -> list[str]:
    """Add ``count`` generated people (tests that need a small register pass fewer)."""
    coordinator = await accounts.find_by_email(sealer, kernel_demo.COORDINATOR_EMAIL)
    staff = audit.Actor(
        id=str(coordinator["id"]) if coordinator else "demo", role=Role.coordinator.value
    )
    added = people(count)
    for extra in added:
        await demo.add(sealer, extra, staff)
    online = sum(p.channel == "web" for p in added)
    return [
        f"{len(added)} more people on the register ({online} signed up online, "
        f"{sum(p.paused for p in added)} paused, "
        f"{sum(bool(p.contact.get('safe_contact')) for p in added)} marked safe contact)",
    ]


def _contact(n: int, name: str, channel: str, codes: list[str]) -> dict[str, Any]:
    """Email for those online; otherwise phone, text, post or a trusted person."""
    mobile = f"07700 900{400 + n:03d}"  # clear of the numbers the browser tests type
    if channel == "web":
        email = name.lower().replace(" ", ".") + "@example.org"
        return {"email": email, "phone": mobile, "preferred_route": "email"}
    if "domestic_abuse" in codes:
        return {"preferred_route": "intermediary", "intermediary": SUPPORT[0], "safe_contact": True}
    route = ("phone", "sms", "post", "intermediary")[n % 4]
    if route == "post":
        return {
            "address": f"{n + 1} Church Road, Northtown, Northshire, NT{n % 9 + 1} 4AB",
            "phone": f"01632 960{500 + n:03d}",
            "preferred_route": "post",
        }
    if route == "intermediary":
        return {"preferred_route": "intermediary", "intermediary": SUPPORT[n % 3]}
    return {"phone": mobile, "preferred_route": route}


def _involvement(n: int) -> dict[str, Any]:
    chosen: dict[str, Any] = {
        "activities": ACTIVITY_PAIRS[n % len(ACTIVITY_PAIRS)],
        "formats": FORMATS[n % len(FORMATS)],
        "times_of_day": TIMES[n % len(TIMES)],
    }
    if n % 4 == 1:
        chosen["group_sizes"] = ["one_to_one"]
    if n % 6 == 2:
        chosen["never_days"] = ["sat", "sun"]
    if n % 9 == 4:
        chosen["contact_frequency"] = "monthly"
    return chosen


def _equality(n: int) -> dict[str, str]:
    return {
        "age": _age_band(2026 - _born_in(n)),
        "sex": SEXES[n % len(SEXES)],
        "ethnicity": ETHNICITIES[n % len(ETHNICITIES)],
        "disability": "yes" if n % 5 == 1 else "no",
    }


def _born_in(n: int) -> int:
    return 1950 + n * 7 % 55


def _age_band(age: int) -> str:
    bands = ((25, "18_24"), (35, "25_34"), (50, "35_49"), (65, "50_64"))
    return next((band for under, band in bands if age < under), "65_plus")
