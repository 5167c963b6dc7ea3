"""The project's one way to publish and subscribe, over encode/broadcaster."""

import asyncio
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Any

from broadcaster import Broadcast

from pubsub.backends.base import HardenedBackend
from pubsub.backends.factory import backend_factory
from pubsub.errors import PublishError, PubSubError
from pubsub.fanout import FanOut
from pubsub.options import PubSubOptions
from pubsub.subscription import Subscription
from pubsub.wire import check_channel, encode


class PubSub:
    """Publish JSON events to channels and subscribe to them.

    `url`: memory://, redis://, rediss://, postgresql:// (also postgres://,
    postgresql+asyncpg://). `queue_size`: deliveries a subscriber may fall behind before its
    subscription is closed with SubscriberOverflow.
    """

    def __init__(
        self, url: str, *, queue_size: int = 256, options: PubSubOptions | None = None
    ) -> None:
        if queue_size < 1:
            raise ValueError("queue_size must be at least 1")
        self._make_backend = backend_factory(url)
        self._queue_size = queue_size
        self._options = options or PubSubOptions()
        self._backend: HardenedBackend | None = None
        self._broadcast: Broadcast | None = None
        self._fanout: FanOut | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def healthy(self) -> bool:
        """False while disconnected or while the backend's listener is down/reconnecting."""
        backend = self._backend
        return self._fanout is not None and backend is not None and backend.healthy

    async def connect(self) -> None:
        """Raises ConnectError when the backend cannot be reached."""
        if self._broadcast is not None:
            raise RuntimeError("PubSub is already connected")
        backend = self._make_backend(self._options)
        broadcast = Broadcast(backend=backend)
        await broadcast.connect()
        self._backend, self._broadcast = backend, broadcast
        self._fanout = FanOut(broadcast, self._queue_size)
        self._loop = asyncio.get_running_loop()

    async def disconnect(self) -> None:
        """Live subscriptions end with SubscriptionClosed."""
        broadcast, fanout = self._broadcast, self._fanout
        if broadcast is None or fanout is None:
            return
        self._fanout = None
        try:
            await fanout.close(grace=self._options.confirm_timeout)
        finally:
            self._broadcast = self._backend = self._loop = None
            await broadcast.disconnect()

    async def publish(self, channel: str, payload: Mapping[str, Any]) -> None:
        """Raises PublishError (promptly) when the event cannot reach the backend, and
        TypeError/ValueError when the payload is not JSON."""
        check_channel(channel)
        text = encode(payload)
        loop = self._loop
        if loop is None:
            raise PublishError("pubsub is not connected")
        if asyncio.get_running_loop() is loop:
            await self._publish(channel, text)
        else:
            await self._publish_from_other_loop(loop, channel, text)

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[Subscription]:
        """Subscribed when the `async with` is entered: anything published afterwards, by
        any process, is delivered (or followed by Resync if the backend reconnected)."""
        check_channel(channel)
        return _Subscribing(self, channel)

    async def _publish(self, channel: str, text: str) -> None:
        broadcast = self._broadcast
        if broadcast is None:
            raise PublishError("pubsub is not connected")
        timeout = self._options.publish_timeout
        try:
            async with asyncio.timeout(timeout):
                await broadcast.publish(channel, text)
        except TimeoutError as exc:
            raise PublishError(f"publishing to {channel!r} timed out after {timeout}s") from exc
        except Exception as exc:
            raise PublishError(f"publishing to {channel!r} failed: {exc!r}") from exc

    async def _publish_from_other_loop(
        self, loop: asyncio.AbstractEventLoop, channel: str, text: str
    ) -> None:
        # broadcaster silently loses events put on a queue from a foreign loop (a test
        # client's portal thread, say): hand the publish over to the hub's own loop.
        coroutine = self._publish(channel, text)
        try:
            future = asyncio.run_coroutine_threadsafe(coroutine, loop)
        except RuntimeError as exc:  # that loop is closed
            coroutine.close()
            raise PublishError("pubsub's event loop is closed") from exc
        try:
            async with asyncio.timeout(self._options.publish_timeout + 1):
                await asyncio.wrap_future(future)
        except TimeoutError as exc:
            future.cancel()
            raise PublishError(f"publishing to {channel!r} timed out") from exc

    def local_subscribers(self, channel: str) -> int:
        """Subscriptions of `channel` in this process (0 when disconnected)."""
        fanout = self._fanout
        return fanout.subscribers(channel) if fanout is not None else 0

    async def attach(self, channel: str) -> Subscription:
        """Subscribed on return, like entering `subscribe()`, for a subscriber whose life is not
        one block (a live subscription parked between events, see graphql_runtime.live.follow); it must
        be given back to `detach`."""
        check_channel(channel)
        fanout = self._fanout
        if fanout is None:
            raise PubSubError("pubsub is not connected")
        if asyncio.get_running_loop() is not self._loop:
            raise PubSubError("subscribe from the event loop that connected pubsub")
        return await fanout.attach(channel)

    async def detach(self, subscription: Subscription) -> None:
        fanout = self._fanout
        if fanout is None:
            subscription.end()
        else:
            await fanout.detach(subscription)


class _Subscribing(AbstractAsyncContextManager[Subscription]):
    __slots__ = ("_channel", "_hub", "_subscription")

    def __init__(self, hub: PubSub, channel: str) -> None:
        self._hub = hub
        self._channel = channel
        self._subscription: Subscription | None = None

    async def __aenter__(self) -> Subscription:
        if self._subscription is not None:
            raise RuntimeError("this subscribe() context is already entered")
        self._subscription = await self._hub.attach(self._channel)
        return self._subscription

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        subscription, self._subscription = self._subscription, None
        if subscription is not None:
            await self._hub.detach(subscription)
