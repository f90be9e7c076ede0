"""What the participation API answers, built from what the services return.

Shared by the participant's own routes and the coordinators' ones, so a person and the staff
working with them see the same shapes.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from app.errors import NotFound
from participation import schemas
from participation.api import models as m
from participation.services import consent, profiles, rights, search
from participation.tables import ErasureRecord


def section_model(name: str) -> type[schemas.Section]:
    """The schema of a profile section; an unknown name is a 404 that lists the real ones."""
    model = profiles.SECTIONS.get(name)
    if model is None:
        raise NotFound(
            f"There is no such profile section. Use one of: {', '.join(profiles.SECTIONS)}"
        )
    return model


async def consents_of(subject: UUID) -> m.Consents:
    return m.Consents(
        consents=await consent.current(subject),
        wordings=[
            m.Wording(purpose=p, version=w.version, title=w.title, text=w.text, sha256=w.sha256)
            for p, w in consent.CURRENT.items()
        ],
        history=[m.ConsentEvent.model_validate(row) for row in await consent.history(subject)],
    )


def subject_access(export: dict[str, Any]) -> m.SubjectAccess:
    return m.SubjectAccess.model_validate(export)


def erased(record: ErasureRecord) -> m.Erased:
    return m.Erased(
        erased=record.subject,
        deleted=record.deleted,
        kept=record.kept,
        kept_for_finance=rights.KEPT_FOR_FINANCE,
    )


def results(found: search.Results) -> m.SearchResults:
    """Search results with names revealed: the API's caller asked for exactly these people."""
    return m.SearchResults(
        people=[
            m.PersonFound(
                id=person.id,
                name=person.name.reveal() if person.name is not None else None,
                safe_contact=person.safe_contact,
                paused=person.paused,
                preferred_route=person.preferred_route,
                adjustments=person.adjustments,
                travel_help=person.travel_help,
            )
            for person in found.people
        ],
        total=found.total,
        page=found.page,
        pages=found.pages,
    )
