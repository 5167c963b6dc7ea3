"""Live subscriptions: a snapshot, then every change in commit order, never a gap unnoticed.

The channel is subscribed before the snapshot is read, and the snapshot carries the channel's
sequence number as of its read: events at or below it are already in the snapshot and are
dropped; later ones are yielded in sequence order (a short reorder buffer absorbs publishes
that overtook each other). A gap that does not fill, or a broker reconnect, yields a fresh
snapshot instead, so a client never stays stale.
"""

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterable
from typing import Any, TypeVar

from pubsub.deliveries import Message, Resync
from pubsub.errors import SubscriptionClosed as BroadcastClosed
from pubsub.hub import PubSub
from resolvers.operation_context import current_sender
from resolvers.shared_events import share

T = TypeVar("T")

# How long a missing sequence number may be awaited before re-reading a snapshot.
GAP_TIMEOUT_SECONDS = 1.0

Snapshot = Callable[[], Awaitable[tuple[int, Iterable[T]]]]
OnEvent = Callable[[dict[str, Any]], Iterable[T]]


class SubscriptionClosed(Exception):
    """Ends a subscription with a reason the client can act on (resubscribe)."""


async def follow(
    pubsub: PubSub,
    channel: str,
    snapshot: Snapshot[T],
    on_event: OnEvent[T],
    *,
    shared_as: str | None = None,
    spent: Callable[[T], None] | None = None,
) -> AsyncGenerator[T, None]:
    """`shared_as`: the events' output is the same for every subscriber of the channel (it
    does not depend on the viewer): `on_event` then runs once per event in this process, and
    its items are executed and serialised once per distinct selection (resolvers.shared_events).
    The name tells apart subscriptions that map one channel's events differently.

    `spent(item)` is called on each snapshot item once it was executed and sent, to empty
    it: graphql-core keeps the last item referenced while the subscription waits."""
    sender = current_sender() if shared_as is not None else None
    # Cleared after use: an idle subscription keeps nothing of what it already sent.
    items: Iterable[T] | None
    item: T | None
    delivery: Any
    async with pubsub.subscribe(channel) as subscription:
        deliveries = aiter(subscription)
        position, items = await snapshot()
        for item in items:
            yield item
            if spent is not None:
                spent(item)
        item = items = None
        pending: dict[int, Message] = {}
        # A pending read survives a gap timeout: cancelling it would end the subscription.
        reading: asyncio.Future[Any] | None = None
        try:
            while True:
                if reading is None and not pending:
                    # No gap to time out: read directly, without a task per event.
                    delivery = await _next(deliveries)
                else:
                    if reading is None:
                        reading = asyncio.ensure_future(anext(deliveries))
                    done, _ = await asyncio.wait({reading}, timeout=GAP_TIMEOUT_SECONDS)
                    if done:
                        delivery = _result(reading)
                        reading = None
                    else:
                        delivery = Resync()
                if isinstance(delivery, Resync):
                    pending.clear()
                    position, items = await snapshot()
                    for item in items:
                        yield item
                        if spent is not None:
                            spent(item)
                    item = items = None
                    continue
                assert isinstance(delivery, Message)
                sequence = int(delivery.payload.get("sequence", 0))
                if sequence <= position:
                    continue
                pending[sequence] = delivery
                while position + 1 in pending:
                    position += 1
                    for item in _items(pending.pop(position), on_event, shared_as):
                        # A shared event already made for this selection is written as is.
                        if sender is None or not await sender.send_shared(item):
                            yield item
                delivery = item = None
        finally:
            if reading is not None:
                reading.cancel()


def _items(message: Message, on_event: OnEvent[T], shared_as: str | None) -> list[T]:
    if shared_as is None:
        return list(on_event(message.payload))
    items: list[T] | None = message.derived.get(shared_as)
    if items is None:
        items = message.derived[shared_as] = [share(i) for i in on_event(message.payload)]
    return items


async def _next(deliveries: AsyncIterator[Any]) -> Any:
    try:
        return await anext(deliveries)
    except BroadcastClosed as closed:
        raise _resubscribe(closed) from None


def _result(reading: "asyncio.Future[Any]") -> Any:
    try:
        return reading.result()
    except BroadcastClosed as closed:
        raise _resubscribe(closed) from None


def _resubscribe(closed: BroadcastClosed) -> SubscriptionClosed:
    # Fell behind (SubscriberOverflow) or the server is shutting down: the client resubscribes.
    return SubscriptionClosed(f"{closed}; subscribe again for a fresh snapshot")
