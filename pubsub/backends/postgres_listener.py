"""The PostgreSQL listening connection: one asyncpg connection that only LISTENs."""

import asyncio
from collections.abc import Sequence
from typing import Any

import asyncpg

from pubsub.backends.supervised import Deliver
from pubsub.options import PubSubOptions


class PostgresListener:
    def __init__(
        self, conn: asyncpg.Connection, deliver: Deliver, ping_interval: float, op_timeout: float
    ) -> None:
        self._conn = conn
        self._deliver = deliver
        self._ping_interval = ping_interval
        self._op_timeout = op_timeout
        self._lost: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        # asyncpg runs one operation at a time per connection ("another operation is in
        # progress" otherwise): LISTEN, UNLISTEN and keep-alive queries take turns.
        self._ops = asyncio.Lock()
        conn.add_termination_listener(self._on_terminated)
        self._keep_alive_task = asyncio.create_task(self._keep_alive())

    @classmethod
    async def open(cls, dsn: str, options: PubSubOptions, deliver: Deliver) -> "PostgresListener":
        conn = await asyncpg.connect(
            dsn,
            timeout=options.connect_timeout,
            server_settings={"application_name": f"{options.name}-pubsub-listen"},
        )
        return cls(conn, deliver, options.ping_interval, options.confirm_timeout)

    @property
    def alive(self) -> bool:
        return not self._lost.done()

    async def send_listen(self, names: Sequence[str]) -> "asyncio.Future[list[bool]]":
        # LISTEN is effective once its command completes (autocommit): confirmed on return.
        async with self._ops:
            for name in names:
                async with asyncio.timeout(self._op_timeout):
                    await self._conn.add_listener(name, self._on_notify)
        done: asyncio.Future[list[bool]] = asyncio.get_running_loop().create_future()
        done.set_result([True] * len(names))
        return done

    async def unlisten(self, name: str) -> None:
        async with self._ops, asyncio.timeout(self._op_timeout):
            await self._conn.remove_listener(name, self._on_notify)

    def abort(self, reason: str) -> None:
        if self._lost.done():
            return
        self._lost.set_result(reason)
        if self._keep_alive_task is not asyncio.current_task():
            self._keep_alive_task.cancel()

    async def wait_lost(self) -> str:
        return await asyncio.shield(self._lost)

    async def close(self) -> None:
        self.abort("closed")
        await asyncio.wait([self._keep_alive_task])
        # terminate(), not close(): it does not wait for a server that may be unreachable.
        self._conn.terminate()

    def _on_notify(self, conn: Any, pid: int, channel: str, payload: str) -> None:
        self._deliver(channel, payload)

    def _on_terminated(self, conn: Any) -> None:
        self.abort("the server closed the connection")

    async def _keep_alive(self) -> None:
        while True:
            await asyncio.sleep(self._ping_interval)
            try:
                async with self._ops, asyncio.timeout(self._ping_interval):
                    await self._conn.execute("SELECT 1")
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.abort(f"keep-alive failed: {exc!r}")
                return
