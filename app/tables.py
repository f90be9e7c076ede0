"""Kernel tables. Declarations only: queries and rules live in the modules that use them."""

from piccolo.columns import UUID, Bytea, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class ServiceFeedback(Table, tablename="service_feedback"):
    """Anonymous feedback from the phase banner's link. Kept 12 months, then deleted.

    It holds no name or contact details on purpose; the form asks people not to write any.
    """

    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    satisfaction = Varchar(length=20)
    comments = Text(default="")
    came_from = Varchar(length=200, default="")


class DataKey(Table, tablename="data_key"):
    """One random data key per data subject (and one for finance records), stored only wrapped.

    ``wrapped`` is the key encrypted under the master key ``master_key_id``. Erasing a person
    empties it: every field encrypted under it is then unreadable for good (crypto-shredding).
    """

    id = UUID(primary_key=True)
    owner = UUID(unique=True)
    master_key_id = Varchar(length=64, index=True)
    wrapped = Bytea(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    destroyed_at = Timestamptz(null=True, default=None)


class AuditEvent(Table, tablename="audit_event"):
    """Append-only record of every view, export or change of sensitive data and every sign-in.

    Never holds a value: who, in which role, whose data, which field group, why, when. Database
    triggers refuse UPDATE and DELETE on both engines.
    """

    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor = Varchar(length=64)
    actor_role = Varchar(length=200)  # every role an account holds, comma-separated
    action = Varchar(length=32)
    subject = UUID(null=True, default=None, index=True)
    field_group = Varchar(length=64, default="")
    purpose = Varchar(length=200, default="")
    request_id = Varchar(length=32, default="")
    assisted_by = Varchar(length=64, default="")


class Account(Table, tablename="account"):
    """Someone who signs in: a staff member (password + TOTP) or a participant (no password).

    Email and name are encrypted under the account's own data key (owner = ``id``); the email
    blind index finds the account at sign-in. ``session_version`` goes up when roles change or
    the account is disabled, which ends every session made before.
    """

    id = UUID(primary_key=True)
    kind = Varchar(length=12)
    email = Bytea(null=True, default=None)
    email_index = Varchar(length=8, null=True, default=None, index=True)
    display_name = Bytea(null=True, default=None)
    roles = Varchar(length=100, default="")
    password_hash = Varchar(length=200, null=True, default=None)
    totp_secret = Bytea(null=True, default=None)
    mfa_enabled_at = Timestamptz(null=True, default=None)
    totp_last_step = Integer(default=0)
    assisted_by = UUID(null=True, default=None)
    disabled_at = Timestamptz(null=True, default=None)
    session_version = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
    last_sign_in_at = Timestamptz(null=True, default=None)
    sealed_with = Varchar(length=32, default="")


class SignInToken(Table, tablename="sign_in_token"):
    """Single-use secrets: emailed links and codes, staff invitations, paper activation codes.

    Only hashes are stored. ``used_at`` is set in the same transaction that signs someone in,
    with a condition that it was empty, so a token can be used once even under concurrency.
    """

    id = UUID(primary_key=True)
    purpose = Varchar(length=20)
    account = UUID(null=True, default=None, index=True)
    token_hash = Varchar(length=64, unique=True)
    code_hash = Varchar(length=64, null=True, default=None)
    roles = Varchar(length=100, default="")
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    failures = Integer(default=0)


class RecoveryCode(Table, tablename="recovery_code"):
    """A staff member's one-use MFA recovery codes, hashed."""

    account = UUID(index=True)
    code_hash = Varchar(length=64, unique=True)
    used_at = Timestamptz(null=True, default=None)


class ApiToken(Table, tablename="api_token"):
    """A staff member's token for scripts: shown once, stored hashed, scoped, expiring."""

    id = UUID(primary_key=True)
    account = UUID(index=True)
    name = Varchar(length=100)
    token_hash = Varchar(length=64, unique=True)
    roles = Varchar(length=100)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)


class StoreEntry(Table, tablename="store_entry"):
    """The embedded shared store (sessions, throttles) when no Redis is configured.

    In the database so that several processes on one machine share it, with expiry.
    """

    key = Varchar(length=255, primary_key=True)
    value = Bytea()
    expires_at = Timestamptz(null=True, default=None, index=True)


class OutboxMessage(Table, tablename="outbox_message"):
    """An email waiting to be sent; written in the same transaction as the change it reports.

    Recipient and message are encrypted under the owner's data key: erasing the person makes
    an unsent message undeliverable, as it should.
    """

    id = UUID(primary_key=True)
    owner = UUID(index=True)
    recipient = Bytea()
    message = Bytea()
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow(), index=True)
    claimed_until = Timestamptz(null=True, default=None)
    status = Varchar(length=12, default="queued", index=True)
    sent_at = Timestamptz(null=True, default=None)
    last_error = Varchar(length=200, default="")
    sealed_with = Varchar(length=32, default="")


class JobRun(Table, tablename="job_run"):
    """One row per scheduled job per slot of its schedule, claimed by the worker that runs it.

    With several workers on several machines, the unique ``slot`` (job name and slot number)
    lets exactly one of them run reminders or retention in each slot. Kept 30 days.
    """

    slot = Varchar(length=80, unique=True)
    job = Varchar(length=40)
    claimed_at = Timestamptz(default=TimestamptzNow())


class Symbol(Table, tablename="symbol"):
    """A picture staff attach to Easy Read lines: a PNG or JPEG, what it shows (alt text) and
    the words it stands for ("money, paid, pay, £"). Not personal data: adverts are public.

    The bytes live in the database, so every app machine serves the same pictures. ``version``
    goes up on replace: it is in the picture's address, so a long browser cache stays right.
    """

    id = UUID(primary_key=True)
    alt = Varchar(length=150)
    words = Varchar(length=300)
    media_type = Varchar(length=20)
    data = Bytea()
    width = Integer()
    height = Integer()
    version = Integer(default=1)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
