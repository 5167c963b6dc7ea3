"""The whole dashboard costs the same few statements for one child or five, however much each has."""

import functools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from models.family import Child, School
from models.ledger import OperationType, SchoolAccount
from models.meals import MealArticle
from services.documents.publishing import Audience
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from services.wallets import ledger
from services.wallets.devices import DeviceActor
from tests.api.dashboard.queries import ALL_CHILDREN, ONE_CHILD
from tests.factories import (
    Family,
    fund,
    gid,
    make_device,
    make_document,
    make_event,
    make_family,
    make_meal_menu,
    make_meeting,
    make_reservation,
    make_sale,
    make_school,
    wallets_of,
)
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL
from tests.support.statements import count_statements

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # Monday, 09:00 in Brussels
TOMORROW = date(2026, 11, 3)
# The contract's dashboard, whatever the number of children, wallets, documents or events.
MOST_STATEMENTS = 11


async def stock(
    tx: Transactions,
    school: School,
    family: Family,
    child: Child,
    till: DeviceActor,
    menu: list[MealArticle],
) -> None:
    """Two funded wallets with several movements, purchases, tomorrow's meals, and a document
    of the child's own."""
    meals, activities = await wallets_of(tx, child)
    for wallet in (meals, activities):
        await fund(tx, wallet.id, 2000)
    for cents in (420, 110):
        await tx.run(
            functools.partial(
                ledger.debit_wallet,
                wallet_id=meals.id,
                amount_cents=cents,
                to=SchoolAccount.MEAL_REVENUE,
                type=OperationType.MEAL,
                label=f"Repas {cents}",
            )
        )
    for article in menu:
        await make_reservation(tx, family.parent, child, TOMORROW, article)
    await make_sale(tx, till, child, meals.id, ("Potage", 2, 150), ("Pain", 1, 80))
    await make_sale(tx, till, child, activities.id, ("Cahier", 3, 200))
    await make_document(tx, school, Audience(child_id=child.id), title=f"For {child.first_name}")


async def test_the_dashboard_costs_the_same_for_one_child_or_five(
    gql: GraphQL, tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    clock.set(NOW)
    school = await make_school(tx)
    till = await make_device(tx, school)
    one = await make_family(tx, school, children=1)
    five = await make_family(tx, school, children=5)
    menu = await make_meal_menu(
        tx, school, [TOMORROW], [("Repas chaud", 420, []), ("Fruit", 50, [])]
    )
    for family in (one, five):
        for child in family.children:
            await stock(tx, school, family, child, till, menu)
    for n in range(6):
        await make_event(tx, school, NOW + timedelta(days=n + 1))
    await make_event(tx, school, NOW + timedelta(hours=5), class_name="1A", title="class")
    for n in range(3):
        await make_document(tx, school, Audience.whole_school(), title=f"school {n}")
    await make_meeting(tx, school, days_ahead=1, teachers=3)
    await make_meeting(tx, school, days_ahead=2, teachers=2, class_names=("1A",))

    async def measure(token: str, query: str, variables: dict[str, Any]) -> tuple[int, Any]:
        with count_statements(runtime.database.engine) as statements:
            data = await gql.as_(token).data(query, variables)
        return len(statements), data["viewer"]

    one_child = {"id": gid("Child", one.child.id)}
    some_child = {"id": gid("Child", five.children[3].id)}
    # Warm-up (a session's first use may refresh its idle clock).
    await measure(one.parent.token, ONE_CHILD, one_child)
    await measure(five.parent.token, ONE_CHILD, some_child)

    count_one, viewer_one = await measure(one.parent.token, ONE_CHILD, one_child)
    count_other, _ = await measure(five.parent.token, ONE_CHILD, some_child)
    count_all_one, all_one = await measure(one.parent.token, ALL_CHILDREN, {})
    count_all_five, all_five = await measure(five.parent.token, ALL_CHILDREN, {})

    assert len(all_five["children"]) == 5
    for child in [viewer_one["child"], *all_one["children"], *all_five["children"]]:
        dashboard = child["dashboard"]
        assert len(dashboard["wallets"]) == 2
        events = dashboard["upcomingEvents"]
        assert [(e["kind"], e["title"]) for e in events] == [
            ("activity", "class"),
            ("meal", "Repas chaud"),
            ("meal", "Fruit"),
            ("activity", events[3]["title"]),
            ("meeting", events[4]["meeting"]["title"]),
        ]
        meeting = events[4]["meeting"]
        assert (len(meeting["teachers"]), len(meeting["slots"])) == (3, 18)
        assert len(dashboard["unreadDocuments"]) == 4
        assert len(dashboard["recentOperations"]) == 5
        assert len(dashboard["recentSales"]) == 3
    for child in all_five["children"]:
        assert child["wallets"] == [
            {"id": w["id"], "name": w["name"], "balance": {"cents": w["balance"]["cents"]}}
            for w in child["dashboard"]["wallets"]
        ]
    assert count_one == count_other <= MOST_STATEMENTS
    assert count_all_one == count_all_five <= MOST_STATEMENTS
