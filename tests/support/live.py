"""A real uvicorn serving the test's app on a free port, and a graphql-transport-ws client."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
import websockets
from starlette.applications import Starlette

from server import uvicorn_options
from tests.support.backends import free_port


@asynccontextmanager
async def live_server(app: Starlette) -> AsyncIterator[str]:
    """Serve an app whose lifespan already runs; yields its base URL (http://127.0.0.1:port)."""
    port = free_port()
    options = uvicorn_options(app.state.runtime.settings)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, lifespan="off", log_level="warning", **options
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


class WSClosed(Exception):
    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(f"closed {code}: {reason}")
        self.code = code
        self.reason = reason


class GraphQLSocket:
    """A minimal graphql-transport-ws client over the `websockets` library."""

    def __init__(self, connection: websockets.ClientConnection) -> None:
        self.connection = connection
        self._ids = 0

    @classmethod
    @asynccontextmanager
    async def connect(
        cls,
        base_url: str,
        token: str | None = None,
        *,
        init: bool = True,
        origin: str | None = None,
    ) -> AsyncIterator["GraphQLSocket"]:
        url = base_url.replace("http://", "ws://") + "/graphql"
        headers = {"Origin": origin} if origin else None
        async with websockets.connect(
            url,
            subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
            additional_headers=headers,
        ) as connection:
            socket = cls(connection)
            if init:
                payload = {"authorization": f"Bearer {token}"} if token else {}
                await socket.send({"type": "connection_init", "payload": payload})
                ack = await socket.receive()
                assert ack["type"] == "connection_ack", ack
            yield socket

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def receive(self, timeout: float = 5.0) -> dict[str, Any]:
        try:
            raw = await asyncio.wait_for(self.connection.recv(), timeout)
        except websockets.ConnectionClosed as closed:
            rcvd = closed.rcvd
            raise WSClosed(rcvd.code if rcvd else None, rcvd.reason if rcvd else "") from None
        message: dict[str, Any] = json.loads(raw)
        return message

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        self._ids += 1
        op_id = str(self._ids)
        await self.send(
            {
                "id": op_id,
                "type": "subscribe",
                "payload": {"query": query, "variables": variables or {}},
            }
        )
        return op_id

    async def next_data(self, op_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """The next `next` payload's data for this operation (pings answered on the way)."""
        while True:
            message = await self.receive(timeout)
            if message["type"] == "ping":
                await self.send({"type": "pong"})
                continue
            assert message.get("id") == op_id, message
            assert message["type"] == "next", message
            assert "errors" not in message["payload"], message
            data: dict[str, Any] = message["payload"]["data"]
            return data

    async def wait_closed(self, timeout: float = 5.0) -> WSClosed:
        try:
            while True:
                await self.receive(timeout)
        except WSClosed as closed:
            return closed
