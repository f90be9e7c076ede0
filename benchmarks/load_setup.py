"""The load test's people and work, made through the services before the timed phase.

Not a benchmark itself (no ``bench_`` prefix). Run against one target database with that
target's settings in the environment, after ``reciprocity migrate`` and ``reciprocity demo``
(the demo brings the benefit figures and the approved payment policy):

    python -m benchmarks.load_setup populate STATE.json

Every record is written by the same service functions the pages call. The population is the
same for every configuration (fixed seed, fixed counts); only ids, tokens and links differ.
What the load users may use is written to STATE.json: one-time sign-in links minted for each
participant (their digests stored, as the sign-in page stores them), API tokens for the
coordinators' and finance officers' scripts, and the ids each of them works on.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from app import audit
from app.auth import accounts, signin, tokens
from app.cli_keys import sealer_for
from app.datamap import Role
from app.db import with_database
from app.factory import data_map
from app.keys import load_secret_key
from app.sealed import Sealer
from app.settings import Settings
from benchmarks import load_check
from events.schemas import EventForm, VenueForm
from events.services import invitations, scheduling
from events.tables import Invitation
from participation import schemas
from participation import vocabulary as v
from participation.schemas.recruitment import Interest, OpportunityForm, StatusChange
from participation.services import expressions, opportunities, profiles, selection
from payments.services import ledger

PARTICIPANTS = 48  # people who sign in and use their pages: one per virtual participant
REGISTER = 60  # people set up by staff, who express interest in each coordinator's opportunity
COORDINATORS = 8  # one opportunity and one event each, with REGISTER expressions of interest
FINANCE = 3
ENTRIES_EACH = 500  # proposed fees waiting for each finance officer (more than 45 s can approve)
LINKS_EACH = 12  # one-time sign-in links per participant (one per sign-in)
SEED = 2026


@dataclass(frozen=True)
class Staff:
    organiser: audit.Actor
    coordinators: list[UUID]
    finance: list[UUID]


async def populate(settings: Settings, sealer: Sealer) -> dict[str, Any]:
    """Everyone and everything the load users need; returns what the locustfile reads."""
    rng = random.Random(SEED)
    secret = load_secret_key(settings)
    staff = await _staff(sealer)
    venue = await scheduling.save_venue(
        VenueForm(name="Load test hall", address="1 Test Street\nNorthtown NT1 1AA"),
        staff.organiser,
    )
    inv_sender = invitations.Sender(settings.mail_from, settings.public_url, secret)
    sel_sender = selection.Sender(settings.mail_from, settings.public_url)
    people = [await _person(sealer, rng, n, online=True) for n in range(PARTICIPANTS)]
    register = [await _person(sealer, rng, n, online=False) for n in range(REGISTER)]
    coordinator = audit.Actor(id=str(staff.coordinators[0]), role=Role.coordinator.value)
    place, place_event = await _work(sealer, "Load panel for participants", venue, coordinator)
    await _interest(sealer, place, people)
    await _select_everyone(sealer, place, coordinator, sel_sender)
    await invitations.invite_selected(sealer, place_event, staff.organiser, inv_sender)
    return {
        "participants": await _participant_state(sealer, secret, place, place_event, people),
        "coordinators": [
            await _coordinator_state(sealer, secret, n, account, venue=venue, register=register)
            for n, account in enumerate(staff.coordinators)
        ],
        "finance": [
            await _finance_state(secret, n, account, staff.organiser, people + register)
            for n, account in enumerate(staff.finance)
        ],
    }


async def _staff(sealer: Sealer) -> Staff:
    organiser = await _account(sealer, "load.organiser@northshire.example", Role.organiser)
    coordinators = [
        await _account(sealer, f"load.coordinator{n}@northshire.example", Role.coordinator)
        for n in range(COORDINATORS)
    ]
    finance = [
        await _account(sealer, f"load.finance{n}@northshire.example", Role.finance)
        for n in range(FINANCE)
    ]
    return Staff(audit.Actor(id=str(organiser), role=Role.organiser.value), coordinators, finance)


async def _account(sealer: Sealer, email: str, role: Role) -> UUID:
    kind = "participant" if role is Role.participant else "staff"
    name = email.split("@", 1)[0].replace(".", " ").title()
    return await accounts.create(
        sealer, accounts.NewAccount(kind, email, name, (role,)), audit.SYSTEM
    )


async def _person(sealer: Sealer, rng: random.Random, n: int, *, online: bool) -> UUID:
    """One person on the register: signed up online (with an account) or set up by staff."""
    email = f"load.{'p' if online else 'r'}{n}@example.org"
    subject = await _account(sealer, email, Role.participant) if online else None
    actor = audit.Actor(id=str(subject or "load-setup"), role="participant")
    new = schemas.NewProfile(
        about=schemas.AboutYou(preferred_name=f"Load Person {n}", date_of_birth=date(1980, 1, 1)),
        contact=schemas.ContactDetails(email=email, preferred_route="email"),
        consents=["register", "contact", "share_access_needs"],
        channel="web" if online else "paper",
    )
    subject = await profiles.create(sealer, new, actor, subject=subject)
    involvement = schemas.Involvement(
        activities=["evaluation_panels", *rng.sample(sorted(v.ACTIVITIES), 2)],
        formats=rng.sample(sorted(v.FORMATS), 1),
        times_of_day=rng.sample(sorted(v.TIMES_OF_DAY), 1),
    )
    await profiles.update(sealer, subject, involvement, actor)
    return subject


async def _work(sealer: Sealer, title: str, venue: UUID, actor: audit.Actor) -> tuple[UUID, UUID]:
    """A published evaluation-panel opportunity and its first session, 30 days ahead."""
    form = OpportunityForm(
        title=title,
        description="Read three providers' answers with us and score them.",
        stage=3,
        activity="evaluation_panels",
        rung_planned="co_production",
        formats=["in_person"],
        time_commitment="One morning",
        payment_offer="£25 an hour",
        closes_at=datetime.now(UTC) + timedelta(days=14),
        places=500,
    )
    opportunity = await opportunities.save(form, actor)
    await opportunities.move(opportunity, "publish", actor)
    start = (datetime.now(UTC) + timedelta(days=30)).replace(hour=10, minute=0, microsecond=0)
    event, _ = await scheduling.save_event(
        EventForm(
            title=f"{title}: day 1",
            kind="evaluation_panel",
            opportunity=opportunity,
            venue=venue,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            capacity=500,
        ),
        actor,
    )
    return opportunity, event


async def _interest(sealer: Sealer, opportunity: UUID, people: list[UUID]) -> list[UUID]:
    made = []
    for subject in people:
        me = audit.Actor(id=str(subject), role="participant")
        made.append(
            (await expressions.express(sealer, opportunity, subject, Interest(answers={}), me))[0]
        )
    return made


async def _select_everyone(
    sealer: Sealer, opportunity: UUID, actor: audit.Actor, sender: selection.Sender
) -> None:
    board = await selection.board(sealer, opportunity, actor)
    change = StatusChange(expressions=[a.expression for a in board], status="selected")
    await selection.set_status(sealer, opportunity, change, actor, sender)


async def _participant_state(
    sealer: Sealer, secret: str, place: UUID, event: UUID, people: list[UUID]
) -> list[dict[str, Any]]:
    """Each participant's sign-in links (minted as the email sign-in page mints them)."""
    rows = await Invitation.select(Invitation.id, Invitation.subject).where(
        Invitation.event == event
    )
    invitation_of = {row["subject"]: str(row["id"]) for row in rows}
    ctx = signin.Context(sealer, secret)
    state = []
    for n, subject in enumerate(people):
        email = f"load.p{n}@example.org"
        links = [
            (await signin.request_participant_sign_in(ctx, email)).link_token
            for _ in range(LINKS_EACH)
        ]
        state.append(
            {
                "subject": str(subject),
                "links": links,
                "opportunity": str(place),
                "invitation": invitation_of[subject],
            }
        )
    return state


