"""Reserve = pay and cancel = refund, under races, at the cut-off edges, and on closed days."""

import asyncio
from collections.abc import Awaitable
from datetime import UTC, date, datetime

import pytest

from models.accounts import Role
from services.common.errors import DomainError
from services.meals import catalogue, closures, reservations
from services.meals.reservations import ReservationView
from services.sql.uow import Transactions, UnitOfWork
from tests.factories import (
    Family,
    actor_for,
    fund,
    make_family,
    make_meal_menu,
    make_school,
    make_user,
    pk,
    unique,
    wallets_of,
)
from tests.support.clock import FakeClock

MONDAY_MORNING = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # 08:00 in Brussels
THURSDAY = date(2026, 12, 3)
WEEK = [date(2026, 12, d) for d in (1, 2, 3, 4)]


def reserve(
    tx: Transactions, family: Family, day: date, article_id: int, key: str | None = None
) -> Awaitable[ReservationView]:
    actor = actor_for(family.parent)
    return tx.run(
        lambda uow: reservations.reserve(
            uow,
            actor,
            child_id=pk(family.child),
            day=day,
            article_id=article_id,
            idempotency_key=key or unique("key-"),
        )
    )


async def outcome(awaitable: Awaitable[object]) -> str:
    try:
        await awaitable
    except DomainError as error:
        return error.code.value
    return "OK"


@pytest.fixture(autouse=True)
def monday(clock: FakeClock) -> None:
    clock.set(MONDAY_MORNING)


async def meals_balance(tx: Transactions, family: Family) -> int:
    return (await wallets_of(tx, family.child))[0].balance_cents


async def test_a_reservation_pays_and_a_cancel_refunds(tx: Transactions) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    [hot] = await make_meal_menu(tx, school, WEEK)
    await fund(tx, (await wallets_of(tx, family.child))[0].id, 1000)
    booked: ReservationView = await reserve(tx, family, THURSDAY, pk(hot))
    assert (booked.status, booked.price_cents, booked.cancellable) == ("ACTIVE", 420, True)
    assert booked.wallet is not None and booked.wallet.balance_cents == 580
    # Several meals a day are allowed.
    await reserve(tx, family, THURSDAY, pk(hot))
    assert await meals_balance(tx, family) == 160
    cancelled = await tx.run(
        lambda uow: reservations.cancel(uow, actor_for(family.parent), booked.id)
    )
    assert cancelled.status == "CANCELLED"
    assert cancelled.wallet is not None and cancelled.wallet.balance_cents == 580
    again = reservations.cancel
    assert (
        await outcome(tx.run(lambda uow: again(uow, actor_for(family.parent), booked.id)))
        == "ALREADY_CANCELLED"
    )
    assert await meals_balance(tx, family) == 580


async def test_forty_concurrent_reservations_on_a_wallet_for_twelve(tx: Transactions) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    [hot] = await make_meal_menu(tx, school, WEEK)
    await fund(tx, (await wallets_of(tx, family.child))[0].id, 12 * 420)
    results = await asyncio.gather(
        *(outcome(reserve(tx, family, THURSDAY, pk(hot))) for _ in range(40))
    )
    assert results.count("OK") == 12
    assert results.count("INSUFFICIENT_FUNDS") == 28
    assert await meals_balance(tx, family) == 0


async def test_ten_concurrent_cancels_refund_once(tx: Transactions) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    [hot] = await make_meal_menu(tx, school, WEEK)
    await fund(tx, (await wallets_of(tx, family.child))[0].id, 420)
    booked = await reserve(tx, family, THURSDAY, pk(hot))
    actor = actor_for(family.parent)
    results = await asyncio.gather(
        *(
            outcome(tx.run(lambda uow: reservations.cancel(uow, actor, booked.id)))
            for _ in range(10)
        )
    )
    assert sorted(results) == ["ALREADY_CANCELLED"] * 9 + ["OK"]
    assert await meals_balance(tx, family) == 420


async def test_the_same_key_books_once_and_answers_the_same(tx: Transactions) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    [hot] = await make_meal_menu(tx, school, WEEK)
    await fund(tx, (await wallets_of(tx, family.child))[0].id, 1000)
    first, second = await asyncio.gather(
        reserve(tx, family, THURSDAY, pk(hot), "same"),
        reserve(tx, family, THURSDAY, pk(hot), "same"),
    )
    assert first == second
    assert await meals_balance(tx, family) == 580
    other_day = await outcome(reserve(tx, family, date(2026, 12, 4), pk(hot), "same"))
    assert other_day == "IDEMPOTENCY_CONFLICT"


async def test_cut_off_edges(tx: Transactions, clock: FakeClock) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    [hot] = await make_meal_menu(tx, school, WEEK)
    await fund(tx, (await wallets_of(tx, family.child))[0].id, 5000)
    # Thursday closes on Wednesday at 10:00 in Brussels (09:00 UTC in winter).
    clock.set(datetime(2026, 12, 2, 8, 59, 59, tzinfo=UTC))
    kept = await reserve(tx, family, THURSDAY, pk(hot))
    clock.set(datetime(2026, 12, 2, 9, 0, 0, tzinfo=UTC))
    assert await outcome(reserve(tx, family, THURSDAY, pk(hot))) == "RESERVATION_CLOSED"
    parent = actor_for(family.parent)
    late = await outcome(tx.run(lambda uow: reservations.cancel(uow, parent, kept.id)))
    assert late == "RESERVATION_CLOSED"
    # Staff may still cancel (an absent child), and the parent is refunded.
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    assert (
        await tx.run(lambda uow: reservations.cancel(uow, staff, kept.id))
    ).status == "CANCELLED"
    assert await meals_balance(tx, family) == 5000


