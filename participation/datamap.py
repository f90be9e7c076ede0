"""The participation domain's entries in the data map (app/datamap.py): a TableMap per table."""

from __future__ import annotations

from app.datamap import BlindIndex, PersonalField, Protection, Role, TableMap
from participation.tables import (
    CommissioningWork,
    ConsentEvent,
    ErasureRecord,
    Expression,
    InterestInvitation,
    LivedExperienceOption,
    Opportunity,
    Outcome,
    Participant,
    ReachTarget,
    ReviewCriterion,
    Reviewer,
    Score,
    ScreenerQuestion,
)

PROFILE_RETENTION = "While they take part; erased on request or after 2 years unused"
PUBLIC_TASK = "Art 6(1)(e) public task"
SUBSTANTIAL_PUBLIC_INTEREST = (
    "Art 9(2)(g) substantial public interest, DPA 2018 Sch 1 para 6 (statutory purposes)"
)
EQUALITY_CONDITION = "Art 9(2)(g), DPA 2018 Sch 1 para 8 (equality of opportunity)"
DISABILITY_CONDITION = "Art 9(2)(g), DPA 2018 Sch 1 para 16 (support for disabled people)"

COORDINATION = frozenset({Role.participant, Role.coordinator, Role.admin})
LOGISTICS = frozenset({Role.participant, Role.coordinator, Role.organiser, Role.admin})
PAYEE = frozenset({Role.participant, Role.coordinator, Role.finance, Role.admin})


def _profile(
    column: str,
    group: str,
    purpose: str,
    visible_to: frozenset[Role] = COORDINATION,
    *,
    protection: Protection = Protection.encrypted,
    special: str = "",
    blind: BlindIndex | None = None,
) -> PersonalField:
    return PersonalField(
        column,
        group=group,
        purpose=purpose,
        lawful_basis=PUBLIC_TASK,
        special_category=special,
        retention=PROFILE_RETENTION,
        visible_to=visible_to,
        protection=protection,
        blind_index=blind,
    )


CONTACT = "Contact them the way they chose about taking part"
INVOLVEMENT = "Offer them the kinds of involvement they asked for, when they can do it"
ADJUSTMENTS = "Arrange the access and travel help they need at every event"

WRITERS = PAYEE | LOGISTICS
"""Finance and organisers write letters too (payment offers, invitations), in that language."""

PARTICIPANT = TableMap(
    Participant,
    fields=(
        _profile(
            "preferred_name", "identity", "Call them by the name they chose", PAYEE | LOGISTICS
        ),
        _profile("email", "contact", CONTACT, PAYEE, blind=BlindIndex("email_index", "email")),
        _profile("phone", "contact", CONTACT, PAYEE, blind=BlindIndex("phone_index", "phone")),
        _profile("address", "contact", CONTACT, PAYEE),
        # organisers post invitations "care of" the person's key worker, so they see who that is
        _profile("intermediary", "contact", CONTACT, LOGISTICS),
        _profile("safe_contact", "safety", "Keep people at risk safe when we contact them"),
        # a language can hint at ethnic origin, so it is sealed like the rest of the contact group
        _profile("language", "contact", "Write to them in the language they chose", WRITERS),
        _profile("date_of_birth", "identity", "Check age for consent and reach reporting"),
        _profile(
            "lived_experience",
            "lived experience",
            "Involve people whose experience matches the work",
            special=SUBSTANTIAL_PUBLIC_INTEREST,
        ),
        _profile(
            "lived_experience_words",
            "lived experience",
            "Involve people whose experience matches the work",
            special=SUBSTANTIAL_PUBLIC_INTEREST,
        ),
        _profile(
            "equality",
            "equality",
            "Report how well involvement reaches everyone (counts only)",
            frozenset({Role.participant}),
            special=EQUALITY_CONDITION,
        ),
        _profile(
            "needs_details", "access needs", ADJUSTMENTS, LOGISTICS, special=DISABILITY_CONDITION
        ),
        *(
            _profile(column, "involvement", INVOLVEMENT, protection=Protection.plain)
            for column in (
                "preferred_route",
                "activities",
                "formats",
                "group_sizes",
                "never_days",
                "times_of_day",
                "shorter_sessions",
                "contact_frequency",
                "paused_at",
            )
        ),
        _profile(
            "consents",
            "consent",
            "Only process what each person currently agrees to",
            protection=Protection.plain,
        ),
        *(
            _profile(
                column,
                "access needs",
                ADJUSTMENTS,
                LOGISTICS,
                protection=Protection.plain,
                special=DISABILITY_CONDITION,
            )
            for column in ("adjustments", "travel_help")
        ),
        PersonalField(
            "created_by",
            identifier=True,
            exported=False,
            group="identifiers",
            purpose="Record which coordinator set up an assisted profile",
            lawful_basis=PUBLIC_TASK,
            retention=PROFILE_RETENTION,
            visible_to=frozenset({Role.admin}),
            protection=Protection.plain,
        ),
    ),
    not_personal=("id", "created_at", "updated_at", "last_active_at", "reminded_at"),
    owner_column="id",
    export_context=("created_at", "updated_at", "last_active_at"),
)

