"""Invoices (payment requests), their lines, payments and credit notes."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.columns import cents_field, text_field, utc_field


class InvoicePaymentMethod(StrEnum):
    WALLET = "WALLET"
    ONLINE = "ONLINE"
    BANK_TRANSFER = "BANK_TRANSFER"


CREDIT_REFUND = "CREDIT_REFUND"  # an invoice payment row giving back what a credit note freed


class InvoiceCounter(SQLModel, table=True):
    """The last number issued per (school, school year): bumped inside the issuing
    transaction, so a rolled-back issue consumes no number and numbers have no gaps."""

    __tablename__ = "invoice_counters"

    school_id: int = Field(foreign_key="schools.id", primary_key=True)
    school_year: int = Field(primary_key=True)  # the year the school year starts in
    last_number: int = 0


class Invoice(SQLModel, table=True):
    """paid + credited never exceeds the total: the CHECK backs the conditional UPDATE."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("school_id", "school_year", "number"),
        CheckConstraint("total_cents > 0", name="total_positive"),
        CheckConstraint("paid_cents >= 0 AND credited_cents >= 0", name="amounts_not_negative"),
        CheckConstraint("paid_cents + credited_cents <= total_cents", name="not_above_total"),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    child_id: int = Field(foreign_key="children.id", index=True)
    school_year: int
    number: int
    title: str = text_field(200)
    issued_on: date
    due_on: date
    total_cents: int = cents_field()
    paid_cents: int = cents_field(default=0)
    credited_cents: int = cents_field(default=0)
    source: str = text_field(30, default="staff")
    document_id: int | None = Field(default=None, foreign_key="documents.id")
    # Null until its PDF is attached: the parent sees the invoice and its document together.
    published_at: datetime | None = utc_field(nullable=True)
    created_by: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = utc_field()


class InvoiceLine(SQLModel, table=True):
    __tablename__ = "invoice_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price_cents >= 0", name="unit_price_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoices.id", index=True)
    position: int
    label: str = text_field(200)
    quantity: int
    unit_price_cents: int = cents_field()


class InvoicePayment(SQLModel, table=True):
    """One payment applied to an invoice; `source_ref` makes each source's payment count once."""

    __tablename__ = "invoice_payments"
    __table_args__ = (
        UniqueConstraint("invoice_id", "source_ref"),
        # Negative for what a credit note gave back to the wallet (method CREDIT_REFUND).
        CheckConstraint("amount_cents <> 0", name="amount_not_zero"),
    )

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoices.id", index=True)
    method: str = text_field(20)
    amount_cents: int = cents_field()
    source_ref: str = text_field(100)
    transaction_id: int | None = Field(default=None, foreign_key="ledger_transactions.id")
    at: datetime = utc_field()


class CreditNote(SQLModel, table=True):
    __tablename__ = "credit_notes"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoices.id", index=True)
    amount_cents: int = cents_field()
    reason: str = text_field(500)
    created_by: int | None = Field(default=None, foreign_key="users.id")
    at: datetime = utc_field()


class InvoiceReminderStage(StrEnum):
    BEFORE_DUE = "BEFORE_DUE"
    OVERDUE = "OVERDUE"


class InvoiceReminder(SQLModel, table=True):
    """One row per reminder sent, inserted with its mails: the unique key is what keeps two
    processes from reminding the same invoice twice at the same stage."""

    __tablename__ = "invoice_reminders"
    __table_args__ = (UniqueConstraint("invoice_id", "stage"),)

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoices.id")  # indexed by the unique key
    stage: str = text_field(20)
    sent_at: datetime = utc_field()
