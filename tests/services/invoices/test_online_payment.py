"""An invoice's online payment reconciled like a top-up: the reconciler pays it when the webhook
is lost, a webhook and the reconciler racing pay it once, FAILED or EXPIRED leave it open."""

import asyncio
from dataclasses import dataclass
from datetime import date

import httpx
import pytest

from models.accounts import Role
from models.billing import Invoice, InvoicePaymentMethod
from models.sandbox_payments import SandboxPayment
from models.topups import TopUp, TopUpStatus
from payments.provider import PaymentStatus
from payments.registry import Payments
from payments.sandbox import CHECKOUT_VALID_FOR
from services.banking.reconciler import reconcile_once
from services.billing import reading
from services.billing.issuing import issue_invoice
from services.billing.online_payment import start_invoice_payment
from services.billing.paying import pay_invoice
from services.billing.views import LineInput
from services.common.errors import DomainError, ErrorCode
from services.sql.runtime import Runtime
from services.sql.uow import Transactions, UnitOfWork
from tests.api.invoices.online import deliver
from tests.api.invoices.support import publish
from tests.factories import Family, actor_for, make_family, make_school, make_user, pk, wallets_of
from tests.support.clock import FakeClock


@dataclass
class Billed:
    family: Family
    invoice_id: int


async def billed(tx: Transactions, cents: int = 3200) -> Billed:
    school = await make_school(tx)
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    family = await make_family(tx, school)
    view = await tx.run(
        lambda uow: issue_invoice(
            uow,
            staff,
            pk(family.child),
            "Piscine",
            [LineInput("Entrées", 1, cents)],
            date(2026, 11, 2),
            date(2026, 11, 30),
        )
    )
    await publish(tx, school, family.child, view.id)
    return Billed(family, view.id)


async def started(tx: Transactions, runtime: Runtime, b: Billed, key: str) -> TopUp:
    view = await tx.run(
        lambda uow: start_invoice_payment(
            uow,
            actor_for(b.family.parent),
            runtime.payments,
            invoice_id=b.invoice_id,
            idempotency_key=key,
        )
    )
    return await row(tx, view.id)


async def row(tx: Transactions, payment_id: int | None) -> TopUp:
    found = await tx.read(lambda s: s.get(TopUp, payment_id, populate_existing=True))
    assert found is not None
    return found


async def payer_decides(tx: Transactions, payment: TopUp, status: PaymentStatus) -> None:
    """What the sandbox's page records when the payer decides, its webhook then lost."""

    async def decide(uow: UnitOfWork) -> None:
        assert payment.provider_payment_id is not None
        uow.session.add(
            SandboxPayment(
                payment_id=payment.provider_payment_id,
                amount_cents=payment.amount_cents,
                currency="EUR",
                reference=f"invoice-payment:{payment.id}",
                status=status.value,
                decided_at=uow.now,
                webhook_url="http://127.0.0.1:9/unreachable",
                event_id="evt_lost",
            )
        )

    await tx.run(decide)


async def invoice_state(tx: Transactions, b: Billed) -> tuple[int, list[tuple[str, int]]]:
    """What the invoice has paid, and its payments (method, amount)."""
    invoice = await tx.read(lambda s: s.get(Invoice, b.invoice_id, populate_existing=True))
    assert invoice is not None
    payments = await tx.read(lambda s: reading.payments_of(s, b.invoice_id))
    return invoice.paid_cents, [(p.method, p.amount_cents) for p in payments]


async def balances(tx: Transactions, b: Billed) -> list[int]:
    return [w.balance_cents for w in await wallets_of(tx, b.family.child)]


async def test_the_reconciler_alone_pays_the_invoice_when_the_webhook_is_lost(
    tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    b = await billed(tx)
    payment = await started(tx, runtime, b, "lost")
    await payer_decides(tx, payment, PaymentStatus.PAID)

    early = await reconcile_once(tx, runtime.payments)
    clock.advance(minutes=6)
    first = await reconcile_once(tx, runtime.payments)
    second = await reconcile_once(tx, runtime.payments)

    assert early.asked == 0 and second.asked == 0
    assert first.outcomes == {"credited": 1}
    assert (await row(tx, payment.id)).status == TopUpStatus.PAID
    assert await invoice_state(tx, b) == (3200, [(InvoicePaymentMethod.ONLINE, 3200)])
    assert await balances(tx, b) == [0, 0]


async def test_webhook_and_reconciler_racing_pay_once(
    tx: Transactions, runtime: Runtime, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    b = await billed(tx, 1700)
    payment = await started(tx, runtime, b, "race")
    await payer_decides(tx, payment, PaymentStatus.PAID)
    clock.advance(minutes=6)

    results = await asyncio.gather(
        deliver(http, runtime, payment, event_id="evt_a"),
        reconcile_once(tx, runtime.payments),
        deliver(http, runtime, payment, event_id="evt_b"),
        reconcile_once(tx, runtime.payments),
    )

    outcomes = [r for r in results if isinstance(r, str)]
    for report in results:
        if not isinstance(report, str):
            outcomes.extend(o for o, n in report.outcomes.items() for _ in range(n))
    assert outcomes.count("credited") == 1
    assert await invoice_state(tx, b) == (1700, [(InvoicePaymentMethod.ONLINE, 1700)])
    assert await balances(tx, b) == [0, 0]  # nothing paid twice, so no excess either


async def test_paid_by_transfer_before_the_reconciler_the_money_goes_to_the_wallet(
    tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    b = await billed(tx, 2000)
    payment = await started(tx, runtime, b, "twice")
    await payer_decides(tx, payment, PaymentStatus.PAID)
    await tx.run(
        lambda uow: pay_invoice(
            uow, b.invoice_id, 2000, InvoicePaymentMethod.BANK_TRANSFER, source_ref="t:1"
        )
    )
    clock.advance(minutes=6)

    report = await reconcile_once(tx, runtime.payments)

    assert report.outcomes == {"credited": 1}
    assert await invoice_state(tx, b) == (2000, [(InvoicePaymentMethod.BANK_TRANSFER, 2000)])
    assert await balances(tx, b) == [2000, 0]  # the child's first wallet


async def test_failed_or_expired_payments_leave_the_invoice_open(
    tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    b = await billed(tx, 900)
    declined = await started(tx, runtime, b, "declined")
    await payer_decides(tx, declined, PaymentStatus.FAILED)
    abandoned = await started(tx, runtime, b, "abandoned")

    clock.advance(minutes=6)
    first = await reconcile_once(tx, runtime.payments)
    clock.advance(CHECKOUT_VALID_FOR)
    second = await reconcile_once(tx, runtime.payments)

    assert first.outcomes == {"failed": 1, "pending": 1}
    assert second.outcomes == {"expired": 1}
    assert (await row(tx, declined.id)).status == TopUpStatus.FAILED
    assert (await row(tx, abandoned.id)).status == TopUpStatus.EXPIRED
    assert await invoice_state(tx, b) == (0, [])
    assert await balances(tx, b) == [0, 0]


async def test_without_a_payment_provider_it_is_disabled(tx: Transactions) -> None:
    b = await billed(tx)
    with pytest.raises(DomainError) as refused:
        await tx.run(
            lambda uow: start_invoice_payment(
                uow,
                actor_for(b.family.parent),
                Payments(public_url="http://cartable.test"),
                invoice_id=b.invoice_id,
                idempotency_key="no-provider",
            )
        )
    assert refused.value.code is ErrorCode.FEATURE_DISABLED
