"""The payments domain's entries in the data map (see app/datamap.py): one TableMap per table.

Finance sees payees and amounts, never lived experience or access needs; benefits a person
declares are special-category-adjacent financial data sealed under their own key (erased with
them). Payment records are kept under the finance key for the current financial year plus six
years (HMRC), so they survive a person's erasure: the ledger names a pseudonymous subject id.
"""

from __future__ import annotations

from piccolo.table import Table

from app.datamap import KeyOwner, PersonalField, Protection, Role, TableMap
from payments.tables import (
    BenefitDeclaration,
    BenefitThreshold,
    EntryState,
    ExpenseClaim,
    ExportBatch,
    IdempotencyRecord,
    LedgerEntry,
    Payee,
    PaymentChoice,
    PolicyCap,
    PolicyExpenseRule,
    PolicyRate,
    PolicyVersion,
    Voucher,
)

PUBLIC_TASK = "Art 6(1)(e) public task"
CONSENT = "Art 6(1)(a) consent"
LEGAL_OBLIGATION = "Art 6(1)(c) legal obligation (HMRC record keeping)"
PAYMENT_RECORDS = "Current financial year + 6 years; kept after erasure"
WHILE_TAKING_PART = "While they take part; erased with their profile"
FINANCE = frozenset({Role.participant, Role.finance, Role.admin})
PAYING = "Pay people for their time and expenses under the remuneration policy"


def _id(
    column: str, purpose: str, *, exported: bool = True, retention: str = PAYMENT_RECORDS
) -> PersonalField:
    """A pseudonymous id of a person (theirs, or the staff member who acted)."""
    return PersonalField(
        column,
        identifier=True,
        exported=exported,
        group="payments",
        purpose=purpose,
        lawful_basis=LEGAL_OBLIGATION if retention == PAYMENT_RECORDS else PUBLIC_TASK,
        retention=retention,
        visible_to=FINANCE,
        protection=Protection.plain,
    )


def _staff(column: str, purpose: str) -> PersonalField:
    return _id(column, purpose, exported=False)


def _sealed(
    column: str,
    purpose: str,
    *,
    key: KeyOwner = KeyOwner.subject,
    basis: str = CONSENT,
    retention: str = WHILE_TAKING_PART,
    visible_to: frozenset[Role] = frozenset({Role.participant, Role.admin}),
) -> PersonalField:
    return PersonalField(
        column,
        group="payments",
        purpose=purpose,
        lawful_basis=basis,
        retention=retention,
        visible_to=visible_to,
        key=key,
    )


def _finance(column: str, purpose: str) -> PersonalField:
    """A payment record's detail, sealed under the finance key (kept after erasure)."""
    return _sealed(
        column,
        purpose,
        key=KeyOwner.finance,
        basis=LEGAL_OBLIGATION,
        retention=PAYMENT_RECORDS,
        visible_to=FINANCE,
    )


def _columns_except(table: type[Table], *personal: str) -> tuple[str, ...]:
    return tuple(
        c._meta.db_column_name for c in table._meta.columns if c._meta.name not in personal
    )


BENEFITS = "Show the benefit facts that matter to a person before they choose how to be paid"

