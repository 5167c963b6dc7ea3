"""Online top-ups: a PENDING top-up and a provider checkout; only a verified webhook credits.

An invoice's online payment (services/billing/online_payment.py) is a row of the same table
naming its invoice: settled here the same way, it pays the invoice instead of a wallet.

A payment is credited once per provider payment id, whatever the number and order of its
webhooks: the first "paid" turns the top-up PAID by a conditional UPDATE (the database decides
between racing deliveries) and credits the wallet in the same transaction. "failed" only
closes a PENDING top-up, so a late "paid" still credits and a late "failed" changes nothing.
"""

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.billing import InvoicePaymentMethod
from models.family import Child
from models.ledger import OperationType, PaymentMethod, SchoolAccount
from models.topups import TopUp, TopUpStatus
from payments.provider import CheckoutRequest, PaymentEvent, PaymentStatus
from payments.registry import Payments
from services.accounts.actor import Actor
from services.billing.paying import pay_invoice
from services.common.errors import DomainError, ErrorCode, NotFound
from services.common.idempotency import actor_key, idempotent
from services.family.children import get_school
from services.sql.uow import UnitOfWork
from services.wallets import ledger
from services.wallets.settings import money_settings
from services.wallets.views import WalletView
from services.wallets.wallets import wallet_for

log = logging.getLogger(__name__)
CURRENCY = "EUR"
TOP_UP_LABEL = "Rechargement en ligne"


@dataclass(frozen=True)
class TopUpView:
    id: int
    wallet: WalletView
    amount_cents: int
    status: TopUpStatus
    checkout_url: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "wallet": self.wallet.to_json(),
            "amountCents": self.amount_cents,
            "status": self.status.value,
            "checkoutUrl": self.checkout_url,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "TopUpView":
        return cls(
            int(data["id"]),
            WalletView.from_json(data["wallet"]),
            int(data["amountCents"]),
            TopUpStatus(data["status"]),
            data["checkoutUrl"],
        )


class Settlement(StrEnum):
    CREDITED = "credited"
    FAILED = "failed"
    ALREADY_SETTLED = "already_settled"
    UNKNOWN_PAYMENT = "unknown_payment"
    AMOUNT_MISMATCH = "amount_mismatch"


async def start_online_top_up(
    uow: UnitOfWork,
    actor: Actor,
    payments: Payments,
    *,
    wallet_id: int,
    amount_cents: int,
    idempotency_key: str,
) -> TopUpView:
    wallet = await wallet_for(uow.session, actor, wallet_id)
    provider = payments.default
    school = await get_school(uow.session, wallet.school_id)
    if provider is None or not school.feature_online_top_up:
        raise DomainError(ErrorCode.FEATURE_DISABLED)
    limits = await money_settings(uow.session, wallet.school_id)
    if not limits.top_up_min_cents <= amount_cents <= limits.top_up_max_cents:
        raise DomainError(
            ErrorCode.INVALID_AMOUNT,
            "amountCents",
            min=_euros(limits.top_up_min_cents),
            max=_euros(limits.top_up_max_cents),
        )

    async def create() -> TopUpView:
        child = await uow.session.get(Child, wallet.child_id)
        assert child is not None
        row = TopUp(
            school_id=wallet.school_id,
            child_id=wallet.child_id,
            wallet_id=wallet.id,
            amount_cents=amount_cents,
            provider=provider.name,
            created_by=actor.user_id,
            created_at=uow.now,
        )
        uow.session.add(row)
        await uow.session.flush()
        assert row.id is not None
        checkout = await provider.create_checkout(
            CheckoutRequest(
                amount_cents=amount_cents,
                currency=CURRENCY,
                reference=f"topup:{row.id}",
                description=f"{school.name} — {wallet.name} · {child.first_name} {child.last_name}",
                return_url=payments.return_url,
                webhook_url=payments.webhook_url(provider.name),
            )
        )
        row.provider_payment_id = checkout.payment_id
        row.checkout_url = checkout.checkout_url
        await uow.session.flush()
        return TopUpView(row.id, wallet, amount_cents, TopUpStatus.PENDING, checkout.checkout_url)

    return await idempotent(
        uow,
        scope="startOnlineTopUp",
        actor=actor_key(actor),
        key=idempotency_key,
        request={"wallet": wallet.id, "amount": amount_cents},
        work=create,
        encode=TopUpView.to_json,
        decode=TopUpView.from_json,
    )


