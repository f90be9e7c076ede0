"""Profiles: create, read (audited, by role) and change one section at a time.

A section (``participation.schemas``) maps onto columns here and nowhere else: sealed values
go through the ``Sealer`` under the person's own data key, preference codes are stored as
comma-separated lists. Every read of sealed fields writes one audit event naming the groups.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from app import audit, i18n
from app.db import is_duplicate, transaction
from app.errors import Conflict, FieldError, NotFound
from app.i18n import N_
from app.sealed import Sealer
from app.tables import Account
from participation import schemas
from participation.datamap import PARTICIPANT
from participation.services import consent, lived_experience
from participation.tables import Participant

Sealed = dict[str, str | None]
Plain = dict[str, Any]

SECTIONS: dict[str, type[schemas.Section]] = {
    "about": schemas.AboutYou,
    "contact": schemas.ContactDetails,
    "lived_experience": schemas.LivedExperience,
    "equality": schemas.Equality,
    "involvement": schemas.Involvement,
    "access_needs": schemas.AccessNeeds,
}
SECTION_COLUMNS: dict[str, tuple[str, ...]] = {
    "about": ("preferred_name", "date_of_birth"),
    "contact": (
        "email",
        "phone",
        "address",
        "intermediary",
        "safe_contact",
        "language",
        "preferred_route",
    ),
    "lived_experience": ("lived_experience", "lived_experience_words"),
    "equality": ("equality",),
    "involvement": (
        "activities",
        "formats",
        "group_sizes",
        "never_days",
        "times_of_day",
        "shorter_sessions",
        "contact_frequency",
    ),
    "access_needs": ("adjustments", "travel_help", "needs_details"),
}
LIST_COLUMNS = (
    "activities",
    "formats",
    "group_sizes",
    "never_days",
    "times_of_day",
    "adjustments",
    "travel_help",
)


CONSENT_TO_SHARE = {("organiser", "access_needs"): "share_access_needs"}
"""Sections a role sees only while the person agrees to it being shared with that role."""


def visible_sections(role: str) -> tuple[str, ...]:
    """The sections a role may read: every column of the section visible to it (data map)."""
    visible = {f.column for f in PARTICIPANT.fields if role in f.visible_to}
    return tuple(name for name, cols in SECTION_COLUMNS.items() if set(cols) <= visible)


async def create(
    sealer: Sealer,
    new: schemas.NewProfile,
    actor: audit.Actor,
    subject: UUID | None = None,
) -> UUID:
    """A new profile with the consents the person gave; one transaction, nothing half-made."""
    subject = subject or uuid4()
    about, _ = _columns(new.about)
    contact, plain = _columns(new.contact)
    sealed = about | contact
    async with transaction():
        if await Participant.exists().where(Participant.id == subject):
            raise Conflict("This person already has a profile.")
        await _refuse_duplicate_contact(sealer, new.contact, subject)
        stored = await sealer.seal(Participant, subject, subject, sealed)
        created_by = None if actor.id == str(subject) else _uuid_or_none(actor.id)
        await Participant.insert(Participant(id=subject, created_by=created_by, **plain, **stored))
        await audit.record(
            actor, audit.Action.change, subject=subject, field_group="profile", purpose="create"
        )
        for purpose in new.consents:
            await consent.record(subject, purpose, True, new.channel, actor)
    return subject


async def ensure_own_profile(sealer: Sealer, account_id: UUID, actor: audit.Actor) -> None:
    """A participant who signs in before they have a profile gets one from their account.

    Someone using their own profile is active: retention's inactivity clock restarts (at most
    once a day, so reading a page is not a write every time).
    """
    if await Participant.exists().where(Participant.id == account_id):
        now = datetime.now(UTC)
        await Participant.update({Participant.last_active_at: now}).where(
            (Participant.id == account_id) & (Participant.last_active_at < now - timedelta(days=1))
        )
        return
    row = await Account.select().where(Account.id == account_id).first()
    if row is None:
        raise NotFound("There is no account for this person.")
    opened = await sealer.open(Account, row, ("display_name", "email"))
    name, email = opened["display_name"], opened["email"]
    contact = (
        schemas.ContactDetails(email=email.reveal())
        if email
        else schemas.ContactDetails.model_construct(preferred_route="post")
    )
    about = schemas.AboutYou(preferred_name=name.reveal() if name else "Participant")
    new = schemas.NewProfile.model_construct(
        about=about, contact=contact, consents=[], channel="web"
    )
    try:
        await create(sealer, new, actor, subject=account_id)
    except Exception as error:
        raced = isinstance(error, Conflict) or is_duplicate(error)
        if not (raced and await exists(account_id)):
            raise  # e.g. their email is on someone else's profile: a real conflict
        # two first requests raced and the other one made the profile: nothing left to do


async def read(sealer: Sealer, subject: UUID, actor: audit.Actor, role: str) -> schemas.Profile:
    """The profile as ``role`` may see it, with one audit event naming what was revealed."""
    row = await Participant.select().where(Participant.id == subject).first()
    if row is None:
        raise NotFound("There is no profile for this person.")
    granted = set(filter(None, row["consents"].split(",")))
    sections = tuple(
        name
        for name in visible_sections(role)
        if CONSENT_TO_SHARE.get((role, name), "") in granted | {""}
    )
    columns = tuple(c for name in sections for c in SECTION_COLUMNS[name])
    opened = await sealer.open(Participant, row, columns)
    values = {k: v.reveal() if v is not None else None for k, v in opened.items()}
    await audit.record(
        actor,
        audit.Action.view,
        subject=subject,
        field_group=",".join(sections)[:64],
        purpose="view profile",
    )
    shown: dict[str, Any] = {name: _section(name, row, values) for name in sections}
    # constructed, not validated: a profile made from an account with no email has no usable
    # contact route yet, and reading it must not fail (the person fixes it when they edit it)
    return schemas.Profile.model_construct(
        id=subject,
        paused=row["paused_at"] is not None,
        consents={purpose: purpose in granted for purpose in consent.CURRENT},
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        last_active_at=row["last_active_at"],
        reminded_at=row["reminded_at"],
        **shown,
    )


async def update(
    sealer: Sealer, subject: UUID, section: schemas.Section, actor: audit.Actor
) -> None:
    """Replace one section; sealed and plain columns change in one transaction."""
    name = next(n for n, model in SECTIONS.items() if isinstance(section, model))
    if isinstance(section, schemas.LivedExperience):
        await lived_experience.check_codes(section.lived_experience)
    sealed, plain = _columns(section)
    async with transaction():
        if not await Participant.exists().where(Participant.id == subject):
            raise NotFound("There is no profile for this person.")
        if isinstance(section, schemas.ContactDetails):
            await _refuse_duplicate_contact(sealer, section, subject)
        stored = await sealer.seal_fields(Participant, subject, subject, sealed)
        now = datetime.now(UTC)
        changes: dict[Any, Any] = {**plain, **stored, "updated_at": now, "last_active_at": now}
        await Participant.update(changes).where(Participant.id == subject)
        await audit.record(
            actor, audit.Action.change, subject=subject, field_group=name, purpose="update"
        )


async def set_paused(subject: UUID, paused: bool, actor: audit.Actor) -> None:
    """'Pause me': no invitations or opportunity messages until they switch it back."""
    now = datetime.now(UTC)
    async with transaction():
        await Participant.update(
            {Participant.paused_at: now if paused else None, Participant.last_active_at: now}
        ).where(Participant.id == subject)
        await audit.record(
            actor,
            audit.Action.change,
            subject=subject,
            field_group="involvement",
            purpose="pause" if paused else "resume",
        )


async def find_by_email(sealer: Sealer, email: str) -> UUID | None:
    """The profile with this email address (any spelling), if there is one."""
    rows = await sealer.find(Participant, "email", email)
    return UUID(str(rows[0]["id"])) if rows else None


async def exists(subject: UUID) -> bool:
    return bool(await Participant.exists().where(Participant.id == subject))


async def _refuse_duplicate_contact(
    sealer: Sealer, contact: schemas.ContactDetails, subject: UUID
) -> None:
    """One profile per email address and per phone number (checked inside the write)."""
    for column, value in (("email", contact.email), ("phone", contact.phone)):
        if value and any(r["id"] != subject for r in await sealer.find(Participant, column, value)):
            message = DUPLICATE[column]
            raise Conflict(message, errors=[FieldError(column, message)])


DUPLICATE = {
    "email": N_("Another profile already has this email address"),
    "phone": N_("Another profile already has this phone number"),
}
"""Marked for translation: a participant changing their own details may meet these."""


def _columns(section: schemas.Section) -> tuple[Sealed, Plain]:
    """What to seal and what to store plain for one section."""
    data = section.model_dump()
    if isinstance(section, schemas.AboutYou):
        born = section.date_of_birth
        return {"preferred_name": data["preferred_name"], "date_of_birth": _iso(born)}, {}
    if isinstance(section, schemas.ContactDetails):
        intermediary = data["intermediary"] if any(data["intermediary"].values()) else None
        sealed = {
            "email": data["email"],
            "phone": data["phone"],
            "address": data["address"] or None,
            "intermediary": json.dumps(intermediary) if intermediary else None,
            "safe_contact": "yes" if data["safe_contact"] else None,
            "language": None if data["language"] == i18n.DEFAULT else data["language"],
        }
        return sealed, {"preferred_route": data["preferred_route"]}
    if isinstance(section, schemas.LivedExperience):
        return {
            "lived_experience": json.dumps(data["lived_experience"]),
            "lived_experience_words": data["lived_experience_words"] or None,
        }, {}
    if isinstance(section, schemas.Equality):
        return {"equality": json.dumps(data)}, {}
    if isinstance(section, schemas.Involvement):
        return {}, {k: _joined(v) if k in LIST_COLUMNS else v for k, v in data.items()}
    if isinstance(section, schemas.AccessNeeds):
        details = {k: data[k] for k in ("interpreter_language", "dietary", "other")}
        plain = {k: _joined(data[k]) for k in ("adjustments", "travel_help")}
        return {"needs_details": json.dumps(details)}, plain
    raise TypeError(f"not a profile section: {type(section).__name__}")


def _section(name: str, row: dict[str, Any], values: dict[str, str | None]) -> schemas.Section:
    """Rebuild one section from its row and decrypted values (validated when written)."""
    model = SECTIONS[name]
    fields: dict[str, Any] = {
        c: _split(row[c]) if c in LIST_COLUMNS else row[c]
        for c in SECTION_COLUMNS[name]
        if c not in values
    }
    if name == "about":
        fields |= {"preferred_name": values["preferred_name"] or ""}
        fields["date_of_birth"] = (
            date.fromisoformat(values["date_of_birth"] or "") if values["date_of_birth"] else None
        )
    elif name == "contact":
        intermediary = json.loads(values["intermediary"] or "{}")
        fields |= {
            "email": values["email"],
            "phone": values["phone"],
            "address": values["address"] or "",
            "intermediary": schemas.Intermediary.model_construct(**intermediary),
            "safe_contact": values["safe_contact"] == "yes",
            "language": values["language"] or i18n.DEFAULT,
        }
    elif name == "lived_experience":
        fields |= {
            "lived_experience": json.loads(values["lived_experience"] or "[]"),
            "lived_experience_words": values["lived_experience_words"] or "",
        }
    elif name == "equality":
        fields |= json.loads(values["equality"] or "{}")
    elif name == "access_needs":
        fields |= json.loads(values["needs_details"] or "{}")
    return model.model_construct(**fields)


def _joined(codes: list[str]) -> str:
    return ",".join(codes)


def _split(text: str) -> list[str]:
    return [code for code in text.split(",") if code]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _uuid_or_none(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None


async def availability(subjects: list[UUID]) -> dict[UUID, tuple[list[str], list[str]]]:
    """Each person's stated days they never can and times of day that suit them (day and time
    codes from ``vocabulary.DAYS`` and ``TIMES_OF_DAY``), for scheduling help.

    Plain preference columns only: nothing sealed is opened, so nothing is audited.
    """
    if not subjects:
        return {}
    rows = await Participant.select(
        Participant.id, Participant.never_days, Participant.times_of_day
    ).where(Participant.id.is_in(subjects))
    return {
        row["id"]: (_split(row["never_days"] or ""), _split(row["times_of_day"] or ""))
        for row in rows
    }
