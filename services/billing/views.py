"""What billing services answer: plain frozen views, never ORM rows."""

from dataclasses import dataclass
from datetime import date

from models.billing import Invoice
from services.wallets.communication import communication_for

INVOICE_KIND = 2  # the structured communication's kind digit (1 is a wallet's)


@dataclass(frozen=True)
class LineInput:
    label: str
    quantity: int
    unit_price_cents: int


@dataclass(frozen=True)
class InvoiceView:
    id: int
    school_id: int
    child_id: int
    school_year: int
    number: int
    title: str
    issued_on: date
    due_on: date
    total_cents: int
    paid_cents: int
    credited_cents: int
    communication: str
    document_id: int | None

    @property
    def due_cents(self) -> int:
        return max(0, self.total_cents - self.paid_cents - self.credited_cents)

    @staticmethod
    def of(invoice: Invoice) -> "InvoiceView":
        assert invoice.id is not None
        return InvoiceView(
            id=invoice.id,
            school_id=invoice.school_id,
            child_id=invoice.child_id,
            school_year=invoice.school_year,
            number=invoice.number,
            title=invoice.title,
            issued_on=invoice.issued_on,
            due_on=invoice.due_on,
            total_cents=invoice.total_cents,
            paid_cents=invoice.paid_cents,
            credited_cents=invoice.credited_cents,
            communication=invoice_communication(invoice.id),
            document_id=invoice.document_id,
        )


def invoice_communication(invoice_id: int) -> str:
    """Derived from the invoice's id with its own kind digit: distinct from every wallet's
    (kind 1) and every other invoice's by construction."""
    return communication_for(INVOICE_KIND, invoice_id)


def school_year_of(day: date) -> int:
    """Belgian school years start on 1 September."""
    return day.year if day.month >= 9 else day.year - 1
