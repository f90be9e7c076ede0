"""Piccolo tables of the payments domain: the remuneration policy, benefit facts, informed
payment choices, the ledger and finance export batches.

Declarations only. Money is integer pence. The ledger (``LedgerEntry``, ``EntryState``) is
append-only: database triggers refuse UPDATE and DELETE on both engines, so a correction is a
reversal that names the entry it reverses, and a change of state is a new state row.
"""

from piccolo.columns import UUID, Boolean, Bytea, Date, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class PolicyVersion(Table, tablename="policy_version"):
    """One version of the council's remuneration policy: draft, approved (by whom, when, with
    which reference) or retired. Every ledger entry names the version it was worked out under,
    so an approved version is never edited: a change is a new version."""

    id = UUID(primary_key=True)
    name = Varchar(length=150)
    version = Integer()
    status = Varchar(length=10, default="draft")
    effective_from = Date()
    effective_to = Date(null=True, default=None)
    methods = Varchar(length=300, default="")
    pay_within_working_days = Integer(default=10)
    cost_centre = Varchar(length=40, default="")
    fee_ledger_code = Varchar(length=40, default="")
    expense_ledger_code = Varchar(length=40, default="")
    notes = Text(default="")
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    approved_by = UUID(null=True, default=None)
    approved_at = Timestamptz(null=True, default=None)
    approval_ref = Varchar(length=100, default="")
    retired_at = Timestamptz(null=True, default=None)


class PolicyRate(Table, tablename="policy_rate"):
    """What a policy version pays for one activity at one role level, per unit of time or task,
    with its rounding and any paid preparation time."""

    id = UUID(primary_key=True)
    policy = UUID(index=True)
    activity = Varchar(length=40)
    role_level = Varchar(length=20, default="participant")
    unit = Varchar(length=10, default="hour")
    amount_pence = Integer()
    rounding_minutes = Integer(default=15)
    rounding_mode = Varchar(length=8, default="up")
    prep_minutes = Integer(default=0)


class PolicyExpenseRule(Table, tablename="policy_expense_rule"):
    """How a policy version pays one kind of expense: actual receipted cost, a flat rate or per
    mile, with a cap, whether a receipt or prior agreement is needed, and whether it can be paid
    in advance ("never out of pocket")."""

    id = UUID(primary_key=True)
    policy = UUID(index=True)
    category = Varchar(length=30)
    basis = Varchar(length=12, default="receipted")
    rate_pence = Integer(default=0)
    cap_pence = Integer(null=True, default=None)
    receipt_required = Boolean(default=True)
    pre_approval_required = Boolean(default=False)
    advance_allowed = Boolean(default=False)


class PolicyCap(Table, tablename="policy_cap"):
    """An organisational cap (not a benefit limit): per activity, or per person per week,
    month or tax year; going over warns, blocks or needs a second approval."""

    id = UUID(primary_key=True)
    policy = UUID(index=True)
    scope = Varchar(length=20)
    amount_pence = Integer()
    action = Varchar(length=10, default="warn")


class BenefitThreshold(Table, tablename="benefit_threshold"):
    """A dated benefit or tax figure (a work allowance, a permitted-work limit, an earnings
    limit, a disregard), with its source and how sure we are of it. Shipped as data for
    2025/26 and 2026/27; admins add the next year's when April uprating comes."""

    id = UUID(primary_key=True)
    benefit = Varchar(length=10)
    rule_key = Varchar(length=60)
    tax_year = Varchar(length=7)
    amount = Integer()
    unit = Varchar(length=8, default="pence")
    period = Varchar(length=20, default="week")
    effective_from = Date()
    effective_to = Date(null=True, default=None)
    status = Varchar(length=12, default="verified")
    source = Text(default="")
    notes = Text(default="")
    table_version = Varchar(length=20, default="")
    once = Varchar(length=90, unique=True)
    updated_by = UUID(null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())


class BenefitDeclaration(Table, tablename="benefit_declaration"):
    """Which benefits a person says they receive (with their consent), sealed under their own
    key. The newest row is current; earlier rows show what was shown when they chose."""

    id = UUID(primary_key=True)
    subject = UUID(index=True)
    benefits = Bytea(null=True, default=None)
    declared_by = UUID(null=True, default=None)
    declared_at = Timestamptz(default=TimestamptzNow())
    sealed_with = Varchar(length=32, default="")


class PaymentChoice(Table, tablename="payment_choice"):
    """An informed-choice record: how a person chose to be paid for one opportunity (in full,
    reduced, as a voucher, to a charity, expenses only), the facts they saw (sealed: they name
    their benefits) with the threshold and wording versions, and when. The newest row for a
    person and opportunity is current; they can change it until a payment is approved."""

    id = UUID(primary_key=True)
    subject = UUID(index=True)
    opportunity = UUID(index=True)
    choice = Varchar(length=16)
    method = Varchar(length=20, default="")
    reduced_pence = Integer(null=True, default=None)
    charity = Varchar(length=150, default="")
    facts = Bytea(null=True, default=None)
    threshold_version = Varchar(length=20, default="")
    wording_version = Varchar(length=20, default="")
    advice = Varchar(length=12, default="")
    chosen_by = UUID(null=True, default=None)
    chosen_at = Timestamptz(default=TimestamptzNow())
    sealed_with = Varchar(length=32, default="")


