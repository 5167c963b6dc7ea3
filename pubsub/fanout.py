"""Local subscribers per channel, over one broadcaster subscription per channel.

broadcaster's own `Broadcast.subscribe` loses messages when two first subscribers of a channel
arrive together, or when one arrives while the last one leaves; and its per-subscriber queues
are unbounded. Here each channel has at most one broadcaster subscription, opened and closed
only by a task holding the channel's lock, and a pump copies each event into every local
subscriber's bounded inbox without ever waiting for one.
"""

import asyncio
import logging
from contextlib import AbstractAsyncContextManager

from broadcaster import Broadcast, Event
from broadcaster._base import Subscriber, Unsubscribed

from pubsub.deliveries import Delivery, Message, Resync
from pubsub.errors import SubscriptionClosed
from pubsub.subscription import Subscription
from pubsub.wire import ResyncEvent, decode

log = logging.getLogger(__name__)

_RESYNC = Resync()


class _Channel:
    __slots__ = ("lock", "name", "pump", "subscriptions", "upstream")

    def __init__(self, name: str) -> None:
        self.name = name
        self.subscriptions: set[Subscription] = set()
        self.lock = asyncio.Lock()
        self.upstream: AbstractAsyncContextManager[Subscriber] | None = None
        self.pump: asyncio.Task[None] | None = None


class FanOut:
    def __init__(self, broadcast: Broadcast, queue_size: int) -> None:
        self._broadcast = broadcast
        self._queue_size = queue_size
        self._channels: dict[str, _Channel] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    async def attach(self, name: str) -> Subscription:
        """A subscription that receives every event published after this returns."""
        if self._closed:
            raise SubscriptionClosed("pubsub is disconnected")
        channel = self._channels.get(name)
        if channel is None:
            channel = self._channels[name] = _Channel(name)
        subscription = Subscription(name, self._queue_size)
        # Registered before the upstream subscription is effective: nothing can fall between.
        channel.subscriptions.add(subscription)
        if channel.pump is not None and not channel.lock.locked():
            return subscription  # the channel is already listened to
        try:
            # Shielded: a caller cancelled half-way must not interrupt broadcaster's bookkeeping.
            await asyncio.shield(self._reconcile_soon(channel))
        except BaseException:
            channel.subscriptions.discard(subscription)
            subscription.end()
            if not self._closed:
                self._reconcile_soon(channel)
            raise
        return subscription

    def subscribers(self, name: str) -> int:
        channel = self._channels.get(name)
        return len(channel.subscriptions) if channel is not None else 0

    async def detach(self, subscription: Subscription) -> None:
        subscription.end()
        channel = self._channels.get(subscription.channel)
        if channel is None or self._closed:
            return
        channel.subscriptions.discard(subscription)
        if channel.subscriptions:
            return  # others still listen: the upstream subscription stays
        await asyncio.shield(self._reconcile_soon(channel))

    async def close(self, grace: float) -> None:
        """End every subscription with SubscriptionClosed and stop the pumps."""
        self._closed = True
        error = SubscriptionClosed("pubsub was disconnected: resubscribe once it is back")
        pumps = []
        for channel in self._channels.values():
            for subscription in channel.subscriptions:
                subscription.fail(error)
            channel.subscriptions.clear()
            if channel.pump is not None:
                channel.pump.cancel()
                pumps.append(channel.pump)
        self._channels.clear()
        pending = [*self._tasks, *pumps]
        if pending:
            # In-flight (un)subscribes are bounded by the backend's own timeouts.
            _, late = await asyncio.wait(pending, timeout=grace)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)

    def _reconcile_soon(self, channel: _Channel) -> asyncio.Task[None]:
        task = asyncio.create_task(self._reconcile(channel))
        self._tasks.add(task)
        task.add_done_callback(self._forget)
        return task

    def _forget(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("pubsub channel bookkeeping failed", exc_info=task.exception())

    async def _reconcile(self, channel: _Channel) -> None:
        """Make the upstream subscription match the local subscribers, one change at a time."""
        async with channel.lock:
            if self._closed:
                return
            if channel.subscriptions and channel.pump is None:
                await self._open(channel)
            elif not channel.subscriptions and channel.pump is not None:
                await self._close(channel)
            idle = not channel.subscriptions and channel.pump is None
            if idle and self._channels.get(channel.name) is channel:
                del self._channels[channel.name]

    async def _open(self, channel: _Channel) -> None:
        upstream = self._broadcast.subscribe(channel.name)
        subscriber = await upstream.__aenter__()
        if self._closed:  # disconnected meanwhile: start no pump that nobody would stop
            await upstream.__aexit__(None, None, None)
            return
        channel.upstream = upstream
        channel.pump = asyncio.create_task(self._pump(channel, subscriber))

    async def _close(self, channel: _Channel) -> None:
        upstream, pump = channel.upstream, channel.pump
        channel.upstream = channel.pump = None
        try:
            if upstream is not None:
                await upstream.__aexit__(None, None, None)
        finally:
            if pump is not None:
                await asyncio.wait([pump])

    async def _pump(self, channel: _Channel, upstream: Subscriber) -> None:
        while True:
            try:
                event = await upstream.get()
            except Unsubscribed:
                return
            delivery = _delivery(event)
            if delivery is None:
                continue
            overflowed = [s for s in channel.subscriptions if not s.offer(delivery)]
            for subscription in overflowed:
                channel.subscriptions.discard(subscription)
            # Let subscribers run between events, so that a burst does not fill every
            # inbox before anyone had a chance to read.
            await asyncio.sleep(0)


def _delivery(event: Event) -> Delivery | None:
    if isinstance(event, ResyncEvent):
        return _RESYNC
    try:
        return Message(decode(event.message))
    except (TypeError, ValueError):
        log.warning("dropping an event on %r that is not a JSON object", event.channel)
        return None
