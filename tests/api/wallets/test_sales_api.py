"""Point-of-sale devices: keys, sales recorded whole or refused whole, refunds, the sales journal."""

from typing import Any

from models.accounts import Role
from services.sql.uow import Transactions
from tests.api.wallets.queries import CREATE_DEVICE, RECORD_SALE, SALES, balances, gid, line
from tests.factories import Family, Person, fund, make_family, make_school, make_user, wallets_of
from tests.support.graphql import GraphQL, error_codes

REFUND = """
mutation($sale: ID!, $key: String!) {
  refundSale(saleId: $sale, idempotencyKey: $key) {
    operation { type amount { cents } balanceAfter { cents } label } errors { code }
  }
}"""


async def device(gql: GraphQL, staff: Person, name: str, kind: str) -> GraphQL:
    """A GraphQL client speaking as a new device (`Authorization: Device <key>`)."""
    created = (await gql.as_(staff.token).data(CREATE_DEVICE, {"name": name, "kind": kind}))[
        "createDevice"
    ]
    assert created["errors"] == [] and created["key"]
    return DeviceClient(gql.http, created["key"])


class DeviceClient(GraphQL):
    def __init__(self, http: Any, key: str) -> None:
        super().__init__(http)
        self.key = key

    async def raw(self, query: str, variables: dict[str, Any] | None = None, **headers: str):
        headers.setdefault("authorization", f"Device {self.key}")
        return await super().raw(query, variables, **headers)


async def sell(till: GraphQL, family: Family, wallet_id: int, lines: list, key: str) -> dict:
    variables = {
        "child": gid("Child", family.child.id),
        "wallet": gid("Wallet", wallet_id),
        "lines": lines,
        "key": key,
    }
    return (await till.data(RECORD_SALE, variables))["recordSale"]