MAPS: tuple[TableMap, ...] = (
    TableMap(
        PolicyVersion,
        fields=(
            _staff("created_by", "Record who wrote a policy version"),
            _staff("approved_by", "Record who approved a policy version"),
        ),
        not_personal=_columns_except(PolicyVersion, "created_by", "approved_by"),
    ),
    TableMap(PolicyRate, not_personal=_columns_except(PolicyRate)),
    TableMap(PolicyExpenseRule, not_personal=_columns_except(PolicyExpenseRule)),
    TableMap(PolicyCap, not_personal=_columns_except(PolicyCap)),
    TableMap(
        BenefitThreshold,
        fields=(_staff("updated_by", "Record who changed a benefit figure"),),
        not_personal=_columns_except(BenefitThreshold, "updated_by"),
    ),
    TableMap(
        BenefitDeclaration,
        fields=(
            _id("subject", BENEFITS, retention=WHILE_TAKING_PART),
            _sealed("benefits", BENEFITS),
            _staff("declared_by", "Record who wrote the declaration on someone's behalf"),
        ),
        not_personal=("id", "declared_at", "sealed_with"),
        owner_column="subject",
        export_context=("declared_at",),
    ),
    TableMap(
        PaymentChoice,
        fields=(
            _id("subject", "Record how a person chose to be paid, and what they saw"),
            _sealed(
                "facts",
                "Record the facts a person saw before choosing how to be paid",
                basis=PUBLIC_TASK,
            ),
            _staff("chosen_by", "Record who recorded a choice on someone's behalf"),
        ),
        not_personal=_columns_except(PaymentChoice, "subject", "facts", "chosen_by"),
        owner_column="subject",
        export_context=("opportunity", "choice", "method", "reduced_pence", "charity", "chosen_at"),
    ),
    TableMap(
        Payee,
        fields=(
            _id("subject", PAYING),
            _finance("account_name", PAYING),
            _finance("sort_code", PAYING),
            _finance("account_number", PAYING),
        ),
        not_personal=("id", "reference", "updated_at", "sealed_with"),
        owner_column="subject",
        kept_on_erasure="Payment records are kept for the financial year plus 6 years (HMRC)",
        export_context=("reference", "updated_at"),
    ),
    TableMap(
        LedgerEntry,
        fields=(_id("subject", PAYING), _staff("proposed_by", "Record who proposed a payment")),
        not_personal=_columns_except(LedgerEntry, "subject", "proposed_by"),
        subject_column="subject",
        kept_on_erasure="The ledger is append-only and kept for the financial year plus 6 years",
        export_context=("kind", "amount_pence", "event", "opportunity", "method", "created_at"),
    ),
    TableMap(
        EntryState,
        fields=(_staff("actor", "Record who approved, batched or paid an entry"),),
        not_personal=_columns_except(EntryState, "actor"),
    ),
    TableMap(
        ExportBatch,
        fields=(
            _staff("locked_by", "Record who locked a batch"),
            _staff("voided_by", "Record who voided a batch"),
            _staff("paid_by", "Record who marked a batch paid"),
        ),
        not_personal=_columns_except(ExportBatch, "locked_by", "voided_by", "paid_by"),
    ),
    TableMap(
        IdempotencyRecord,
        fields=(
            _id(
                "once",
                "Answer a retried payment request once, for its sender",
                exported=False,
                retention="7 days",
            ),
        ),
        not_personal=_columns_except(IdempotencyRecord, "once"),
    ),
    TableMap(
        ExpenseClaim,
        fields=(
            _id("subject", PAYING),
            _finance("details", "Pay people back what taking part cost them"),
            _finance("receipt", "Check an expense against its receipt"),
            _staff("submitted_by", "Record who claimed an expense on someone's behalf"),
            _staff("decided_by", "Record who approved or rejected an expense"),
        ),
        not_personal=_columns_except(
            ExpenseClaim, "subject", "details", "receipt", "submitted_by", "decided_by"
        ),
        owner_column="subject",
        kept_on_erasure="Expense claims are payment records, kept for the financial year + 6 years",
        export_context=("event", "category", "amount_pence", "status", "submitted_at"),
    ),
    TableMap(
        Voucher,
        fields=(
            _id("subject", PAYING),
            _finance("serial", "Give and trace vouchers given as payment"),
            _staff("issued_by", "Record who issued a voucher"),
            _staff("handed_over_by", "Record who handed a voucher over"),
        ),
        not_personal=_columns_except(Voucher, "subject", "serial", "issued_by", "handed_over_by"),
        owner_column="subject",
        kept_on_erasure="Vouchers are payment records, kept for the financial year + 6 years",
        export_context=("provider", "value_pence", "expires_on", "issued_at", "handed_over_at"),
    ),
)