CONSENT = TableMap(
    ConsentEvent,
    fields=(
        PersonalField(
            "subject",
            identifier=True,
            group="consent",
            purpose="Prove what each person agreed to, and when they changed their mind",
            lawful_basis="Art 6(1)(c) legal obligation; Art 7(1) demonstrating consent",
            retention="6 years after the person leaves",
            visible_to=COORDINATION,
            protection=Protection.plain,
        ),
        PersonalField(
            "assisted_by",
            identifier=True,
            exported=False,
            group="consent",
            purpose="Record who helped someone give or withdraw consent",
            lawful_basis="Art 6(1)(c) legal obligation; Art 7(1) demonstrating consent",
            retention="6 years after the person leaves",
            visible_to=frozenset({Role.admin}),
            protection=Protection.plain,
        ),
    ),
    not_personal=(
        "id",
        "purpose",
        "granted",
        "wording_version",
        "wording_hash",
        "channel",
        "at",
    ),
    subject_column="subject",
    kept_on_erasure="Consent records prove what was agreed; kept 6 years, naming nobody",
    export_context=("purpose", "granted", "wording_version", "wording_hash", "channel", "at"),
)

ERASURE = TableMap(
    ErasureRecord,
    fields=(
        PersonalField(
            "subject",
            identifier=True,
            group="erasure",
            purpose="Prove a person's data was erased and say what was kept and why",
            lawful_basis="Art 6(1)(c) legal obligation; Art 5(2) accountability",
            retention="6 years from the erasure",
            visible_to=frozenset({Role.coordinator, Role.admin}),
            protection=Protection.plain,
        ),
        PersonalField(
            "actor",
            exported=False,
            group="erasure",
            purpose="Record who carried out an erasure",
            lawful_basis="Art 6(1)(c) legal obligation; Art 5(2) accountability",
            retention="6 years from the erasure",
            visible_to=frozenset({Role.admin}),
            protection=Protection.plain,
        ),
    ),
    not_personal=("id", "requested_by", "at", "deleted", "kept"),
    subject_column="subject",
    kept_on_erasure="The erasure record is the proof of erasure; it names nobody",
    export_context=("requested_by", "at", "deleted", "kept"),
)

RECRUITING = "Choose fairly who takes part, and tell people what happens"

EXPRESSION = TableMap(
    Expression,
    fields=(
        PersonalField(
            "subject",
            identifier=True,
            group="interest",
            purpose=RECRUITING,
            lawful_basis=PUBLIC_TASK,
            retention=PROFILE_RETENTION,
            visible_to=COORDINATION,
            protection=Protection.plain,
        ),
        PersonalField(
            "once",
            identifier=True,
            exported=False,
            group="interest",
            purpose="Make sure one person has one expression of interest per opportunity",
            lawful_basis=PUBLIC_TASK,
            retention=PROFILE_RETENTION,
            visible_to=frozenset({Role.admin}),
            protection=Protection.plain,
        ),
        _profile("answers", "interest", RECRUITING),
        _profile("notes", "interest", RECRUITING, frozenset({Role.coordinator, Role.admin})),
        PersonalField(
            "assisted_by",
            identifier=True,
            exported=False,
            group="interest",
            purpose="Record which coordinator expressed interest on someone's behalf",
            lawful_basis=PUBLIC_TASK,
            retention=PROFILE_RETENTION,
            visible_to=frozenset({Role.admin}),
            protection=Protection.plain,
        ),
    ),
    not_personal=("id", "opportunity", "status", "channel", "created_at", "updated_at", "told_at"),
    owner_column="subject",
    export_context=("opportunity", "status", "channel", "created_at", "updated_at"),
)

