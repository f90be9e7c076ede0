"""Piccolo tables of the participation domain: profiles, consent, the council's lived-experience
list and erasure records.

Declarations only. A participant's id is their data subject id: when they can sign in, their
account has the same id, so one data key protects both and one erasure removes both.
"""

from piccolo.columns import UUID, Boolean, Bytea, Date, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Participant(Table, tablename="participant"):
    """A consented profile. Identity, contact, lived experience, equality answers and the
    details behind access needs are sealed under the person's own data key.

    Involvement preferences and the structured adjustment and travel flags are stored as codes
    in the clear (no index on any of them) so coordinators can filter 20,000 people in SQL: the
    row names nobody, and why someone needs an adjustment is never stored as a flag.
    ``consents`` lists the purposes currently granted: a projection of the consent ledger,
    written in the same transaction as each consent event, so queries can filter on it.
    """

    id = UUID(primary_key=True)
    preferred_name = Bytea(null=True, default=None)
    email = Bytea(null=True, default=None)
    email_index = Varchar(length=8, null=True, default=None, index=True)
    phone = Bytea(null=True, default=None)
    phone_index = Varchar(length=8, null=True, default=None, index=True)
    address = Bytea(null=True, default=None)
    intermediary = Bytea(null=True, default=None)
    safe_contact = Bytea(null=True, default=None)
    language = Bytea(null=True, default=None)
    date_of_birth = Bytea(null=True, default=None)
    lived_experience = Bytea(null=True, default=None)
    lived_experience_words = Bytea(null=True, default=None)
    equality = Bytea(null=True, default=None)
    needs_details = Bytea(null=True, default=None)
    preferred_route = Varchar(length=20, default="email")
    activities = Varchar(length=400, default="")
    formats = Varchar(length=60, default="")
    group_sizes = Varchar(length=40, default="")
    never_days = Varchar(length=40, default="")
    times_of_day = Varchar(length=40, default="")
    shorter_sessions = Boolean(default=False)
    contact_frequency = Varchar(length=20, default="any")
    paused_at = Timestamptz(null=True, default=None)
    consents = Varchar(length=200, default="")
    adjustments = Varchar(length=300, default="")
    travel_help = Varchar(length=100, default="")
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    last_active_at = Timestamptz(default=TimestamptzNow())
    reminded_at = Timestamptz(null=True, default=None)
    sealed_with = Varchar(length=32, default="")


class ConsentEvent(Table, tablename="consent_event"):
    """One grant or withdrawal of consent for one purpose: append-only (a trigger refuses
    UPDATE). The current state is the latest event per purpose. It holds the wording's version
    and SHA-256, so what the person was shown can be proved later."""

    id = UUID(primary_key=True)
    subject = UUID(index=True)
    purpose = Varchar(length=40)
    granted = Boolean()
    wording_version = Varchar(length=20)
    wording_hash = Varchar(length=64)
    channel = Varchar(length=20)
    assisted_by = UUID(null=True, default=None)
    at = Timestamptz(default=TimestamptzNow())


class LivedExperienceOption(Table, tablename="lived_experience_option"):
    """The council's own list of lived experiences people choose from. Retired, never deleted:
    profiles keep the codes they chose."""

    code = Varchar(length=40, primary_key=True)
    label = Varchar(length=120)
    active = Boolean(default=True)
    position = Integer(default=0)


class ErasureRecord(Table, tablename="erasure_record"):
    """Proof that a person's data was erased: when, at whose request, and what was kept and why.
    Names nobody: ``subject`` is the id the erased data had."""

    id = UUID(primary_key=True)
    subject = UUID(index=True)
    requested_by = Varchar(length=20)
    actor = Varchar(length=64)
    at = Timestamptz(default=TimestamptzNow())
    deleted = Text(default="")
    kept = Text(default="")


class CommissioningWork(Table, tablename="commissioning_work"):
    """A piece of commissioning work (a service being redesigned or bought) and its stage."""

    id = UUID(primary_key=True)
    title = Varchar(length=150)
    description = Text(default="")
    stage = Integer(default=1)
    created_at = Timestamptz(default=TimestamptzNow())


