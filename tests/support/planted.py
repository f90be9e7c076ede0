"""People with a canary in every free-text field, made the way the services make them.

Each value is keyed by the data map field it went into (``"participant.address"``), so a leak
test can ask the data map who may see it. ``person`` fills the profile and an expression of
interest; tests/participation/test_rights.py ``seed_everywhere`` reaches every other table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from app.datamap import DataMap, PersonalField, Role
from app.sealed import Sealer
from participation import schemas
from participation.schemas.recruitment import Interest
from participation.services import expressions, opportunities, profiles, selection
from tests.participation.conftest import COORDINATOR, new_profile
from tests.support.canaries import canary


@dataclass
class Planted:
    """One person's id and the canaries planted for them, by ``table.column``."""

    subject: UUID
    values: dict[str, list[str]] = field(default_factory=dict)

    def add(self, where: str, value: str) -> str:
        self.values.setdefault(where, []).append(value)
        return value

    def hidden_from(self, role: Role, datamap: DataMap) -> list[str]:
        """The canaries in fields the data map does not let ``role`` see."""
        return [
            value
            for where, values in self.values.items()
            if role not in _field(datamap, where).visible_to
            for value in values
        ]

    def all(self) -> list[str]:
        return [value for values in self.values.values() for value in values]


def _field(datamap: DataMap, where: str) -> PersonalField:
    table, column = where.split(".")
    return next(f for f in datamap.tables[table].fields if f.column == column)


async def person(
    sealer: Sealer, label: str, *, route: str = "email", safe_contact: bool = False
) -> Planted:
    """A profile with every free-text field a canary: contact, intermediary, lived experience
    in their own words, access needs."""
    email = canary(f"{label}-email")
    planted = Planted(subject=UUID(int=0))
    profile = new_profile(
        canary(f"{label}-name"),
        email=f"{email}@example.org",
        route=route,
        address=f"{canary(f'{label}-street')}\n{canary(f'{label}-town')}",
        intermediary=schemas.Intermediary(
            name=canary(f"{label}-keyworker"),
            organisation=canary(f"{label}-agency"),
            contact=canary(f"{label}-keyworker-contact"),
        ),
        safe_contact=safe_contact,
    )
    planted.subject = await profiles.create(sealer, profile, COORDINATOR)
    planted.add("participant.preferred_name", profile.about.preferred_name)
    planted.add("participant.email", email)
    for part in profile.contact.address.split("\n"):
        planted.add("participant.address", part)
    for value in profile.contact.intermediary.model_dump().values():
        planted.add("participant.intermediary", value)
    await _sections(sealer, planted, label)
    return planted


async def _sections(sealer: Sealer, planted: Planted, label: str) -> None:
    words = planted.add("participant.lived_experience_words", canary(f"{label}-words"))
    needs = [planted.add("participant.needs_details", canary(f"{label}-{k}")) for k in "dol"]
    sections: list[schemas.Section] = [
        schemas.LivedExperience(lived_experience=["carer"], lived_experience_words=words),
        schemas.AccessNeeds(
            adjustments=["interpreter", "dietary"],
            dietary=needs[0],
            other=needs[1],
            interpreter_language=needs[2],
        ),
    ]
    for section in sections:
        await profiles.update(sealer, planted.subject, section, COORDINATOR)


async def selected_for(
    sealer: Sealer, opportunity: UUID, people: list[Planted], sender: selection.Sender
) -> None:
    """Each person expresses interest (a canary for an answer, a canary in the coordinator's
    note) and is selected, which tells them by their route."""
    first = (await opportunities.questions_of(opportunity))[0]
    for one in people:
        answer = one.add("expression.answers", canary("answer"))
        interest = Interest(answers={str(first["id"]): answer})
        await expressions.express(sealer, opportunity, one.subject, interest, COORDINATOR)
    board = await selection.board(sealer, opportunity, COORDINATOR)
    for application in board:
        owner = next(p for p in people if p.subject == application.subject)
        note = owner.add("expression.notes", canary("note"))
        await selection.set_note(sealer, opportunity, application.expression, note, COORDINATOR)
    change = schemas.recruitment.StatusChange(
        expressions=[a.expression for a in board], status="selected"
    )
    await selection.set_status(sealer, opportunity, change, COORDINATOR, sender)
