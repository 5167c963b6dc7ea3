"""Money coming in: online top-ups through a payment provider, and bank transfers."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.columns import cents_field, text_field, utc_field


class TopUpStatus(StrEnum):
    PENDING = "PENDING"
    PAID = "PAID"
    FAILED = "FAILED"
    EXPIRED = "EXPIRED"  # the provider's checkout lifetime ended without a payment


class TopUp(SQLModel, table=True):
    """An online payment: PENDING until the provider's verified webhook says PAID or FAILED.

    With `invoice_id` set it pays that invoice (startInvoicePayment) and `wallet_id` is the
    child's first wallet, where any excess lands; without, it tops up `wallet_id`. One table,
    so the webhook, the sandbox and the reconciler serve both unchanged."""

    __tablename__ = "top_ups"
    __table_args__ = (
        UniqueConstraint("provider", "provider_payment_id"),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id")
    child_id: int = Field(foreign_key="children.id")
    wallet_id: int = Field(foreign_key="wallets.id", index=True)
    amount_cents: int = cents_field()
    status: str = text_field(16, default=TopUpStatus.PENDING)
    provider: str = text_field(32)
    provider_payment_id: str | None = text_field(100, nullable=True, default=None)
    checkout_url: str | None = Field(default=None, sa_type=Text, nullable=True)
    created_by: int = Field(foreign_key="users.id")
    created_at: datetime = utc_field()
    settled_at: datetime | None = utc_field(nullable=True, default=None)
    invoice_id: int | None = Field(
        default=None, foreign_key="invoices.id", index=True, nullable=True
    )
    # The credit: set once, by the first verified "paid" webhook.
    transaction_id: int | None = Field(
        default=None, foreign_key="ledger_transactions.id", unique=True, nullable=True
    )


class BankTransfer(SQLModel, table=True):
    """A transfer received on the school's account, credited once per bank reference."""

    __tablename__ = "bank_transfers"
    __table_args__ = (
        UniqueConstraint("school_id", "bank_reference"),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id")
    wallet_id: int = Field(foreign_key="wallets.id", index=True)
    amount_cents: int = cents_field()
    communication: str = text_field(12)
    bank_reference: str = text_field(100)
    value_date: date
    recorded_by: int | None = Field(default=None, foreign_key="users.id", nullable=True)
    recorded_at: datetime = utc_field()
    transaction_id: int = Field(foreign_key="ledger_transactions.id", unique=True)
