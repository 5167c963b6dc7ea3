"""The demo school's invoices: one in each status per child, paid and credited through the
billing services, with every wallet still at €50 / €20 and the ledger balanced."""

import pytest

from models.db import Database
from services.demo.seed import seed_if_empty
from services.sql.uow import Transactions
from settings import Settings
from tests.support.graphql import GraphQL
from tests.support.ledger import assert_ledger_balanced

LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }"
INVOICES = """{ viewer { children { firstName
  wallets { name balance { cents } }
  dashboard { openInvoices { status title } }
  invoices { edges { node {
    number title status total { cents } paid { cents } credited { cents } due { cents }
    payments { method amount { cents } }
    document { kind read }
  } } }
} } }"""


@pytest.fixture(scope="module")
async def seeded(settings: Settings, db: Database) -> Settings:
    assert await seed_if_empty(settings) is True
    return settings


async def signed_in(gql: GraphQL, username: str, password: str) -> GraphQL:
    return gql.as_((await gql.data(LOGIN, {"u": username, "p": password}))["login"]["token"])


async def test_each_demo_child_has_one_invoice_in_each_status(
    seeded: Settings, gql: GraphQL, tx: Transactions
) -> None:
    numbers: set[str] = set()
    for username, names in (("demo.parent", ["Emma", "Lucas"]), ("demo.other", ["Léa"])):
        parent = await signed_in(gql, username, username.replace(".", "-") + "-pass")
        children = (await parent.data(INVOICES))["viewer"]["children"]
        assert [c["firstName"] for c in children] == names
        for child in children:
            assert [(w["name"], w["balance"]["cents"]) for w in child["wallets"]] == [
                ("Repas", 5000),
                ("Activités", 2000),
            ]
            found = [edge["node"] for edge in child["invoices"]["edges"]]
            summary = [
                (
                    i["status"],
                    i["total"]["cents"],
                    i["paid"]["cents"],
                    i["credited"]["cents"],
                    i["due"]["cents"],
                )
                for i in found
            ]
            assert summary == [  # newest first
                ("OPEN", 1850, 0, 0, 1850),
                ("OVERDUE", 2400, 0, 0, 2400),
                ("PAID", 3500, 3500, 0, 0),
                ("CREDITED", 4500, 0, 4500, 0),
            ]
            paid = next(i for i in found if i["status"] == "PAID")
            assert [(p["method"], p["amount"]["cents"]) for p in paid["payments"]] == [
                ("BANK_TRANSFER", 2000),
                ("WALLET", 1500),
            ]
            # Each PDF is the child's invoice document, already read (the report stays the
            # one unread document).
            assert {(i["document"]["kind"], i["document"]["read"]) for i in found} == {
                ("invoice", True)
            }
            assert [(i["status"], i["title"]) for i in child["dashboard"]["openInvoices"]] == [
                ("OVERDUE", "Natation — 1er trimestre"),
                ("OPEN", "Excursion et spectacle"),
            ]
            numbers |= {i["number"] for i in found}
    assert len(numbers) == 12
    await assert_ledger_balanced(tx)
