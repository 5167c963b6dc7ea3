"""The one path by which an invoice is paid: from a wallet, online, or by bank transfer.

    outcome = await pay_invoice(uow, invoice_id, 1500, InvoicePaymentMethod.BANK_TRANSFER,
                                source_ref="transfer:42")

The amount applied is min(amount, due), added by a conditional UPDATE (paid + credited + x <=
total, CHECK behind it), retried on a lost race: concurrent payers never pay above the due.
Money that arrived from outside (online, transfer) beyond the due goes to the child's first
wallet as a TOP_UP in the same ledger transaction. A wallet payment with nothing left due is
refused with NOTHING_DUE (the money stays on the wallet). `source_ref` is unique per invoice:
the same source paying twice answers the first outcome. Every payment applied is pushed to
the child's `invoiceChanged` watchers after commit.
"""

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlmodel import col

from models.billing import Invoice, InvoicePayment, InvoicePaymentMethod
from models.ledger import OperationType, PaymentMethod, SchoolAccount
from models.wallets import Wallet
from services.billing.live import InvoiceChange, emit_invoice_changed
from services.billing.receipts import mail_receipt_if_paid
from services.billing.views import InvoiceView
from services.common.errors import DomainError, ErrorCode, NotFound
from services.sql.uow import UnitOfWork
from services.wallets.ledger import AccountLeg, WalletLeg, post
from services.wallets.views import Posted

_CLEARING = {
    InvoicePaymentMethod.ONLINE: (SchoolAccount.ONLINE_CLEARING, PaymentMethod.ONLINE),
    InvoicePaymentMethod.BANK_TRANSFER: (SchoolAccount.BANK_CLEARING, PaymentMethod.BANK_TRANSFER),
}
_ATTEMPTS = 5


@dataclass(frozen=True)
class PaymentOutcome:
    invoice: InvoiceView
    applied_cents: int  # what went to the invoice
    excess_cents: int  # what went to the child's first wallet
    transaction_id: int | None
    payment_id: int | None
    posted: Posted | None = None  # None when the same source had already paid


async def pay_invoice(
    uow: UnitOfWork,
    invoice_id: int,
    amount_cents: int,
    method: InvoicePaymentMethod,
    *,
    source_ref: str,
    wallet_id: int | None = None,
    receipt: bool = True,
) -> PaymentOutcome:
    """Access checks are the caller's (the parent's wallet, the verified webhook, staff).
    `receipt=False`: the caller mails its own receipt (a bank statement line tells what it paid,
    whether or not it completed the invoice), so the guardians get one mail per payment."""
    if amount_cents <= 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "amountCents")
    if method == InvoicePaymentMethod.WALLET and wallet_id is None:
        raise ValueError("a wallet payment names its wallet")
    earlier = await _earlier(uow, invoice_id, source_ref)
    if earlier is not None:
        return earlier
    applied, invoice = await _apply(uow, invoice_id, amount_cents)
    if receipt:
        await mail_receipt_if_paid(uow, invoice, applied)
    if method == InvoicePaymentMethod.WALLET:
        if applied == 0:
            raise DomainError(ErrorCode.NOTHING_DUE, "invoiceId")
        assert wallet_id is not None
        posted = await post(
            uow,
            method=PaymentMethod.WALLET,
            memo=_label(invoice),
            wallet_legs=[
                WalletLeg(wallet_id, -applied, OperationType.INVOICE_PAYMENT, _label(invoice))
            ],
            account_legs=[AccountLeg(SchoolAccount.INVOICE_REVENUE, applied)],
        )
        if posted.wallets[0].child_id != invoice.child_id:
            raise NotFound("walletId")  # rolls back: only the invoice's child's wallets pay
        excess = 0
    else:
        clearing, ledger_method = _CLEARING[method]
        excess = amount_cents - applied
        wallet_legs = []
        if excess:
            wallet = await first_wallet(uow, invoice.child_id)
            wallet_legs.append(
                WalletLeg(wallet, excess, OperationType.TOP_UP, f"{_label(invoice)} (excess)")
            )
        account_legs = [AccountLeg(clearing, -amount_cents)]
        if applied:
            account_legs.append(AccountLeg(SchoolAccount.INVOICE_REVENUE, applied))
        posted = await post(
            uow,
            method=ledger_method,
            memo=_label(invoice),
            wallet_legs=wallet_legs,
            account_legs=account_legs,
            school_id=invoice.school_id,
        )
    payment_id = None
    if applied:
        payment = InvoicePayment(
            invoice_id=invoice_id,
            method=method,
            amount_cents=applied,
            source_ref=source_ref[:100],
            transaction_id=posted.transaction_id,
            at=uow.now,
        )
        uow.session.add(payment)
        await uow.session.flush()
        payment_id = payment.id
        await emit_invoice_changed(uow, invoice_id, InvoiceChange.PAYMENT)
    return PaymentOutcome(
        InvoiceView.of(invoice), applied, excess, posted.transaction_id, payment_id, posted
    )


async def _apply(uow: UnitOfWork, invoice_id: int, amount_cents: int) -> tuple[int, Invoice]:
    """Add min(amount, due) to paid_cents; a concurrent change makes the UPDATE match no row
    and the due is read again."""
    for _ in range(_ATTEMPTS):
        invoice = await uow.session.get(Invoice, invoice_id, populate_existing=True)
        if invoice is None:
            raise NotFound("invoiceId")
        due = invoice.total_cents - invoice.paid_cents - invoice.credited_cents
        applied = min(amount_cents, max(due, 0))
        if applied == 0:
            return 0, invoice
        done = await uow.session.execute(
            update(Invoice)
            .where(col(Invoice.id) == invoice_id)
            .where(col(Invoice.paid_cents) == invoice.paid_cents)
            .where(col(Invoice.credited_cents) == invoice.credited_cents)
            .values(paid_cents=col(Invoice.paid_cents) + applied)
            .execution_options(synchronize_session=False)
        )
        if getattr(done, "rowcount", 0) == 1:
            await uow.session.refresh(invoice)
            return applied, invoice
    raise DomainError(ErrorCode.RATE_LIMITED, "invoiceId", retry_after=1)


async def _earlier(uow: UnitOfWork, invoice_id: int, source_ref: str) -> PaymentOutcome | None:
    payment = await uow.session.scalar(
        select(InvoicePayment)
        .where(col(InvoicePayment.invoice_id) == invoice_id)
        .where(col(InvoicePayment.source_ref) == source_ref[:100])
    )
    if payment is None:
        return None
    invoice = await uow.session.get(Invoice, invoice_id, populate_existing=True)
    assert invoice is not None
    return PaymentOutcome(
        InvoiceView.of(invoice), payment.amount_cents, 0, payment.transaction_id, payment.id
    )


async def first_wallet(uow: UnitOfWork, child_id: int) -> int:
    wallet_id = await uow.session.scalar(
        select(col(Wallet.id)).where(col(Wallet.child_id) == child_id).order_by(col(Wallet.slot))
    )
    if wallet_id is None:
        raise NotFound("walletId")
    return int(wallet_id)


def _label(invoice: Invoice) -> str:
    return f"Facture {invoice.school_year}-{invoice.number:04d} : {invoice.title}"
