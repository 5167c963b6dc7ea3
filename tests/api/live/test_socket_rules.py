"""Websocket hygiene on a real uvicorn: init timeout, caps, Origin allow-list, heartbeat."""

import asyncio
import base64
import json
import os
from collections.abc import AsyncIterator

import pytest
import websockets
from starlette.applications import Starlette

from models.db import Database
from server import create_app
from services.sql.uow import Transactions
from settings import Settings
from tests.api.live.push_helpers import WATCH
from tests.factories import gid, make_family, make_meeting, make_school
from tests.support.live import GraphQLSocket, live_server


@pytest.fixture(scope="module")
async def strict(settings: Settings, db: Database) -> AsyncIterator[tuple[str, Transactions]]:
    """An app with short timers and small caps, so each rule shows quickly."""
    strict_settings = settings.model_copy(
        update={
            "ws_init_timeout_seconds": 0.5,
            "ws_max_sockets_per_user": 3,
            "ws_ping_interval_seconds": 0.3,
            "allowed_origins": ["https://portal.example"],
        }
    )
    app: Starlette = create_app(strict_settings)
    async with app.router.lifespan_context(app):
        runtime = app.state.runtime
        async with live_server(app) as url:
            yield url, runtime.transactions


def test_defaults_match_the_rules() -> None:
    defaults = Settings()
    assert defaults.ws_init_timeout_seconds == 10
    assert defaults.ws_max_subscriptions == 20
    assert defaults.ws_max_sockets_per_user == 20


async def test_a_socket_without_connection_init_is_closed(strict: tuple[str, Transactions]) -> None:
    url, _ = strict
    async with GraphQLSocket.connect(url, init=False) as socket:
        closed = await socket.wait_closed(timeout=5)
    assert closed.code == 4408


async def test_sockets_per_user_are_capped(strict: tuple[str, Transactions]) -> None:
    url, tx = strict
    family = await make_family(tx, await make_school(tx))
    init = {
        "type": "connection_init",
        "payload": {"authorization": f"Bearer {family.parent.token}"},
    }
    async with (
        GraphQLSocket.connect(url, family.parent.token),
        GraphQLSocket.connect(url, family.parent.token),
        GraphQLSocket.connect(url, family.parent.token),
        GraphQLSocket.connect(url, init=False) as fourth,
    ):
        await fourth.send(init)
        closed = await fourth.wait_closed()
        assert closed.code == 4403
    # Closing sockets gives the places back.
    async with GraphQLSocket.connect(url, family.parent.token) as again:
        await again.send({"type": "ping"})
        assert (await again.receive())["type"] == "pong"


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [("https://portal.example", True), ("https://evil.example", False), (None, True)],
)
async def test_browsers_from_other_sites_are_refused(
    strict: tuple[str, Transactions], origin: str | None, allowed: bool
) -> None:
    url, tx = strict
    family = await make_family(tx, await make_school(tx))
    if allowed:
        async with GraphQLSocket.connect(url, family.parent.token, origin=origin) as socket:
            await socket.send({"type": "ping"})
            assert (await socket.receive())["type"] == "pong"
    else:
        with pytest.raises(websockets.InvalidStatus) as refused:
            async with GraphQLSocket.connect(url, family.parent.token, origin=origin):
                pass
        assert refused.value.response.status_code == 403


def client_text_frame(text: str) -> bytes:
    """One masked text frame, as a browser would send it (RFC 6455 section 5.2)."""
    data = text.encode()
    assert len(data) < 126
    mask = os.urandom(4)
    return (
        bytes([0x81, 0x80 | len(data)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))
    )


async def test_a_peer_that_stops_answering_pings_is_dropped(
    strict: tuple[str, Transactions],
) -> None:
    """A raw client signs in, then never reads or answers again: the heartbeat hangs up on it."""
    url, tx = strict
    family = await make_family(tx, await make_school(tx))
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            f"GET /graphql HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n"
        ).encode()
    )
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 101")
    init = {
        "type": "connection_init",
        "payload": {"authorization": f"Bearer {family.parent.token}"},
    }
    writer.write(client_text_frame(json.dumps(init)))
    await writer.drain()
    started = asyncio.get_running_loop().time()
    # Read (and never answer) pings until the server hangs up.
    async with asyncio.timeout(15):
        while await reader.read(1024):
            pass
    writer.close()
    elapsed = asyncio.get_running_loop().time() - started
    assert elapsed > 0.5  # it was the heartbeat, not the init timeout


async def test_subscriptions_per_socket_are_capped(strict: tuple[str, Transactions]) -> None:
    """WS_MAX_SUBSCRIPTIONS (20 by default) live operations per socket: one more is refused on
    its own, the others stay live, and finishing one makes room."""
    url, tx = strict
    school = await make_school(tx)
    family = await make_family(tx, school)
    meeting = gid("Meeting", (await make_meeting(tx, school)).id)
    cap = Settings().ws_max_subscriptions
    async with GraphQLSocket.connect(url, family.parent.token) as socket:
        ops = [await socket.subscribe(WATCH, {"m": meeting}) for _ in range(cap)]
        snapshots = [await socket.receive() for _ in ops]  # in whichever order they are ready
        assert sorted(m["id"] for m in snapshots) == sorted(ops)
        assert all(m["payload"]["data"]["meetingSlotsChanged"]["snapshot"] for m in snapshots)

        refused = await socket.subscribe(WATCH, {"m": meeting})
        message = await socket.receive()
        assert message["id"] == refused
        assert message["type"] == "error"
        assert [e["message"] for e in message["payload"]] == ["Subscription limit reached"]

        await socket.send({"id": ops[0], "type": "complete"})
        again = await socket.subscribe(WATCH, {"m": meeting})
        assert (await socket.next_data(again))["meetingSlotsChanged"]["snapshot"] is True
        await socket.send({"type": "ping"})
        assert (await socket.receive())["type"] == "pong"
