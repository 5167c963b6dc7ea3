"""Live balances over a real websocket while the sandbox PSP pays over real HTTP.

The app runs on a real uvicorn; PUBLIC_URL points at a small forwarding proxy in front of it
(also real HTTP) that can refuse the next webhooks, so the sandbox's retries are exercised.
"""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from models.ledger import OperationType, SchoolAccount
from models.topups import TopUp
from schema.ids import parse_global_id
from services.sql.uow import Transactions
from services.wallets import ledger
from settings import Settings
from tests.api.wallets.queries import START_TOP_UP, TRANSFER, balances, gid
from tests.factories import Family, fund, make_family, make_school, wallets_of
from tests.support.backends import free_port
from tests.support.graphql import GraphQL
from tests.support.live import GraphQLSocket, live_server

WALLET_CHANGED = """
subscription($child: ID!) {
  walletChanged(childId: $child) {
    sequence balance { cents }
    wallet { id name balance { cents } structuredCommunication }
    operation { type method amount { cents } balanceAfter { cents } label wallet { name } }
  }
}"""
HOP_BY_HOP = {"host", "content-length", "connection", "transfer-encoding", "content-encoding"}


class FlakyProxy:
    """Forwards everything to the app; refuses the next `failures` webhooks with a 503."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.failures = 0
        self.webhooks = 0

    async def forward(self, request: Request) -> Response:
        if request.url.path.startswith("/payments/webhooks/"):
            self.webhooks += 1
            if self.failures > 0:
                self.failures -= 1
                return Response("try later", status_code=503)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        async with httpx.AsyncClient(base_url=self.target) as client:
            answer = await client.request(
                request.method,
                request.url.path,
                params=request.query_params,
                content=await request.body(),
                headers=headers,
            )
        kept = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP}
        return Response(answer.content, status_code=answer.status_code, headers=kept)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{path:path}", self.forward, methods=["GET", "POST"])])


@pytest.fixture(scope="module")
def ports() -> tuple[int, int]:
    return free_port(), free_port()


@pytest.fixture(scope="module")
def settings(settings: Settings, ports: tuple[int, int]) -> Settings:
    """The module's settings, with PUBLIC_URL on the proxy and quick webhook retries."""
    return settings.model_copy(
        update={
            "public_url": f"http://127.0.0.1:{ports[1]}",
            "sandbox_webhook_retry_seconds": 0.05,
            "sandbox_webhook_attempts": 5,
        }
    )


@pytest.fixture(scope="module")
async def server(app: Starlette, ports: tuple[int, int]) -> AsyncIterator[str]:
    async with live_server(app, ports[0]) as url:
        yield url


@pytest.fixture(scope="module")
async def proxy(server: str, ports: tuple[int, int]) -> AsyncIterator[FlakyProxy]:
    forwarding = FlakyProxy(server)
    async with live_server(forwarding.app(), ports[1]):
        yield forwarding


@pytest.fixture(scope="module")
async def browser(proxy: FlakyProxy, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=settings.public_url) as client:
        yield client


async def snapshot(socket: GraphQLSocket, family: Family) -> tuple[str, list[dict[str, Any]]]:
    op = await socket.subscribe(WALLET_CHANGED, {"child": gid("Child", family.child.id)})
    events = [(await socket.next_data(op))["walletChanged"] for _ in range(2)]
    return op, events


async def start_top_up(
    browser: httpx.AsyncClient, family: Family, wallet_id: int, cents: int
) -> dict:
    gql = GraphQL(browser, family.parent.token)
    payload = (
        await gql.data(
            START_TOP_UP, {"wallet": gid("Wallet", wallet_id), "cents": cents, "key": "k"}
        )
    )["startOnlineTopUp"]
    assert payload["errors"] == []
    return payload["topUp"]


async def test_the_socket_gets_the_snapshot_then_the_sandbox_top_up(
    server: str, browser: httpx.AsyncClient, tx: Transactions, settings: Settings
) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, activities = await wallets_of(tx, family.child)
    await fund(tx, activities.id, 300)

    async with GraphQLSocket.connect(server, family.parent.token) as socket:
        op, first = await snapshot(socket, family)
        assert [(e["wallet"]["name"], e["balance"]["cents"], e["operation"]) for e in first] == [
            ("Repas", 0, None),
            ("Activités", 300, None),
        ]
        assert first[0]["wallet"]["structuredCommunication"] == meals.structured_communication
        position = first[0]["sequence"]
        assert position == first[1]["sequence"] == 1

        top_up = await start_top_up(browser, family, meals.id, 2000)
        page = await browser.get(top_up["checkoutUrl"])
        assert page.status_code == 200 and "20,00" in page.text and 'value="paid"' in page.text
        paid = await browser.post(top_up["checkoutUrl"], data={"outcome": "paid"})
        assert paid.status_code == 303
        assert paid.headers["location"] == f"{settings.public_url}/payments/return"

        event = (await socket.next_data(op))["walletChanged"]
        assert event == {
            "sequence": position + 1,
            "balance": {"cents": 2000},
            "wallet": {
                "id": gid("Wallet", meals.id),
                "name": "Repas",
                "balance": {"cents": 2000},
                "structuredCommunication": meals.structured_communication,
            },
            "operation": {
                "type": "TOP_UP",
                "method": "ONLINE",
                "amount": {"cents": 2000},
                "balanceAfter": {"cents": 2000},
                "label": "Rechargement en ligne",
                "wallet": {"name": "Repas"},
            },
        }
        again = await browser.post(top_up["checkoutUrl"], data={"outcome": "paid"})
        assert again.status_code == 409

    parent = GraphQL(browser, family.parent.token)
    assert await balances(parent, family.child.id) == [2000, 300]
    status = await parent.data(
        "query($id: ID!) { node(id: $id) { ... on TopUp { status } } }", {"id": top_up["id"]}
    )
    assert status == {"node": {"status": "PAID"}}