class Opportunity(Table, tablename="opportunity"):
    """A way to take part that a coordinator publishes: what, when, what is paid, who is sought.

    No personal data: codes for the activity, formats and lived experience sought; plain text
    written for the public. ``status`` moves draft -> published -> closed -> archived.
    """

    id = UUID(primary_key=True)
    work = UUID(null=True, default=None, index=True)
    title = Varchar(length=150)
    description = Text(default="")
    easy_read = Text(default="")
    stage = Integer(default=1)
    activity = Varchar(length=40)
    rung_planned = Varchar(length=20)
    rung_achieved = Varchar(length=20, default="")
    lived_experience_sought = Varchar(length=400, default="")
    formats = Varchar(length=60, default="")
    group_sizes = Varchar(length=40, default="")
    starts_on = Date(null=True, default=None)
    ends_on = Date(null=True, default=None)
    time_commitment = Varchar(length=200, default="")
    payment_offer = Varchar(length=300, default="")
    access_offer = Varchar(length=300, default="")
    closes_at = Timestamptz()
    places = Integer(default=1)
    blind_review = Boolean(default=False)
    status = Varchar(length=12, default="draft", index=True)
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ScreenerQuestion(Table, tablename="screener_question"):
    """A question on an opportunity's expression-of-interest form: text, one or several choices."""

    id = UUID(primary_key=True)
    opportunity = UUID(index=True)
    position = Integer(default=0)
    kind = Varchar(length=10)
    prompt = Varchar(length=300)
    choices = Text(default="[]")
    required = Boolean(default=False)


class Expression(Table, tablename="expression"):
    """An expression of interest (EOI): one person, one opportunity, never two.

    ``once`` ("opportunity:subject") is unique, so a double click or a retry can never make a
    second one, whatever the concurrency. Answers and coordinators' notes are sealed under the
    person's key.
    """

    id = UUID(primary_key=True)
    opportunity = UUID(index=True)
    subject = UUID(index=True)
    once = Varchar(length=80, unique=True)
    status = Varchar(length=16, default="received")
    answers = Bytea(null=True, default=None)
    notes = Bytea(null=True, default=None)
    channel = Varchar(length=20, default="web")
    assisted_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    told_at = Timestamptz(null=True, default=None)
    sealed_with = Varchar(length=32, default="")


class ReviewCriterion(Table, tablename="review_criterion"):
    """What reviewers score an opportunity's answers against, from 0 to ``max_score``."""

    id = UUID(primary_key=True)
    opportunity = UUID(index=True)
    position = Integer(default=0)
    title = Varchar(length=150)
    description = Text(default="")
    max_score = Integer(default=5)


class Reviewer(Table, tablename="reviewer"):
    """Someone asked to score one opportunity's EOIs: staff, or a participant co-opted for it."""

    id = UUID(primary_key=True)
    opportunity = UUID(index=True)
    account = UUID(index=True)
    once = Varchar(length=80, unique=True)
    added_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Score(Table, tablename="score"):
    """One reviewer's score of one EOI against one criterion; a comment sealed under the
    applicant's key. ``once`` (expression:reviewer:criterion) is unique: re-scoring updates."""

    id = UUID(primary_key=True)
    expression = UUID(index=True)
    subject = UUID(index=True)
    reviewer = UUID(index=True)
    criterion = UUID()
    once = Varchar(length=120, unique=True)
    score = Integer()
    comment = Bytea(null=True, default=None)
    scored_at = Timestamptz(default=TimestamptzNow())
    sealed_with = Varchar(length=32, default="")


class InterestInvitation(Table, tablename="interest_invitation"):
    """A suggested person invited to express interest in an opportunity: once each, and it
    counts toward how often they are contacted."""

    id = UUID(primary_key=True)
    opportunity = UUID(index=True)
    subject = UUID(index=True)
    once = Varchar(length=80, unique=True)
    invited_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    told_at = Timestamptz(null=True, default=None)


class Outcome(Table, tablename="outcome"):
    """ "You said, we did": what participants contributed to an opportunity and what changed
    (or did not, and why). Written for the participants; names nobody. ``easy_said`` and
    ``easy_did`` are the coordinator's Easy Read words for the same (one sentence a line)."""

    id = UUID(primary_key=True)
    opportunity = UUID(index=True)
    said = Text()
    did = Text(default="")
    changed = Varchar(length=10, default="yes")
    why_not = Text(default="")
    easy_said = Text(default="")
    easy_did = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)


class ReachTarget(Table, tablename="reach_target"):
    """The council's target share for one group ("lived_experience:homelessness",
    "ethnicity:black") among the people involved, in whole percent."""

    id = UUID(primary_key=True)
    dimension = Varchar(length=60, unique=True)
    percent = Integer()