async def test_refusals(tx: Transactions) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    other = await make_family(tx, school)
    hot, nuts = await make_meal_menu(
        tx, school, WEEK, [("Repas chaud", 420, []), ("Gâteau", 250, ["nuts", "milk"])]
    )
    await fund(tx, (await wallets_of(tx, family.child))[0].id, 5000)
    # Not offered on an open day: the input is wrong, not the day closed.
    assert await outcome(reserve(tx, family, date(2026, 12, 7), pk(hot))) == "INVALID_INPUT"
    assert (
        await outcome(reserve(tx, family, date(2026, 11, 30), pk(hot))) == "RESERVATION_CLOSED"
    )  # past cut-off
    assert await outcome(reserve(tx, family, THURSDAY, 999_999)) == "NOT_FOUND"
    parent = actor_for(family.parent)
    foreign = tx.run(
        lambda uow: reservations.reserve(
            uow,
            parent,
            child_id=pk(other.child),
            day=THURSDAY,
            article_id=pk(hot),
            idempotency_key="x",
        )
    )
    assert await outcome(foreign) == "NOT_FOUND"
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    await tx.run(lambda uow: catalogue.set_child_allergens(uow, staff, pk(family.child), ["nuts"]))
    assert await outcome(reserve(tx, family, THURSDAY, pk(nuts))) == "ALLERGEN_CONFLICT"
    empty = await make_family(tx, school)
    assert await outcome(reserve(tx, empty, THURSDAY, pk(hot))) == "INSUFFICIENT_FUNDS"
    elsewhere = await make_school(tx, feature_meals=False)
    off = await make_family(tx, elsewhere)
    [theirs] = await make_meal_menu(tx, elsewhere, WEEK)
    assert await outcome(reserve(tx, off, THURSDAY, pk(theirs))) == "FEATURE_DISABLED"
    assert await meals_balance(tx, family) == 5000  # nothing was charged by any refusal


async def test_the_horizon_closes_far_days(tx: Transactions) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    await tx.run(
        lambda uow: catalogue.set_rule(
            uow, staff, cutoff_days_before=1, cutoff_time=datetime.min.time(), horizon_days=2
        )
    )
    [hot] = await make_meal_menu(tx, school, WEEK)
    await fund(tx, (await wallets_of(tx, family.child))[0].id, 5000)
    assert await outcome(reserve(tx, family, date(2026, 12, 2), pk(hot))) == "OK"
    assert await outcome(reserve(tx, family, THURSDAY, pk(hot))) == "RESERVATION_CLOSED"


async def test_closing_a_day_refunds_each_reservation_once(tx: Transactions) -> None:
    school = await make_school(tx)
    families = [await make_family(tx, school) for _ in range(3)]
    [hot] = await make_meal_menu(tx, school, WEEK)
    for family in families:
        await fund(tx, (await wallets_of(tx, family.child))[0].id, 1000)
        await reserve(tx, family, THURSDAY, pk(hot))
        await reserve(tx, family, date(2026, 12, 4), pk(hot))
    staff = actor_for(await make_user(tx, school, Role.STAFF))

    async def close(uow: UnitOfWork) -> int:
        return len((await closures.close_day(uow, staff, THURSDAY, "grève")).refunded)

    results = await asyncio.gather(*(outcome(tx.run(close)) for _ in range(5)))
    assert sorted(results) == ["ALREADY_EXISTS"] * 4 + ["OK"]
    for family in families:
        assert await meals_balance(tx, family) == 580  # Thursday refunded, Friday kept
    assert await outcome(reserve(tx, families[0], THURSDAY, pk(hot))) == "RESERVATION_CLOSED"


async def test_reserved_meals_of_several_children_in_one_statement(tx: Transactions) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school, children=2)
    stranger = await make_family(tx, school)
    [hot] = await make_meal_menu(tx, school, WEEK)
    actor = actor_for(family.parent)
    for child in [*family.children, stranger.child]:
        await fund(tx, (await wallets_of(tx, child))[0].id, 2000)
    for day in (date(2026, 12, 2), THURSDAY):
        await reserve(tx, family, day, pk(hot))
    second = Family(family.parent, [family.children[1]])
    await reserve(tx, second, date(2026, 12, 4), pk(hot))
    await reserve(tx, stranger, THURSDAY, pk(hot))
    ids = [pk(c) for c in [*family.children, stranger.child]]
    found = await tx.read(
        lambda s: reservations.reserved_meals(s, actor, ids, THURSDAY, date(2026, 12, 4))
    )
    assert [r.day for r in found[ids[0]]] == [THURSDAY]
    assert [r.day for r in found[ids[1]]] == [date(2026, 12, 4)]
    assert found[ids[2]] == []  # another family's child: nothing, as if it had none
