"""The posting functions other domains call: double entry, conditional balances, reversals, events."""

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.ledger import LedgerTransaction, OperationType, PaymentMethod, Posting, SchoolAccount
from pubsub.deliveries import Message
from services.common.errors import DomainError
from services.sql.runtime import Runtime
from services.sql.uow import Transactions, UnitOfWork
from services.wallets import ledger
from services.wallets.views import Posted, wallet_channel
from tests.factories import fund, make_family, make_school, wallets_of


async def outcome(tx: Transactions, work: Callable[[UnitOfWork], Awaitable[Any]]) -> str:
    """ "ok" or the error code a service call ended with."""
    try:
        await tx.run(work)
    except DomainError as error:
        return error.code.value
    return "ok"


def meal(wallet_id: int, cents: int) -> Callable[[UnitOfWork], Awaitable[Posted]]:
    return lambda uow: ledger.debit_wallet(
        uow,
        wallet_id=wallet_id,
        amount_cents=cents,
        to=SchoolAccount.MEAL_REVENUE,
        type=OperationType.MEAL,
        label="Repas du 03/12 : Pâtes",
    )


async def transactions_count(tx: Transactions) -> int:
    async def count(session: AsyncSession) -> int:
        return int(await session.scalar(select(func.count()).select_from(LedgerTransaction)) or 0)

    return await tx.read(count)