async def _coordinator_state(
    sealer: Sealer, secret: str, n: int, account: UUID, *, venue: UUID, register: list[UUID]
) -> dict[str, Any]:
    """A coordinator's script token, opportunity (everyone on the register interested) and event."""
    actor = audit.Actor(id=str(account), role=Role.coordinator.value)
    opportunity, event = await _work(sealer, f"Load panel {n}", venue, actor)
    made = await _interest(sealer, opportunity, register)
    token = await tokens.create(secret, account, "load test", (Role.coordinator.value,), 1, actor)
    return {
        "token": token,
        "opportunity": str(opportunity),
        "event": str(event),
        "expressions": [str(e) for e in made],
        "subjects": [str(s) for s in register],
    }


async def _finance_state(
    secret: str, n: int, account: UUID, organiser: audit.Actor, people: list[UUID]
) -> dict[str, Any]:
    """A finance officer's script token and the fees waiting for them (proposed by the organiser:
    four eyes)."""
    actor = audit.Actor(id=str(account), role=Role.finance.value)
    entries = []
    for i in range(ENTRIES_EACH):
        proposal = ledger.Proposal(
            subject=people[(n * ENTRIES_EACH + i) % len(people)],
            kind="fee",
            amount_pence=2500,
            description="Load test fee",
            once=f"load-setup:{n}:{i}",
        )
        entries.append(str(await ledger.propose(proposal, organiser)))
    token = await tokens.create(secret, account, "load test", (Role.finance.value,), 1, actor)
    return {"token": token, "entries": entries}


def _run(work: Callable[[Settings, Sealer], Awaitable[Any]]) -> Any:
    settings = Settings()
    sealer = sealer_for(settings, data_map())
    return with_database(settings, lambda: work(settings, sealer))


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "populate":
        Path(argv[1]).write_text(json.dumps(_run(populate)))
        return 0
    if len(argv) == 3 and argv[0] == "check":
        state, done = (json.loads(Path(p).read_text()) for p in argv[1:])
        problems = _run(lambda settings, sealer: load_check.check(sealer, state, done))
        print(json.dumps(problems))
        return 0
    print("usage: python -m benchmarks.load_setup populate STATE.json | check STATE DONE")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
