"""Races through the public API: many HTTP clients at once against a real uvicorn."""

import asyncio
import statistics
import time
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from models.accounts import Role
from services.sql.uow import Transactions
from tests.api.wallets.queries import CREATE_DEVICE, RECORD_SALE, TRANSFER, balances, gid, line
from tests.factories import fund, make_family, make_school, make_user, wallets_of
from tests.support.graphql import GraphQL
from tests.support.live import live_server


@pytest.fixture(scope="module")
async def server(app: Starlette) -> AsyncIterator[str]:
    async with live_server(app) as url:
        yield url


async def post_alone(server: str, headers: dict[str, str], query: str, variables: dict) -> dict:
    """One request from its own client (its own connection), as separate tills or browsers."""
    async with httpx.AsyncClient(base_url=server, timeout=60) as client:
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
    assert response.status_code == 200, response.text
    body: dict = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_fifty_tills_charge_ten_euros_on_a_hundred(
    server: str, gql: GraphQL, tx: Transactions
) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    created = await gql.as_(staff.token).data(CREATE_DEVICE, {"name": "Caisse", "kind": "canteen"})
    key = created["createDevice"]["key"]
    family = await make_family(tx, school)
    meals, _ = await wallets_of(tx, family.child)
    await fund(tx, meals.id, 10_000)

    async def sale(n: int) -> tuple[str, float]:
        started = time.perf_counter()
        data = await post_alone(
            server,
            {"authorization": f"Device {key}"},
            RECORD_SALE,
            {
                "child": gid("Child", family.child.id),
                "wallet": gid("Wallet", meals.id),
                "lines": [line("Menu", 1, 1000)],
                "key": f"sale-{n}",
            },
        )
        errors = data["recordSale"]["errors"]
        return (errors[0]["code"] if errors else "ok"), time.perf_counter() - started

    results = await asyncio.gather(*[sale(n) for n in range(50)])

    assert Counter(code for code, _ in results) == {"ok": 10, "INSUFFICIENT_FUNDS": 40}
    assert await balances(gql.as_(family.parent.token), family.child.id) == [0, 0]
    seconds = sorted(s for _, s in results)
    print(
        f"\n50 concurrent sales: median {statistics.median(seconds) * 1000:.0f} ms, "
        f"slowest {seconds[-1] * 1000:.0f} ms"
    )


async def test_two_browsers_sending_one_key_move_money_once(
    server: str, gql: GraphQL, tx: Transactions
) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, activities = await wallets_of(tx, family.child)
    await fund(tx, activities.id, 2000)
    variables = {
        "from": gid("Wallet", activities.id),
        "to": gid("Wallet", meals.id),
        "cents": 800,
        "key": "double-click",
    }
    headers = {"authorization": f"Bearer {family.parent.token}"}

    answers = await asyncio.gather(
        *[post_alone(server, headers, TRANSFER, variables) for _ in range(2)]
    )

    assert answers[0] == answers[1]
    assert answers[0]["transferBetweenWallets"]["errors"] == []
    assert await balances(gql.as_(family.parent.token), family.child.id) == [800, 1200]