async def test_a_declined_payment_credits_nothing(
    browser: httpx.AsyncClient, tx: Transactions
) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, _ = await wallets_of(tx, family.child)
    top_up = await start_top_up(browser, family, meals.id, 1500)

    declined = await browser.post(top_up["checkoutUrl"], data={"outcome": "failed"})

    assert declined.status_code == 303
    parent = GraphQL(browser, family.parent.token)
    status = await parent.data(
        "query($id: ID!) { node(id: $id) { ... on TopUp { status } } }", {"id": top_up["id"]}
    )
    assert status == {"node": {"status": "FAILED"}}
    assert await balances(parent, family.child.id) == [0, 0]
    assert (await browser.post(top_up["checkoutUrl"], data={"outcome": "paid"})).status_code == 409
    assert (await browser.post(top_up["checkoutUrl"], data={"outcome": "maybe"})).status_code == 400
    assert (await browser.get(top_up["checkoutUrl"] + "x")).status_code == 404


async def test_the_sandbox_retries_until_the_webhook_is_answered(
    server: str, browser: httpx.AsyncClient, proxy: FlakyProxy, tx: Transactions
) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, _ = await wallets_of(tx, family.child)
    top_up = await start_top_up(browser, family, meals.id, 1000)
    proxy.failures, proxy.webhooks = 2, 0

    async with GraphQLSocket.connect(server, family.parent.token) as socket:
        op, _ = await snapshot(socket, family)
        assert (
            await browser.post(top_up["checkoutUrl"], data={"outcome": "paid"})
        ).status_code == 303
        event = (await socket.next_data(op, timeout=15))["walletChanged"]

    assert event["operation"]["type"] == "TOP_UP" and event["balance"] == {"cents": 1000}
    assert proxy.webhooks == 3
    assert await balances(GraphQL(browser, family.parent.token), family.child.id) == [1000, 0]
    parsed = parse_global_id(top_up["id"])
    assert parsed is not None
    row = await tx.read(lambda s: s.get(TopUp, parsed[1]))
    assert row is not None and row.status == "PAID" and row.transaction_id is not None


async def test_every_domains_movements_reach_the_socket_in_order(
    server: str, browser: httpx.AsyncClient, tx: Transactions
) -> None:
    family = await make_family(tx, await make_school(tx))
    meals, activities = await wallets_of(tx, family.child)
    await fund(tx, activities.id, 1000)
    async with GraphQLSocket.connect(server, family.parent.token) as socket:
        op, first = await snapshot(socket, family)
        moved = await GraphQL(browser, family.parent.token).data(
            TRANSFER,
            {
                "from": gid("Wallet", activities.id),
                "to": gid("Wallet", meals.id),
                "cents": 600,
                "key": "t",
            },
        )
        assert moved["transferBetweenWallets"]["errors"] == []
        # What another domain (meals) does with the ledger is pushed without code of its own.
        await tx.run(
            lambda uow: ledger.debit_wallet(
                uow,
                wallet_id=meals.id,
                amount_cents=450,
                to=SchoolAccount.MEAL_REVENUE,
                type=OperationType.MEAL,
                label="Repas du 03/12",
            )
        )
        events = [(await socket.next_data(op))["walletChanged"] for _ in range(3)]

    assert [
        (e["sequence"], e["wallet"]["name"], e["operation"]["type"], e["balance"]["cents"])
        for e in events
    ] == [
        (first[0]["sequence"] + 1, "Activités", "TRANSFER_OUT", 400),
        (first[0]["sequence"] + 2, "Repas", "TRANSFER_IN", 600),
        (first[0]["sequence"] + 3, "Repas", "MEAL", 150),
    ]


async def test_another_familys_child_gives_an_error_and_no_events(
    server: str, tx: Transactions
) -> None:
    family = await make_family(tx, await make_school(tx))
    stranger = await make_family(tx, await make_school(tx))
    theirs, _ = await wallets_of(tx, stranger.child)
    async with GraphQLSocket.connect(server, family.parent.token) as socket:
        op = await socket.subscribe(WALLET_CHANGED, {"child": gid("Child", stranger.child.id)})
        assert await socket.receive() == {
            "id": op,
            "type": "next",
            "payload": {
                "data": None,
                "errors": [{"message": "Introuvable.", "extensions": {"code": "NOT_FOUND"}}],
            },
        }
        assert await socket.receive() == {"id": op, "type": "complete"}
        await fund(tx, theirs.id, 500)  # their money moves: nothing reaches this socket
        await socket.send({"type": "ping"})
        assert (await socket.receive())["type"] == "pong"
