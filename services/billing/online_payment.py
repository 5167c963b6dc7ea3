"""startInvoicePayment: a parent pays what an invoice has due, online, at the top-ups' provider.

The payment is a row of `top_ups` naming the invoice, so the verified webhook
(`topups.settle_payment`), the sandbox, the return page and the reconciler serve it exactly as
they serve top-ups. Starting it credits nothing: the webhook (or the reconciler asking the
provider) pays the invoice through `pay_invoice` (ONLINE, from the online clearing account),
which never pays above the due and sends any excess to the child's first wallet.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.billing import Invoice
from models.family import Child
from models.topups import TopUp, TopUpStatus
from payments.provider import CheckoutRequest
from payments.registry import Payments
from services.accounts.actor import Actor
from services.billing.paying import first_wallet
from services.billing.reading import invoice_for
from services.billing.receipts import invoice_number
from services.common.errors import DomainError, ErrorCode, NotFound
from services.common.idempotency import actor_key, idempotent
from services.family.children import get_school
from services.sql.uow import UnitOfWork

CURRENCY = "EUR"


@dataclass(frozen=True)
class OnlinePaymentView:
    id: int
    invoice_id: int
    amount_cents: int
    status: TopUpStatus
    checkout_url: str | None

    @staticmethod
    def of(row: TopUp) -> "OnlinePaymentView":
        assert row.id is not None and row.invoice_id is not None
        return OnlinePaymentView(
            row.id, row.invoice_id, row.amount_cents, TopUpStatus(row.status), row.checkout_url
        )


async def start_invoice_payment(
    uow: UnitOfWork,
    actor: Actor,
    payments: Payments,
    *,
    invoice_id: int,
    idempotency_key: str,
) -> OnlinePaymentView:
    if not actor.is_parent:
        raise DomainError(ErrorCode.FORBIDDEN)  # the family pays; staff record transfers
    # Another family's invoice, or one not published yet: NOT_FOUND, as a missing one.
    invoice = await invoice_for(uow.session, actor, invoice_id)
    school = await get_school(uow.session, invoice.school_id)
    provider = payments.default
    if provider is None or not school.feature_online_top_up:
        raise DomainError(ErrorCode.FEATURE_DISABLED)

    async def create() -> int:
        # The due as it is now (the claim is taken): what the checkout asks for.
        row = await uow.session.get(Invoice, invoice_id, populate_existing=True)
        assert row is not None
        due = row.total_cents - row.paid_cents - row.credited_cents
        if due <= 0:
            raise DomainError(ErrorCode.NOTHING_DUE, "invoiceId")
        child = await uow.session.get(Child, row.child_id)
        assert child is not None
        payment = TopUp(
            school_id=row.school_id,
            child_id=row.child_id,
            # Where an excess lands (pay_invoice credits the same first wallet).
            wallet_id=await first_wallet(uow, row.child_id),
            invoice_id=invoice_id,
            amount_cents=due,
            provider=provider.name,
            created_by=actor.user_id,
            created_at=uow.now,
        )
        uow.session.add(payment)
        await uow.session.flush()
        assert payment.id is not None
        checkout = await provider.create_checkout(
            CheckoutRequest(
                amount_cents=due,
                currency=CURRENCY,
                reference=f"invoice-payment:{payment.id}",
                description=(
                    f"{school.name} — {row.title} ({invoice_number(invoice)})"
                    f" · {child.first_name} {child.last_name}"
                ),
                return_url=payments.return_url,
                webhook_url=payments.webhook_url(provider.name),
            )
        )
        payment.provider_payment_id = checkout.payment_id
        payment.checkout_url = checkout.checkout_url
        await uow.session.flush()
        return payment.id

    payment_id = await idempotent(
        uow,
        scope="startInvoicePayment",
        actor=actor_key(actor),
        key=idempotency_key,
        request={"invoice": invoice_id},
        work=create,
        encode=lambda made: {"id": made},
        decode=lambda data: int(data["id"]),
    )
    # The same key answers the same payment, as it is now (it may be paid by then).
    row = await uow.session.get(TopUp, payment_id, populate_existing=True)
    assert row is not None
    return OnlinePaymentView.of(row)


async def online_payment_for(
    session: AsyncSession, actor: Actor, payment_id: int
) -> OnlinePaymentView:
    """An invoice's online payment, for whoever may see that invoice (NOT_FOUND otherwise)."""
    row = await session.scalar(
        select(TopUp)
        .where(col(TopUp.id) == payment_id, col(TopUp.invoice_id).is_not(None))
        .execution_options(populate_existing=True)
    )
    if row is None or row.school_id != actor.school_id or row.invoice_id is None:
        raise NotFound("id")
    try:
        await invoice_for(session, actor, row.invoice_id)
    except NotFound:
        raise NotFound("id") from None
    return OnlinePaymentView.of(row)
