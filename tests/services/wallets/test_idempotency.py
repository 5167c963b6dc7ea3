"""Idempotency keys: one effect and one answer per key, whatever the retries and races."""

import asyncio
from collections import Counter

from services.common.errors import DomainError
from services.common.idempotency import idempotent
from services.sql.uow import Transactions, UnitOfWork
from services.wallets import wallets
from services.wallets.views import Posted
from tests.factories import (
    actor_for,
    fund,
    make_child,
    make_family,
    make_school,
    make_user,
    wallets_of,
)


async def transfer(
    tx: Transactions, who, source: int, target: int, cents: int, key: str
) -> Posted | str:
    try:
        return await tx.run(
            lambda uow: wallets.transfer(
                uow,
                actor_for(who),
                from_wallet_id=source,
                to_wallet_id=target,
                amount_cents=cents,
                idempotency_key=key,
            )
        )
    except DomainError as error:
        return error.code.value


async def balances(tx: Transactions, child) -> list[int]:
    return [w.balance_cents for w in await wallets_of(tx, child)]


async def test_a_retry_gets_the_first_answer_and_moves_nothing(tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, activities = await wallets_of(tx, family.child)
    await fund(tx, activities.id, 2000)

    first = await transfer(tx, family.parent, activities.id, meals.id, 500, "k-1")
    await fund(tx, activities.id, 100)  # the balance moves on; the retry's answer does not
    retry = await transfer(tx, family.parent, activities.id, meals.id, 500, "k-1")

    assert isinstance(first, Posted)
    assert retry == first
    assert await balances(tx, family.child) == [500, 1600]


async def test_two_racing_requests_with_one_key_have_one_effect_and_one_answer(
    tx: Transactions,
) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, activities = await wallets_of(tx, family.child)
    await fund(tx, activities.id, 2000)

    answers = await asyncio.gather(
        *[transfer(tx, family.parent, activities.id, meals.id, 700, "race") for _ in range(20)]
    )

    assert all(isinstance(a, Posted) for a in answers)
    assert len(set(answers)) == 1
    assert await balances(tx, family.child) == [700, 1300]


async def test_the_same_key_with_other_arguments_is_a_conflict(tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, activities = await wallets_of(tx, family.child)
    await fund(tx, activities.id, 2000)
    await transfer(tx, family.parent, activities.id, meals.id, 500, "k-2")

    assert await transfer(tx, family.parent, activities.id, meals.id, 600, "k-2") == (
        "IDEMPOTENCY_CONFLICT"
    )
    assert await transfer(tx, family.parent, meals.id, activities.id, 500, "k-2") == (
        "IDEMPOTENCY_CONFLICT"
    )
    assert await balances(tx, family.child) == [500, 1500]


async def test_a_refusal_is_not_the_answer_for_its_key(tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, activities = await wallets_of(tx, family.child)
    await fund(tx, activities.id, 300)

    refused = await transfer(tx, family.parent, activities.id, meals.id, 500, "k-3")
    await fund(tx, activities.id, 300)
    accepted = await transfer(tx, family.parent, activities.id, meals.id, 500, "k-3")

    assert refused == "INSUFFICIENT_FUNDS"
    assert isinstance(accepted, Posted)
    assert await balances(tx, family.child) == [500, 100]


async def test_keys_belong_to_whoever_sent_them(tx: Transactions) -> None:
    school = await make_school(tx)
    mother, father = await make_user(tx, school), await make_user(tx, school)
    child = await make_child(tx, school, mother, father)
    meals, activities = await wallets_of(tx, child)
    await fund(tx, activities.id, 2000)

    assert isinstance(await transfer(tx, mother, activities.id, meals.id, 500, "same"), Posted)
    assert isinstance(await transfer(tx, father, activities.id, meals.id, 500, "same"), Posted)
    assert await balances(tx, child) == [1000, 1000]


async def test_a_key_must_be_given_and_short(tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, activities = await wallets_of(tx, family.child)
    await fund(tx, activities.id, 2000)
    assert await transfer(tx, family.parent, activities.id, meals.id, 5, "  ") == "INVALID_INPUT"
    assert await transfer(tx, family.parent, activities.id, meals.id, 5, "k" * 201) == (
        "INVALID_INPUT"
    )
    assert await balances(tx, family.child) == [0, 2000]


async def test_the_helper_runs_the_work_once_per_key(tx: Transactions) -> None:
    calls: Counter[str] = Counter()

    def once(key: str, value: int):
        async def work() -> int:
            calls[key] += 1
            return value * 10

        async def call(uow: UnitOfWork) -> int:
            return await idempotent(
                uow,
                scope="test",
                actor="tester",
                key=key,
                request={"value": value},
                work=work,
                encode=lambda r: {"r": r},
                decode=lambda d: int(d["r"]),
            )

        return tx.run(call)

    assert await asyncio.gather(*[once("a", 4) for _ in range(5)]) == [40] * 5
    assert calls == {"a": 1}
