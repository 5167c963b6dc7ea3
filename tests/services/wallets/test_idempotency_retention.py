"""Idempotency keys are forgotten after the retention window, and only then."""

from datetime import timedelta

from services.common.idempotency import forget_claimed_before
from services.sql.uow import Transactions
from services.wallets import wallets
from tests.factories import actor_for, fund, make_family, make_school, wallets_of
from tests.support.clock import FakeClock


async def transfer(tx: Transactions, who, source: int, target: int, key: str) -> None:
    await tx.run(
        lambda uow: wallets.transfer(
            uow,
            actor_for(who),
            from_wallet_id=source,
            to_wallet_id=target,
            amount_cents=100,
            idempotency_key=key,
        )
    )


async def test_old_keys_are_forgotten_and_recent_ones_still_answer(
    tx: Transactions, clock: FakeClock
) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, activities = await wallets_of(tx, family.child)
    await fund(tx, activities.id, 1000)
    await transfer(tx, family.parent, activities.id, meals.id, "old")
    clock.advance(days=20)
    await transfer(tx, family.parent, activities.id, meals.id, "recent")
    clock.advance(days=11)

    forgotten = await tx.run(lambda uow: forget_claimed_before(uow, clock() - timedelta(days=30)))

    assert forgotten == 1
    # The recent key still replays: no second effect.
    await transfer(tx, family.parent, activities.id, meals.id, "recent")
    assert [w.balance_cents for w in await wallets_of(tx, family.child)] == [200, 800]
    # The forgotten key is a new request now.
    await transfer(tx, family.parent, activities.id, meals.id, "old")
    assert [w.balance_cents for w in await wallets_of(tx, family.child)] == [300, 700]
