"""payInvoiceFromWallet: a parent pays an invoice of their child from one of its wallets.

One ledger transaction (INVOICE_PAYMENT / WALLET on the wallet's operations) through the one
payment path. FEATURE_DISABLED when the school has the switch off. The whole due is taken, and a wallet
holding less answers INSUFFICIENT_FUNDS, unless the school allows partial payments: then what
the wallet holds pays min(balance, due) (an empty wallet: INSUFFICIENT_FUNDS). Nothing due:
NOTHING_DUE. Idempotent by key like wallet mutations.
"""

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from models.billing import Invoice, InvoicePaymentMethod
from models.wallets import Wallet
from services.accounts.actor import Actor
from services.billing.paying import pay_invoice
from services.common.errors import DomainError, ErrorCode, NotFound
from services.common.idempotency import actor_key, idempotent
from services.family.children import child_for, get_school
from services.sql.uow import UnitOfWork
from services.wallets.wallets import wallet_for


@dataclass(frozen=True)
class WalletPayment:
    invoice_id: int
    applied_cents: int
    transaction_id: int | None


async def pay_invoice_from_wallet(
    uow: UnitOfWork, actor: Actor, *, invoice_id: int, wallet_id: int, idempotency_key: str
) -> WalletPayment:
    invoice = await uow.session.get(Invoice, invoice_id)
    if invoice is None or invoice.school_id != actor.school_id:
        raise NotFound("invoiceId")
    try:
        await child_for(uow.session, actor, invoice.child_id)
    except NotFound:
        raise NotFound("invoiceId") from None
    wallet = await wallet_for(uow.session, actor, wallet_id)
    if wallet.child_id != invoice.child_id:
        raise NotFound("walletId")
    school = await get_school(uow.session, invoice.school_id)
    if not school.feature_pay_invoice_from_wallet:
        raise DomainError(ErrorCode.FEATURE_DISABLED)

    async def pay() -> WalletPayment:
        due = invoice.total_cents - invoice.paid_cents - invoice.credited_cents
        if due <= 0:
            raise DomainError(ErrorCode.NOTHING_DUE, "invoiceId")
        amount = due
        if school.invoice_partial_payments:
            # The balance as of now; a debit racing this one makes the ledger refuse, whole.
            balance = await uow.session.scalar(
                select(col(Wallet.balance_cents)).where(col(Wallet.id) == wallet_id)
            )
            amount = min(int(balance or 0), due)
            if amount <= 0:
                raise DomainError(ErrorCode.INSUFFICIENT_FUNDS, "amountCents")
        outcome = await pay_invoice(
            uow,
            invoice_id,
            amount,
            InvoicePaymentMethod.WALLET,
            source_ref=f"wallet:{idempotency_key.strip()[:80]}",
            wallet_id=wallet_id,
        )
        return WalletPayment(invoice_id, outcome.applied_cents, outcome.transaction_id)

    def decode(data: Any) -> WalletPayment:
        return WalletPayment(**data)

    return await idempotent(
        uow,
        scope="payInvoiceFromWallet",
        actor=actor_key(actor),
        key=idempotency_key,
        request={"invoice": invoice_id, "wallet": wallet_id},
        work=pay,
        encode=asdict,
        decode=decode,
    )
