"""PostgreSQL backend: LISTEN on a dedicated connection, NOTIFY through a separate small pool."""

import asyncio
import hashlib

import asyncpg

from pubsub.backends.postgres_listener import PostgresListener
from pubsub.backends.supervised import Deliver, ListenSession, SupervisedBackend
from pubsub.options import PubSubOptions

# PostgreSQL channel names are identifiers: LISTEN truncates them past 63 bytes and
# pg_notify() refuses them. Longer names are hashed; a hashed name starts with a character
# that no name kept as is may start with, so two channels never share a PostgreSQL name.
MAX_IDENTIFIER_BYTES = 63
_HASHED = "#"


def pg_channel(channel: str) -> str:
    raw = channel.encode("utf-8")
    if len(raw) <= MAX_IDENTIFIER_BYTES and not channel.startswith(_HASHED):
        return channel
    digest = hashlib.sha256(raw).hexdigest()[:40]
    # Keep the start of the name, for people reading pg_stat_activity.
    hint = raw[: MAX_IDENTIFIER_BYTES - len(digest) - 2].decode("utf-8", errors="ignore")
    return f"{_HASHED}{digest}:{hint}"


class PostgresBackend(SupervisedBackend):
    def __init__(self, dsn: str, options: PubSubOptions) -> None:
        super().__init__(options)
        self._dsn = dsn
        self._pool: asyncpg.Pool | None = None

    def wire_name(self, channel: str) -> str:
        return pg_channel(channel)

    async def open_session(self, deliver: Deliver) -> ListenSession:
        return await PostgresListener.open(self._dsn, self._options, deliver)

    async def open_publisher(self) -> None:
        options = self._options
        # min_size=0: connects on first use, so a down server is reported by the listener.
        self._pool = await asyncpg.create_pool(
            self._dsn,
            min_size=0,
            max_size=options.publish_pool_size,
            timeout=options.connect_timeout,
            command_timeout=options.publish_timeout,
            server_settings={"application_name": f"{options.name}-pubsub-notify"},
        )

    async def close_publisher(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        try:
            async with asyncio.timeout(self._options.publish_timeout):
                await pool.close()
        except TimeoutError:
            pool.terminate()

    async def publish(self, channel: str, message: str) -> None:
        if self._pool is None:
            raise ConnectionError("the PostgreSQL backend is disconnected")
        async with self._pool.acquire(timeout=self._options.publish_timeout) as conn:
            await conn.execute("SELECT pg_notify($1, $2)", pg_channel(channel), message)
