"""Who reaches which child, user and school, asked of the services directly: another family's
child or user, another school, answer NOT_FOUND exactly as a missing one."""

import pytest

from models.accounts import Role
from services.common.errors import NotFound
from services.family import children as family
from services.sql.uow import Transactions
from tests.factories import actor_for, make_family, make_school, make_user, pk


async def test_a_parent_reaches_their_own_children_only(tx: Transactions) -> None:
    school = await make_school(tx)
    mine, theirs = await make_family(tx, school, children=2), await make_family(tx, school)
    me = actor_for(mine.parent)

    children = await tx.read(lambda s: family.children_of(s, me))
    assert sorted(pk(c) for c in children) == sorted(pk(c) for c in mine.children)
    view = await tx.read(lambda s: family.child_view_for(s, me, pk(mine.child)))
    assert (view.id, view.first_name) == (pk(mine.child), mine.child.first_name)
    with pytest.raises(NotFound):
        await tx.read(lambda s: family.child_view_for(s, me, pk(theirs.child)))
    with pytest.raises(NotFound):
        await tx.read(lambda s: family.child_view_for(s, me, 10**9))


async def test_staff_reach_their_schools_children_and_teachers_none(tx: Transactions) -> None:
    school, elsewhere = await make_school(tx), await make_school(tx)
    ours, other = await make_family(tx, school), await make_family(tx, elsewhere)
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    teacher = actor_for(await make_user(tx, school, Role.TEACHER))

    view = await tx.read(lambda s: family.child_view_for(s, staff, pk(ours.child)))
    assert view.id == pk(ours.child)
    with pytest.raises(NotFound):
        await tx.read(lambda s: family.child_view_for(s, staff, pk(other.child)))
    with pytest.raises(NotFound):
        await tx.read(lambda s: family.child_view_for(s, teacher, pk(ours.child)))


async def test_a_user_reaches_only_themselves(tx: Transactions) -> None:
    school = await make_school(tx)
    mine, theirs = await make_family(tx, school), await make_family(tx, school)
    me = actor_for(mine.parent)

    assert (await tx.read(lambda s: family.user_for(s, me, mine.parent.id))).id == mine.parent.id
    with pytest.raises(NotFound):
        await tx.read(lambda s: family.user_for(s, me, theirs.parent.id))
    user, school_view = await tx.read(lambda s: family.user_and_school(s, me))
    assert (user.id, school_view.id) == (mine.parent.id, pk(school))


async def test_a_user_reaches_only_their_own_school(tx: Transactions) -> None:
    school, elsewhere = await make_school(tx), await make_school(tx)
    me = actor_for((await make_family(tx, school)).parent)

    found = await tx.read(lambda s: family.school_for(s, me, pk(school)))
    assert (found.id, found.name) == (pk(school), school.name)
    with pytest.raises(NotFound):
        await tx.read(lambda s: family.school_for(s, me, pk(elsewhere)))
    both = await tx.read(lambda s: family.schools_by_id(s, me, [pk(school), pk(elsewhere)]))
    assert list(both) == [pk(school)]
