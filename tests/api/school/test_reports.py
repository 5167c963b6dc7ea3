"""CSV reports: the kitchen's count against the reservations, balances, sales, refusals."""

import csv
import io
from collections import Counter

import httpx
import pytest

from models.accounts import Role
from models.family import Child
from services.meals import catalogue, reservations
from services.sql.uow import Transactions
from tests.api.meals.test_meals_api import WEEK, monday  # noqa: F401 (the autouse clock)
from tests.factories import (
    Person,
    actor_for,
    fund,
    make_device,
    make_family,
    make_meal_menu,
    make_reservation,
    make_sale,
    make_school,
    make_user,
    pk,
    set_class,
    wallets_of,
)


def rows_of(response: httpx.Response, separator: str = ";") -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=separator))


async def get(
    http: httpx.AsyncClient, token: str | None, path: str, **params: str
) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await http.get(path, params=params, headers=headers)


async def declare_allergens(
    tx: Transactions, staff: Person, child: Child, codes: list[str]
) -> None:
    child_id = pk(child)
    await tx.run(lambda uow: catalogue.set_child_allergens(uow, actor_for(staff), child_id, codes))


async def cancel(tx: Transactions, parent: Person, reservation_id: int) -> None:
    await tx.run(lambda uow: reservations.cancel(uow, actor_for(parent), reservation_id))


async def test_the_kitchen_report_equals_the_reservations(
    http: httpx.AsyncClient, tx: Transactions
) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    hot, soup = await make_meal_menu(
        tx, school, WEEK, [("Repas chaud", 420, ["gluten"]), ("Potage", 110, [])]
    )
    families = [await make_family(tx, school) for _ in range(6)]
    expected: Counter[tuple[str, str, str]] = Counter()
    for n, family in enumerate(families):
        class_name = "1A" if n % 2 else "2B"
        await set_class(tx, family.child, class_name)
        await fund(tx, (await wallets_of(tx, family.child))[0].id, 5000)
        if n == 0:
            await declare_allergens(tx, staff, family.child, ["milk", "eggs"])
        for day in WEEK[2 : 2 + (n % 3) + 1]:
            article = hot if (n + day.day) % 2 else soup
            booked = await make_reservation(tx, family.parent, family.child, day, article)
            if n == 5 and day == WEEK[2]:
                await cancel(tx, family.parent, booked.id)
                continue
            expected[(day.isoformat(), class_name, article.name)] += 1

    table = rows_of(
        await get(
            http, staff.token, "/reports/meals.csv", **{"from": "2026-12-01", "to": "2026-12-31"}
        )
    )
    assert table[0] == ["Date", "Classe", "Article", "Réservations", "Allergènes"]
    counted = Counter({(r[0], r[1], r[2]): int(r[3]) for r in table[1:]})
    assert counted == expected
    allergic = [r for r in table[1:] if r[1] == "2B" and "eggs" in r[4]]
    assert allergic and all(r[4] == "eggs, milk" for r in allergic)


async def test_balances_and_sales_reports(http: httpx.AsyncClient, tx: Transactions) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF, locale="en")
    family = await make_family(tx, school)
    meals, other = await wallets_of(tx, family.child)
    await fund(tx, meals.id, 1250)
    await fund(tx, other.id, 300)
    device = await make_device(tx, school, name="Cantine")
    await make_sale(tx, device, family.child, meals.id, ("Jus", 2, 150), ("Pomme", 1, 50))

    balances = rows_of(await get(http, staff.token, "/reports/balances.csv"), ",")
    assert balances[0] == ["Child", "Class", "Wallet", "Balance (€)"]
    child = f"{family.child.last_name} {family.child.first_name}"
    assert [child, "1A", meals.name, "9.00"] in balances
    assert [child, "1A", other.name, "3.00"] in balances
    assert ["Total", "", meals.name, "9.00"] in balances

    sales = rows_of(
        await get(
            http, staff.token, "/reports/sales.csv", **{"from": "2026-11-01", "to": "2026-12-31"}
        ),
        ",",
    )
    assert sales[0] == ["Date", "Device", "Sales", "Amount (€)"]
    assert [row[1:] for row in sales[1:]] == [["Cantine", "2", "3.50"]]


@pytest.mark.parametrize("who", ["nobody", "PARENT", "TEACHER", "DEVICE", "OTHER_SCHOOL"])
@pytest.mark.parametrize(
    "path", ["/reports/meals.csv", "/reports/balances.csv", "/reports/sales.csv"]
)
async def test_reports_are_refused_to_everyone_but_the_schools_staff(
    http: httpx.AsyncClient, tx: Transactions, who: str, path: str
) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    await fund(tx, (await wallets_of(tx, family.child))[0].id, 700)
    params = {"from": "2026-12-01", "to": "2026-12-31"}
    headers: dict[str, str] = {}
    if who == "DEVICE":
        staff = await make_user(tx, school, Role.STAFF)
        created = await http.post(
            "/graphql",
            json={"query": 'mutation { createDevice(name: "C", kind: "canteen") { key } }'},
            headers={"authorization": f"Bearer {staff.token}"},
        )
        headers = {"authorization": f"Device {created.json()['data']['createDevice']['key']}"}
    elif who == "OTHER_SCHOOL":
        outsider = await make_user(tx, await make_school(tx), Role.STAFF)
        answer = await get(http, outsider.token, path, **params)
        assert family.child.first_name not in answer.content.decode("utf-8-sig")
        assert len(rows_of(answer)) == 1  # the header only
        return
    elif who != "nobody":
        headers = {"authorization": f"Bearer {(await make_user(tx, school, Role(who))).token}"}
    answer = await http.get(path, params=params, headers=headers)
    assert answer.status_code == (403 if who in ("PARENT", "TEACHER") else 401)
    assert family.child.first_name not in answer.text
