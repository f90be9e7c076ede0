"""The kernel's own entries in the data map (see app/datamap.py)."""

from __future__ import annotations

from app.datamap import BlindIndex, PersonalField, Protection, Role, TableMap
from app.tables import (
    Account,
    ApiToken,
    AuditEvent,
    DataKey,
    JobRun,
    OutboxMessage,
    RecoveryCode,
    ServiceFeedback,
    SignInToken,
    StoreEntry,
    Symbol,
)


def kernel_maps() -> tuple[TableMap, ...]:
    """The kernel's own tables: pseudonymous ids and anonymous feedback, all plain."""
    return (
        TableMap(  # staff's Easy Read pictures: public, like the adverts they sit in
            Symbol,
            not_personal=(
                "id",
                "alt",
                "words",
                "media_type",
                "data",
                "width",
                "height",
                "version",
                "created_at",
            ),
        ),
        TableMap(
            ServiceFeedback,
            fields=(
                PersonalField(
                    "comments",
                    group="feedback",
                    purpose="Improve the service from anonymous feedback",
                    lawful_basis="Art 6(1)(e) public task",
                    retention="12 months from submission",
                    visible_to=frozenset({Role.coordinator, Role.admin}),
                    protection=Protection.plain,
                ),
            ),
            not_personal=("id", "created_at", "satisfaction", "came_from"),
        ),
        TableMap(
            DataKey,
            fields=(
                PersonalField(
                    "owner",
                    identifier=True,
                    group="key management",
                    purpose="Find the data key that protects a person's data",
                    lawful_basis="Art 6(1)(e) public task; Art 32 security",
                    retention="Until erasure; the wrapped key is destroyed then",
                    visible_to=frozenset({Role.admin}),
                    protection=Protection.plain,
                    exported=False,
                ),
            ),
            not_personal=("id", "master_key_id", "wrapped", "created_at", "destroyed_at"),
            subject_column="owner",
            kept_on_erasure="The key's row stays, emptied, to show the key was destroyed",
        ),
        TableMap(
            AuditEvent,
            fields=(
                _audit_field(
                    "subject", "Account for every view, export and change of sensitive data"
                ),
                _audit_field(
                    "actor", "Account for who viewed, exported or changed sensitive data", False
                ),
                _audit_field(
                    "assisted_by", "Record actions a coordinator took on a person's behalf", False
                ),
            ),
            not_personal=(
                "id",
                "at",
                "actor_role",
                "action",
                "field_group",
                "purpose",
                "request_id",
            ),
            subject_column="subject",
            kept_on_erasure="The audit log is append-only proof of who saw what; it names nobody",
            export_context=("at", "actor_role", "action", "field_group", "purpose"),
        ),
    )


def account_maps() -> tuple[TableMap, ...]:
    """Sign-in and messaging tables: accounts, single-use tokens, the shared store, the outbox."""
    return (
        TableMap(
            Account,
            fields=(
                _account_field(
                    "email", Protection.blind_indexed, BlindIndex("email_index", "email")
                ),
                _account_field("display_name", Protection.encrypted),
                _account_field("totp_secret", Protection.encrypted, group="credentials"),
                _account_field("password_hash", Protection.plain, group="credentials"),
                _account_field("roles", Protection.plain, group="roles"),
                _identifier(
                    "assisted_by", "Record which coordinator set up an assisted account", False
                ),
            ),
            not_personal=(
                "id",
                "kind",
                "mfa_enabled_at",
                "totp_last_step",
                "disabled_at",
                "session_version",
                "created_at",
                "last_sign_in_at",
            ),
            owner_column="id",
            export_context=("kind", "created_at", "last_sign_in_at"),
        ),
        TableMap(
            SignInToken,
            fields=(
                _identifier(
                    "account", "Sign the right person in with a single-use link or code", False
                ),
                _identifier(
                    "created_by", "Record who invited a staff member or issued a code", False
                ),
            ),
            not_personal=(
                "id",
                "purpose",
                "token_hash",
                "code_hash",
                "roles",
                "created_at",
                "expires_at",
                "used_at",
                "failures",
            ),
            subject_column="account",
        ),
        TableMap(
            RecoveryCode,
            fields=(_identifier("account", "Let staff recover access when they lose their phone"),),
            not_personal=("id", "code_hash", "used_at"),
        ),
        TableMap(
            ApiToken,
            fields=(_identifier("account", "Let staff scripts act as the staff member"),),
            not_personal=(
                "id",
                "name",
                "token_hash",
                "roles",
                "created_at",
                "expires_at",
                "revoked_at",
                "last_used_at",
            ),
        ),
        TableMap(JobRun, not_personal=("id", "slot", "job", "claimed_at")),
        TableMap(
            StoreEntry,
            fields=(
                PersonalField(
                    "value",
                    group="sessions",
                    purpose="Keep people signed in and slow down password guessing",
                    lawful_basis="Art 6(1)(e) public task; Art 32 security",
                    retention="Until the session or throttle window expires",
                    visible_to=frozenset(),
                    protection=Protection.plain,
                ),
            ),
            not_personal=("key", "expires_at"),
        ),
        TableMap(
            OutboxMessage,
            fields=(
                _identifier("owner", "Find whose key protects a waiting email"),
                _message_field("recipient"),
                _message_field("message"),
            ),
            not_personal=(
                "id",
                "created_at",
                "attempts",
                "next_attempt_at",
                "claimed_until",
                "status",
                "sent_at",
                "last_error",
            ),
            owner_column="owner",
            export_context=("created_at", "status", "sent_at"),
        ),
    )


def _account_field(
    column: str, protection: Protection, blind: BlindIndex | None = None, group: str = "contact"
) -> PersonalField:
    return PersonalField(
        column,
        group=group,
        purpose="Let people sign in and contact them about their account",
        lawful_basis="Art 6(1)(e) public task",
        retention="While the account is open; erased on request",
        visible_to=frozenset({Role.admin}),
        protection=protection,
        blind_index=blind,
        exported=group != "credentials",
    )


def _identifier(column: str, purpose: str, exported: bool = True) -> PersonalField:
    return PersonalField(
        column,
        exported=exported,
        identifier=True,
        group="identifiers",
        purpose=purpose,
        lawful_basis="Art 6(1)(e) public task",
        retention="As long as the row it belongs to",
        visible_to=frozenset({Role.admin}),
        protection=Protection.plain,
    )


def _message_field(column: str) -> PersonalField:
    return PersonalField(
        column,
        group="messages",
        purpose="Send the emails people asked for or need",
        lawful_basis="Art 6(1)(e) public task",
        retention="Until sent, then 30 days",
        visible_to=frozenset(),
    )


def _audit_field(column: str, purpose: str, exported: bool = True) -> PersonalField:
    """Audit columns hold pseudonymous ids under the same basis and retention."""
    return PersonalField(
        column,
        exported=exported,
        identifier=column == "subject",
        group="audit",
        purpose=purpose,
        lawful_basis="Art 6(1)(c) legal obligation; Art 5(2) accountability",
        retention="6 years from the event",
        visible_to=frozenset({Role.admin}),
        protection=Protection.plain,
    )