async def settle_payment(uow: UnitOfWork, provider: str, event: PaymentEvent) -> Settlement:
    """Apply a verified webhook. Safe to call any number of times, in any order."""
    top_up = await uow.session.scalar(
        select(TopUp).where(
            col(TopUp.provider) == provider, col(TopUp.provider_payment_id) == event.payment_id
        )
    )
    if top_up is None:
        return Settlement.UNKNOWN_PAYMENT
    if event.status == PaymentStatus.FAILED:
        closed = await _set_status(uow, top_up, TopUpStatus.FAILED, only_from=TopUpStatus.PENDING)
        return Settlement.FAILED if closed else Settlement.ALREADY_SETTLED
    if event.amount_cents != top_up.amount_cents or event.currency != CURRENCY:
        log.error("payment %s reports %s %s", event.payment_id, event.amount_cents, event.currency)
        return Settlement.AMOUNT_MISMATCH
    if not await _set_status(uow, top_up, TopUpStatus.PAID, only_from=None):
        return Settlement.ALREADY_SETTLED
    if top_up.invoice_id is not None:
        # An invoice's payment: the one invoice payment path, never above the due, any
        # excess (paid meanwhile by wallet or transfer) to the child's first wallet.
        outcome = await pay_invoice(
            uow,
            top_up.invoice_id,
            top_up.amount_cents,
            InvoicePaymentMethod.ONLINE,
            source_ref=f"online:{top_up.id}",
        )
        transaction_id = outcome.transaction_id
    else:
        posted = await ledger.credit_wallet(
            uow,
            wallet_id=top_up.wallet_id,
            amount_cents=top_up.amount_cents,
            source=SchoolAccount.ONLINE_CLEARING,
            type=OperationType.TOP_UP,
            label=TOP_UP_LABEL,
            method=PaymentMethod.ONLINE,
        )
        transaction_id = posted.transaction_id
    await uow.session.execute(
        update(TopUp).where(col(TopUp.id) == top_up.id).values(transaction_id=transaction_id)
    )
    return Settlement.CREDITED


async def top_up_for(session: AsyncSession, actor: Actor, top_up_id: int) -> TopUpView:
    row = await session.scalar(
        select(TopUp)
        .where(col(TopUp.id) == top_up_id, col(TopUp.invoice_id).is_(None))
        .execution_options(populate_existing=True)
    )
    if row is None or row.school_id != actor.school_id:
        raise NotFound("topUpId")
    wallet = await wallet_for(session, actor, row.wallet_id, "topUpId")
    return TopUpView(top_up_id, wallet, row.amount_cents, TopUpStatus(row.status), row.checkout_url)


async def _set_status(
    uow: UnitOfWork, top_up: TopUp, status: TopUpStatus, only_from: TopUpStatus | None
) -> bool:
    """One conditional UPDATE: True for the one delivery that made the change."""
    condition = (
        col(TopUp.status) == only_from if only_from is not None else col(TopUp.status) != status
    )
    result = await uow.session.execute(
        update(TopUp)
        .where(col(TopUp.id) == top_up.id, condition)
        .values(status=status, settled_at=uow.now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _euros(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


MAX_TOP_UPS = 50


async def wallet_top_ups(
    session: AsyncSession, actor: Actor, wallet_id: int, first: int
) -> list[TopUpView]:
    """The wallet's online top-ups, latest first (NOT_FOUND for another family's wallet);
    invoices' online payments are the invoice's, not listed here."""
    wallet = await wallet_for(session, actor, wallet_id)
    rows = await session.execute(
        select(col(TopUp.id), col(TopUp.amount_cents), col(TopUp.status), col(TopUp.checkout_url))
        .where(col(TopUp.wallet_id) == wallet.id, col(TopUp.invoice_id).is_(None))
        .order_by(col(TopUp.created_at).desc(), col(TopUp.id).desc())
        .limit(max(0, min(first, MAX_TOP_UPS)))
    )
    return [
        TopUpView(int(row_id or 0), wallet, cents, TopUpStatus(status), url)
        for row_id, cents, status, url in rows
    ]
