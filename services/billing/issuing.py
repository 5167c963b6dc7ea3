"""Issuing invoices: numbers with no gaps per school and school year, lines, total.

    view = await issue_invoice(uow, staff, child_id, "Excursion", [LineInput("Bus", 1, 1200)],
                               issued_on, due_on)

The number comes from a counter row bumped by one UPDATE in the issuing transaction: the row
stays locked until commit, so two issues never share a number and a rollback leaves no gap.
"""

from collections.abc import Sequence
from datetime import date

from sqlalchemy import update
from sqlmodel import col

from models.billing import Invoice, InvoiceCounter, InvoiceLine
from models.db import dialect_insert
from services.accounts.actor import Actor
from services.billing.views import InvoiceView, LineInput, school_year_of
from services.common.errors import DomainError, ErrorCode
from services.family.children import child_for
from services.sql.uow import UnitOfWork


async def issue_invoice(
    uow: UnitOfWork,
    actor: Actor,
    child_id: int,
    title: str,
    lines: Sequence[LineInput],
    issued_on: date,
    due_on: date,
    *,
    source: str = "staff",
) -> InvoiceView:
    """Staff only: parents get FORBIDDEN; a child of another school NOT_FOUND."""
    if not actor.is_staff:
        raise DomainError(ErrorCode.FORBIDDEN)
    await child_for(uow.session, actor, child_id)
    return await issue_invoice_internal(
        uow,
        actor.school_id,
        child_id,
        title,
        lines,
        issued_on,
        due_on,
        source=source,
        created_by=actor.user_id,
    )


async def issue_invoice_internal(
    uow: UnitOfWork,
    school_id: int,
    child_id: int,
    title: str,
    lines: Sequence[LineInput],
    issued_on: date,
    due_on: date,
    *,
    source: str,
    created_by: int | None = None,
) -> InvoiceView:
    """For other services (a parent's own photo order) that have already checked access."""
    validate_invoice(title, lines, issued_on, due_on)
    year = school_year_of(issued_on)
    number = await _next_number(uow, school_id, year)
    invoice = Invoice(
        school_id=school_id,
        child_id=child_id,
        school_year=year,
        number=number,
        title=title.strip(),
        issued_on=issued_on,
        due_on=due_on,
        total_cents=sum(line.quantity * line.unit_price_cents for line in lines),
        source=source,
        created_by=created_by,
        created_at=uow.now,
    )
    uow.session.add(invoice)
    await uow.session.flush()
    assert invoice.id is not None
    uow.session.add_all(
        InvoiceLine(
            invoice_id=invoice.id,
            position=position,
            label=line.label.strip(),
            quantity=line.quantity,
            unit_price_cents=line.unit_price_cents,
        )
        for position, line in enumerate(lines, start=1)
    )
    await uow.session.flush()
    return InvoiceView.of(invoice)


def validate_invoice(title: str, lines: Sequence[LineInput], issued_on: date, due_on: date) -> None:
    if not title.strip() or len(title) > 200:
        raise DomainError(ErrorCode.INVALID_INPUT, "title")
    if not lines:
        raise DomainError(ErrorCode.INVALID_INPUT, "lines")
    for line in lines:
        if not line.label.strip() or line.quantity <= 0 or line.unit_price_cents < 0:
            raise DomainError(ErrorCode.INVALID_INPUT, "lines")
    if sum(line.quantity * line.unit_price_cents for line in lines) <= 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "lines")
    if due_on < issued_on:
        raise DomainError(ErrorCode.INVALID_INPUT, "dueOn")


async def _next_number(uow: UnitOfWork, school_id: int, year: int) -> int:
    insert = dialect_insert(uow.dialect)
    await uow.session.execute(
        insert(InvoiceCounter)
        .values(school_id=school_id, school_year=year, last_number=0)
        .on_conflict_do_nothing(index_elements=["school_id", "school_year"])
    )
    bumped = await uow.session.execute(
        update(InvoiceCounter)
        .where(col(InvoiceCounter.school_id) == school_id)
        .where(col(InvoiceCounter.school_year) == year)
        .values(last_number=col(InvoiceCounter.last_number) + 1)
        .returning(col(InvoiceCounter.last_number))
    )
    return int(bumped.scalar_one())
