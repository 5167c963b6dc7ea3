"""graphql-transport-ws where a shared event costs each subscriber one socket write.

strawberry runs every event of a subscription through graphql-core's per-event execution,
its extension hooks and `json.dumps` of the whole `next` message, once per subscriber. For
shared events (resolvers.shared_events) the first subscriber with a given selection goes that
way and its data's JSON is kept; every other subscriber with the same selection then gets the
same bytes written straight to its socket by `follow`, through the `OperationSender` of its
operation (a context variable set in the operation's task), without executing anything.
"""

import json
from typing import Any, cast

from graphql import ExecutionResult
from starlette.websockets import WebSocketDisconnect
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
    SubscribeMessage,
)

from resolvers.operation_context import SENDER
from resolvers.shared_events import SelectionKey, SharedData, shared_results
from schema.context import Context


class OperationSender:
    """Writes a shared event's `next` frame for one operation, once its selection is known."""

    __slots__ = ("key", "operation")

    def __init__(self, operation: Operation[Context, None]) -> None:
        self.operation = operation
        # Set by the executor when it first runs this operation (the snapshot).
        self.key: SelectionKey | None = None

    async def send_shared(self, item: object) -> bool:
        """True when `item`'s frame for this selection was already made and is now sent."""
        results = shared_results(item)
        if results is None or self.key is None or self.operation.completed:
            return False
        found = results.get(self.key)
        if not isinstance(found, ExecutionResult):
            return False
        data = found.data
        # Only data that went out as a plain `{"data": ...}` frame is known to be complete.
        if type(data) is not SharedData or not data.serialised:
            return False
        handler: Any = self.operation.handler
        await handler.send_text(_frame(self.operation.id, data))
        return True


class SharedFramesHandler(BaseGraphQLTransportWSHandler[Context, None]):
    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        # The (cancelled) init timeout would otherwise stay referenced for the socket's life.
        self.connection_init_timeout_task = None

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        await super().handle_subscribe(message)
        # strawberry's read loop keeps its last message referenced until the next one, for an
        # idle socket its whole life; the operation has already taken what it needs from it.
        cast(dict[str, Any], message).clear()

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        # The operation's own task: its resolvers and executor see this sender.
        SENDER.set(OperationSender(operation))
        await super().run_operation(operation)

    async def send_message(self, message: Message) -> None:
        data = _shared_data(message)
        if data is None:
            await super().send_message(message)
            _forget_data(message)
        else:
            operation_id: Any = message.get("id")
            await self.send_text(_frame(str(operation_id), data))

    async def send_text(self, text: str) -> None:
        websocket: Any = self.websocket
        try:
            await websocket.ws.send_text(text)
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


def _shared_data(message: Message) -> SharedData | None:
    if message["type"] != "next":
        return None
    payload: Any = message["payload"]
    data = payload.get("data")
    if type(data) is not SharedData or len(payload) != 1:
        return None
    return data


def _forget_data(message: Message) -> None:
    """Empty a sent subscriber-own result (a snapshot): strawberry's stream keeps its last
    result referenced while the subscription waits for the next event."""
    if message["type"] == "next":
        payload: Any = message["payload"]
        data = payload.get("data")
        if type(data) is dict:
            data.clear()


def _frame(operation_id: str, data: SharedData) -> str:
    # strawberry's own message layout and separators: the same bytes as json.dumps(message).
    return f'{{"id":{json.dumps(operation_id)},"type":"next","payload":{{"data":{data.json()}}}}}'
