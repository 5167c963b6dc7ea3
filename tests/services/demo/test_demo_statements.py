"""The demo school's sample statements (README): a CODA file, then a CAMT.053 file that repeats
one of its entries, credit the demo wallets once and leave one mistyped transfer for staff."""

from pathlib import Path

import httpx
import pytest

from models.db import Database
from services.demo.seed import seed_if_empty
from services.sql.uow import Transactions
from settings import Settings
from tests.support.graphql import GraphQL
from tests.support.ledger import assert_ledger_balanced

STATEMENTS = Path(__file__).resolve().parents[3] / "services" / "demo" / "statements"
LOGIN = """mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }"""
BALANCES = """{ viewer { children { firstName wallets { name balance { cents } } } } }"""
QUEUE = """{ unmatchedBankLines { amount { cents } counterpartyName
  suggestions { childName wallet { name } reason } } }"""


@pytest.fixture(scope="module")
async def seeded(settings: Settings, db: Database) -> Settings:
    assert await seed_if_empty(settings) is True
    return settings


async def token(gql: GraphQL, username: str, password: str) -> str:
    return str((await gql.data(LOGIN, {"u": username, "p": password}))["login"]["token"])


async def test_the_demo_statements_credit_the_demo_wallets_once(
    seeded: Settings, gql: GraphQL, http: httpx.AsyncClient, tx: Transactions
) -> None:
    staff = await token(gql, "demo.staff", "demo-staff-pass")
    answers = []
    for name in ("demo-statement-047.cod", "demo-statement-048.camt053.xml"):
        response = await http.post(
            "/bank-statements",
            files={"file": (name, (STATEMENTS / name).read_bytes())},
            headers={"authorization": f"Bearer {staff}"},
        )
        assert response.status_code == 201, response.text
        body = response.json()
        answers.append((body["lines"], body["credited"], body["unmatched"]))
    assert answers == [(5, 2, 1), (2, 2, 0)]

    def shown(viewer: dict) -> dict[str, list[int]]:
        return {
            c["firstName"]: [w["balance"]["cents"] for w in c["wallets"]]
            for c in viewer["children"]
        }

    parent = gql.as_(await token(gql, "demo.parent", "demo-parent-pass"))
    assert shown((await parent.data(BALANCES))["viewer"]) == {
        "Emma": [7500, 5000],
        "Lucas": [5000, 3500],
    }
    other = gql.as_(await token(gql, "demo.other", "demo-other-pass"))
    assert shown((await other.data(BALANCES))["viewer"]) == {"Léa": [5000, 3000]}
    [line] = (await gql.as_(staff).data(QUEUE))["unmatchedBankLines"]
    assert line["amount"] == {"cents": 1800} and line["counterpartyName"] == "MARTIN JEAN"
    assert {"childName": "Léa", "wallet": {"name": "Repas"}, "reason": "CHECK_DIGITS"} in line[
        "suggestions"
    ]
    await assert_ledger_balanced(tx)
