"""graphql-transport-ws where a shared event costs each subscriber one socket write.

strawberry runs every event of a subscription through graphql-core's per-event execution,
its extension hooks and `json.dumps` of the whole `next` message, once per subscriber. For
shared events (graphql_runtime.live.shared_events) the first subscriber with a given selection goes that
way and its data's JSON is kept; every other subscriber with the same selection then gets the
same bytes written straight to its socket by `follow`, through the `OperationSender` of its
operation (a context variable set in the operation's task), without executing anything.
A subscriber idle when the event arrives is even written from the fan-out itself, without
waking its task (`OperationSender.send_now`, called by graphql_runtime.live.follow).

Such a subscriber does not even keep a task while idle: `follow` parks it (graphql_runtime.live.follow) and
its operation's task ends, freeing the stack strawberry and graphql-core hold for a waiting
subscription. The operation stays registered on the socket (its id, the subscription limit,
`complete`); when an event needs more than a ready frame, the handler runs the operation
again and `follow` resumes where it stood, without a snapshot. This module and follow.py meet
only in graphql_runtime.live.parking (the `Sender` this module implements, the follower it keeps).
"""

import json
from collections.abc import Coroutine
from typing import Any, cast

from starlette.websockets import WebSocketDisconnect

from graphql_runtime.compat import (
    BaseGraphQLTransportWSHandler,
    ConnectionInitMessage,
    Message,
    Operation,
    SubscribeMessage,
    WebSocketDisconnected,
    forget_init_timeout,
    start_operation,
    websocket_of,
)
from graphql_runtime.live.parking import SENDER, Parked, ParkedFollower
from graphql_runtime.live.shared_events import SelectionKey, SharedData, ready_data
from graphql_runtime.probes import Probes


class OperationSender:
    """Writes a shared event's `next` frame for one operation, once its selection is known;
    keeps the operation's follower while it is parked, for its next run to resume."""

    __slots__ = ("_prefix", "follower", "key", "operation", "probes")

    def __init__(self, operation: Operation[Any, None], probes: Probes | None = None) -> None:
        self.operation = operation
        self.probes = probes
        # Set by the executor when it first runs this operation (the snapshot).
        self.key: SelectionKey | None = None
        self._prefix: str | None = None
        self.follower: ParkedFollower | None = None

    @property
    def completed(self) -> bool:
        return bool(self.operation.completed)

    def park(self, follower: ParkedFollower) -> bool:
        """Keep `follower` while the operation's task ends; False when it cannot park."""
        if self.key is None or self.operation.completed or self.follower is not None:
            return False
        handler = getattr(self.operation, "handler", None)
        if not isinstance(handler, SharedFramesHandler) or not handler.park(self):
            return False
        self.follower = follower
        return True

    def revive(self) -> None:
        """Run the parked operation again; its `follow` resumes with the follower."""
        handler: Any = self.operation.handler
        handler.revive(self)

    def take_follower(self) -> ParkedFollower | None:
        follower, self.follower = self.follower, None
        return follower

    async def send_shared(self, item: object) -> bool:
        """True when `item`'s frame for this selection was already made and is now sent."""
        if self.key is None or self.operation.completed:
            return False
        data = ready_data(item, self.key)
        if data is None:
            return False
        await self.send_data(data)
        return True

    async def send_data(self, data: SharedData) -> None:
        if not self.operation.completed:
            handler: Any = self.operation.handler
            await handler.send_text(self._frame(data))

    def send_now(self, data: SharedData) -> bool:
        """Write the frame from the caller's task if the socket takes it without waiting (the
        usual case: uvicorn waits only while the peer's buffers are full). False, with
        nothing written, when it would wait: the subscriber then writes it in its own turn."""
        if self.operation.completed:
            return True  # nobody to write to any more
        # Straight to Starlette's socket: this runs once per watcher of every event.
        socket = websocket_of(self.operation.handler)
        return _run_if_immediate(socket.send_text(self._frame(data)))

    def _frame(self, data: SharedData) -> str:
        prefix = self._prefix
        if prefix is None:
            prefix = self._prefix = _frame_prefix(self.operation.id)
        return f"{prefix}{data.json()}}}}}"