class Payee(Table, tablename="payee"):
    """How finance pays a person: a pseudonymous payee reference for exports, and the name and
    bank details on their account, sealed under the finance key (kept after erasure for as
    long as the law requires payment records)."""

    id = UUID(primary_key=True)
    subject = UUID(unique=True)
    reference = Varchar(length=20, unique=True)
    account_name = Bytea(null=True, default=None)
    sort_code = Bytea(null=True, default=None)
    account_number = Bytea(null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())
    sealed_with = Varchar(length=32, default="")


class LedgerEntry(Table, tablename="ledger_entry"):
    """One amount owed to a person: a fee, an expense or a voucher, or a reversal of an earlier
    entry (``reverses``, unique: an entry is reversed at most once). Never edited or deleted.

    ``once`` makes proposing idempotent (a fee for one person's attendance at one event is
    proposed once); reissues after a voided batch leave it empty.
    """

    id = UUID(primary_key=True)
    subject = UUID(index=True)
    kind = Varchar(length=10)
    amount_pence = Integer()
    event = UUID(null=True, default=None, index=True)
    opportunity = UUID(null=True, default=None, index=True)
    policy = UUID(null=True, default=None)
    choice = UUID(null=True, default=None)
    method = Varchar(length=20, default="")
    minutes = Integer(null=True, default=None)
    description = Varchar(length=200, default="")
    reverses = UUID(null=True, default=None, unique=True)
    reissues = UUID(null=True, default=None)
    once = Varchar(length=120, null=True, default=None, unique=True)
    proposed_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)


class EntryState(Table, tablename="entry_state"):
    """A ledger entry moving on: approved (by someone other than the proposer), batched (into
    one export batch), paid (date and reference). ``once`` (entry:state) is unique, so an entry
    is approved once and batched once; never edited or deleted."""

    id = UUID(primary_key=True)
    entry = UUID(index=True)
    state = Varchar(length=10)
    once = Varchar(length=60, unique=True)
    batch = UUID(null=True, default=None, index=True)
    actor = UUID(null=True, default=None)
    reference = Varchar(length=100, default="")
    at = Timestamptz(default=TimestamptzNow())


class ExportBatch(Table, tablename="export_batch"):
    """A locked set of approved entries for the council's finance system. Its file is rebuilt
    byte for byte from the ledger on every download; ``sha256`` is what it must hash to."""

    id = UUID(primary_key=True)
    reference = Varchar(length=30, unique=True)
    status = Varchar(length=10, default="locked")
    entry_count = Integer(default=0)
    total_pence = Integer(default=0)
    sha256 = Varchar(length=64, default="")
    locked_by = UUID(null=True, default=None)
    locked_at = Timestamptz(default=TimestamptzNow())
    voided_by = UUID(null=True, default=None)
    voided_at = Timestamptz(null=True, default=None)
    void_reason = Varchar(length=300, default="")
    paid_by = UUID(null=True, default=None)
    paid_on = Date(null=True, default=None)
    paid_reference = Varchar(length=100, default="")


class IdempotencyRecord(Table, tablename="idempotency_record"):
    """The first answer to a request that creates money, kept so a retry with the same
    ``Idempotency-Key`` gets the identical answer. ``once`` (actor:key) is unique and is
    claimed in the same transaction as the write; ``status`` 0 means still in progress."""

    id = UUID(primary_key=True)
    once = Varchar(length=200, unique=True)
    route = Varchar(length=100)
    request_hash = Varchar(length=64)
    status = Integer(default=0)
    response = Bytea(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)


class ExpenseClaim(Table, tablename="expense_claim"):
    """An expense a person asks to be paid (or a staff member asks for them): what kind, how
    much, for which event, with a receipt image where the policy needs one. Approved claims
    become ledger entries (``entry``); rejected ones keep their reason. What it was for and the
    receipt are sealed under the finance key: they are payment records."""

    id = UUID(primary_key=True)
    subject = UUID(index=True)
    event = UUID(null=True, default=None, index=True)
    opportunity = UUID(null=True, default=None)
    category = Varchar(length=30)
    amount_pence = Integer()
    miles = Integer(null=True, default=None)
    details = Bytea(null=True, default=None)
    receipt = Bytea(null=True, default=None)
    receipt_type = Varchar(length=40, default="")
    in_advance = Boolean(default=False)
    status = Varchar(length=10, default="submitted")
    reason = Varchar(length=300, default="")
    submitted_by = UUID(null=True, default=None)
    submitted_at = Timestamptz(default=TimestamptzNow())
    decided_by = UUID(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    entry = UUID(null=True, default=None, unique=True)
    sealed_with = Varchar(length=32, default="")


class Voucher(Table, tablename="voucher"):
    """A voucher given as payment: provider, serial (sealed under the finance key: it is worth
    money to whoever reads it), value, expiry, who issued it and when it was handed over. It
    belongs to one ledger entry of kind "voucher"."""

    id = UUID(primary_key=True)
    entry = UUID(unique=True)
    subject = UUID(index=True)
    provider = Varchar(length=60)
    serial = Bytea(null=True, default=None)
    value_pence = Integer()
    expires_on = Date(null=True, default=None)
    issued_by = UUID(null=True, default=None)
    issued_at = Timestamptz(default=TimestamptzNow())
    handed_over_at = Timestamptz(null=True, default=None)
    handed_over_by = UUID(null=True, default=None)
    sealed_with = Varchar(length=32, default="")