OPPORTUNITY = TableMap(
    Opportunity,
    fields=(
        PersonalField(
            "created_by",
            identifier=True,
            exported=False,
            group="identifiers",
            purpose="Record which coordinator wrote an opportunity",
            lawful_basis=PUBLIC_TASK,
            retention="As long as the opportunity",
            visible_to=frozenset({Role.admin}),
            protection=Protection.plain,
        ),
    ),
    not_personal=tuple(
        c._meta.db_column_name for c in Opportunity._meta.columns if c._meta.name != "created_by"
    ),
)


def _id(column: str, purpose: str, *, exported: bool = True) -> PersonalField:
    """A pseudonymous id of a person (theirs or a staff member's) in a recruitment table."""
    return PersonalField(
        column,
        identifier=True,
        exported=exported,
        group="interest",
        purpose=purpose,
        lawful_basis=PUBLIC_TASK,
        retention=PROFILE_RETENTION,
        visible_to=frozenset({Role.coordinator, Role.admin}),
        protection=Protection.plain,
    )


SCORE = TableMap(
    Score,
    fields=(
        _id("subject", "Rank expressions of interest fairly"),
        _id("reviewer", "Record who scored", exported=False),
        _id("once", "One score per reviewer, person and criterion", exported=False),
        _profile("comment", "interest", RECRUITING, frozenset({Role.coordinator, Role.admin})),
    ),
    not_personal=("id", "expression", "criterion", "score", "scored_at"),
    owner_column="subject",
    export_context=("expression", "criterion", "score", "scored_at"),
)

REVIEWER = TableMap(
    Reviewer,
    fields=(
        _id("account", "Let the people asked to review an opportunity score it"),
        _id("once", "One reviewer entry per person and opportunity", exported=False),
        _id("added_by", "Record who asked them to review", exported=False),
    ),
    not_personal=("id", "opportunity", "created_at"),
    subject_column="account",
    export_context=("opportunity", "created_at"),
)

INVITATION = TableMap(
    InterestInvitation,
    fields=(
        _id("subject", "Invite suggested people without contacting anyone too often"),
        _id("once", "One invitation per person and opportunity", exported=False),
        _id("invited_by", "Record who sent an invitation", exported=False),
    ),
    not_personal=("id", "opportunity", "created_at", "told_at"),
    subject_column="subject",
    export_context=("opportunity", "created_at", "told_at"),
)

MAPS: tuple[TableMap, ...] = (
    PARTICIPANT,
    SCORE,
    REVIEWER,
    INVITATION,
    TableMap(
        ReviewCriterion,
        not_personal=("id", "opportunity", "position", "title", "description", "max_score"),
    ),
    TableMap(
        Outcome,
        not_personal=(
            "id",
            "opportunity",
            "said",
            "did",
            "changed",
            "why_not",
            "easy_said",
            "easy_did",
            "created_at",
            "sent_at",
        ),
    ),
    TableMap(ReachTarget, not_personal=("id", "dimension", "percent")),
    CONSENT,
    ERASURE,
    EXPRESSION,
    OPPORTUNITY,
    TableMap(LivedExperienceOption, not_personal=("code", "label", "active", "position")),
    TableMap(CommissioningWork, not_personal=("id", "title", "description", "stage", "created_at")),
    TableMap(
        ScreenerQuestion,
        not_personal=("id", "opportunity", "position", "kind", "prompt", "choices", "required"),
    ),
)
