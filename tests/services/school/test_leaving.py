"""Leavers at the service: the guardians' access ends with the clock, the setting applies to
current leavers, settled wallets refuse money (ledger, bulk credits, bank matching)."""

from datetime import timedelta
from functools import partial

import pytest
from sqlalchemy import select, update
from sqlmodel import col

from models.accounts import Role
from models.family import Child
from models.ledger import OperationType, PaymentMethod, SchoolAccount
from models.wallets import Wallet
from services.accounts.actor import Actor
from services.banking.matching import find_targets
from services.common.errors import DomainError, ErrorCode
from services.family.children import accessible_child_ids, child_for, children_of
from services.school.leaving import mark_leaver, set_leaver_access_days
from services.school.roster import import_roster
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from services.wallets import ledger, ledger_bulk
from tests.factories import actor_for, fund, make_family, make_school, make_user, pk, wallets_of
from tests.services.banking.helpers import digits
from tests.support.clock import FakeClock


async def test_access_ends_with_the_clock_and_follows_the_setting(
    tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    start = clock()
    school = await make_school(tx)
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    teacher = actor_for(await make_user(tx, school, Role.TEACHER))
    family = await make_family(tx, school, children=2)
    leaver, sibling = (pk(c) for c in family.children)
    parent = Actor(family.parent.id, pk(school), Role.PARENT, "fr", clock=clock)
    for refused in (actor_for(family.parent), teacher):
        with pytest.raises(DomainError) as error:
            await tx.run(partial(mark_leaver, actor=refused, child_id=leaver))
        assert error.value.code == ErrorCode.FORBIDDEN
        with pytest.raises(DomainError):
            await tx.run(partial(set_leaver_access_days, actor=refused, days=5))
    await tx.run(lambda uow: set_leaver_access_days(uow, staff, 7))
    left = await tx.run(lambda uow: mark_leaver(uow, staff, leaver))
    again = await tx.run(lambda uow: mark_leaver(uow, staff, leaver))
    assert again.left_at == left.left_at  # a leaver keeps its date

    async def visible() -> set[int]:
        async with runtime.database.read() as session:
            listed = {pk(c) for c in await children_of(session, parent)}
            reachable = await accessible_child_ids(session, parent, [leaver, sibling])
            assert listed == reachable
            return reachable

    assert await visible() == {leaver, sibling}
    clock.advance(days=7, seconds=-1)
    assert await visible() == {leaver, sibling}
    clock.advance(seconds=2)
    assert await visible() == {sibling}
    async with runtime.database.read() as session:
        with pytest.raises(DomainError) as error:
            await child_for(session, parent, leaver)
        assert error.value.code == ErrorCode.NOT_FOUND
        assert pk(await child_for(session, staff, leaver)) == leaver
    await tx.run(lambda uow: set_leaver_access_days(uow, staff, 8))
    assert await visible() == {leaver, sibling}
    with pytest.raises(DomainError) as error:
        await tx.run(lambda uow: set_leaver_access_days(uow, staff, 3651))
    assert (error.value.code, error.value.field) == (ErrorCode.INVALID_INPUT, "days")
    clock.set(start)  # the module's clock back where the other tests expect it


async def test_a_closed_wallet_takes_no_money_from_anywhere(
    tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    meals, activities = await wallets_of(tx, family.child)
    await fund(tx, meals.id, 500)
    close = update(Wallet).where(col(Wallet.id) == activities.id).values(closed_at=tx.now())
    await tx.run(lambda uow: uow.session.execute(close))

    for work in (
        lambda uow: ledger.credit_wallet(
            uow,
            wallet_id=activities.id,
            amount_cents=100,
            source=SchoolAccount.BANK_CLEARING,
            type=OperationType.TOP_UP,
            label="Virement",
            method=PaymentMethod.BANK_TRANSFER,
        ),
        lambda uow: ledger_bulk.credit_many(
            uow,
            school_id=pk(school),
            credits=[
                ledger_bulk.Credit(meals.id, 100, "Virement"),
                ledger_bulk.Credit(activities.id, 100, "Virement"),
            ],
            source=SchoolAccount.BANK_CLEARING,
            type=OperationType.TOP_UP,
            method=PaymentMethod.BANK_TRANSFER,
        ),
    ):
        with pytest.raises(DomainError) as error:
            await tx.run(work)
        assert (error.value.code, error.value.field) == (ErrorCode.WALLET_CLOSED, "walletId")
    assert [w.balance_cents for w in await wallets_of(tx, family.child)] == [500, 0]
    async with runtime.database.read() as session:
        targets = await find_targets(session, pk(school), [digits(meals), digits(activities)])
    assert list(targets) == [digits(meals)]  # the closed wallet's transfer waits in the queue


async def test_a_full_roster_starts_the_period_and_a_return_reopens_the_wallets(
    tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx, leaver_access_days=10)
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    header = "student_id,first_name,last_name,class,guardian1_name,guardian1_email,guardian2_name,guardian2_email\n"
    both = (header + "A1,Ana,Peeters,1A,,,,\nB2,Bo,Peeters,1A,,,,\n").encode()
    await import_roster(tx, staff, both)
    assert (
        await import_roster(tx, staff, (header + "A1,Ana,Peeters,1A,,,,\n").encode(), full=True)
    ).left == 1
    async with runtime.database.read() as session:
        bo = (
            await session.scalars(
                select(Child).where(
                    col(Child.external_id) == "B2", col(Child.school_id) == pk(school)
                )
            )
        ).one()
    assert bo.left_at is not None and bo.guardians_until == bo.left_at + timedelta(days=10)
    close = update(Wallet).where(col(Wallet.child_id) == bo.id).values(closed_at=tx.now())
    await tx.run(lambda uow: uow.session.execute(close))

    back = await import_roster(tx, staff, both)

    assert back.updated == 1
    async with runtime.database.read() as session:
        bo = (await session.scalars(select(Child).where(col(Child.id) == bo.id))).one()
        closed = (
            await session.scalars(
                select(col(Wallet.closed_at)).where(col(Wallet.child_id) == bo.id)
            )
        ).all()
    assert (bo.left_at, bo.guardians_until) == (None, None)
    assert closed == [None, None]
