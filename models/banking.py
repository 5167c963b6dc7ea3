"""Bank statements imported from the school's bank, their lines, and transfers parents announce.

A statement is imported once (unique per school by account + number + date, `identity`); a line
once per bank reference (unique per school), whatever file brought it: a CAMT.053 over days
already imported from CODA adds only the lines not seen before.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.columns import cents_field, text_field, utc_field


class LineKind(StrEnum):
    CREDIT = "CREDIT"  # money a family may have sent
    DEBIT = "DEBIT"  # money the school paid out: recorded, never credited
    FEE = "FEE"  # the bank's own charges and interest: recorded, never credited


class LineStatus(StrEnum):
    CREDITED = "CREDITED"  # a wallet (or an invoice) received it
    UNMATCHED = "UNMATCHED"  # waits in the staff queue
    RETURNED = "RETURNED"  # staff will send it back to the sender
    RECORDED = "RECORDED"  # a debit or a fee: nothing to credit


class BankStatement(SQLModel, table=True):
    __tablename__ = "bank_statements"
    __table_args__ = (UniqueConstraint("school_id", "identity"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id")
    identity: str = text_field(200)
    format: str = text_field(16)
    account_iban: str = text_field(34)
    number: str = text_field(40)
    statement_date: date
    opening_balance_cents: int = cents_field()
    closing_balance_cents: int = cents_field()
    lines: int = 0
    credited: int = 0
    unmatched: int = 0
    # Every entry imported (batches commit one by one: an interrupted import is resumed).
    complete: bool = False
    imported_by: int = Field(foreign_key="users.id")
    imported_at: datetime = utc_field()


class BankStatementLine(SQLModel, table=True):
    __tablename__ = "bank_statement_lines"
    __table_args__ = (
        UniqueConstraint("school_id", "bank_reference"),
        Index("ix_bank_statement_lines_queue", "school_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id")
    statement_id: int = Field(foreign_key="bank_statements.id", index=True)
    bank_reference: str = text_field(100)
    booking_date: date
    value_date: date
    amount_cents: int = cents_field()  # signed, from the school's side
    kind: str = text_field(16)
    status: str = text_field(16)
    communication: str | None = text_field(12, nullable=True, default=None)
    free_text: str = Field(default="", sa_type=Text)
    counterparty_name: str = text_field(200, default="")
    counterparty_iban: str | None = text_field(34, nullable=True, default=None)
    wallet_id: int | None = Field(default=None, foreign_key="wallets.id", nullable=True)
    invoice_id: int | None = None  # the invoice it paid (billing's table)
    transaction_id: int | None = Field(
        default=None, foreign_key="ledger_transactions.id", nullable=True
    )
    # Who settled it by hand (assignment or return), when, and why.
    handled_by: int | None = Field(default=None, foreign_key="users.id", nullable=True)
    handled_at: datetime | None = utc_field(nullable=True, default=None)
    note: str | None = Field(default=None, sa_type=Text, nullable=True)
    # Credited by the import, its receipt mail not yet in the outbox (rendered after commit).
    receipt_pending: bool = False


class PendingTransferStatus(StrEnum):
    PENDING = "PENDING"
    SETTLED = "SETTLED"  # a statement credited the wallet with that amount
    DROPPED = "DROPPED"  # nothing arrived within the waiting time


class PendingTransfer(SQLModel, table=True):
    """A parent's "I have sent a transfer of €X" to a wallet, until a statement shows it."""

    __tablename__ = "pending_transfers"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        Index("ix_pending_transfers_open", "wallet_id", "status", "amount_cents"),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id")
    wallet_id: int = Field(foreign_key="wallets.id")
    amount_cents: int = cents_field()
    announced_by: int = Field(foreign_key="users.id")
    announced_at: datetime = utc_field()
    announced_on: date
    status: str = text_field(16, default=PendingTransferStatus.PENDING)
    closed_at: datetime | None = utc_field(nullable=True, default=None)
    line_id: int | None = Field(default=None, foreign_key="bank_statement_lines.id", nullable=True)
