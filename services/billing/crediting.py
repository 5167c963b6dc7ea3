"""Credit notes: staff credit an invoice wholly or in part, with a reason.

What was already paid beyond the new total goes back to the child's first wallet (a TOP_UP
from invoice revenue), recorded as a negative invoice payment so that paid stays the sum of
payments and paid + credited never exceeds the total.
"""

from sqlalchemy import update
from sqlmodel import col

from models.billing import CREDIT_REFUND, CreditNote, Invoice, InvoicePayment
from models.ledger import OperationType, PaymentMethod, SchoolAccount
from services.accounts.actor import Actor
from services.billing.live import InvoiceChange, emit_invoice_changed
from services.billing.paying import first_wallet
from services.billing.views import InvoiceView
from services.common.errors import DomainError, ErrorCode, NotFound
from services.family.children import require_staff
from services.sql.uow import UnitOfWork
from services.wallets import ledger


async def credit_invoice(
    uow: UnitOfWork, actor: Actor, invoice_id: int, amount_cents: int, reason: str
) -> InvoiceView:
    require_staff(actor)
    return await credit_invoice_internal(
        uow, actor.school_id, invoice_id, amount_cents, reason, created_by=actor.user_id
    )


async def credit_invoice_internal(
    uow: UnitOfWork,
    school_id: int,
    invoice_id: int,
    amount_cents: int,
    reason: str,
    *,
    created_by: int,
) -> InvoiceView:
    """For other services that have checked access themselves (a cancelled photo order)."""
    invoice = await uow.session.get(
        Invoice, invoice_id, populate_existing=True, with_for_update=True
    )
    if invoice is None or invoice.school_id != school_id:
        raise NotFound("invoiceId")
    if not reason.strip() or len(reason) > 500:
        raise DomainError(ErrorCode.INVALID_INPUT, "reason")
    credited = invoice.credited_cents + amount_cents
    if amount_cents <= 0 or credited > invoice.total_cents:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "amountCents")
    refund = max(0, invoice.paid_cents + credited - invoice.total_cents)
    done = await uow.session.execute(
        update(Invoice)
        .where(col(Invoice.id) == invoice_id)
        .where(col(Invoice.paid_cents) == invoice.paid_cents)
        .where(col(Invoice.credited_cents) == invoice.credited_cents)
        .values(credited_cents=credited, paid_cents=invoice.paid_cents - refund)
        .execution_options(synchronize_session=False)
    )
    if getattr(done, "rowcount", 0) != 1:
        raise DomainError(ErrorCode.RATE_LIMITED, "invoiceId", retry_after=1)
    note = CreditNote(
        invoice_id=invoice_id,
        amount_cents=amount_cents,
        reason=reason.strip(),
        created_by=created_by,
        at=uow.now,
    )
    uow.session.add(note)
    await uow.session.flush()
    if refund:
        label = f"Note de crédit : {invoice.title}"
        posted = await ledger.credit_wallet(
            uow,
            wallet_id=await first_wallet(uow, invoice.child_id),
            amount_cents=refund,
            source=SchoolAccount.INVOICE_REVENUE,
            type=OperationType.TOP_UP,
            label=label,
            method=PaymentMethod.INTERNAL,
        )
        uow.session.add(
            InvoicePayment(
                invoice_id=invoice_id,
                method=CREDIT_REFUND,
                amount_cents=-refund,
                source_ref=f"credit:{note.id}",
                transaction_id=posted.transaction_id,
                at=uow.now,
            )
        )
        await uow.session.flush()
    await emit_invoice_changed(uow, invoice_id, InvoiceChange.CREDIT_NOTE)
    await uow.session.refresh(invoice)
    return InvoiceView.of(invoice)
