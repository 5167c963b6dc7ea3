"""graphql-transport-ws with shared events' JSON made once for all their subscribers.

strawberry sends each `next` message with `json.dumps` of the whole message, per subscriber.
When the result's data is `SharedData` (an event executed once for every subscriber with the
same selection), the frame is assembled from its cached JSON text instead; the bytes are the
same as strawberry's own.
"""

import json
from typing import Any

from starlette.websockets import WebSocketDisconnect
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import Message

from resolvers.shared_events import SharedData
from schema.context import Context


class SharedFramesHandler(BaseGraphQLTransportWSHandler[Context, None]):
    async def send_message(self, message: Message) -> None:
        text = _shared_frame(message)
        if text is None:
            await super().send_message(message)
            return
        websocket: Any = self.websocket
        try:
            await websocket.ws.send_text(text)
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


def _shared_frame(message: Message) -> str | None:
    if message["type"] != "next":
        return None
    payload: Any = message["payload"]
    data = payload.get("data")
    if type(data) is not SharedData or len(payload) != 1:
        return None
    operation = json.dumps(message["id"])
    return f'{{"id":{operation},"type":"next","payload":{{"data":{data.json()}}}}}'
