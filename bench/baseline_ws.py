"""The fan-out baseline: a bare Starlette websocket endpoint, served by uvicorn with Cartable's
own options, that sends one pre-serialised message to every open socket on a trigger.

`python -m bench.baseline_ws` serves it on $PORT. Sockets connect to /ws; `POST /broadcast`
with the message as its body sends it to all of them; `GET /count` says how many are open.
It measures nothing itself: the clients time the delivery.
"""

import asyncio
import os

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from server import uvicorn_options
from settings import Settings


def create_app() -> Starlette:
    sockets: set[WebSocket] = set()
    sending: set[asyncio.Task[None]] = set()

    async def endpoint(websocket: WebSocket) -> None:
        await websocket.accept()
        sockets.add(websocket)
        try:
            while True:
                await websocket.receive_text()
        except WebSocketDisconnect:
            pass
        finally:
            sockets.discard(websocket)

    async def send_all(text: str) -> None:
        for websocket in list(sockets):
            try:
                await websocket.send_text(text)
            except Exception:  # a socket closing meanwhile does not stop the others
                sockets.discard(websocket)

    async def broadcast(request: Request) -> Response:
        # Answered at once, like a mutation whose push happens after its commit.
        task = asyncio.create_task(send_all((await request.body()).decode()))
        sending.add(task)
        task.add_done_callback(sending.discard)
        return PlainTextResponse(str(len(sockets)))

    async def count(request: Request) -> Response:
        return PlainTextResponse(str(len(sockets)))

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            WebSocketRoute("/ws", endpoint),
            Route("/broadcast", broadcast, methods=["POST"]),
            Route("/count", count),
            Route("/healthz", healthz),
        ]
    )


def main() -> None:
    uvicorn.run(
        create_app(),
        host="127.0.0.1",
        port=int(os.environ["PORT"]),
        log_level="warning",
        **uvicorn_options(Settings()),
    )


if __name__ == "__main__":
    main()
