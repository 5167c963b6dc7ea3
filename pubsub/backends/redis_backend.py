"""Redis backend: a dedicated listening connection and a separate, bounded publishing pool."""

from typing import Any

from redis.asyncio import BlockingConnectionPool, ConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from pubsub.backends.redis_listener import RedisListener
from pubsub.backends.supervised import Deliver, ListenSession, SupervisedBackend
from pubsub.options import PubSubOptions


class RedisBackend(SupervisedBackend):
    def __init__(self, url: str, options: PubSubOptions) -> None:
        super().__init__(options)
        self._url = url
        self._publisher: Redis | None = None

    def _settings(self, role: str, retries: int, timeout: float) -> dict[str, Any]:
        options = self._options
        return {
            # RESP2: subscribed-mode replies are plain arrays. (redis-py 8 defaults to RESP3,
            # where they are pushes that a plain read hands to a push handler.)
            "protocol": 2,
            "retry": Retry(NoBackoff(), retries),
            "socket_connect_timeout": options.connect_timeout,
            "socket_timeout": timeout,
            "socket_keepalive": True,
            "client_name": f"{options.name}-pubsub-{role}",
        }

    async def open_session(self, deliver: Deliver) -> ListenSession:
        options = self._options
        pool = ConnectionPool.from_url(
            self._url, **self._settings("listen", 0, options.confirm_timeout)
        )
        return await RedisListener.open(pool, deliver, options.ping_interval)

    async def open_publisher(self) -> None:
        options = self._options
        # Blocking pool: a burst of publishes waits for a connection (bounded by the publish
        # timeout) instead of failing with MaxConnectionsError. One retry, without delay,
        # replaces a pooled connection that died since its last use (a restarted server).
        pool = BlockingConnectionPool.from_url(
            self._url,
            max_connections=options.publish_pool_size,
            timeout=options.publish_timeout,
            health_check_interval=30,
            **self._settings("publish", 1, options.publish_timeout),
        )
        self._publisher = Redis.from_pool(pool)

    async def close_publisher(self) -> None:
        publisher, self._publisher = self._publisher, None
        if publisher is not None:
            await publisher.aclose()

    async def publish(self, channel: str, message: str) -> None:
        if self._publisher is None:
            raise ConnectionError("the Redis backend is disconnected")
        await self._publisher.publish(channel, message)
