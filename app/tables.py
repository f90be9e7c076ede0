"""Kernel tables. Declarations only: queries and rules live in the modules that use them."""

from piccolo.columns import UUID, Bytea, Text, Timestamptz, Varchar
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
    actor_role = Varchar(length=32)
    action = Varchar(length=32)
    subject = UUID(null=True, default=None, index=True)
    field_group = Varchar(length=64, default="")
    purpose = Varchar(length=200, default="")
    request_id = Varchar(length=32, default="")
    assisted_by = Varchar(length=64, default="")
