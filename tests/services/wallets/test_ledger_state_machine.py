"""A Hypothesis state machine over every way money moves, against a model of every balance.

Steps: online top-ups and their webhooks (paid, failed, duplicated, late, in any order — sent
signed over HTTP to the app), transfers, purchases, refunds, and retries of earlier requests
with the same key (same or other arguments). After each step: every balance equals the model's
and the ledger balances (each wallet == its postings, each transaction sums to zero).

The machine runs in a worker thread; each step runs its coroutine on the test's event loop,
where the app, its engine and the ASGI client live.
"""

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from models.sales import DeviceKind
from models.topups import TopUp
from payments.provider import PaymentStatus
from payments.sandbox import SandboxProvider
from services.common.errors import DomainError
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from services.wallets import sales, topups, wallets
from services.wallets.devices import DeviceActor, create_device
from tests.factories import actor_for, make_family, make_school, make_user, wallets_of
from tests.support.ledger import assert_ledger_balanced

T = TypeVar("T")
keys = itertools.count()


@dataclass
class Payment:
    top_up_id: int
    wallet: int  # index 0 or 1
    cents: int
    webhook: dict[str, Any]
    status: str = "PENDING"


@dataclass
class Request:
    """A money-moving call already made, to be retried with its key."""

    call: Callable[[int], Awaitable[Any]]  # amount -> the service call, with the same key
    cents: int
    answer: Any


