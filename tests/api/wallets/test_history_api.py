"""Child.operations and Child.sales: periods in the school's time zone, filters, keyset pages."""

from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import Any

from models.accounts import Role
from models.ledger import OperationType, SchoolAccount
from models.sales import DeviceKind
from services.sql.uow import Transactions, UnitOfWork
from services.wallets import ledger, sales
from services.wallets.devices import DeviceActor, create_device
from tests.api.wallets.queries import OPERATIONS, SALES, gid
from tests.factories import Family, actor_for, fund, make_family, make_school, make_user, wallets_of
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL

# Monday 2 November 2026, 09:00 in Brussels (UTC+1 since the end of summer time on 25 October).
NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


async def meal_at(
    tx: Transactions, clock: FakeClock, wallet_id: int, cents: int, at: datetime
) -> None:
    clock.set(at)
    await tx.run(
        lambda uow: ledger.debit_wallet(
            uow,
            wallet_id=wallet_id,
            amount_cents=cents,
            to=SchoolAccount.MEAL_REVENUE,
            type=OperationType.MEAL,
            label=f"Repas {cents}",
        )
    )


async def fund_at(
    tx: Transactions, clock: FakeClock, wallet_id: int, cents: int, at: datetime
) -> None:
    clock.set(at)
    await fund(tx, wallet_id, cents)


async def operations(gql: GraphQL, family: Family, **variables: Any) -> dict[str, Any]:
    data = await gql.as_(family.parent.token).data(
        OPERATIONS, {"id": gid("Child", family.child.id), **variables}
    )
    connection: dict[str, Any] = data["viewer"]["child"]["operations"]
    return connection


def amounts(connection: dict[str, Any]) -> list[int]:
    return [e["node"]["amount"]["cents"] for e in connection["edges"]]


