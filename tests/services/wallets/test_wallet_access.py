"""What each reading money service lets an actor see, asked of the services directly: another
family's child, wallet or journal is NOT_FOUND (or left out of a batch), another school's device
too, and the staff's lists are FORBIDDEN to parents and teachers."""

import functools
from typing import Any

import pytest

from models.accounts import Role
from models.family import Child
from services.common.errors import DomainError, ErrorCode, NotFound
from services.sql.uow import Transactions
from services.wallets import devices, history, settings, wallets
from services.wallets.history import HistoryFilter, Page
from tests.factories import (
    actor_for,
    fund,
    make_device,
    make_family,
    make_sale,
    make_school,
    make_user,
    pk,
    wallets_of,
)
from tests.support.clock import FakeClock


async def test_a_parent_reads_their_own_childrens_wallets_only(tx: Transactions) -> None:
    school = await make_school(tx)
    mine, theirs = await make_family(tx, school), await make_family(tx, school)
    me = actor_for(mine.parent)
    own, other = await wallets_of(tx, mine.child), await wallets_of(tx, theirs.child)
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    teacher = actor_for(await make_user(tx, school, Role.TEACHER))
    children = [pk(mine.child), pk(theirs.child)]

    found = await tx.read(lambda s: wallets.wallets_of_children(s, me, children))
    assert {child: [w.id for w in views] for child, views in found.items()} == {
        pk(mine.child): [w.id for w in own]
    }
    by_staff = await tx.read(lambda s: wallets.wallets_of_children(s, staff, children))
    assert sorted(by_staff) == sorted(children)
    assert await tx.read(lambda s: wallets.wallets_of_children(s, teacher, children)) == {}

    ids = [own[0].id, other[0].id]
    assert list(await tx.read(lambda s: wallets.wallets_by_id(s, me, ids))) == [own[0].id]
    assert await tx.read(lambda s: wallets.wallets_by_id(s, teacher, ids)) == {}


async def test_another_familys_journals_are_not_found(tx: Transactions, clock: FakeClock) -> None:
    school = await make_school(tx)
    mine, theirs = await make_family(tx, school), await make_family(tx, school)
    me = actor_for(mine.parent)
    till = await make_device(tx, school)
    for family in (mine, theirs):
        meals, _ = await wallets_of(tx, family.child)
        await fund(tx, meals.id, 1000)
        await make_sale(tx, till, family.child, meals.id, ("Pain", 1, 80))

    async def page_of(journal: Any, child: Child) -> Page[Any]:
        wanted = HistoryFilter()
        return await tx.read(
            lambda s: journal(
                s, me, child_id=pk(child), now=clock(), filter=wanted, first=10, after=None
            )
        )

    # Mine: the funding and the purchase; the purchase.
    for journal, count in ((history.operations, 2), (history.sales, 1)):
        assert len((await page_of(journal, mine.child)).edges) == count
        with pytest.raises(NotFound) as refused:
            await page_of(journal, theirs.child)
        assert refused.value.field == "childId"


async def test_the_wallet_snapshot_is_the_childs_family_only(tx: Transactions) -> None:
    school = await make_school(tx)
    mine, theirs = await make_family(tx, school), await make_family(tx, school)
    me = actor_for(mine.parent)

    _, views = await tx.read(lambda s: wallets.wallet_snapshot(s, me, pk(mine.child)))
    assert [v.id for v in views] == [w.id for w in await wallets_of(tx, mine.child)]
    with pytest.raises(NotFound):
        await tx.read(lambda s: wallets.wallet_snapshot(s, me, pk(theirs.child)))


async def test_devices_are_their_schools_and_listed_for_staff_and_parents(
    tx: Transactions,
) -> None:
    school, elsewhere = await make_school(tx), await make_school(tx)
    ours, other = await make_device(tx, school), await make_device(tx, elsewhere)
    parent = actor_for((await make_family(tx, school)).parent)
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    ids = [ours.device_id, other.device_id]

    assert list(await tx.read(lambda s: devices.devices_by_id(s, parent, ids))) == [ours.device_id]
    for reader in (staff, parent):
        listed = await tx.read(functools.partial(devices.school_devices, actor=reader))
        assert [d.id for d in listed] == [ours.device_id]
    teacher = actor_for(await make_user(tx, school, Role.TEACHER))
    with pytest.raises(DomainError) as refused:
        await tx.read(functools.partial(devices.school_devices, actor=teacher))
    assert refused.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(NotFound):
        await tx.read(lambda s: devices.device_for(s, parent, ours.device_id))


async def test_everyone_reads_their_own_schools_money_settings(tx: Transactions) -> None:
    school = await make_school(tx)
    parent = actor_for((await make_family(tx, school)).parent)
    found = await tx.read(lambda s: settings.settings_for(s, parent))
    assert (found.school_id, found.wallet_count) == (pk(school), 2)
