"""The staff's queue of bank statement lines no wallet claimed, and what they suggest."""

from collections.abc import Mapping
from datetime import date, datetime

import strawberry

from schema.billing import Invoice
from schema.errors import UserError
from schema.ids import to_global_id
from schema.money import Money, money
from schema.node import Node
from schema.wallets import Wallet
from services.banking.queue import LineView, StatementView, Suggestion


@strawberry.type
class BankLineSuggestion:
    """A wallet or an invoice (exactly one is set) the line likely meant."""

    wallet: Wallet | None
    invoice: Invoice | None
    child_name: str
    reason: str = strawberry.field(
        description="CHECK_DIGITS (one typing error away from its communication), ANNOUNCED (a parent announced this amount), NAME (the sender is a guardian; for an invoice, its due is the amount)."
    )

    @classmethod
    def from_view(cls, view: Suggestion, invoices: Mapping[int, Invoice]) -> "BankLineSuggestion":
        return cls(
            wallet=Wallet.from_view(view.wallet) if view.wallet is not None else None,
            invoice=invoices[view.invoice.id] if view.invoice is not None else None,
            child_name=view.child_name,
            reason=view.reason,
        )


@strawberry.type
class BankLine(Node):
    db_id: strawberry.Private[int]
    statement_date: date
    booking_date: date
    value_date: date
    amount: Money
    communication: str | None = strawberry.field(
        description="The 12 digits of the structured communication as the bank reported them."
    )
    free_text: str
    counterparty_name: str
    counterparty_iban: str | None
    status: str = strawberry.field(description="UNMATCHED, CREDITED, RETURNED or RECORDED.")
    handled_by: str | None = strawberry.field(description="Who assigned or returned it.")
    handled_at: datetime | None
    note: str | None
    suggestions: list[BankLineSuggestion]

    @classmethod
    def from_view(cls, view: LineView, invoices: Mapping[int, Invoice] | None = None) -> "BankLine":
        """`invoices`: the suggested invoices as shown, by id (the resolver reads them)."""
        return cls(
            id=to_global_id("BankLine", view.id),
            db_id=view.id,
            statement_date=view.statement_date,
            booking_date=view.booking_date,
            value_date=view.value_date,
            amount=money(view.amount_cents),
            communication=view.communication,
            free_text=view.free_text,
            counterparty_name=view.counterparty_name,
            counterparty_iban=view.counterparty_iban,
            status=view.status.value,
            handled_by=view.handled_by,
            handled_at=view.handled_at,
            note=view.note,
            suggestions=[BankLineSuggestion.from_view(s, invoices or {}) for s in view.suggestions],
        )


@strawberry.type
class BankStatement(Node):
    format: str = strawberry.field(description="coda or camt053")
    number: str
    statement_date: date
    lines: int
    credited: int
    unmatched: int
    complete: bool = strawberry.field(description="False while its import is under way.")
    imported_by: str
    imported_at: datetime

    @classmethod
    def from_view(cls, view: StatementView) -> "BankStatement":
        return cls(
            id=to_global_id("BankStatement", view.id),
            format=view.format,
            number=view.number,
            statement_date=view.statement_date,
            lines=view.lines,
            credited=view.credited,
            unmatched=view.unmatched,
            complete=view.complete,
            imported_by=view.imported_by,
            imported_at=view.imported_at,
        )


@strawberry.type
class BankLinePayload:
    line: BankLine | None = None
    wallet: Wallet | None = None
    invoice: Invoice | None = strawberry.field(
        default=None, description="The invoice the line paid (assignBankLineToInvoice)."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)
