"""Which invoice a structured communication names (a bank line, a statement import)."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.billing import Invoice
from services.billing.views import INVOICE_KIND, InvoiceView
from services.wallets.communication import parse_communication


async def invoice_by_communication(
    session: AsyncSession, school_id: int, digits: str
) -> InvoiceView | None:
    """None when the text is no invoice's communication, or names another school's invoice."""
    parsed = parse_communication(digits)
    if parsed is None or parsed[0] != INVOICE_KIND:
        return None
    invoice = await session.scalar(
        select(Invoice)
        .where(col(Invoice.id) == parsed[1])
        .where(col(Invoice.school_id) == school_id)
    )
    return InvoiceView.of(invoice) if invoice is not None else None
