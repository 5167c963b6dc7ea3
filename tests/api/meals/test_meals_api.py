"""Meals through the public API: the calendar, reserve and cancel with the wallet following at
once and live, staff set-up, and every refusal as a clear UserError."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from starlette.applications import Starlette

from models.accounts import Role
from models.meals import MealArticle
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from tests.factories import (
    Family,
    fund,
    gid,
    make_family,
    make_meal_menu,
    make_school,
    make_user,
    unique,
    wallets_of,
)
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL, error_codes
from tests.support.live import GraphQLSocket, live_server
from tests.support.mail import mails_to, text_of
from tests.support.statements import count_statements

MONDAY_MORNING = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
THURSDAY = "2026-12-03"
WEEK = [date(2026, 12, d) for d in (1, 2, 3, 4)]

CALENDAR = """query($id: ID!, $month: String!) { viewer { child(id: $id) {
  allergens
  mealCalendar(month: $month) { month days { date isToday bookable
    articles { id name price { cents currency } allergens }
    reservations { id date status cancellable price { cents } article { name } } } } } } }"""
RESERVE = """mutation($child: ID!, $date: Date!, $article: ID!, $key: String!) {
  reserveMeal(childId: $child, date: $date, articleId: $article, idempotencyKey: $key) {
    reservation { id date status cancellable price { cents } article { id name } }
    wallet { name balance { cents } } errors { code field message } } }"""
CANCEL = """mutation($id: ID!) { cancelMealReservation(reservationId: $id) {
    reservation { id status cancellable } wallet { balance { cents } } errors { code field message } } }"""
WALLET_CHANGED = """subscription($child: ID!) { walletChanged(childId: $child) {
    sequence balance { cents } wallet { name } operation { type method amount { cents } label } } }"""


@pytest.fixture(autouse=True)
def monday(clock: FakeClock) -> None:
    clock.set(MONDAY_MORNING)


async def funded_family(tx: Transactions, cents: int = 2000) -> tuple[Family, list[MealArticle]]:
    school = await make_school(tx)
    family = await make_family(tx, school)
    articles = await make_meal_menu(
        tx, school, WEEK, [("Repas chaud", 420, ["gluten"]), ("Potage", 110, ["celery"])]
    )
    await fund(tx, (await wallets_of(tx, family.child))[0].id, cents)
    return family, articles


async def reserve(
    gql: GraphQL, family: Family, article: MealArticle | str, day: str = THURSDAY
) -> dict[str, Any]:
    article_id = article if isinstance(article, str) else gid("MealArticle", article.id)
    variables = {
        "child": gid("Child", family.child.id),
        "date": day,
        "article": article_id,
        "key": unique("k"),
    }
    payload: dict[str, Any] = (await gql.as_(family.parent.token).data(RESERVE, variables))[
        "reserveMeal"
    ]
    return payload


async def test_the_calendar_reserve_and_cancel(gql: GraphQL, tx: Transactions) -> None:
    family, (hot, soup) = await funded_family(tx)
    me = gql.as_(family.parent.token)
    booked = await reserve(gql, family, hot)
    assert booked["errors"] == []
    assert booked["wallet"] == {"name": "Repas", "balance": {"cents": 1580}}
    assert booked["reservation"]["status"] == "ACTIVE"
    assert booked["reservation"]["cancellable"] is True
    await reserve(gql, family, soup)

    child = (await me.data(CALENDAR, {"id": gid("Child", family.child.id), "month": "2026-12"}))[
        "viewer"
    ]["child"]
    days = child["mealCalendar"]["days"]
    assert child["mealCalendar"]["month"] == "2026-12"
    assert len(days) == 31
    thursday = days[2]
    assert thursday["date"] == THURSDAY
    assert thursday["bookable"] is True
    assert [a["name"] for a in thursday["articles"]] == ["Potage", "Repas chaud"]
    assert thursday["articles"][1]["allergens"] == ["GLUTEN"]
    assert sorted(r["article"]["name"] for r in thursday["reservations"]) == [
        "Potage",
        "Repas chaud",
    ]
    assert [d["date"] for d in days if d["bookable"]] == [
        "2026-12-01",
        "2026-12-02",
        THURSDAY,
        "2026-12-04",
    ]

    cancelled = (await me.data(CANCEL, {"id": booked["reservation"]["id"]}))[
        "cancelMealReservation"
    ]
    assert cancelled["errors"] == []
    assert cancelled["reservation"]["status"] == "CANCELLED"
    assert cancelled["wallet"]["balance"]["cents"] == 2000 - 110
    again = (await me.data(CANCEL, {"id": booked["reservation"]["id"]}))["cancelMealReservation"]
    assert error_codes(again) == ["ALREADY_CANCELLED"]
    assert again["errors"][0]["message"] == "Déjà annulé."


async def test_refusals_are_user_errors(gql: GraphQL, tx: Transactions, clock: FakeClock) -> None:
    family, (hot, _) = await funded_family(tx, cents=400)
    other, (theirs, _) = await funded_family(tx)
    assert error_codes(await reserve(gql, family, hot)) == ["INSUFFICIENT_FUNDS"]
    assert error_codes(await reserve(gql, family, hot, day="2026-12-05")) == ["RESERVATION_CLOSED"]
    not_offered = await reserve(gql, family, hot, day="2026-12-07")
    assert [(e["code"], e["field"], e["message"]) for e in not_offered["errors"]] == [
        ("INVALID_INPUT", "articleId", "Ce repas n'est pas proposé ce jour-là.")
    ]
    assert error_codes(await reserve(gql, family, theirs)) == [
        "NOT_FOUND"
    ]  # another school's article
    foreign = await gql.as_(family.parent.token).data(
        RESERVE,
        {
            "child": gid("Child", other.child.id),
            "date": THURSDAY,
            "article": gid("MealArticle", theirs.id),
            "key": "x",
        },
    )
    assert error_codes(foreign["reserveMeal"]) == ["NOT_FOUND"]
    garbage = await gql.as_(family.parent.token).data(
        RESERVE, {"child": "nope", "date": THURSDAY, "article": "nope", "key": "x"}
    )
    assert [(e["code"], e["field"]) for e in garbage["reserveMeal"]["errors"]] == [
        ("NOT_FOUND", "childId")
    ]
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))  # Wednesday 10:00 in Brussels
    closed = await reserve(gql, other, theirs)
    assert error_codes(closed) == ["RESERVATION_CLOSED"]
    assert closed["errors"][0]["message"] == "Les réservations sont fermées pour ce jour."


async def test_a_bad_month_is_invalid_input(gql: GraphQL, tx: Transactions) -> None:
    family, _ = await funded_family(tx)
    body = await gql.as_(family.parent.token).execute(
        CALENDAR, {"id": gid("Child", family.child.id), "month": "2026-13"}
    )
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_concurrent_reservations_through_the_api(gql: GraphQL, tx: Transactions) -> None:
    family, (hot, _) = await funded_family(tx, cents=5 * 420)
    results = await asyncio.gather(*(reserve(gql, family, hot) for _ in range(15)))
    codes = [error_codes(r) for r in results]
    assert codes.count([]) == 5
    assert codes.count(["INSUFFICIENT_FUNDS"]) == 10
    assert (await wallets_of(tx, family.child))[0].balance_cents == 0


STAFF_SETUP = """mutation($month: String!, $days: [MealDayInput!]!) {
  setMealMonth(month: $month, days: $days) { days { date articles { name } } errors { code field } } }"""
CREATE_ARTICLE = """mutation($name: String!, $cents: Int!, $allergens: [Allergen!]) {
  createMealArticle(name: $name, priceCents: $cents, allergens: $allergens) {
    article { id name price { cents } allergens active } errors { code field } } }"""


async def test_staff_set_up_the_menu_the_rule_and_allergens(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    family = await make_family(tx, school)
    made = (
        await staff.data(
            CREATE_ARTICLE, {"name": "Lasagne", "cents": 450, "allergens": ["GLUTEN", "MILK"]}
        )
    )["createMealArticle"]
    assert made["article"]["allergens"] == ["GLUTEN", "MILK"]
    menu = (
        await staff.data(
            STAFF_SETUP,
            {
                "month": "2026-12",
                "days": [{"date": THURSDAY, "articleIds": [made["article"]["id"]]}],
            },
        )
    )["setMealMonth"]
    assert menu == {"days": [{"date": THURSDAY, "articles": [{"name": "Lasagne"}]}], "errors": []}
    weekend = (
        await staff.data(
            STAFF_SETUP,
            {
                "month": "2026-12",
                "days": [{"date": "2026-12-05", "articleIds": [made["article"]["id"]]}],
            },
        )
    )["setMealMonth"]
    assert error_codes(weekend) == ["INVALID_INPUT"]
    rule = await staff.data(
        'mutation { setMealRule(cutoffDaysBefore: 2, cutoffTime: "18:30", horizonDays: 30) { rule { cutoffDaysBefore cutoffTime horizonDays } errors { code } } }'
    )
    assert rule["setMealRule"]["rule"] == {
        "cutoffDaysBefore": 2,
        "cutoffTime": "18:30",
        "horizonDays": 30,
    }
    allergens = await staff.data(
        "mutation($c: ID!) { setChildAllergens(childId: $c, allergens: [MILK]) { allergens errors { code } } }",
        {"c": gid("Child", family.child.id)},
    )
    assert allergens["setChildAllergens"]["allergens"] == ["MILK"]
    conflict = await reserve(gql, family, made["article"]["id"])
    assert error_codes(conflict) == ["ALLERGEN_CONFLICT"]
    parent = gql.as_(family.parent.token)
    forbidden = (await parent.data(CREATE_ARTICLE, {"name": "x", "cents": 1}))["createMealArticle"]
    assert error_codes(forbidden) == ["FORBIDDEN"]


async def test_closing_a_day_refunds_and_tells_the_parents(
    gql: GraphQL, tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    [hot] = await make_meal_menu(tx, school, WEEK)
    await fund(tx, (await wallets_of(tx, family.child))[0].id, 2000)
    await reserve(gql, family, hot)
    staff = (await make_user(tx, school, Role.STAFF)).token
    closed = (
        await gql.as_(staff).data(
            f'mutation {{ closeMealDay(date: "{THURSDAY}", reason: "grève") {{ date refunded {{ status price {{ cents }} }} errors {{ code }} }} }}'
        )
    )["closeMealDay"]
    assert closed == {
        "date": THURSDAY,
        "refunded": [{"status": "CANCELLED", "price": {"cents": 420}}],
        "errors": [],
    }
    assert (await wallets_of(tx, family.child))[0].balance_cents == 2000
    [mail] = await mails_to(runtime, family.parent.user.email)
    assert "grève" in text_of(mail)
    assert "4,20" in text_of(mail)


@pytest.fixture(scope="module")
async def server(app: Starlette) -> AsyncIterator[str]:
    async with live_server(app) as url:
        yield url


async def test_reservations_and_refunds_reach_wallet_watchers_live(
    server: str, gql: GraphQL, tx: Transactions
) -> None:
    family, (hot, _) = await funded_family(tx)
    async with GraphQLSocket.connect(server, family.parent.token) as socket:
        op = await socket.subscribe(WALLET_CHANGED, {"child": gid("Child", family.child.id)})
        snapshot = [(await socket.next_data(op))["walletChanged"] for _ in range(2)]
        assert [e["operation"] for e in snapshot] == [None, None]
        position = snapshot[0]["sequence"]
        booked = await reserve(gql, family, hot)
        event = (await socket.next_data(op))["walletChanged"]
        assert event["sequence"] == position + 1
        assert event["balance"] == {"cents": 1580}
        assert event["operation"]["type"] == "MEAL"
        assert event["operation"]["amount"] == {"cents": -420}
        await gql.as_(family.parent.token).data(CANCEL, {"id": booked["reservation"]["id"]})
        refund = (await socket.next_data(op))["walletChanged"]
        assert (refund["sequence"], refund["operation"]["type"], refund["balance"]["cents"]) == (
            position + 2,
            "MEAL_REFUND",
            2000,
        )


async def test_the_month_costs_three_statements_whatever_its_length(
    gql: GraphQL, tx: Transactions, runtime: Runtime
) -> None:
    family, (hot, _) = await funded_family(tx)
    await reserve(gql, family, hot)
    me = gql.as_(family.parent.token)
    child_only = "query($id: ID!) { viewer { child(id: $id) { id } } }"
    variables = {"id": gid("Child", family.child.id)}
    await me.data(child_only, variables)  # the session's idle clock is refreshed: no write below
    with count_statements(runtime.database.engine) as without:
        await me.data(child_only, variables)
    for month in ("2026-11", "2026-12", "2027-02"):
        with count_statements(runtime.database.engine) as with_calendar:
            body = await me.data(
                "query($id: ID!, $m: String!) { viewer { child(id: $id) { id mealCalendar(month: $m) { days { date bookable articles { name } reservations { id article { name } } } } } } }",
                {**variables, "m": month},
            )
        assert body["viewer"]["child"]["mealCalendar"]["days"]
        assert len(with_calendar) - len(without) <= 3, with_calendar
