"""The demo school's money: exact balances after a history parents can browse."""

import pytest
from sqlalchemy import select
from sqlmodel import col

from models.db import Database
from models.family import Child
from services.demo.seed import seed_if_empty
from settings import Settings
from tests.support.graphql import GraphQL

LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }"
CHILDREN = "{ viewer { children { id firstName wallets { name balance { cents } } } } }"
HISTORY = """query($id: ID!) { viewer { child(id: $id) {
  operations(first: 100) { edges { node { type method amount { cents } wallet { name } } } }
  sales(first: 100) { edges { node { article quantity amount { cents } device { kind } } } }
} } }"""
SALE = """mutation($child: ID!, $wallet: ID!) {
  recordSale(childId: $child, walletId: $wallet, idempotencyKey: "demo-try",
             lines: [{article: "Eau", quantity: 1, unitPriceCents: 80}]) {
    wallet { balance { cents } } errors { code } } }"""


@pytest.fixture(scope="module")
async def seeded(settings: Settings, db: Database) -> Settings:
    demo = settings.model_copy(update={"demo_families": 2})
    assert await seed_if_empty(demo) is True
    return demo


async def signed_in(gql: GraphQL, username: str, password: str) -> GraphQL:
    return gql.as_((await gql.data(LOGIN, {"u": username, "p": password}))["login"]["token"])


async def test_every_demo_child_has_fifty_and_twenty_euros(
    seeded: Settings, gql: GraphQL, db: Database
) -> None:
    async with db.read() as session:
        children = (await session.scalars(select(Child).order_by(col(Child.id)))).all()
    assert len(children) == 7  # Emma, Lucas, Léa, Lotte, Oliver and two load-test children
    for username, password, count in (
        ("demo.parent", "demo-parent-pass", 2),
        ("demo.other", "demo-other-pass", 1),
        ("demo.family1", "demo-family-pass", 1),
        ("demo.family2", "demo-family-pass", 1),
    ):
        parent = await signed_in(gql, username, password)
        found = (await parent.data(CHILDREN))["viewer"]["children"]
        assert len(found) == count
        for child in found:
            assert [(w["name"], w["balance"]["cents"]) for w in child["wallets"]] == [
                ("Repas", 5000),
                ("Activités", 2000),
            ]


async def test_demo_operations_and_sales_show_the_past_weeks(
    seeded: Settings, gql: GraphQL
) -> None:
    parent = await signed_in(gql, "demo.parent", "demo-parent-pass")
    emma = next(
        c for c in (await parent.data(CHILDREN))["viewer"]["children"] if c["firstName"] == "Emma"
    )
    child = (await parent.data(HISTORY, {"id": emma["id"]}))["viewer"]["child"]
    operations = [
        (
            o["node"]["type"],
            o["node"]["method"],
            o["node"]["amount"]["cents"],
            o["node"]["wallet"]["name"],
        )
        for o in child["operations"]["edges"]
    ]
    # The demo's meal reservations (three past, two coming) and the transfer that paid them.
    meals = [o for o in operations if o[0] == "MEAL"]
    assert len(meals) == 5
    assert {o[3] for o in meals} == {"Repas"}
    operations = [o for o in operations if o[0] != "MEAL"]
    operations.remove(("TOP_UP", "BANK_TRANSFER", -sum(o[2] for o in meals), "Repas"))
    assert operations == [
        ("PURCHASE", "POS", -130, "Activités"),
        ("PURCHASE", "POS", -120, "Activités"),
        ("PURCHASE", "POS", -250, "Repas"),
        ("TRANSFER_IN", "INTERNAL", 750, "Repas"),
        ("TRANSFER_OUT", "INTERNAL", -750, "Activités"),
        ("TOP_UP", "BANK_TRANSFER", 3000, "Activités"),
        # The part of the demo's PAID invoice that "Activités" paid, topped up first (demo invoices).
        ("INVOICE_PAYMENT", "WALLET", -1500, "Activités"),
        ("TOP_UP", "BANK_TRANSFER", 1500, "Activités"),
        ("TOP_UP", "ONLINE", 4500, "Repas"),
    ]
    assert [
        (s["node"]["article"], s["node"]["device"]["kind"]) for s in child["sales"]["edges"]
    ] == [
        ("Cahier A4", "shop"),
        ("Jus d'orange", "vending"),
        ("Potage du jour", "canteen"),
    ]


async def test_the_demo_devices_keys_work(seeded: Settings, gql: GraphQL) -> None:
    parent = await signed_in(gql, "demo.other", "demo-other-pass")
    [lea] = (await parent.data("{ viewer { children { id wallets { id } } } }"))["viewer"][
        "children"
    ]
    sold = await gql.data(
        SALE,
        {"child": lea["id"], "wallet": lea["wallets"][0]["id"]},
        authorization="Device demo-canteen-key",
    )
    assert sold["recordSale"] == {"wallet": {"balance": {"cents": 4920}}, "errors": []}
