"""Staff build the menu; the month calendar shows it per child in three statements."""

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts import Role
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode
from services.meals import catalogue
from services.meals.month import month_calendar
from services.sql.uow import Transactions, UnitOfWork
from tests.factories import Person, actor_for, make_family, make_school, make_user, pk
from tests.support.clock import FakeClock


def staff_actor(person: Person) -> Actor:
    return Actor(person.id, person.user.school_id, Role.STAFF, "fr")


async def test_articles_validate_their_price_and_allergens(tx: Transactions) -> None:
    school = await make_school(tx)
    staff = staff_actor(await make_user(tx, school, Role.STAFF))
    soup = await tx.run(
        lambda uow: catalogue.create_article(
            uow, staff, name=" Potage ", price_cents=110, allergens=["celery", "milk", "celery"]
        )
    )
    assert (soup.name, soup.price_cents, soup.allergens) == ("Potage", 110, ["celery", "milk"])
    refusals = [
        ("x", -1, [], "priceCents"),
        (" ", 100, [], "name"),
        ("x", 100, ["gluten", "ketchup"], "allergens"),
    ]
    for name, price, allergens, field in refusals:

        async def create(
            uow: UnitOfWork, n: str = name, p: int = price, a: list[str] = allergens
        ) -> object:
            return await catalogue.create_article(uow, staff, name=n, price_cents=p, allergens=a)

        with pytest.raises(DomainError) as refused:
            await tx.run(create)
        assert refused.value.field == field


async def test_only_staff_manage_meals(tx: Transactions) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    parent = Actor(family.parent.id, school.id, Role.PARENT, "fr")  # type: ignore[arg-type]
    with pytest.raises(DomainError) as refused:
        await tx.run(lambda uow: catalogue.create_article(uow, parent, name="x", price_cents=1))
    assert refused.value.code == ErrorCode.FORBIDDEN


@pytest.mark.parametrize(("month", "length"), [("2027-02", 28), ("2026-11", 30), ("2026-12", 31)])
async def test_calendar_shape_in_three_statements(
    tx: Transactions, clock: FakeClock, month: str, length: int
) -> None:
    clock.set(datetime(2026, 11, 2, 8, 0, tzinfo=UTC))
    school = await make_school(tx)
    staff = staff_actor(await make_user(tx, school, Role.STAFF))
    family = await make_family(tx, school)
    hot = await tx.run(
        lambda uow: catalogue.create_article(uow, staff, name="Repas chaud", price_cents=420)
    )
    soup = await tx.run(
        lambda uow: catalogue.create_article(uow, staff, name="Potage", price_cents=110)
    )
    first = date.fromisoformat(month + "-01")
    weekdays = [d for d in (first.replace(day=n) for n in range(1, 29)) if d.weekday() < 5]
    assert hot.id is not None and soup.id is not None
    hot_id, soup_id = hot.id, soup.id
    days = {d: [hot_id, soup_id] if d.weekday() != 2 else [soup_id] for d in weekdays}
    await tx.run(lambda uow: catalogue.set_month(uow, staff, first, days))

    statements: list[str] = []
    engine = tx.database.engine.sync_engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        calendar = await tx.read(
            lambda s: month_calendar(s, actor_for(family.parent), pk(family.child), month, clock())
        )
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 3
    assert calendar.month == month
    assert len(calendar.days) == length
    assert [d.day.day for d in calendar.days] == list(range(1, length + 1))
    wednesday = next(d for d in calendar.days if d.day.weekday() == 2)
    assert [a.name for a in wednesday.articles] == ["Potage"]
    monday = next(d for d in calendar.days if d.day.weekday() == 0)
    assert [a.name for a in monday.articles] == ["Potage", "Repas chaud"]
    assert all(not d.articles for d in calendar.days if d.day.weekday() >= 5)


async def test_calendar_marks_today_and_what_is_still_bookable(
    tx: Transactions, clock: FakeClock
) -> None:
    school = await make_school(tx)
    staff = staff_actor(await make_user(tx, school, Role.STAFF))
    family = await make_family(tx, school)
    hot = await tx.run(
        lambda uow: catalogue.create_article(uow, staff, name="Repas chaud", price_cents=420)
    )
    assert hot.id is not None
    hot_id = hot.id
    days = {date(2026, 12, d): [hot_id] for d in (1, 2, 3, 4, 7)}
    await tx.run(lambda uow: catalogue.set_month(uow, staff, date(2026, 12, 1), days))
    # Wednesday 2 December, 09:59 in Brussels: Thursday still open, Wednesday closed.
    clock.set(datetime(2026, 12, 2, 8, 59, tzinfo=UTC))
    calendar = await tx.read(
        lambda s: month_calendar(s, actor_for(family.parent), pk(family.child), "2026-12", clock())
    )
    by_day = {d.day.day: d for d in calendar.days}
    assert [n for n, d in by_day.items() if d.is_today] == [2]
    assert [n for n, d in by_day.items() if d.bookable] == [3, 4, 7]
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    calendar = await tx.read(
        lambda s: month_calendar(s, actor_for(family.parent), pk(family.child), "2026-12", clock())
    )
    assert [d.day.day for d in calendar.days if d.bookable] == [4, 7]


async def test_bad_month_is_invalid_input(tx: Transactions, clock: FakeClock) -> None:
    family = await make_family(tx, await make_school(tx))
    for bad in ("2026-13", "12-2026", "", "2026-1"):

        async def read(session: AsyncSession, month: str = bad) -> object:
            return await month_calendar(
                session, actor_for(family.parent), pk(family.child), month, clock()
            )

        with pytest.raises(DomainError) as refused:
            await tx.read(read)
        assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID_INPUT, "month")


async def test_the_menu_cannot_land_on_weekends_or_other_months(tx: Transactions) -> None:
    school = await make_school(tx)
    staff = staff_actor(await make_user(tx, school, Role.STAFF))
    hot = await tx.run(
        lambda uow: catalogue.create_article(uow, staff, name="Repas", price_cents=420)
    )
    assert hot.id is not None
    for days in ({date(2026, 12, 5): [hot.id]}, {date(2027, 1, 4): [hot.id]}):

        async def offer(uow: UnitOfWork, d: dict[date, list[int]] = days) -> object:
            return await catalogue.set_month(uow, staff, date(2026, 12, 1), d)

        with pytest.raises(DomainError):
            await tx.run(offer)


async def test_rule_and_allergens(tx: Transactions) -> None:
    school = await make_school(tx)
    staff = staff_actor(await make_user(tx, school, Role.STAFF))
    family = await make_family(tx, school)
    rule = await tx.run(
        lambda uow: catalogue.set_rule(
            uow, staff, cutoff_days_before=2, cutoff_time=time(18, 30), horizon_days=30
        )
    )
    assert (rule.cutoff_days_before, rule.cutoff_time, rule.horizon_days) == (2, time(18, 30), 30)
    assert family.child.id is not None
    child_id = family.child.id
    assert await tx.run(
        lambda uow: catalogue.set_child_allergens(uow, staff, child_id, ["peanuts", "gluten"])
    ) == ["gluten", "peanuts"]
    assert (await tx.read(lambda s: catalogue.allergens_by_child(s, staff, [child_id]))) == {
        child_id: ["gluten", "peanuts"]
    }
    elsewhere = await make_family(tx, await make_school(tx))
    assert elsewhere.child.id is not None
    with pytest.raises(DomainError) as refused:
        await tx.run(
            lambda uow: catalogue.set_child_allergens(uow, staff, elsewhere.child.id or 0, ["milk"])
        )
    assert refused.value.code == ErrorCode.NOT_FOUND