async def test_the_last_30_days_by_default_newest_first(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, _ = await wallets_of(tx, family.child)
    await fund_at(tx, clock, meals.id, 100, NOW - timedelta(days=40))
    await fund_at(tx, clock, meals.id, 200, NOW - timedelta(days=29, hours=8))  # 4 Oct, 00:00 local
    await meal_at(tx, clock, meals.id, 50, NOW - timedelta(days=1))
    await fund_at(tx, clock, meals.id, 300, NOW)

    found = await operations(gql, family)

    assert amounts(found) == [300, -50, 200]
    newest = found["edges"][0]["node"]
    assert newest["type"] == "TOP_UP" and newest["method"] == "BANK_TRANSFER"
    assert newest["balanceAfter"] == {"cents": 550}
    assert newest["at"] == "2026-11-02T08:00:00+00:00"
    assert newest["wallet"] == {"id": gid("Wallet", meals.id), "name": "Repas"}
    assert found["pageInfo"]["hasNextPage"] is False


async def test_periods_are_days_of_the_schools_time_zone(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, _ = await wallets_of(tx, family.child)
    moments = {
        1: datetime(2026, 8, 31, 21, 30, tzinfo=UTC),  # 31 Aug 23:30 local: last school year
        2: datetime(2026, 8, 31, 22, 30, tzinfo=UTC),  # 1 Sep 00:30 local: this school year
        4: datetime(2026, 10, 15, 12, 0, tzinfo=UTC),  # last month
        8: datetime(2026, 10, 31, 23, 30, tzinfo=UTC),  # 1 Nov 00:30 local: this month, yesterday?
        16: datetime(2026, 11, 1, 22, 59, tzinfo=UTC),  # 1 Nov 23:59 local: yesterday
        32: datetime(2026, 11, 1, 23, 0, tzinfo=UTC),  # 2 Nov 00:00 local: today
    }
    for cents, at in moments.items():
        await fund_at(tx, clock, meals.id, cents, at)
    clock.set(NOW)

    async def period(name: str) -> int:
        return sum(amounts(await operations(gql, family, filter={"period": name})))

    assert await period("TODAY") == 32
    assert await period("YESTERDAY") == 8 + 16
    assert await period("LAST_7_DAYS") == 8 + 16 + 32
    assert await period("LAST_30_DAYS") == 4 + 8 + 16 + 32
    assert await period("THIS_MONTH") == 8 + 16 + 32
    assert await period("LAST_MONTH") == 4
    assert await period("THIS_SCHOOL_YEAR") == 2 + 4 + 8 + 16 + 32
    custom = await operations(gql, family, filter={"from": "2026-08-31", "to": "2026-10-15"})
    assert sum(amounts(custom)) == 1 + 2 + 4
    assert sum(amounts(await operations(gql, family, filter={"from": "2026-11-01"}))) == 8 + 16 + 32


async def test_filters_by_wallet_type_and_method(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, activities = await wallets_of(tx, family.child)
    await fund_at(tx, clock, meals.id, 1000, NOW)
    await fund_at(tx, clock, activities.id, 500, NOW)
    await meal_at(tx, clock, meals.id, 450, NOW)

    def only(**filter: Any) -> Any:
        return operations(gql, family, filter=filter)

    assert amounts(await only(walletId=gid("Wallet", meals.id))) == [-450, 1000]
    assert amounts(await only(walletId=gid("Wallet", activities.id))) == [500]
    assert amounts(await only(type="MEAL")) == [-450]
    assert amounts(await only(method="BANK_TRANSFER")) == [500, 1000]
    assert amounts(await only(type="TOP_UP", walletId=gid("Wallet", activities.id))) == [500]
    stranger = await make_family(tx, await make_school(tx))
    theirs, _ = await wallets_of(tx, stranger.child)
    assert amounts(await only(walletId=gid("Wallet", theirs.id))) == []
    assert amounts(await only(walletId="garbage")) == []


async def test_keyset_pages_neither_repeat_nor_skip(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, _ = await wallets_of(tx, family.child)
    for cents in range(1, 8):  # two at each instant but the last: ties broken by id
        await fund_at(tx, clock, meals.id, cents, NOW - timedelta(hours=(8 - cents) // 2))

    first = await operations(gql, family, first=3)
    assert amounts(first) == [7, 6, 5]
    assert first["pageInfo"] == {"hasNextPage": True, "endCursor": first["edges"][-1]["cursor"]}
    await fund_at(tx, clock, meals.id, 100, NOW)  # newer than every page: never shifts them
    second = await operations(gql, family, first=3, after=first["pageInfo"]["endCursor"])
    assert amounts(second) == [4, 3, 2]
    third = await operations(gql, family, first=3, after=second["pageInfo"]["endCursor"])
    assert amounts(third) == [1]
    assert third["pageInfo"]["hasNextPage"] is False
    assert amounts(await operations(gql, family, first=500)) == [100, 7, 6, 5, 4, 3, 2, 1]


async def test_the_sales_journal_uses_the_same_periods(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    meals, _ = await wallets_of(tx, family.child)
    await fund_at(tx, clock, meals.id, 1000, NOW - timedelta(days=3))
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    view, _ = await tx.run(lambda uow: create_device(uow, staff, name="Caisse", kind="canteen"))
    till = DeviceActor(view.id, view.school_id, view.name, DeviceKind.CANTEEN)
    assert family.child.id is not None
    child_id = family.child.id
    for days, article in ((2, "Potage"), (0, "Lasagne")):
        clock.set(NOW - timedelta(days=days))

        def sell(uow: UnitOfWork, article: str = article, days: int = days) -> Awaitable[Any]:
            return sales.record_sale(
                uow,
                till,
                child_id=child_id,
                wallet_id=meals.id,
                lines=[sales.SaleLine(article, 1, 300)],
                idempotency_key=f"sale-{days}",
            )

        await tx.run(sell)
    clock.set(NOW)

    async def articles(**filter: Any) -> list[str]:
        data = await gql.as_(family.parent.token).data(
            SALES, {"id": gid("Child", family.child.id), "filter": filter}
        )
        return [e["node"]["article"] for e in data["viewer"]["child"]["sales"]["edges"]]

    assert await articles() == ["Lasagne", "Potage"]
    assert await articles(period="TODAY") == ["Lasagne"]
    assert await articles(to="2026-10-31") == ["Potage"]


async def test_a_cursor_we_did_not_make_is_invalid_input(gql: GraphQL, tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    me = gql.as_(family.parent.token)
    for query in (OPERATIONS, SALES):
        for cursor in ("garbage", "MjAyNi0xMS0wMnx4", ""):
            body = await me.execute(query, {"id": gid("Child", family.child.id), "after": cursor})
            assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT", cursor