class SharedFramesHandler(BaseGraphQLTransportWSHandler[Any, None]):
    """strawberry's handler, with shared frames and parked operations. `probes`: the built
    schema's (graphql_runtime.building makes a subclass per schema)."""

    probes: Probes | None = None
    # Operations whose task ended while their subscription waits in the fan-out (parked).
    _parked: dict[str, OperationSender] | None = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        # The (cancelled) init timeout would otherwise stay referenced for the socket's life.
        forget_init_timeout(self)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        await super().handle_subscribe(message)
        # strawberry's read loop keeps its last message referenced until the next one, for an
        # idle socket its whole life; the operation has already taken what it needs from it.
        cast(dict[str, Any], message).clear()

    async def run_operation(self, operation: Operation[Any, None]) -> None:
        await self._run(operation, OperationSender(operation, self.probes))

    async def _run(self, operation: Operation[Any, None], sender: OperationSender) -> None:
        # The operation's own task: its resolvers and executor see this sender.
        SENDER.set(sender)
        parked = False
        try:
            await super().run_operation(operation)
        except Parked:
            parked = True  # registered in park(); the task ends, the operation does not
        finally:
            if not parked:
                # Revived, then ended (refused, cancelled) before its follow resumed.
                follower = sender.take_follower()
                if follower is not None:
                    await follower.close()

    def park(self, sender: OperationSender) -> bool:
        operation = sender.operation
        if self.operations.get(operation.id) is not operation:
            return False
        if self._parked is None:
            self._parked = {}
        self._parked[operation.id] = sender
        return True

    def revive(self, sender: OperationSender) -> None:
        operation = sender.operation
        if self._parked is None or self._parked.pop(operation.id, None) is not sender:
            return  # completed meanwhile
        if not self._parked:
            self._parked = None
        if self.probes is not None:
            self.probes.revived += 1
        start_operation(self, operation, self._run(operation, sender))

    async def cleanup_operation(self, operation_id: str) -> None:
        sender = self._parked.pop(operation_id, None) if self._parked is not None else None
        if self._parked is not None and not self._parked:
            self._parked = None
        await super().cleanup_operation(operation_id)
        follower = sender.take_follower() if sender is not None else None
        if follower is not None:
            await follower.close()

    async def send_message(self, message: Message) -> None:
        data = _shared_data(message)
        if data is None:
            await super().send_message(message)
            _forget_data(message)
        else:
            operation_id: Any = message.get("id")
            frame = _frame(str(operation_id), data)
            if data.claim is not None:
                # The frame is made: the subscribers waiting for it are written now, before
                # this socket's own write, which may wait on a slow peer.
                data.claim.settle(data)
            await self.send_text(frame)

    async def send_text(self, text: str) -> None:
        try:
            await websocket_of(self).send_text(text)
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


def _run_if_immediate(sending: Coroutine[Any, Any, None]) -> bool:
    """Run a send to completion if it never suspends; else abandon it before it wrote."""
    try:
        sending.send(None)
    except StopIteration:
        return True
    except (WebSocketDisconnect, WebSocketDisconnected, RuntimeError):
        return True  # the socket is closed or closing: its operation ends on its own
    # Suspended: uvicorn waits for the socket to be writable before writing anything.
    sending.close()
    return False


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
    return f"{_frame_prefix(operation_id)}{data.json()}}}}}"


def _frame_prefix(operation_id: str) -> str:
    # strawberry's own message layout and separators: the same bytes as json.dumps(message).
    return f'{{"id":{json.dumps(operation_id)},"type":"next","payload":{{"data":'
