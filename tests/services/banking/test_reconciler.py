"""Online payments reconciled with the sandbox provider when no webhook comes: credited once if
paid (even racing the webhook), EXPIRED once the checkout's lifetime is over."""

import asyncio
from datetime import timedelta

import httpx

from models.sandbox_payments import SandboxPayment
from models.topups import TopUp, TopUpStatus
from payments.provider import PaymentStatus
from payments.sandbox import CHECKOUT_VALID_FOR, SandboxProvider
from services.banking.reconciler import reconcile_once
from services.sql.runtime import Runtime
from services.sql.uow import Transactions, UnitOfWork
from services.wallets import topups
from tests.factories import actor_for, gid
from tests.services.banking.helpers import Setting, balances, setting
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL

WEBHOOK = "/payments/webhooks/sandbox"


async def start(tx: Transactions, runtime: Runtime, s: Setting, cents: int, key: str) -> TopUp:
    view = await tx.run(
        lambda uow: topups.start_online_top_up(
            uow,
            actor_for(s.families[0].parent),
            runtime.payments,
            wallet_id=s.wallets[0][0].id,
            amount_cents=cents,
            idempotency_key=key,
        )
    )
    row = await tx.read(lambda session: session.get(TopUp, view.id))
    assert row is not None
    return row


async def payer_decides(tx: Transactions, top_up: TopUp, status: PaymentStatus) -> None:
    """What the sandbox's payment page records when the payer decides (its webhook then lost)."""

    async def decide(uow: UnitOfWork) -> None:
        assert top_up.provider_payment_id is not None
        uow.session.add(
            SandboxPayment(
                payment_id=top_up.provider_payment_id,
                amount_cents=top_up.amount_cents,
                currency="EUR",
                reference=f"topup:{top_up.id}",
                status=status.value,
                decided_at=uow.now,
                webhook_url="http://127.0.0.1:9/unreachable",
                event_id="evt_lost",
            )
        )

    await tx.run(decide)


async def status_of(tx: Transactions, top_up: TopUp) -> str:
    row = await tx.read(lambda session: session.get(TopUp, top_up.id, populate_existing=True))
    assert row is not None
    return row.status


async def test_a_paid_payment_without_webhook_is_credited_once_after_some_minutes(
    tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    s = await setting(tx, families=1)
    top_up = await start(tx, runtime, s, 2500, "lost-webhook")
    await payer_decides(tx, top_up, PaymentStatus.PAID)

    early = await reconcile_once(tx, runtime.payments)
    assert await status_of(tx, top_up) == TopUpStatus.PENDING  # too early to ask
    clock.advance(minutes=6)
    first = await reconcile_once(tx, runtime.payments)
    second = await reconcile_once(tx, runtime.payments)

    assert early.asked == 0
    assert first.outcomes.get("credited") == 1
    assert second.asked == 0
    assert await status_of(tx, top_up) == TopUpStatus.PAID
    assert await balances(tx, s) == [[2500, 0]]


async def test_webhook_and_reconciler_at_once_credit_once(
    tx: Transactions, runtime: Runtime, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    s = await setting(tx, families=1)
    top_up = await start(tx, runtime, s, 1700, "race")
    await payer_decides(tx, top_up, PaymentStatus.PAID)
    clock.advance(minutes=6)
    provider = runtime.payments.providers["sandbox"]
    assert isinstance(provider, SandboxProvider)
    payment = {"p": top_up.provider_payment_id, "a": 1700, "c": "EUR", "r": f"topup:{top_up.id}"}

    async def webhook() -> httpx.Response:
        body, headers = provider.webhook(payment, PaymentStatus.PAID, "evt_race")
        return await http.post(WEBHOOK, content=body, headers=headers)

    results = await asyncio.gather(
        webhook(),
        reconcile_once(tx, runtime.payments),
        webhook(),
        reconcile_once(tx, runtime.payments),
    )

    outcomes = [r.json()["outcome"] for r in results if isinstance(r, httpx.Response)]
    for r in results:
        if not isinstance(r, httpx.Response):
            outcomes.extend(o for o, n in r.outcomes.items() for _ in range(n))
    assert outcomes.count("credited") == 1
    assert await balances(tx, s) == [[1700, 0]]


async def test_a_checkout_nobody_paid_expires_with_its_lifetime(
    tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    s = await setting(tx, families=1)
    top_up = await start(tx, runtime, s, 900, "abandoned")

    clock.advance(minutes=10)
    await reconcile_once(tx, runtime.payments)
    still = await status_of(tx, top_up)
    clock.advance(CHECKOUT_VALID_FOR)
    report = await reconcile_once(tx, runtime.payments)

    assert still == TopUpStatus.PENDING
    assert report.outcomes == {"expired": 1}
    assert await status_of(tx, top_up) == TopUpStatus.EXPIRED
    assert await balances(tx, s) == [[0, 0]]


async def test_a_failed_payment_is_closed_failed(
    tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    s = await setting(tx, families=1)
    top_up = await start(tx, runtime, s, 600, "declined")
    await payer_decides(tx, top_up, PaymentStatus.FAILED)
    clock.advance(timedelta(minutes=6))
    await reconcile_once(tx, runtime.payments)
    assert await status_of(tx, top_up) == TopUpStatus.FAILED
    assert await balances(tx, s) == [[0, 0]]


async def test_a_wallets_top_ups_are_listed_latest_first_with_their_status(
    tx: Transactions, runtime: Runtime, gql: GraphQL, clock: FakeClock
) -> None:
    s = await setting(tx, families=2)
    first = await start(tx, runtime, s, 700, "first")
    clock.advance(minutes=1)
    await start(tx, runtime, s, 800, "second")
    await payer_decides(tx, first, PaymentStatus.PAID)
    clock.advance(minutes=6)
    await reconcile_once(tx, runtime.payments)

    query = """query($id: ID!) { node(id: $id) { ... on Wallet {
      topUps(first: 5) { amount { cents } status } } } }"""
    wallet = gid("Wallet", s.wallets[0][0].id)
    shown = await gql.as_(s.families[0].parent.token).data(query, {"id": wallet})
    assert shown["node"]["topUps"] == [
        {"amount": {"cents": 800}, "status": "PENDING"},
        {"amount": {"cents": 700}, "status": "PAID"},
    ]
    # Another family's wallet answers like a missing one.
    other = await gql.as_(s.families[1].parent.token).data(query, {"id": wallet})
    assert other == {"node": None}
