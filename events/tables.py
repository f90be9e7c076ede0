"""Piccolo tables of the events domain: venues, events and panels, invitations with replies and
attendance, calendar feed tokens, logistics, check-in notes and debrief follow-ups.

Declarations only. Times are stored UTC and shown Europe/London.
"""

from piccolo.columns import UUID, Boolean, Bytea, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Venue(Table, tablename="venue"):
    """A place (with its access features as codes) or an online room. Names nobody."""

    id = UUID(primary_key=True)
    name = Varchar(length=150)
    address = Text(default="")
    directions = Text(default="")
    features = Varchar(length=200, default="")
    public_transport = Text(default="")
    join_link = Varchar(length=500, default="")
    dial_in = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class Event(Table, tablename="event"):
    """A market event, panel, workshop...: when, where, how, for how many.

    ``sequence`` goes up on every change people must hear about (RFC 5545 SEQUENCE), so a
    calendar replaces its copy instead of adding a second one.
    """

    id = UUID(primary_key=True)
    opportunity = UUID(null=True, default=None, index=True)
    kind = Varchar(length=30)
    title = Varchar(length=150)
    description = Text(default="")
    mode = Varchar(length=12, default="in_person")
    venue = UUID(null=True, default=None)
    join_link = Varchar(length=500, default="")
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    capacity = Integer(default=10)
    organiser = UUID(null=True, default=None)
    providers = Text(default="")
    reminder_hours = Varchar(length=40, default="48")
    sensitive = Boolean(default=False)
    sequence = Integer(default=0)
    status = Varchar(length=12, default="scheduled")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Invitation(Table, tablename="invitation"):
    """One person invited to one event: their reply, attendance and hours.

    ``once`` (event:subject) is unique: inviting twice never makes two. Reply links carry a
    token derived from the invitation's id with the service key, so nothing secret is stored.
    """

    id = UUID(primary_key=True)
    event = UUID(index=True)
    subject = UUID(index=True)
    once = Varchar(length=80, unique=True)
    reply = Varchar(length=12, default="invited")
    replied_at = Timestamptz(null=True, default=None)
    replied_via = Varchar(length=12, default="")
    waiting_since = Timestamptz(null=True, default=None)
    told_at = Timestamptz(null=True, default=None)
    reminded = Varchar(length=40, default="")
    checked_in_at = Timestamptz(null=True, default=None)
    attended = Boolean(null=True, default=None)
    minutes = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class FeedToken(Table, tablename="feed_token"):
    """A person's secret calendar feed address (hashed); revoking it stops the feed."""

    id = UUID(primary_key=True)
    subject = UUID(index=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    revoked_at = Timestamptz(null=True, default=None)


class LogisticsItem(Table, tablename="logistics_item"):
    """Something to arrange for an event, made from attendees' needs: book a taxi for one
    person, a BSL interpreter, a quiet room. Says what, never why."""

    id = UUID(primary_key=True)
    event = UUID(index=True)
    subject = UUID(null=True, default=None, index=True)
    need = Varchar(length=30)
    detail = Varchar(length=200, default="")
    owner = UUID(null=True, default=None)
    status = Varchar(length=12, default="to_do")
    cost_pence = Integer(default=0)
    venue_gap = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class FollowUp(Table, tablename="follow_up"):
    """A debrief and wellbeing follow-up offered after a sensitive session: when and how the
    person wants it, and when it was done."""

    id = UUID(primary_key=True)
    event = UUID(index=True)
    subject = UUID(index=True)
    wanted = Boolean(default=True)
    preferred_time = Varchar(length=100, default="")
    channel = Varchar(length=20, default="phone")
    due_at = Timestamptz(null=True, default=None)
    done_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class CheckInNote(Table, tablename="check_in_note"):
    """A short note staff write while an event runs ("11:15 everyone had a break"): the event's
    running log, for the debrief. ``text`` is sealed under the event's own data key."""

    id = UUID(primary_key=True)
    event = UUID(index=True)
    author = UUID(null=True, default=None)
    written_at = Timestamptz(default=TimestamptzNow())
    text = Bytea(null=True, default=None)
    sealed_with = Varchar(length=32, default="")
