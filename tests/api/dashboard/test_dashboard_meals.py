"""Tomorrow's reserved meals in a child's upcoming events: which day, which meals, whose."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from models.family import School
from services.meals import reservations
from services.sql.uow import Transactions, UnitOfWork
from tests.api.dashboard.queries import ONE_CHILD
from tests.factories import (
    Family,
    actor_for,
    fund,
    gid,
    make_event,
    make_family,
    make_meal_menu,
    make_reservation,
    make_school,
    wallets_of,
)
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL

FRIDAY = datetime(2026, 10, 30, 8, 0, tzinfo=UTC)  # 09:00 in Brussels, before Friday's cut-off
MONDAY = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # 09:00 in Brussels
MON, TUE, WED = date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)


async def events_of(gql: GraphQL, family: Family) -> list[dict[str, Any]]:
    data = await gql.as_(family.parent.token).data(ONE_CHILD, {"id": gid("Child", family.child.id)})
    events: list[dict[str, Any]] = data["viewer"]["child"]["dashboard"]["upcomingEvents"]
    return events


def lines(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(e["kind"], e["title"]) for e in events]


@dataclass
class Week:
    school: School
    family: Family
    other: Family
    tuesday_meal_ids: list[int]


async def week(tx: Transactions, clock: FakeClock) -> Week:
    """Meals reserved on Friday for Monday to Wednesday, one of them cancelled."""
    clock.set(FRIDAY)
    school = await make_school(tx)
    family, other = await make_family(tx, school), await make_family(tx, school)
    for someone in (family, other):
        meals, _ = await wallets_of(tx, someone.child)
        await fund(tx, meals.id, 5000)
    hot, soup = await make_meal_menu(
        tx, school, [MON, TUE, WED], [("Repas chaud", 420, []), ("Potage", 110, [])]
    )
    await make_reservation(tx, family.parent, family.child, MON, hot)
    tuesday = [
        await make_reservation(tx, family.parent, family.child, TUE, hot),
        await make_reservation(tx, family.parent, family.child, TUE, soup),
    ]
    cancelled = await make_reservation(tx, family.parent, family.child, TUE, soup)
    parent = actor_for(family.parent)
    await tx.run(lambda uow: reservations.cancel(uow, parent, cancelled.id))
    await make_reservation(tx, family.parent, family.child, WED, soup)
    await make_reservation(tx, other.parent, other.child, TUE, soup)
    clock.set(MONDAY)
    return Week(school, family, other, [meal.id for meal in tuesday])


async def test_tomorrows_active_reservations_are_meal_events_of_the_whole_day(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    seen = await week(tx, clock)
    await make_event(tx, seen.school, MONDAY + timedelta(hours=9), title="Spectacle")
    await make_event(tx, seen.school, MONDAY + timedelta(hours=23), title="Piscine")

    events = await events_of(gql, seen.family)

    # Not today's meal, not Wednesday's, not the cancelled soup; Tuesday starts at midnight.
    assert lines(events) == [
        ("activity", "Spectacle"),
        ("meal", "Repas chaud"),
        ("meal", "Potage"),
        ("activity", "Piscine"),
    ]
    hot = events[1]
    assert hot == {
        "id": gid("MealReservation", seen.tuesday_meal_ids[0]),
        "title": "Repas chaud",
        "kind": "meal",
        "startsAt": "2026-11-02T23:00:00+00:00",
        "endsAt": "2026-11-03T23:00:00+00:00",
        "className": None,
        "meeting": None,
    }
    assert [e["id"] for e in events[1:3]] == [
        gid("MealReservation", meal_id) for meal_id in seen.tuesday_meal_ids
    ]
    reservation = await gql.as_(seen.family.parent.token).data(
        "query($id: ID!) { node(id: $id) { ... on MealReservation { date status article { name } } } }",
        {"id": events[1]["id"]},
    )
    assert reservation["node"] == {
        "date": "2026-11-03",
        "status": "ACTIVE",
        "article": {"name": "Repas chaud"},
    }
    # The other family sees their own meal only.
    assert lines(await events_of(gql, seen.other))[1:2] == [("meal", "Potage")]

    # Just after midnight in Brussels (still Monday in UTC), tomorrow is Wednesday.
    clock.set(datetime(2026, 11, 2, 23, 30, tzinfo=UTC))
    assert lines(await events_of(gql, seen.family)) == [
        ("activity", "Piscine"),
        ("meal", "Potage"),
    ]
    clock.set(MONDAY)


async def test_a_school_without_meals_lists_none(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    seen = await week(tx, clock)

    async def meals_off(uow: UnitOfWork) -> None:
        row = await uow.session.get(School, seen.school.id)
        assert row is not None
        row.feature_meals = False
        uow.session.add(row)

    await tx.run(meals_off)
    data = await gql.as_(seen.family.parent.token).data(
        ONE_CHILD, {"id": gid("Child", seen.family.child.id)}
    )
    dashboard = data["viewer"]["child"]["dashboard"]
    assert "meals" not in dashboard["modules"]
    assert dashboard["upcomingEvents"] == []
