"""The Redis listening connection: one dedicated connection in subscribed mode.

It drives a bare `redis.asyncio.Connection` rather than redis-py's `PubSub`, because `PubSub`
reconnects and re-subscribes by itself (even with zero retries, its failure handler
reconnects before raising): an outage would pass unnoticed and lost messages would never be
followed by a Resync. This connection never reconnects; the supervisor replaces it.
"""

import asyncio
import logging
import math
from collections import deque
from collections.abc import Sequence
from typing import Any

from redis.asyncio import ConnectionPool
from redis.asyncio.connection import AbstractConnection

from pubsub.backends.supervised import Deliver

log = logging.getLogger(__name__)

_SUBSCRIBE_BATCH = 500


class RedisListener:
    def __init__(self, conn: AbstractConnection, deliver: Deliver, ping_interval: float) -> None:
        loop = asyncio.get_running_loop()
        self._conn = conn
        self._deliver = deliver
        self._ping_interval = ping_interval
        self._waiters: dict[str, deque[asyncio.Future[bool]]] = {}
        self._lost: asyncio.Future[str] = loop.create_future()
        self._send_lock = asyncio.Lock()
        self._last_received = loop.time()
        self._tasks = (
            asyncio.create_task(self._read()),
            asyncio.create_task(self._keep_alive()),
        )

    @classmethod
    async def open(
        cls, pool: ConnectionPool, deliver: Deliver, ping_interval: float
    ) -> "RedisListener":
        # A connection of its own, never lent to anyone: the pool only carries the settings.
        conn = pool.make_connection()
        try:
            await conn.connect()
        except BaseException:
            await conn.disconnect(nowait=True)
            raise
        return cls(conn, deliver, ping_interval)

    @property
    def alive(self) -> bool:
        return not self._lost.done()

    async def send_listen(self, names: Sequence[str]) -> "asyncio.Future[list[bool]]":
        if not self.alive:
            raise ConnectionError("the listening connection is lost")
        loop = asyncio.get_running_loop()
        confirmations = []
        for name in names:
            future: asyncio.Future[bool] = loop.create_future()
            self._waiters.setdefault(name, deque()).append(future)
            confirmations.append(future)
        for start in range(0, len(names), _SUBSCRIBE_BATCH):
            await self._send("SUBSCRIBE", *names[start : start + _SUBSCRIBE_BATCH])
        return asyncio.gather(*confirmations)

    async def unlisten(self, name: str) -> None:
        await self._send("UNSUBSCRIBE", name)

    def abort(self, reason: str) -> None:
        if self._lost.done():
            return
        self._lost.set_result(reason)
        for waiters in self._waiters.values():
            for future in waiters:
                if not future.done():
                    future.set_result(False)
        self._waiters.clear()
        current = asyncio.current_task()
        for task in self._tasks:
            if task is not current:
                task.cancel()

    async def wait_lost(self) -> str:
        return await asyncio.shield(self._lost)

    async def close(self) -> None:
        self.abort("closed")
        await asyncio.wait(self._tasks)
        await self._conn.disconnect(nowait=True)

    async def _send(self, *args: str) -> None:
        async with self._send_lock:
            # redis-py reconnects a disconnected connection when sending: refuse instead.
            if not self.alive or not self._conn.is_connected:
                raise ConnectionError("the listening connection is lost")
            await self._conn.send_command(*args, check_health=False)

    async def _read(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                # push_request: under RESP3 (if the URL asks for it) messages are pushes.
                reply = await self._conn.read_response(
                    timeout=math.inf, disconnect_on_error=False, push_request=True
                )
                self._last_received = loop.time()
                self._handle(reply)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.abort(f"reading failed: {type(exc).__name__}: {exc}")

    def _handle(self, reply: Any) -> None:
        if not isinstance(reply, list) or len(reply) < 2 or not isinstance(reply[0], bytes):
            return  # PONG and the like: receiving it was the point
        kind, name = reply[0], _text(reply[1])
        if kind == b"message" and len(reply) == 3:
            try:
                self._deliver(name, reply[2].decode("utf-8"))
            except UnicodeDecodeError:
                log.warning("dropping a non-UTF-8 message on %r", name)
        elif kind == b"subscribe":
            waiters = self._waiters.get(name)
            if waiters:
                future = waiters.popleft()
                if not waiters:
                    del self._waiters[name]
                if not future.done():
                    future.set_result(True)

    async def _keep_alive(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self._ping_interval)
            if loop.time() - self._last_received < self._ping_interval:
                continue
            sent_at = loop.time()
            try:
                await self._send("PING")
            except Exception as exc:
                self.abort(f"keep-alive failed: {exc!r}")
                return
            await asyncio.sleep(self._ping_interval)
            if self._last_received < sent_at:
                self.abort(f"no reply to PING within {self._ping_interval}s")
                return


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)
