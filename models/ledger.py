"""The double-entry ledger: transactions, their postings, and the school's own accounts.

Postings are never updated or deleted; a correction is a new transaction that reverses one
(`reverses_id`, unique: at most one reversal each). A posting on a wallet is what parents see
as an Operation, so it also carries its type, method, label and the wallet's balance after it.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.columns import cents_field, text_field, utc_field


class OperationType(StrEnum):
    TOP_UP = "TOP_UP"
    MEAL = "MEAL"
    MEAL_REFUND = "MEAL_REFUND"
    PURCHASE = "PURCHASE"
    INVOICE_PAYMENT = "INVOICE_PAYMENT"
    TRANSFER_IN = "TRANSFER_IN"
    TRANSFER_OUT = "TRANSFER_OUT"
    ADJUSTMENT = "ADJUSTMENT"
    PURCHASE_REFUND = "PURCHASE_REFUND"


class PaymentMethod(StrEnum):
    ONLINE = "ONLINE"
    BANK_TRANSFER = "BANK_TRANSFER"
    INTERNAL = "INTERNAL"
    WALLET = "WALLET"
    POS = "POS"


class SchoolAccount(StrEnum):
    """The school's side of every movement (wallets are the parents' side)."""

    MEAL_REVENUE = "MEAL_REVENUE"
    SALES_REVENUE = "SALES_REVENUE"
    INVOICE_REVENUE = "INVOICE_REVENUE"
    PHOTO_REVENUE = "PHOTO_REVENUE"
    ONLINE_CLEARING = "ONLINE_CLEARING"  # money the payment provider owes the school
    BANK_CLEARING = "BANK_CLEARING"  # transfers received on the school's bank account
    ADJUSTMENTS = "ADJUSTMENTS"


class LedgerAccount(SQLModel, table=True):
    """One row per (school, kind), created the first time a posting needs it."""

    __tablename__ = "ledger_accounts"
    __table_args__ = (UniqueConstraint("school_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id")
    kind: str = text_field(32)


class LedgerTransaction(SQLModel, table=True):
    __tablename__ = "ledger_transactions"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    method: str = text_field(16)
    memo: str = text_field(300)
    reverses_id: int | None = Field(
        default=None, foreign_key="ledger_transactions.id", unique=True, nullable=True
    )
    at: datetime = utc_field()


class Posting(SQLModel, table=True):
    """One line of a transaction: on a wallet (an Operation) or on a school account."""

    __tablename__ = "ledger_postings"
    __table_args__ = (
        CheckConstraint("amount_cents <> 0", name="amount_not_zero"),
        CheckConstraint(
            "(wallet_id IS NULL AND account_id IS NOT NULL)"
            " OR (wallet_id IS NOT NULL AND account_id IS NULL"
            " AND child_id IS NOT NULL AND balance_after_cents IS NOT NULL"
            " AND operation_type IS NOT NULL)",
            name="one_side",
        ),
        Index("ix_ledger_postings_child_at_id", "child_id", "at", "id"),
        Index("ix_ledger_postings_wallet_id_id", "wallet_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    transaction_id: int = Field(foreign_key="ledger_transactions.id", index=True)
    school_id: int = Field(foreign_key="schools.id")
    amount_cents: int = cents_field()  # signed, as seen from the account
    wallet_id: int | None = Field(default=None, foreign_key="wallets.id", nullable=True)
    account_id: int | None = Field(default=None, foreign_key="ledger_accounts.id", nullable=True)
    # Wallet postings only: what the parent sees.
    child_id: int | None = Field(default=None, foreign_key="children.id", nullable=True)
    operation_type: str | None = text_field(24, nullable=True, default=None)
    method: str | None = text_field(16, nullable=True, default=None)
    label: str | None = text_field(300, nullable=True, default=None)
    balance_after_cents: int | None = cents_field(nullable=True, default=None)
    at: datetime = utc_field()


class IdempotencyKey(SQLModel, table=True):
    """The first answer to a (scope, actor, key): a retry gets it back instead of a new effect."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "actor", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = text_field(64)
    actor: str = text_field(64)
    key: str = text_field(200)
    fingerprint: str = text_field(64)  # SHA-256 of the arguments
    response: str | None = Field(default=None, sa_type=Text, nullable=True)
    created_at: datetime = utc_field()
