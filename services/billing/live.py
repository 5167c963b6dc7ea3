"""Invoice changes pushed live: `invoiceChanged(childId)` on the child's channel.

    await emit_invoice_changed(uow, invoice_id, InvoiceChange.PAYMENT)

Called in the transaction that changed the invoice (published, paid by any path, credited):
`uow.emit` numbers the event in commit order and publishes it after commit. The payload is
the invoice as it now stands with its lines and payments, so no watcher reads the database
per event. An invoice not published yet is no parent's to see: nothing is emitted for it, and
its publication later carries whatever happened before.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.billing import Invoice, InvoiceLine, InvoicePayment
from models.channels import ChannelSequence
from services.accounts.actor import Actor
from services.billing.reading import MAX_PAGE, published
from services.billing.views import InvoiceView
from services.family.children import child_for, get_school
from services.sql.uow import UnitOfWork


class InvoiceChange(StrEnum):
    PUBLISHED = "PUBLISHED"
    PAYMENT = "PAYMENT"  # paid (partly or wholly) from a wallet, online or by transfer
    CREDIT_NOTE = "CREDIT_NOTE"


def invoice_channel(child_id: int) -> str:
    """Where `invoiceChanged(childId)` events go: every change of the child's invoices."""
    return f"invoices:child:{child_id}"


@dataclass(frozen=True)
class LineView:
    label: str
    quantity: int
    unit_price_cents: int


@dataclass(frozen=True)
class PaymentView:
    at: datetime
    amount_cents: int
    method: str  # InvoicePaymentMethod, or CREDIT_REFUND (negative)


@dataclass(frozen=True)
class LiveInvoice:
    """An invoice with what a watcher shows of it."""

    invoice: InvoiceView
    lines: tuple[LineView, ...]
    payments: tuple[PaymentView, ...]
    timezone: str  # the school's: the status is computed when shown (OVERDUE needs no event)

    def to_json(self) -> dict[str, Any]:
        v = self.invoice
        return {
            "id": v.id,
            "schoolId": v.school_id,
            "childId": v.child_id,
            "schoolYear": v.school_year,
            "number": v.number,
            "title": v.title,
            "issuedOn": v.issued_on.isoformat(),
            "dueOn": v.due_on.isoformat(),
            "totalCents": v.total_cents,
            "paidCents": v.paid_cents,
            "creditedCents": v.credited_cents,
            "communication": v.communication,
            "documentId": v.document_id,
            "lines": [[x.label, x.quantity, x.unit_price_cents] for x in self.lines],
            "payments": [[p.at.isoformat(), p.amount_cents, p.method] for p in self.payments],
            "timezone": self.timezone,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "LiveInvoice":
        view = InvoiceView(
            id=int(data["id"]),
            school_id=int(data["schoolId"]),
            child_id=int(data["childId"]),
            school_year=int(data["schoolYear"]),
            number=int(data["number"]),
            title=str(data["title"]),
            issued_on=date.fromisoformat(data["issuedOn"]),
            due_on=date.fromisoformat(data["dueOn"]),
            total_cents=int(data["totalCents"]),
            paid_cents=int(data["paidCents"]),
            credited_cents=int(data["creditedCents"]),
            communication=str(data["communication"]),
            document_id=None if data["documentId"] is None else int(data["documentId"]),
        )
        return cls(
            view,
            tuple(LineView(str(a), int(b), int(c)) for a, b, c in data["lines"]),
            tuple(
                PaymentView(datetime.fromisoformat(a), int(b), str(c))
                for a, b, c in data["payments"]
            ),
            str(data["timezone"]),
        )


async def emit_invoice_changed(uow: UnitOfWork, invoice_id: int, change: InvoiceChange) -> None:
    """The invoice as this transaction leaves it, to its child's watchers after commit."""
    invoice = await uow.session.get(Invoice, invoice_id, populate_existing=True)
    if invoice is None or invoice.document_id is None or invoice.published_at is None:
        return
    school = await get_school(uow.session, invoice.school_id)
    [live] = await _with_details(uow.session, [InvoiceView.of(invoice)], school.timezone)
    await uow.emit(
        invoice_channel(invoice.child_id),
        {"childId": invoice.child_id, "change": change.value, "invoice": live.to_json()},
    )


async def invoice_snapshot(
    session: AsyncSession, actor: Actor, child_id: int
) -> tuple[int, list[LiveInvoice]]:
    """The child's published invoices, newest first (at most MAX_PAGE), and the position of
    its channel, read by ONE statement: no event is both in the snapshot and after it, or
    lost. NOT_FOUND unless the actor may see the child (checked again at each resync)."""
    child = await child_for(session, actor, child_id)
    school = await get_school(session, child.school_id)
    position = (
        select(col(ChannelSequence.seq))
        .where(col(ChannelSequence.channel) == invoice_channel(child_id))
        .scalar_subquery()
    )
    # From a one-row table outer-joined to the invoices: the position comes back even when
    # the child has no invoice yet (the common case, where a separate read could miss one).
    one = select(literal(1).label("one")).subquery()
    rows = (
        await session.execute(
            select(func.coalesce(position, 0), Invoice)
            .select_from(one)
            .outerjoin(Invoice, and_(col(Invoice.child_id) == child_id, published()))
            .order_by(col(Invoice.issued_on).desc(), col(Invoice.id).desc())
            .limit(MAX_PAGE)
            .execution_options(populate_existing=True)
        )
    ).all()
    views = [InvoiceView.of(invoice) for _, invoice in rows if invoice is not None]
    return int(rows[0][0]), await _with_details(session, views, school.timezone)


async def _with_details(
    session: AsyncSession, views: Sequence[InvoiceView], timezone: str
) -> list[LiveInvoice]:
    """Their lines and payments, two statements whatever their number."""
    ids = [v.id for v in views]
    if not ids:
        return []
    lines: dict[int, list[LineView]] = {}
    for line in await session.scalars(
        select(InvoiceLine)
        .where(col(InvoiceLine.invoice_id).in_(ids))
        .order_by(col(InvoiceLine.invoice_id), col(InvoiceLine.position))
    ):
        lines.setdefault(line.invoice_id, []).append(
            LineView(line.label, line.quantity, line.unit_price_cents)
        )
    payments: dict[int, list[PaymentView]] = {}
    for payment in await session.scalars(
        select(InvoicePayment)
        .where(col(InvoicePayment.invoice_id).in_(ids))
        .order_by(col(InvoicePayment.at), col(InvoicePayment.id))
    ):
        payments.setdefault(payment.invoice_id, []).append(
            PaymentView(payment.at, payment.amount_cents, payment.method)
        )
    return [
        LiveInvoice(v, tuple(lines.get(v.id, ())), tuple(payments.get(v.id, ())), timezone)
        for v in views
    ]