async def test_a_debit_moves_money_from_the_wallet_to_the_school_account(tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, _ = await wallets_of(tx, family.child)
    await fund(tx, meals.id, 1000)

    posted = await tx.run(meal(meals.id, 450))

    [operation] = posted.operations
    assert (operation.type, operation.method) == (OperationType.MEAL, PaymentMethod.WALLET)
    assert (operation.amount_cents, operation.balance_after_cents) == (-450, 550)
    assert operation.label == "Repas du 03/12 : Pâtes"
    assert posted.wallets[0].balance_cents == 550
    postings = await tx.read(
        lambda s: s.scalars(
            select(Posting).where(col(Posting.transaction_id) == posted.transaction_id)
        )
    )
    assert sorted(p.amount_cents for p in postings) == [-450, 450]
    assert (await wallets_of(tx, family.child))[0].balance_cents == 550


async def test_not_enough_money_refuses_and_writes_nothing(tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, _ = await wallets_of(tx, family.child)
    await fund(tx, meals.id, 400)
    before = await transactions_count(tx)

    assert await outcome(tx, meal(meals.id, 450)) == "INSUFFICIENT_FUNDS"

    assert (await wallets_of(tx, family.child))[0].balance_cents == 400
    assert await transactions_count(tx) == before


async def test_a_wallet_of_another_school_is_not_found(tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, _ = await wallets_of(tx, family.child)
    other = await make_family(tx, await make_school(tx))
    theirs, _ = await wallets_of(tx, other.child)
    await fund(tx, theirs.id, 1000)

    def across(uow: UnitOfWork) -> Awaitable[Posted]:
        return ledger.post(
            uow,
            method=PaymentMethod.INTERNAL,
            memo="across schools",
            wallet_legs=[
                ledger.WalletLeg(theirs.id, -100, OperationType.TRANSFER_OUT, "x"),
                ledger.WalletLeg(meals.id, 100, OperationType.TRANSFER_IN, "x"),
            ],
        )

    assert await outcome(tx, across) == "NOT_FOUND"
    assert (await wallets_of(tx, other.child))[0].balance_cents == 1000


async def test_unbalanced_transactions_are_a_programming_error(tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, _ = await wallets_of(tx, family.child)
    with pytest.raises(ValueError, match="unbalanced"):
        await tx.run(
            lambda uow: ledger.post(
                uow,
                method=PaymentMethod.INTERNAL,
                memo="money from nowhere",
                wallet_legs=[ledger.WalletLeg(meals.id, 100, OperationType.ADJUSTMENT, "x")],
            )
        )
    assert (await wallets_of(tx, family.child))[0].balance_cents == 0


async def test_the_database_refuses_a_negative_balance_whoever_writes_it(tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, _ = await wallets_of(tx, family.child)
    with pytest.raises(IntegrityError):
        await tx.run(
            lambda uow: uow.session.execute(
                text("UPDATE wallets SET balance_cents = -1 WHERE id = :id"), {"id": meals.id}
            )
        )


async def test_a_refund_reverses_the_debit_once_and_links_to_it(tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, _ = await wallets_of(tx, family.child)
    await fund(tx, meals.id, 1000)
    debit = await tx.run(meal(meals.id, 450))

    refund = await tx.run(
        lambda uow: ledger.reverse(
            uow, debit.transaction_id, type=OperationType.MEAL_REFUND, label="Annulation"
        )
    )

    [operation] = refund.operations
    assert (operation.type, operation.amount_cents) == (OperationType.MEAL_REFUND, 450)
    assert operation.balance_after_cents == 1000
    row = await tx.read(lambda s: s.get(LedgerTransaction, refund.transaction_id))
    assert row is not None and row.reverses_id == debit.transaction_id
    again = await outcome(
        tx,
        lambda uow: ledger.reverse(
            uow, debit.transaction_id, type=OperationType.MEAL_REFUND, label="Annulation"
        ),
    )
    assert again == "ALREADY_CANCELLED"
    assert (await wallets_of(tx, family.child))[0].balance_cents == 1000


async def test_racing_refunds_of_one_debit_credit_once(tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, _ = await wallets_of(tx, family.child)
    await fund(tx, meals.id, 1000)
    debit = await tx.run(meal(meals.id, 450))

    results = await asyncio.gather(
        *[
            outcome(
                tx,
                lambda uow: ledger.reverse(
                    uow, debit.transaction_id, type=OperationType.MEAL_REFUND, label="Annulation"
                ),
            )
            for _ in range(10)
        ]
    )

    assert Counter(results) == {"ok": 1, "ALREADY_CANCELLED": 9}
    assert (await wallets_of(tx, family.child))[0].balance_cents == 1000


async def test_fifty_concurrent_ten_euro_debits_on_a_hundred_euros(tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, _ = await wallets_of(tx, family.child)
    await fund(tx, meals.id, 10_000)

    results = await asyncio.gather(*[outcome(tx, meal(meals.id, 1000)) for _ in range(50)])

    assert Counter(results) == {"ok": 10, "INSUFFICIENT_FUNDS": 40}
    assert (await wallets_of(tx, family.child))[0].balance_cents == 0
    afters = await tx.read(
        lambda s: s.scalars(
            select(col(Posting.balance_after_cents)).where(
                col(Posting.wallet_id) == meals.id,
                col(Posting.operation_type) == OperationType.MEAL,
            )
        )
    )
    # Each success saw the balance the previous one left: never below zero, never twice the same.
    assert sorted(a or 0 for a in afters) == list(range(0, 10_000, 1000))


async def test_every_movement_is_pushed_on_the_childs_channel(
    tx: Transactions, runtime: Runtime
) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, _ = await wallets_of(tx, family.child)
    assert family.child.id is not None
    async with runtime.pubsub.subscribe(wallet_channel(family.child.id)) as subscription:
        deliveries = aiter(subscription)
        await fund(tx, meals.id, 1000)
        posted = await tx.run(meal(meals.id, 450))
        first_delivery = await asyncio.wait_for(anext(deliveries), 5)
        second_delivery = await asyncio.wait_for(anext(deliveries), 5)
    assert isinstance(first_delivery, Message) and isinstance(second_delivery, Message)
    first, second = first_delivery.payload, second_delivery.payload

    assert second["sequence"] == first["sequence"] + 1
    assert second["wallet"] == {
        "id": meals.id,
        "schoolId": meals.school_id,
        "childId": family.child.id,
        "slot": 1,
        "name": "Repas",
        "balanceCents": 550,
        "structuredCommunication": meals.structured_communication,
    }
    operation = second["operation"]
    assert operation["id"] == posted.operations[0].id
    assert (operation["type"], operation["method"]) == ("MEAL", "WALLET")
    assert (operation["amountCents"], operation["balanceAfterCents"]) == (-450, 550)
    assert operation["label"] == "Repas du 03/12 : Pâtes"
