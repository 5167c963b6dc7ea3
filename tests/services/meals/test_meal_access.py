"""What the meal services let each actor read: a child's month and allergens are its family's
and the staff's; the articles list (withdrawn ones too) is the staff's; another school's article
is NOT_FOUND."""

import functools

import pytest

from models.accounts import Role
from services.common.errors import DomainError, ErrorCode, NotFound
from services.meals import catalogue
from services.meals.month import month_calendar
from services.sql.uow import Transactions
from tests.factories import actor_for, make_family, make_school, make_user, pk
from tests.support.clock import FakeClock


async def test_a_childs_month_and_allergens_are_its_familys_and_the_staffs(
    tx: Transactions, clock: FakeClock
) -> None:
    school = await make_school(tx)
    mine, theirs = await make_family(tx, school), await make_family(tx, school)
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    teacher = actor_for(await make_user(tx, school, Role.TEACHER))
    me = actor_for(mine.parent)
    child = pk(mine.child)
    await tx.run(lambda uow: catalogue.set_child_allergens(uow, staff, child, ["milk"]))

    for allowed in (me, staff):
        calendar = await tx.read(
            functools.partial(
                month_calendar, actor=allowed, child_id=child, month="2026-12", now=clock()
            )
        )
        assert calendar.month == "2026-12"
        allergens = functools.partial(
            catalogue.allergens_by_child, actor=allowed, child_ids=[child]
        )
        assert await tx.read(allergens) == {child: ["milk"]}
    for refused in (actor_for(theirs.parent), teacher):
        with pytest.raises(NotFound) as error:
            await tx.read(
                functools.partial(
                    month_calendar, actor=refused, child_id=child, month="2026-12", now=clock()
                )
            )
        assert error.value.field == "childId"
        allergens = functools.partial(
            catalogue.allergens_by_child, actor=refused, child_ids=[child]
        )
        assert await tx.read(allergens) == {child: []}


async def test_articles_are_listed_for_staff_and_found_in_their_school_only(
    tx: Transactions,
) -> None:
    school, elsewhere = await make_school(tx), await make_school(tx)
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    soup = await tx.run(
        lambda uow: catalogue.create_article(uow, staff, name="Potage", price_cents=110)
    )
    parent = actor_for((await make_family(tx, school)).parent)
    stranger = actor_for((await make_family(tx, elsewhere)).parent)
    teacher = actor_for(await make_user(tx, school, Role.TEACHER))

    assert [
        a.id for a in await tx.read(functools.partial(catalogue.staff_articles, actor=staff))
    ] == [soup.id]
    for someone in (parent, teacher):
        with pytest.raises(DomainError) as error:
            await tx.read(functools.partial(catalogue.staff_articles, actor=someone))
        assert error.value.code == ErrorCode.FORBIDDEN
    assert (await tx.read(lambda s: catalogue.article_for(s, parent, pk(soup)))).name == "Potage"
    with pytest.raises(NotFound):
        await tx.read(lambda s: catalogue.article_for(s, stranger, pk(soup)))
    rule = await tx.read(lambda s: catalogue.rule_for(s, parent))
    assert (rule.cutoff_days_before, rule.horizon_days) == (1, 60)
