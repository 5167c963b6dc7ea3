"""GraphQL documents and small helpers shared by the money API tests."""

from typing import Any

from schema.ids import to_global_id
from tests.support.graphql import GraphQL

WALLET_FIELDS = "id name balance { cents currency } structuredCommunication"
OPERATION_FIELDS = (
    "id at type method amount { cents currency } balanceAfter { cents } label wallet { id name }"
)

CHILD_WALLETS = f"""
query($id: ID!) {{ viewer {{ child(id: $id) {{ wallets {{ {WALLET_FIELDS} }} }} }} }}"""

TRANSFER = f"""
mutation($from: ID!, $to: ID!, $cents: Int!, $key: String!) {{
  transferBetweenWallets(fromWalletId: $from, toWalletId: $to, amountCents: $cents, idempotencyKey: $key) {{
    from {{ {WALLET_FIELDS} }} to {{ {WALLET_FIELDS} }} errors {{ code field message }}
  }}
}}"""

START_TOP_UP = """
mutation($wallet: ID!, $cents: Int!, $key: String!) {
  startOnlineTopUp(walletId: $wallet, amountCents: $cents, idempotencyKey: $key) {
    topUp { id status amount { cents } checkoutUrl wallet { id name } } errors { code field message }
  }
}"""

RECORD_SALE = f"""
mutation($child: ID!, $wallet: ID!, $lines: [SaleLineInput!]!, $key: String!) {{
  recordSale(childId: $child, walletId: $wallet, lines: $lines, idempotencyKey: $key) {{
    sales {{ id article quantity amount {{ cents }} device {{ name kind }} }}
    operation {{ {OPERATION_FIELDS} }} wallet {{ {WALLET_FIELDS} }} errors {{ code field }}
  }}
}}"""

CREATE_DEVICE = """
mutation($name: String!, $kind: String!) {
  createDevice(name: $name, kind: $kind) { device { id name kind } key errors { code field } }
}"""

OPERATIONS = f"""
query($id: ID!, $filter: OperationFilter, $first: Int, $after: String) {{
  viewer {{ child(id: $id) {{
    operations(filter: $filter, first: $first, after: $after) {{
      edges {{ cursor node {{ {OPERATION_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }}
    }}
  }} }}
}}"""

SALES = """
query($id: ID!, $filter: SaleFilter, $first: Int, $after: String) {
  viewer { child(id: $id) {
    sales(filter: $filter, first: $first, after: $after) {
      edges { cursor node { id at article quantity amount { cents } device { id name kind } wallet { id name } } }
      pageInfo { hasNextPage endCursor }
    }
  } }
}"""


def gid(type_name: str, db_id: int | None) -> str:
    assert db_id is not None
    return to_global_id(type_name, db_id)


async def child_wallets(gql: GraphQL, child_id: int | None) -> list[dict[str, Any]]:
    data = await gql.data(CHILD_WALLETS, {"id": gid("Child", child_id)})
    wallets: list[dict[str, Any]] = data["viewer"]["child"]["wallets"]
    return wallets


async def balances(gql: GraphQL, child_id: int | None) -> list[int]:
    return [w["balance"]["cents"] for w in await child_wallets(gql, child_id)]


def line(article: str, quantity: int, unit_price_cents: int) -> dict[str, Any]:
    return {"article": article, "quantity": quantity, "unitPriceCents": unit_price_cents}
