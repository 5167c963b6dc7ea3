"""The invoices' part of `verify-ledger`: for every invoice, paid + credited <= total, its
paid amount is the sum of its payments, and each payment equals the revenue its ledger
transaction posted."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.billing import Invoice, InvoicePayment
from models.ledger import LedgerAccount, Posting, SchoolAccount


async def invoice_problems(session: AsyncSession) -> list[str]:
    problems: list[str] = []
    for invoice_id, total, paid, credited in await session.execute(
        select(
            col(Invoice.id),
            col(Invoice.total_cents),
            col(Invoice.paid_cents),
            col(Invoice.credited_cents),
        ).where(col(Invoice.paid_cents) + col(Invoice.credited_cents) > col(Invoice.total_cents))
    ):
        problems.append(f"invoice {invoice_id}: paid {paid} + credited {credited} > {total}")

    payments = (
        select(
            col(InvoicePayment.invoice_id),
            func.sum(InvoicePayment.amount_cents).label("total"),
        )
        .group_by(col(InvoicePayment.invoice_id))
        .subquery()
    )
    for invoice_id, paid, total in await session.execute(
        select(col(Invoice.id), col(Invoice.paid_cents), func.coalesce(payments.c.total, 0))
        .outerjoin(payments, payments.c.invoice_id == col(Invoice.id))
        .where(col(Invoice.paid_cents) != func.coalesce(payments.c.total, 0))
    ):
        problems.append(f"invoice {invoice_id}: paid {paid} != its payments {total}")

    revenue = (
        select(
            col(Posting.transaction_id),
            func.sum(Posting.amount_cents).label("total"),
        )
        .join(LedgerAccount, col(LedgerAccount.id) == col(Posting.account_id))
        .where(col(LedgerAccount.kind) == SchoolAccount.INVOICE_REVENUE)
        .group_by(col(Posting.transaction_id))
        .subquery()
    )
    for payment_id, amount, posted in await session.execute(
        select(
            col(InvoicePayment.id),
            col(InvoicePayment.amount_cents),
            func.coalesce(revenue.c.total, 0),
        )
        .outerjoin(revenue, revenue.c.transaction_id == col(InvoicePayment.transaction_id))
        .where(col(InvoicePayment.amount_cents) != func.coalesce(revenue.c.total, 0))
    ):
        problems.append(f"invoice payment {payment_id}: {amount} != posted revenue {posted}")
    return problems