async def test_a_device_records_a_purchase_as_one_debit(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    till = await device(gql, staff, "Caisse de la cantine", "canteen")
    family = await make_family(tx, school)
    meals, _ = await wallets_of(tx, family.child)
    await fund(tx, meals.id, 1000)

    sold = await sell(till, family, meals.id, [line("Potage", 2, 150), line("Pain", 1, 80)], "s-1")

    assert sold["errors"] == []
    assert [(s["article"], s["quantity"], s["amount"]["cents"]) for s in sold["sales"]] == [
        ("Potage", 2, 300),
        ("Pain", 1, 80),
    ]
    assert sold["sales"][0]["device"] == {"name": "Caisse de la cantine", "kind": "canteen"}
    operation = sold["operation"]
    assert (operation["type"], operation["method"], operation["amount"]["cents"]) == (
        "PURCHASE",
        "POS",
        -380,
    )
    assert operation["balanceAfter"]["cents"] == 620
    assert operation["label"] == "Caisse de la cantine : Potage ×2, Pain"
    assert (
        await sell(till, family, meals.id, [line("Potage", 2, 150), line("Pain", 1, 80)], "s-1")
        == sold
    )
    assert await balances(gql.as_(family.parent.token), family.child.id) == [620, 0]


async def test_not_enough_money_refuses_the_whole_purchase(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    till = await device(gql, await make_user(tx, school, Role.STAFF), "Distributeur", "vending")
    family = await make_family(tx, school)
    meals, _ = await wallets_of(tx, family.child)
    await fund(tx, meals.id, 300)

    refused = await sell(till, family, meals.id, [line("Jus", 2, 100), line("Gaufre", 1, 150)], "s")

    assert error_codes(refused) == ["INSUFFICIENT_FUNDS"] and refused["sales"] == []
    journal = await gql.as_(family.parent.token).data(SALES, {"id": gid("Child", family.child.id)})
    assert journal["viewer"]["child"]["sales"]["edges"] == []
    assert await balances(gql.as_(family.parent.token), family.child.id) == [300, 0]


async def test_bad_lines_and_other_schools_wallets_are_refused(
    gql: GraphQL, tx: Transactions
) -> None:
    school = await make_school(tx)
    till = await device(gql, await make_user(tx, school, Role.STAFF), "Boutique", "shop")
    family = await make_family(tx, school)
    meals, activities = await wallets_of(tx, family.child)
    await fund(tx, meals.id, 1000)
    stranger = await make_family(tx, await make_school(tx))
    theirs, _ = await wallets_of(tx, stranger.child)
    await fund(tx, theirs.id, 1000)

    assert error_codes(await sell(till, family, meals.id, [], "a")) == ["INVALID_INPUT"]
    assert error_codes(await sell(till, family, meals.id, [line(" ", 1, 100)], "b")) == [
        "INVALID_INPUT"
    ]
    assert error_codes(await sell(till, family, meals.id, [line("x", 0, 100)], "c")) == [
        "INVALID_INPUT"
    ]
    assert error_codes(await sell(till, family, meals.id, [line("x", 1, -1)], "d")) == [
        "INVALID_AMOUNT"
    ]
    assert error_codes(await sell(till, family, meals.id, [line("x", 1, 0)], "e")) == [
        "INVALID_AMOUNT"
    ]
    assert error_codes(await sell(till, stranger, theirs.id, [line("x", 1, 10)], "f")) == [
        "NOT_FOUND"
    ]
    other_child = await make_family(tx, school)
    assert error_codes(await sell(till, other_child, activities.id, [line("x", 1, 10)], "g")) == [
        "NOT_FOUND"
    ]
    assert await balances(gql.as_(family.parent.token), family.child.id) == [1000, 0]


async def test_devices_are_made_by_staff_and_stop_when_revoked(
    gql: GraphQL, tx: Transactions
) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    family = await make_family(tx, school)
    by_parent = await gql.as_(family.parent.token).data(
        CREATE_DEVICE, {"name": "x", "kind": "shop"}
    )
    assert error_codes(by_parent["createDevice"]) == ["FORBIDDEN"]
    bad_kind = await gql.as_(staff.token).data(CREATE_DEVICE, {"name": "x", "kind": "atm"})
    assert bad_kind["createDevice"]["errors"] == [{"code": "INVALID_INPUT", "field": "kind"}]

    till = await device(gql, staff, "Boutique", "shop")
    meals, _ = await wallets_of(tx, family.child)
    await fund(tx, meals.id, 1000)
    variables = {
        "child": gid("Child", family.child.id),
        "wallet": gid("Wallet", meals.id),
        "lines": [line("Cahier", 1, 130)],
        "key": "k",
    }
    for stranger in (gql, gql.as_(family.parent.token), DeviceClient(gql.http, "dev_wrong")):
        body = await stranger.execute(RECORD_SALE, variables)
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    devices = (await gql.as_(staff.token).data("{ devices { id name kind } }"))["devices"]
    assert [(d["name"], d["kind"]) for d in devices] == [("Boutique", "shop")]
    # Parents read them too, to filter their sales; a teacher gets none.
    seen = (await gql.as_(family.parent.token).data("{ devices { name kind } }"))["devices"]
    assert seen == [{"name": "Boutique", "kind": "shop"}]
    teacher = await make_user(tx, school, Role.TEACHER)
    assert (await gql.as_(teacher.token).data("{ devices { name } }"))["devices"] == []
    revoked = await gql.as_(staff.token).data(
        "mutation($id: ID!) { revokeDevice(deviceId: $id) { device { name } errors { code } } }",
        {"id": devices[0]["id"]},
    )
    assert revoked["revokeDevice"]["errors"] == []
    body = await till.execute(RECORD_SALE, variables)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await balances(gql.as_(family.parent.token), family.child.id) == [1000, 0]


async def test_staff_refund_a_purchase_once(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    till = await device(gql, staff, "Boutique", "shop")
    family = await make_family(tx, school)
    _, activities = await wallets_of(tx, family.child)
    await fund(tx, activities.id, 1000)
    sold = await sell(
        till, family, activities.id, [line("Cahier", 2, 130), line("Stylo", 1, 90)], "s"
    )
    sale = sold["sales"][1]["id"]

    refund = (await gql.as_(staff.token).data(REFUND, {"sale": sale, "key": "r-1"}))["refundSale"]
    assert refund["operation"] == {
        "type": "PURCHASE_REFUND",
        "amount": {"cents": 350},
        "balanceAfter": {"cents": 1000},
        "label": "Remboursement : Cahier, Stylo",
    }
    assert (await gql.as_(staff.token).data(REFUND, {"sale": sale, "key": "r-1"}))[
        "refundSale"
    ] == refund
    again = (await gql.as_(staff.token).data(REFUND, {"sale": sale, "key": "r-2"}))["refundSale"]
    assert error_codes(again) == ["ALREADY_CANCELLED"]
    by_parent = (await gql.as_(family.parent.token).data(REFUND, {"sale": sale, "key": "r-3"}))[
        "refundSale"
    ]
    assert error_codes(by_parent) == ["FORBIDDEN"]
    assert await balances(gql.as_(family.parent.token), family.child.id) == [0, 1000]


async def test_the_sales_journal_filters_and_searches_without_case_or_accents(
    gql: GraphQL, tx: Transactions
) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    shop = await device(gql, staff, "Boutique", "shop")
    vending = await device(gql, staff, "Distributeur", "vending")
    family = await make_family(tx, school)
    meals, activities = await wallets_of(tx, family.child)
    await fund(tx, meals.id, 2000)
    await fund(tx, activities.id, 2000)
    await sell(vending, family, meals.id, [line("Crème brûlée", 1, 200)], "1")
    await sell(vending, family, meals.id, [line("Jus d'orange", 1, 100)], "2")
    await sell(
        shop, family, activities.id, [line("CREME solaire", 1, 500), line("Règle", 1, 50)], "3"
    )
    parent = gql.as_(family.parent.token)

    async def articles(**filter: Any) -> list[str]:
        data = await parent.data(SALES, {"id": gid("Child", family.child.id), "filter": filter})
        return [e["node"]["article"] for e in data["viewer"]["child"]["sales"]["edges"]]

    # Newest first (same instant: the last recorded first).
    assert await articles() == ["Règle", "CREME solaire", "Jus d'orange", "Crème brûlée"]
    assert sorted(await articles(search="crème")) == ["CREME solaire", "Crème brûlée"]
    assert sorted(await articles(search="BRULEE")) == ["Crème brûlée"]
    assert await articles(search="regle") == ["Règle"]
    assert await articles(search="100%") == []
    assert sorted(await articles(walletId=gid("Wallet", activities.id))) == [
        "CREME solaire",
        "Règle",
    ]
    vending_id = (await gql.as_(staff.token).data("{ devices { id name } }"))["devices"]
    by_name = {d["name"]: d["id"] for d in vending_id}
    assert sorted(await articles(deviceId=by_name["Distributeur"])) == [
        "Crème brûlée",
        "Jus d'orange",
    ]
    assert await articles(deviceId="bm90LWEtZGV2aWNl") == []


REFUNDED = """query($id: ID!) { viewer { child(id: $id) {
  sales { edges { node { id article refunded refundedAt } } }
  dashboard { recentSales(limit: 10) { article refunded refundedAt } }
} } }"""
SALE_NODE = "query($id: ID!) { node(id: $id) { ... on Sale { article refunded } } }"


async def test_a_refunded_purchase_is_marked_in_the_parents_journal(
    gql: GraphQL, tx: Transactions
) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    till = await device(gql, staff, "Boutique", "shop")
    family = await make_family(tx, school)
    meals, _ = await wallets_of(tx, family.child)
    await fund(tx, meals.id, 1000)
    kept = await sell(till, family, meals.id, [line("Gomme", 1, 40)], "kept")
    given_back = await sell(
        till, family, meals.id, [line("Cahier", 1, 130), line("Stylo", 1, 90)], "back"
    )
    refund = await gql.as_(staff.token).data(
        REFUND, {"sale": given_back["sales"][0]["id"], "key": "r"}
    )
    assert refund["refundSale"]["errors"] == []
    parent = gql.as_(family.parent.token)

    child = (await parent.data(REFUNDED, {"id": gid("Child", family.child.id)}))["viewer"]["child"]

    journal = [edge["node"] for edge in child["sales"]["edges"]]
    assert [(s["article"], s["refunded"]) for s in journal] == [
        ("Stylo", True),
        ("Cahier", True),
        ("Gomme", False),
    ]
    assert journal[0]["refundedAt"] == tx.now().isoformat()
    assert journal[2]["refundedAt"] is None
    recent = child["dashboard"]["recentSales"]
    assert [(s["article"], s["refunded"]) for s in recent] == [
        ("Stylo", True),
        ("Cahier", True),
        ("Gomme", False),
    ]
    assert recent[1]["refundedAt"] == journal[1]["refundedAt"]
    node = (await parent.data(SALE_NODE, {"id": given_back["sales"][1]["id"]}))["node"]
    assert node == {"article": "Stylo", "refunded": True}
    assert (await parent.data(SALE_NODE, {"id": kept["sales"][0]["id"]}))["node"][
        "refunded"
    ] is False
