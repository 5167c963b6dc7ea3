"""The dashboard's services called directly: the agenda, recent money lists, modules."""

from datetime import UTC, datetime, timedelta

from models.accounts import Role
from models.family import School
from services.dashboard import agenda
from services.dashboard.modules import MODULES, enabled_modules
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from services.wallets import recent as wallet_recent
from tests.factories import (
    actor_for,
    fund,
    make_device,
    make_event,
    make_family,
    make_meeting,
    make_sale,
    make_school,
    make_user,
    pk,
    set_class,
    wallets_of,
)
from tests.support.clock import FakeClock
from tests.support.statements import count_statements

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def test_modules_are_a_stable_list_that_follows_the_switches() -> None:
    assert agenda.MealDays.of(School(slug="x", name="X", feature_meals=False)) is None
    assert MODULES == (
        "balances", "operations", "sales", "documents", "events", "meals", "meetings", "photos",
    )  # fmt: skip
    everything = School(
        slug="s", name="S", feature_meals=True, feature_meetings=True, feature_photos=True
    )
    assert enabled_modules(everything) == list(MODULES)
    bare = School(
        slug="b", name="B", feature_meals=False, feature_meetings=False, feature_photos=False
    )
    assert enabled_modules(bare) == ["balances", "operations", "sales", "documents", "events"]
    bare.feature_meetings = True
    assert enabled_modules(bare)[-1] == "meetings"


async def test_the_agenda_merges_events_and_meetings_soonest_first(
    tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    clock.set(NOW)
    school = await make_school(tx)
    family = await make_family(tx, school, children=2)
    first, second = family.children
    await set_class(tx, second, "2B")
    meeting = await make_meeting(tx, school, days_ahead=1)  # Tuesday 16:00-17:00 UTC
    for_2b = await make_meeting(tx, school, days_ahead=2, class_names=("2B",))
    same_time = await make_event(tx, school, meeting.meeting.starts_at, title="Même heure")
    before = await make_event(tx, school, NOW + timedelta(hours=1), title="Avant")
    later = await make_event(tx, school, NOW + timedelta(days=9), title="Plus tard")
    parent = actor_for(family.parent)
    ids = [pk(first), pk(second)]

    with count_statements(runtime.database.engine) as statements:
        found = await tx.read(lambda s: agenda.upcoming(s, parent, ids, now=NOW, limit=10))
    assert len(statements) == 2
    meals = agenda.MealDays.of(school)
    assert meals == agenda.MealDays("Europe/Brussels")
    with count_statements(runtime.database.engine) as statements:
        with_meals = await tx.read(
            lambda s: agenda.upcoming(s, parent, ids, now=NOW, limit=10, meals=meals)
        )
    assert len(statements) == 3  # none reserved: the same agenda
    assert with_meals.keys() == found.keys()
    assert [len(items) for items in with_meals.values()] == [4, 5]

    def lines(items: list[agenda.AgendaItem]) -> list[tuple[str, int]]:
        return [
            (item.kind, pk(item.event if item.event is not None else item.meeting))
            for item in items
        ]

    # At the same moment, the school event comes before the meeting.
    assert lines(found[pk(first)]) == [
        ("activity", pk(before)),
        ("activity", pk(same_time)),
        ("meeting", meeting.id),
        ("activity", pk(later)),
    ]
    assert lines(found[pk(second)]) == [
        ("activity", pk(before)),
        ("activity", pk(same_time)),
        ("meeting", meeting.id),
        ("meeting", for_2b.id),
        ("activity", pk(later)),
    ]
    three = await tx.read(lambda s: agenda.upcoming(s, parent, ids, now=NOW, limit=3))
    assert [len(three[child]) for child in ids] == [3, 3]
    assert three[pk(second)][2].meeting is not None
    assert three[pk(second)][2].title == meeting.meeting.title

    # Another parent asking for these children gets nothing; staff see them.
    stranger = actor_for((await make_family(tx, school)).parent)
    assert await tx.read(lambda s: agenda.upcoming(s, stranger, ids, now=NOW)) == {
        child: [] for child in ids
    }
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    seen = await tx.read(lambda s: agenda.upcoming(s, staff, ids, now=NOW, limit=10))
    assert {child: lines(items) for child, items in seen.items()} == {
        child: lines(items) for child, items in found.items()
    }


async def test_recent_operations_and_sales_of_many_children_in_one_statement_each(
    tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    clock.set(NOW)
    school = await make_school(tx)
    till = await make_device(tx, school, "Distributeur", "vending")
    family = await make_family(tx, school, children=3)
    stranger = await make_family(tx, school)
    for n, child in enumerate([*family.children, stranger.child]):
        meals, activities = await wallets_of(tx, child)
        await fund(tx, meals.id, 1000 + n)
        await fund(tx, activities.id, 500 + n)
        for article in ("Eau", "Biscuit", "Pomme")[: n + 1]:
            clock.advance(minutes=1)
            await make_sale(tx, till, child, meals.id, (article, 1, 100))
    clock.set(NOW)
    parent = actor_for(family.parent)
    ids = [*map(pk, family.children), pk(stranger.child)]

    with count_statements(runtime.database.engine) as statements:
        operations = await tx.read(lambda s: wallet_recent.recent_operations(s, parent, ids, 3))
        sales = await tx.read(lambda s: wallet_recent.recent_sales(s, parent, ids, 2))
    assert len(statements) == 2

    assert operations[pk(stranger.child)] == [] and sales[pk(stranger.child)] == []
    for n, child in enumerate(family.children):
        meals, activities = await wallets_of(tx, child)
        mine = operations[pk(child)]
        # Newest first: the purchases (at most 3 in all), then the top-ups, newest first.
        expected = [-100] * (n + 1) + [500 + n, 1000 + n]
        assert [o.operation.amount_cents for o in mine] == expected[:3]
        assert all(o.wallet.child_id == pk(child) for o in mine)
        assert [o.wallet.id for o in mine if o.operation.amount_cents > 0] == [
            activities.id,
            meals.id,
        ][: 3 - (n + 1)]
        bought = sales[pk(child)]
        assert [s.sale.article for s in bought] == ["Pomme", "Biscuit", "Eau"][2 - n :][:2]
        assert {(s.device.name, s.wallet.id) for s in bought} == {("Distributeur", meals.id)}

    assert await tx.read(lambda s: wallet_recent.recent_sales(s, parent, ids, 0)) == {
        child: [] for child in ids
    }
