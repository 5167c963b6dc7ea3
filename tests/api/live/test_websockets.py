"""Authenticated websockets on a real uvicorn: connection_init, refusal, and closing on logout."""

import asyncio
from collections.abc import AsyncIterator

import pytest
import websockets
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute

from resolvers.endpoint import CartableGraphQL
from services.accounts.sessions import open_session
from services.sql.uow import Transactions
from settings import Settings
from tests.factories import make_family, make_school
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL
from tests.support.live import GraphQLSocket, live_server


@pytest.fixture(scope="module")
async def server(app: Starlette) -> AsyncIterator[str]:
    async with live_server(app) as url:
        yield url


async def test_a_valid_session_opens_a_socket(server: str, tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    async with GraphQLSocket.connect(server, family.parent.token) as socket:
        await socket.send({"type": "ping"})
        assert (await socket.receive())["type"] == "pong"


@pytest.mark.parametrize("token", ["not-a-session", None])
async def test_a_bad_or_missing_token_is_refused_with_4403(server: str, token: str | None) -> None:
    async with GraphQLSocket.connect(server, init=False) as socket:
        payload = {"authorization": f"Bearer {token}"} if token else {}
        await socket.send({"type": "connection_init", "payload": payload})
        closed = await socket.wait_closed()
        assert closed.code == 4403


async def test_logout_closes_the_sessions_sockets(
    server: str, tx: Transactions, gql: GraphQL
) -> None:
    family = await make_family(tx, await make_school(tx))
    other_session = await make_family(tx, await make_school(tx))
    async with (
        GraphQLSocket.connect(server, family.parent.token) as socket,
        GraphQLSocket.connect(server, other_session.parent.token) as bystander,
    ):
        assert (await gql.as_(family.parent.token).data("mutation { logout }"))["logout"] is True
        closed = await socket.wait_closed(timeout=3)
        assert closed.code == 4403
        await bystander.send({"type": "ping"})
        assert (await bystander.receive())["type"] == "pong"


async def test_logging_out_one_session_leaves_the_users_other_sessions_open(
    server: str, tx: Transactions, gql: GraphQL
) -> None:
    family = await make_family(tx, await make_school(tx))
    second = await tx.run(lambda uow: open_session(uow, family.parent.user))
    async with (
        GraphQLSocket.connect(server, family.parent.token) as first_socket,
        GraphQLSocket.connect(server, second) as second_socket,
    ):
        assert (await gql.as_(second).data("mutation { logout }"))["logout"] is True
        assert (await second_socket.wait_closed(timeout=3)).code == 4403
        await first_socket.send({"type": "ping"})
        assert (await first_socket.receive())["type"] == "pong"


async def test_only_the_graphql_transport_ws_protocol_is_spoken(server: str) -> None:
    url = server.replace("http://", "ws://") + "/graphql"
    with pytest.raises(
        (websockets.InvalidStatus, websockets.InvalidHandshake, websockets.ConnectionClosed)
    ):
        async with websockets.connect(
            url, subprotocols=[websockets.Subprotocol("graphql-ws")]
        ) as ws:
            await ws.recv()


async def test_subscribing_before_connection_init_is_refused(server: str) -> None:
    async with GraphQLSocket.connect(server, init=False) as socket:
        await socket.subscribe("subscription { __typename }")
        closed = await socket.wait_closed()
        assert closed.code == 4401


async def test_a_socket_is_closed_once_its_session_has_expired(
    app: Starlette, server: str, tx: Transactions, clock: FakeClock, settings: Settings
) -> None:
    """Expiry needs no event: the socket re-checks its session (here every 0.2 s)."""
    graphql = next(r.endpoint for r in app.routes if isinstance(r, WebSocketRoute))
    assert isinstance(graphql, CartableGraphQL)
    graphql.sessions.recheck_seconds = 0.2
    try:
        alive = await make_family(tx, await make_school(tx))
        async with GraphQLSocket.connect(server, alive.parent.token) as socket:
            await asyncio.sleep(0.5)  # re-checked while alive: still open
            await socket.send({"type": "ping"})
            assert (await socket.receive())["type"] == "pong"
        family = await make_family(tx, await make_school(tx))
        async with GraphQLSocket.connect(server, family.parent.token) as socket:
            clock.advance(minutes=settings.session_idle_minutes + 1)
            assert (await socket.wait_closed(timeout=3)).code == 4403
    finally:
        graphql.sessions.recheck_seconds = 60.0


async def test_validation_limits_hold_over_the_socket(server: str, tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    aliased = (
        "subscription($m: ID!) { "
        + " ".join(f"a{i}: meetingSlotsChanged(meetingId: $m) {{ sequence }}" for i in range(40))
        + " }"
    )
    async with GraphQLSocket.connect(server, family.parent.token) as socket:
        op = await socket.subscribe(aliased, {"m": "x"})
        answer = await socket.receive()
        assert (answer["type"], answer["id"]) == ("error", op)
        assert answer["payload"][0]["message"] == "40 aliases found. Allowed: 30"
