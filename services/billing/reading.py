"""Reading invoices: a parent's published ones, a child's pages, what is open, the staff list.

Parents see an invoice once it is published (its PDF attached): another family's, or one not
published yet, is NOT_FOUND exactly like a missing one. Status is computed at read time, so
the status filter is the same rule as `status_of`, written as SQL over amounts and today.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.billing import Invoice, InvoiceLine, InvoicePayment
from models.family import Child
from services.accounts.actor import Actor
from services.billing.status import InvoiceStatus
from services.billing.views import InvoiceView
from services.common.errors import DomainError, ErrorCode, NotFound
from services.family.children import child_for, require_staff

MAX_PAGE = 100


@dataclass(frozen=True)
class InvoiceTotals:
    count: int
    total_cents: int
    paid_cents: int
    credited_cents: int
    due_cents: int


def published() -> ColumnElement[bool]:
    """Parents see an invoice once its PDF is attached."""
    return and_(col(Invoice.document_id).is_not(None), col(Invoice.published_at).is_not(None))


def status_condition(status: InvoiceStatus, today: date) -> ColumnElement[bool]:
    """`status_of` as a WHERE clause (the school's today passed in)."""
    credited = col(Invoice.credited_cents) >= col(Invoice.total_cents)
    settled = col(Invoice.paid_cents) + col(Invoice.credited_cents) >= col(Invoice.total_cents)
    if status is InvoiceStatus.CREDITED:
        return credited
    if status is InvoiceStatus.PAID:
        return and_(~credited, settled)
    if status is InvoiceStatus.OVERDUE:
        return and_(~settled, col(Invoice.due_on) < today)
    return and_(~settled, col(Invoice.due_on) >= today)


async def invoice_for(session: AsyncSession, actor: Actor, invoice_id: int) -> InvoiceView:
    """Staff: any invoice of their school. Parents: their children's published invoices."""
    invoice = await session.get(Invoice, invoice_id, populate_existing=True)
    if invoice is None or invoice.school_id != actor.school_id:
        raise NotFound("invoiceId")
    if not actor.is_staff:
        if invoice.document_id is None or invoice.published_at is None:
            raise NotFound("invoiceId")
        try:
            await child_for(session, actor, invoice.child_id)
        except NotFound:
            raise NotFound("invoiceId") from None
    return InvoiceView.of(invoice)


async def child_invoices(
    session: AsyncSession,
    actor: Actor,
    child_id: int,
    *,
    status: InvoiceStatus | None,
    today: date,
    first: int,
    after: tuple[date, int] | None,
) -> list[InvoiceView]:
    """Newest first (issue date, then id); one more than `first` tells there is a next page."""
    if first < 0 or first > MAX_PAGE:
        raise DomainError(ErrorCode.INVALID_INPUT, "first")
    await child_for(session, actor, child_id)
    query = select(Invoice).where(col(Invoice.child_id) == child_id)
    if not actor.is_staff:
        query = query.where(published())
    if status is not None:
        query = query.where(status_condition(status, today))
    if after is not None:
        query = query.where(tuple_(col(Invoice.issued_on), col(Invoice.id)) < tuple_(*after))
    query = query.order_by(col(Invoice.issued_on).desc(), col(Invoice.id).desc())
    rows = await session.scalars(query.limit(first + 1))
    return [InvoiceView.of(row) for row in rows]


async def open_invoices(
    session: AsyncSession, actor: Actor, child_id: int, *, today: date, limit: int
) -> list[InvoiceView]:
    """OPEN and OVERDUE, oldest due date first."""
    if limit < 0 or limit > MAX_PAGE:
        raise DomainError(ErrorCode.INVALID_INPUT, "limit")
    await child_for(session, actor, child_id)
    settled = col(Invoice.paid_cents) + col(Invoice.credited_cents) >= col(Invoice.total_cents)
    query = (
        select(Invoice)
        .where(col(Invoice.child_id) == child_id, ~settled)
        .order_by(col(Invoice.due_on), col(Invoice.id))
        .limit(limit)
    )
    if not actor.is_staff:
        query = query.where(published())
    return [InvoiceView.of(row) for row in await session.scalars(query)]


async def school_invoices(
    session: AsyncSession,
    actor: Actor,
    *,
    status: InvoiceStatus | None,
    class_name: str | None,
    issued_from: date | None,
    issued_to: date | None,
    today: date,
    first: int,
) -> tuple[list[InvoiceView], InvoiceTotals]:
    """Staff: the school's invoices newest first, and the totals of all that match."""
    require_staff(actor)
    if first < 0 or first > MAX_PAGE:
        raise DomainError(ErrorCode.INVALID_INPUT, "first")
    where: list[ColumnElement[bool]] = [col(Invoice.school_id) == actor.school_id]
    if status is not None:
        where.append(status_condition(status, today))
    if class_name is not None:
        where.append(
            col(Invoice.child_id).in_(
                select(col(Child.id)).where(col(Child.class_name) == class_name)
            )
        )
    if issued_from is not None:
        where.append(col(Invoice.issued_on) >= issued_from)
    if issued_to is not None:
        where.append(col(Invoice.issued_on) <= issued_to)
    rows = await session.scalars(
        select(Invoice)
        .where(*where)
        .order_by(col(Invoice.issued_on).desc(), col(Invoice.id).desc())
        .limit(first)
    )
    views = [InvoiceView.of(row) for row in rows]
    amounts = (
        await session.execute(
            select(
                col(Invoice.total_cents), col(Invoice.paid_cents), col(Invoice.credited_cents)
            ).where(*where)
        )
    ).all()
    totals = InvoiceTotals(
        count=len(amounts),
        total_cents=sum(a[0] for a in amounts),
        paid_cents=sum(a[1] for a in amounts),
        credited_cents=sum(a[2] for a in amounts),
        due_cents=sum(max(0, a[0] - a[1] - a[2]) for a in amounts),
    )
    return views, totals


async def lines_of(session: AsyncSession, invoice_id: int) -> Sequence[InvoiceLine]:
    rows = await session.scalars(
        select(InvoiceLine)
        .where(col(InvoiceLine.invoice_id) == invoice_id)
        .order_by(col(InvoiceLine.position))
    )
    return list(rows)


async def payments_of(session: AsyncSession, invoice_id: int) -> Sequence[InvoicePayment]:
    """Oldest first, credit-note refunds included (negative)."""
    rows = await session.scalars(
        select(InvoicePayment)
        .where(col(InvoicePayment.invoice_id) == invoice_id)
        .order_by(col(InvoicePayment.at), col(InvoicePayment.id))
    )
    return list(rows)
