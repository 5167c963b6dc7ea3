"""Online payments reconciled with their provider, for when a webhook never comes.

Every online payment (a top-up, or an invoice's: the same table) still PENDING some minutes
after it started is asked about at its provider: paid → credited through the webhook's own
path (`topups.settle_payment`, whose conditional UPDATE credits once however a webhook and the
reconciler race), failed → FAILED, the checkout's lifetime over → EXPIRED. The same loop drops announced transfers no statement
settled in time. It runs in every process; the database keeps them from doing anything twice.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update
from sqlmodel import col

from models.topups import TopUp, TopUpStatus
from payments.provider import CheckoutState, PaymentEvent, PaymentStatus
from payments.registry import Payments
from services.banking.announcements import drop_stale_announcements
from services.banking.receipts import mail_pending_receipts
from services.billing.reminders import send_invoice_reminders
from services.common.periodic import Periodic
from services.dashboard.weekly_summary import send_weekly_summaries
from services.sql.uow import Transactions, UnitOfWork
from services.wallets.topups import Settlement, settle_payment

BATCH = 200


@dataclass
class Reconciled:
    asked: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


async def reconcile_once(tx: Transactions, payments: Payments) -> Reconciled:
    """Ask about every payment pending for longer than the settings' delay, once each."""
    settings = tx.settings
    before = settings.clock() - timedelta(seconds=settings.reconcile_after_seconds)

    async def due(session):  # type: ignore[no-untyped-def]
        rows = await session.execute(
            select(col(TopUp.provider), col(TopUp.provider_payment_id))
            .where(
                col(TopUp.status) == TopUpStatus.PENDING,
                col(TopUp.created_at) <= before,
                col(TopUp.provider_payment_id).is_not(None),
            )
            .order_by(col(TopUp.id))
            .limit(BATCH)
        )
        return list(rows)

    report = Reconciled()
    for provider_name, payment_id in await tx.read(due):
        provider = payments.providers.get(provider_name)
        if provider is None:
            continue
        report.asked += 1
        answer = await provider.payment_status(payment_id)
        if answer.state in (CheckoutState.PAID, CheckoutState.FAILED):
            event = PaymentEvent(
                event_id=f"reconcile:{payment_id}",
                payment_id=payment_id,
                status=PaymentStatus(answer.state.value),
                amount_cents=answer.amount_cents or 0,
                currency=answer.currency or "",
                reference=answer.reference or "",
            )
            outcome: Settlement | str = await tx.run(
                lambda uow, e=event, p=provider_name: settle_payment(uow, p, e)  # type: ignore[misc]
            )
            report.count(str(outcome))
        elif answer.state is CheckoutState.EXPIRED:
            expired = await tx.run(
                lambda uow, p=provider_name, i=payment_id: _expire(uow, p, i)  # type: ignore[misc]
            )
            report.count("expired" if expired else "already_settled")
        else:
            report.count("pending")
    return report


async def _expire(uow: UnitOfWork, provider: str, payment_id: str) -> bool:
    result = await uow.session.execute(
        update(TopUp)
        .where(
            col(TopUp.provider) == provider,
            col(TopUp.provider_payment_id) == payment_id,
            col(TopUp.status) == TopUpStatus.PENDING,
        )
        .values(status=TopUpStatus.EXPIRED, settled_at=uow.now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


class Reconciler(Periodic[Reconciled]):
    """The background loop: reconcile, drop stale announcements, send what is due, again."""

    name = "payments-reconciler"

    def __init__(self, tx: Transactions, payments: Payments) -> None:
        super().__init__()
        self.tx = tx
        self.payments = payments

    def interval_seconds(self) -> float:
        return self.tx.settings.reconcile_poll_seconds

    async def run_once(self) -> Reconciled:
        report = await reconcile_once(self.tx, self.payments)
        await self.tx.run(drop_stale_announcements)
        await mail_pending_receipts(self.tx)
        # The periodic loop of the app also sends the weekly summaries that are due.
        await send_weekly_summaries(self.tx)
        # And the invoice reminders due (once per invoice and stage, whichever process sends).
        await send_invoice_reminders(self.tx)
        return report