class LedgerMachine(RuleBasedStateMachine):
    loop: asyncio.AbstractEventLoop
    tx: Transactions
    runtime: Runtime
    http: httpx.AsyncClient

    def run(self, work: Awaitable[T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result()  # type: ignore[arg-type]

    def attempt(self, work: Awaitable[Any]) -> Any:
        """The service's answer, or the code of its refusal."""
        try:
            return self.run(work)
        except DomainError as error:
            return error.code.value

    @initialize()
    def a_family(self) -> None:
        async def setup() -> None:
            school = await make_school(self.tx)
            self.staff = actor_for(await make_user(self.tx, school, "STAFF"))  # type: ignore[arg-type]
            family = await make_family(self.tx, school)
            assert family.child.id is not None
            self.parent, self.child, self.child_id = (
                actor_for(family.parent),
                family.child,
                family.child.id,
            )
            self.wallets = [w.id for w in await wallets_of(self.tx, family.child)]
            view, _ = await self.tx.run(
                lambda uow: create_device(uow, self.staff, name="Caisse", kind="canteen")
            )
            self.device = DeviceActor(view.id, view.school_id, view.name, DeviceKind.CANTEEN)

        self.run(setup())
        self.model = [0, 0]
        self.payments: list[Payment] = []
        self.delivered: list[tuple[Payment, PaymentStatus]] = []
        self.purchases: list[tuple[int, int, int]] = []  # (sale id, wallet index, total)
        self.refunded: set[int] = set()
        self.requests: list[Request] = []

    # ---- online top-ups and their webhooks -------------------------------------------------
    @rule(wallet=st.integers(0, 1), cents=st.integers(500, 5000))
    def start_top_up(self, wallet: int, cents: int) -> None:
        payments = self.runtime.payments
        view = self.run(
            self.tx.run(
                lambda uow: topups.start_online_top_up(
                    uow,
                    self.parent,
                    payments,
                    wallet_id=self.wallets[wallet],
                    amount_cents=cents,
                    idempotency_key=f"top-up-{next(keys)}",
                )
            )
        )
        row = self.run(self.tx.read(lambda s: s.get(TopUp, view.id)))
        assert row is not None
        webhook = {"p": row.provider_payment_id, "a": cents, "c": "EUR", "r": f"topup:{view.id}"}
        self.payments.append(Payment(view.id, wallet, cents, webhook))

    def deliver(self, payment: Payment, status: PaymentStatus) -> None:
        provider = self.runtime.payments.providers["sandbox"]
        assert isinstance(provider, SandboxProvider)
        body, headers = provider.webhook(payment.webhook, status, "evt")
        response = self.run(
            self.http.post("/payments/webhooks/sandbox", content=body, headers=headers)
        )
        assert response.status_code == 200, response.text
        if status == PaymentStatus.PAID and payment.status != "PAID":
            payment.status = "PAID"
            self.model[payment.wallet] += payment.cents
        elif status == PaymentStatus.FAILED and payment.status == "PENDING":
            payment.status = "FAILED"
        self.delivered.append((payment, status))

    @precondition(lambda self: self.payments)
    @rule(data=st.data(), paid=st.booleans())
    def webhook(self, data: st.DataObject, paid: bool) -> None:
        payment = data.draw(st.sampled_from(self.payments))
        self.deliver(payment, PaymentStatus.PAID if paid else PaymentStatus.FAILED)

    @precondition(lambda self: self.delivered)
    @rule(data=st.data(), times=st.integers(1, 3))
    def duplicate_webhook(self, data: st.DataObject, times: int) -> None:
        payment, status = data.draw(st.sampled_from(self.delivered))
        for _ in range(times):
            self.deliver(payment, status)

    # ---- transfers, purchases, refunds --------------------------------------------------------
    def expect(self, wallet: int, cents: int) -> str:
        if cents <= 0:
            return "INVALID_AMOUNT"
        return "ok" if cents <= self.model[wallet] else "INSUFFICIENT_FUNDS"

    @rule(source=st.integers(0, 1), cents=st.integers(-100, 4000))
    def transfer(self, source: int, cents: int) -> None:
        key = f"transfer-{next(keys)}"
        target = 1 - source

        def call(amount: int) -> Awaitable[Any]:
            return self.tx.run(
                lambda uow: wallets.transfer(
                    uow,
                    self.parent,
                    from_wallet_id=self.wallets[source],
                    to_wallet_id=self.wallets[target],
                    amount_cents=amount,
                    idempotency_key=key,
                )
            )

        self.request(call, cents, source, target)

    @rule(
        wallet=st.integers(0, 1),
        lines=st.lists(st.tuples(st.integers(1, 3), st.integers(0, 800)), min_size=1, max_size=3),
    )
    def purchase(self, wallet: int, lines: list[tuple[int, int]]) -> None:
        key = f"sale-{next(keys)}"
        total = sum(q * p for q, p in lines)

        def call(amount: int) -> Awaitable[Any]:
            # Another amount is another first line: the same key with other arguments.
            wanted = [sales.SaleLine("Article", q, p) for q, p in lines]
            if amount != total:
                wanted[0] = sales.SaleLine("Article", 1, amount)
            return self.tx.run(
                lambda uow: sales.record_sale(
                    uow,
                    self.device,
                    child_id=self.child_id,
                    wallet_id=self.wallets[wallet],
                    lines=wanted,
                    idempotency_key=key,
                )
            )

        answer = self.request(call, total, wallet, None)
        if isinstance(answer, sales.Purchase):
            self.purchases.append((answer.sales[0].id, wallet, total))

    def request(
        self, call: Callable[[int], Awaitable[Any]], cents: int, source: int, target: int | None
    ) -> Any:
        expected = self.expect(source, cents)
        answer = self.attempt(call(cents))
        assert (answer if isinstance(answer, str) else "ok") == expected, (answer, expected)
        if expected == "ok":
            self.model[source] -= cents
            if target is not None:
                self.model[target] += cents
        self.requests.append(Request(call, cents, answer))
        return answer

    @precondition(lambda self: self.purchases)
    @rule(data=st.data())
    def refund(self, data: st.DataObject) -> None:
        sale_id, wallet, total = data.draw(st.sampled_from(self.purchases))
        answer = self.attempt(
            self.tx.run(
                lambda uow: sales.refund_sale(
                    uow, self.staff, sale_id=sale_id, idempotency_key=f"refund-{next(keys)}"
                )
            )
        )
        if sale_id in self.refunded:
            assert answer == "ALREADY_CANCELLED"
        else:
            assert not isinstance(answer, str), answer
            self.refunded.add(sale_id)
            self.model[wallet] += total

    @precondition(lambda self: self.requests)
    @rule(data=st.data(), other_amount=st.booleans())
    def retry(self, data: st.DataObject, other_amount: bool) -> None:
        earlier = data.draw(st.sampled_from(self.requests))
        if isinstance(earlier.answer, str):
            return  # a refusal was not stored: its retry is a new request (covered above)
        amount = earlier.cents + 1 if other_amount else earlier.cents
        answer = self.attempt(earlier.call(amount))
        assert answer == ("IDEMPOTENCY_CONFLICT" if other_amount else earlier.answer)

    # ---- after every step --------------------------------------------------------------------
    @invariant()
    def balances_match_the_model_and_the_books_balance(self) -> None:
        found = self.run(wallets_of(self.tx, self.child))
        assert [w.balance_cents for w in found] == self.model
        self.run(assert_ledger_balanced(self.tx))


async def test_the_ledger_under_every_sequence_of_operations(
    tx: Transactions, runtime: Runtime, http: httpx.AsyncClient
) -> None:
    LedgerMachine.loop = asyncio.get_running_loop()
    LedgerMachine.tx, LedgerMachine.runtime, LedgerMachine.http = tx, runtime, http
    bounded = settings(max_examples=12, stateful_step_count=20, deadline=None, database=None)
    await asyncio.to_thread(run_state_machine_as_test, LedgerMachine, settings=bounded)
