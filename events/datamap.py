"""The events domain's entries in the data map (app/datamap.py): a TableMap per table.

Check-in notes (``CheckInNote``) are the one sealed table, and the one not about a person: an
event's running log, sealed under the event's own data key (its ``owner_column`` is "event").
A note may mention several people by first name, so it cannot honestly be handed to one of
them in an access request or erased with one of them; nothing in it is exported, a person's
id never matches an event's, and every note is deleted six months after its event
(``events.services.retention``).
"""

from __future__ import annotations

from app.datamap import PersonalField, Protection, Role, TableMap
from events.tables import (
    CheckInNote,
    Event,
    FeedToken,
    FollowUp,
    Invitation,
    LogisticsItem,
    Venue,
)

PUBLIC_TASK = "Art 6(1)(e) public task"
DISABILITY = "Art 9(2)(g), DPA 2018 Sch 1 para 16 (support for disabled people)"
TAKING_PART = "While they take part; erased with their profile"
ORGANISING = frozenset({Role.participant, Role.coordinator, Role.organiser, Role.admin})
ON_THE_DAY = frozenset({Role.coordinator, Role.organiser, Role.admin})
SAFEGUARDING = "Art 9(2)(g), DPA 2018 Sch 1 para 18 (safeguarding of individuals at risk)"
NOTES_KEPT = "6 months after the event"
CHECK_INS = "Look after people during a session and follow up in the debrief"


def _field(
    column: str,
    purpose: str,
    *,
    identifier: bool = False,
    exported: bool = True,
    special: str = "",
    visible_to: frozenset[Role] = ORGANISING,
) -> PersonalField:
    return PersonalField(
        column,
        identifier=identifier,
        exported=exported,
        group="events",
        purpose=purpose,
        lawful_basis=PUBLIC_TASK,
        special_category=special,
        retention=TAKING_PART,
        visible_to=visible_to,
        protection=Protection.plain,
    )


INVITING = "Invite people to events and know who is coming, without penalty for not coming"

MAPS: tuple[TableMap, ...] = (
    TableMap(
        Venue,
        not_personal=tuple(c._meta.db_column_name for c in Venue._meta.columns),
    ),
    TableMap(
        Event,
        fields=(
            _field(
                "organiser",
                "Record which staff member organises an event",
                identifier=True,
                exported=False,
            ),
        ),
        not_personal=tuple(
            c._meta.db_column_name for c in Event._meta.columns if c._meta.name != "organiser"
        ),
    ),
    TableMap(
        Invitation,
        fields=(
            _field("subject", INVITING, identifier=True),
            _field("once", "One invitation per person and event", identifier=True, exported=False),
        ),
        not_personal=(
            "id",
            "event",
            "reply",
            "replied_at",
            "replied_via",
            "waiting_since",
            "told_at",
            "reminded",
            "checked_in_at",
            "attended",
            "minutes",
            "created_at",
        ),
        subject_column="subject",
        export_context=("event", "reply", "replied_at", "checked_in_at", "attended", "minutes"),
    ),
    TableMap(
        FeedToken,
        fields=(_field("subject", "Give each person their own calendar feed", identifier=True),),
        not_personal=("id", "token_hash", "created_at", "revoked_at"),
        subject_column="subject",
        export_context=("created_at", "revoked_at"),
    ),
    TableMap(
        LogisticsItem,
        fields=(
            _field("subject", "Arrange what each person needs", identifier=True),
            _field("need", "Arrange what each person needs", special=DISABILITY),
            _field("detail", "Arrange what each person needs", special=DISABILITY),
            _field(
                "owner",
                "Record who arranges each item",
                identifier=True,
                exported=False,
            ),
        ),
        not_personal=("id", "event", "status", "cost_pence", "venue_gap", "created_at"),
        subject_column="subject",
        export_context=("event", "status", "created_at"),
    ),
    TableMap(
        FollowUp,
        fields=(
            _field("subject", "Offer a debrief and wellbeing follow-up", identifier=True),
            _field("preferred_time", "Offer a debrief and wellbeing follow-up"),
            _field("channel", "Offer a debrief and wellbeing follow-up"),
        ),
        not_personal=("id", "event", "wanted", "due_at", "done_at", "created_at"),
        subject_column="subject",
        export_context=("event", "wanted", "due_at", "done_at"),
    ),
    TableMap(
        CheckInNote,
        fields=(
            PersonalField(
                "text",
                exported=False,
                group="check-in notes",
                purpose=CHECK_INS,
                lawful_basis=PUBLIC_TASK,
                special_category=SAFEGUARDING,
                retention=NOTES_KEPT,
                visible_to=ON_THE_DAY,
                protection=Protection.encrypted,
            ),
            PersonalField(
                "author",
                identifier=True,
                exported=False,
                group="check-in notes",
                purpose="Record which member of staff wrote each note",
                lawful_basis=PUBLIC_TASK,
                retention=NOTES_KEPT,
                visible_to=ON_THE_DAY,
                protection=Protection.plain,
            ),
        ),
        not_personal=("id", "event", "written_at"),
        owner_column="event",
    ),
)
