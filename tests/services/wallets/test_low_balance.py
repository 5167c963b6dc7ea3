"""Low-balance alerts as the guardians receive them: one mail when a debit crosses the
threshold, not again until the balance is back up, never twice a day, once under a race."""

import asyncio

import pytest

from models.ledger import OperationType, SchoolAccount
from services.common.errors import NotFound
from services.sql.runtime import Runtime
from services.sql.uow import Transactions, UnitOfWork
from services.wallets import ledger, low_balance
from tests.factories import actor_for, fund, make_family, make_school, wallets_of
from tests.support.clock import FakeClock
from tests.support.ledger import assert_ledger_balanced
from tests.support.mail import mails_to, text_of


async def spend(tx: Transactions, wallet_id: int, cents: int) -> None:
    await tx.run(
        lambda uow: ledger.debit_wallet(
            uow,
            wallet_id=wallet_id,
            amount_cents=cents,
            to=SchoolAccount.SALES_REVENUE,
            type=OperationType.PURCHASE,
            label="Cantine",
        )
    )


async def alerts(runtime: Runtime, address: str) -> list[str]:
    return [m["subject"] for m in await mails_to(runtime, address) if "Repas" in m["subject"]]


async def test_one_mail_per_crossing_and_per_day(
    tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    family = await make_family(tx, await make_school(tx), locale="en")
    meals = (await wallets_of(tx, family.child))[0]
    address = family.parent.user.email
    await fund(tx, meals.id, 1_000)  # default threshold: 5.00

    await spend(tx, meals.id, 400)  # 6.00: above
    assert await alerts(runtime, address) == []
    await spend(tx, meals.id, 200)  # 4.00: crosses
    [mail] = await mails_to(runtime, address)
    assert "low balance" in mail["subject"]
    assert "has gone below €5.00: €4.00 is left" in text_of(mail)
    await spend(tx, meals.id, 100)  # still below: nothing more
    await fund(tx, meals.id, 500)  # 8.00: back up
    await spend(tx, meals.id, 400)  # 4.00: crosses again the same day
    assert len(await alerts(runtime, address)) == 1

    clock.advance(days=1)
    await spend(tx, meals.id, 50)  # still below, but it was back up since: the next day, mailed
    assert len(await alerts(runtime, address)) == 2
    await spend(tx, meals.id, 50)
    clock.advance(days=1)
    await spend(tx, meals.id, 50)  # below all along since the last mail: nothing
    assert len(await alerts(runtime, address)) == 2
    await assert_ledger_balanced(tx)


async def test_concurrent_debits_crossing_mail_once(tx: Transactions, runtime: Runtime) -> None:
    family = await make_family(tx, await make_school(tx))
    meals = (await wallets_of(tx, family.child))[0]
    await fund(tx, meals.id, 1_000)
    await asyncio.gather(*(spend(tx, meals.id, 90) for _ in range(10)))
    assert (await wallets_of(tx, family.child))[0].balance_cents == 100
    assert len(await alerts(runtime, family.parent.user.email)) == 1


async def test_own_threshold_or_none_and_only_for_ones_own_children(
    tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    school = await make_school(tx)
    family, other = await make_family(tx, school), await make_family(tx, school)
    meals, activities = await wallets_of(tx, family.child)
    parent = actor_for(family.parent)
    await fund(tx, meals.id, 2_000)
    await fund(tx, activities.id, 2_000)

    raised = await tx.run(
        lambda uow: low_balance.set_alert(
            uow, parent, meals.id, threshold_cents=1_500, enabled=True
        )
    )
    assert (raised.threshold_cents, raised.own_threshold, raised.below) == (1_500, True, False)
    off = await tx.run(
        lambda uow: low_balance.set_alert(
            uow, parent, activities.id, threshold_cents=None, enabled=False
        )
    )
    assert (off.threshold_cents, off.enabled) == (500, False)
    await spend(tx, meals.id, 600)  # 14.00 < 15.00
    await spend(tx, activities.id, 1_900)  # 1.00, alert off
    subjects = [m["subject"] for m in await mails_to(runtime, family.parent.user.email)]
    assert len(subjects) == 1 and "Repas" in subjects[0]
    settings = await tx.read(lambda s: low_balance.alert_settings(s, [meals.id, activities.id]))
    assert settings[meals.id].below and settings[activities.id].below

    stranger = actor_for(other.parent)
    for wallet_id in (meals.id, 10**9):

        async def change(uow: UnitOfWork, w: int = wallet_id) -> low_balance.AlertSetting:
            return await low_balance.set_alert(uow, stranger, w, threshold_cents=0, enabled=False)

        with pytest.raises(NotFound) as refused:
            await tx.run(change)
        assert refused.value.field == "walletId"
    assert (await tx.read(lambda s: low_balance.alert_settings(s, [meals.id])))[meals.id].enabled
