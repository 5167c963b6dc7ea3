"""Live subscriptions: a snapshot, then every change in commit order, never a gap unnoticed.

The channel is subscribed before the snapshot is read, and the snapshot carries the channel's
sequence number as of its read: events at or below it are already in the snapshot and are
dropped; later ones are yielded in sequence order (a short reorder buffer absorbs publishes
that overtook each other). A gap that does not fill, or a broker reconnect, yields a fresh
snapshot instead, so a client never stays stale.

A shared subscription (`shared_as`) that waits with nothing queued is handed the next event
by the fan-out itself (`Follower.on_idle`): its frame is written there and then when another
subscriber already made it, or once the one subscriber woken to execute it made it (a
`Claim`), so thousands of watchers of one meeting cost one execution and one socket write each,
not one task wake-up each.

Over a websocket such a subscription does not even keep its task while idle: `follow` parks it
(`Follower.park`, `Parked`) and the operation's task ends. What the fan-out cannot write at
once is handled by a short task of the follower's own (`Follower._drain`: a slow socket, a
burst of events), and only what needs the operation (the event it is to execute, a gap, a
resync, the end) runs the operation again, which resumes here where it stood. Every run
checks the viewer's access again.
"""

import asyncio
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable
from typing import Any, TypeVar

from graphql_runtime.live.parking import Parked, Sender, current_sender
from graphql_runtime.live.shared_events import Claim, SelectionKey, claims, ready_data, share
from pubsub.deliveries import Delivery, Message, Nudge, Resync
from pubsub.errors import SubscriptionClosed as BroadcastClosed
from pubsub.hub import PubSub
from pubsub.subscription import Subscription

T = TypeVar("T")

log = logging.getLogger(__name__)

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
    its items are executed and serialised once per distinct selection (graphql_runtime.live.shared_events).
    The name tells apart subscriptions that map one channel's events differently. Over a
    websocket such a subscription parks while idle: its task ends, and the operation runs
    again, resuming where it stood, when an event needs more than a frame already made.

    `spent(item)` is called on each snapshot item once it was executed and sent, to empty
    it: graphql-core keeps the last item referenced while the subscription waits."""
    sender = current_sender() if shared_as is not None else None
    kept = sender.take_follower() if sender is not None else None
    follower = kept if isinstance(kept, Follower) else None
    if kept is not None and (follower is None or follower.subscription.channel != channel):
        await kept.close()  # the operation resolved to another channel: start afresh
        follower = None
    resumed = follower is not None
    if follower is None:
        follower = Follower(pubsub, await pubsub.attach(channel), sender, on_event, shared_as)
    # Cleared after use: an idle subscription keeps nothing of what it already sent.
    items: Iterable[T] | None
    item: T | None
    delivery: Any
    handed_over = False
    pending: dict[int, Message] = {}
    try:
        deliveries = aiter(follower.subscription)
        if not resumed:
            # The first snapshot is read like any later one, before anything queued since.
            follower.subscription.put_back(Resync())
        while True:
            if not pending:
                if follower.park():
                    handed_over = True
                    raise Parked
                # No gap to time out: read directly, without a task per event (and
                # without a helper coroutine: one frame less held per idle subscription).
                follower.idle = True
                try:
                    delivery = await anext(deliveries)
                except BroadcastClosed as closed:
                    raise _resubscribe(closed) from None
                finally:
                    follower.idle = False
            else:
                # Cancelling a read loses nothing: a delivery stays queued until it is read.
                try:
                    async with asyncio.timeout(GAP_TIMEOUT_SECONDS):
                        delivery = await anext(deliveries)
                except TimeoutError:
                    delivery = Resync()
                except BroadcastClosed as closed:
                    raise _resubscribe(closed) from None
            if not await follower.catch_up():
                delivery = Resync()
            if isinstance(delivery, Nudge):
                continue
            if isinstance(delivery, Resync):
                pending.clear()
                follower.position, items = await snapshot()
                for item in items:
                    yield item
                    if spent is not None:
                        spent(item)
                item = items = None
                continue
            assert isinstance(delivery, Message)
            sequence = _sequence(delivery)
            if sequence <= follower.position:
                continue
            pending[sequence] = delivery
            while follower.position + 1 in pending:
                follower.position += 1
                for item in _items(pending.pop(follower.position), on_event, shared_as):
                    # A shared event already made for this selection is written as is.
                    if sender is None or not await sender.send_shared(item):
                        yield item
                follower.release()
            delivery = item = None
    finally:
        if not handed_over:
            await follower.close()


class Follower:
    """Where one subscription stands; the fan-out may move it on while the task waits, or
    while no task runs at all (parked)."""

    __slots__ = (
        "claim",
        "draining",
        "idle",
        "on_event",
        "owns",
        "position",
        "pubsub",
        "sender",
        "shared_as",
        "subscription",
    )

    def __init__(
        self,
        pubsub: PubSub,
        subscription: Subscription,
        sender: Sender | None,
        on_event: OnEvent[Any],
        shared_as: str | None,
    ) -> None:
        self.pubsub = pubsub
        self.subscription = subscription
        self.sender = sender
        self.on_event = on_event
        self.shared_as = shared_as
        self.position = 0
        # True while the task waits for a delivery with nothing pending (no gap, no snapshot),
        # and while parked.
        self.idle = False
        self.claim: Claim | None = None  # an event taken, whose frame is not written yet
        self.owns: Claim | None = None  # an event this subscriber executes for the others
        # While parked: writes what was queued meanwhile (see _drain).
        self.draining: asyncio.Task[None] | None = None
        if sender is not None:
            subscription.idle_handler = self.on_idle

    def park(self) -> bool:
        """Hand the subscription over to the fan-out, with no task iterating it: events whose
        frame is made (by another subscriber) are written from there; anything else revives
        the operation, which resumes here. False when it cannot park now."""
        sender = self.sender
        if sender is None or self.claim is not None or self.owns is not None:
            return False
        subscription = self.subscription
        if subscription.pending or subscription.closed or not sender.park(self):
            return False
        if sender.probes is not None:
            sender.probes.parked += 1
        self._rest()
        return True

    def _rest(self) -> None:
        self.idle = True
        self.subscription.park(self._wake_parked)

    def _wake_parked(self) -> None:
        # Something was queued (or the subscription closed) with no task to take it.
        self.idle = False
        self.draining = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        """Write what was queued while parked as long as each frame is made by others (the
        claims of a burst of events, a slow socket), then park again; anything that needs the
        operation itself (an event to execute, a gap, a resync, the end) runs it again. So a
        burst costs the watchers of one selection one run of the operation per event, not one
        each."""
        subscription = self.subscription
        try:
            while True:
                if not await self.catch_up():
                    subscription.put_back(Resync())
                    break
                try:
                    delivery = subscription.take()
                except (BroadcastClosed, StopAsyncIteration):
                    break  # the operation's run tells the client
                if delivery is None:
                    self.draining = None
                    self._rest()
                    return
                if isinstance(delivery, Nudge):
                    continue
                if not await self._write_made(delivery):
                    subscription.put_back(delivery)
                    break
        except Exception:
            log.exception("writing to a parked subscriber failed; running its operation")
        self.draining = None
        if self.sender is not None:
            self.sender.revive()

    async def _write_made(self, delivery: Delivery) -> bool:
        """Handle the next event from here if it needs no execution of ours: dropped (seen),
        written (made), or joined (being made); False when the operation must handle it."""
        if self.owns is not None:
            return False  # taken in the fan-out to execute: the operation's run does
        if type(delivery) is Message and _sequence(delivery) <= self.position:
            return True
        found = self._next_event(delivery)
        if found is None or self.sender is None:
            return False
        sequence, item, key = found
        data = ready_data(item, key)
        if data is None:
            return self._wait_for(item, key, sequence)
        self.position = sequence
        await self.sender.send_data(data)
        return True

    def _next_event(self, delivery: Delivery) -> tuple[int, object, SelectionKey] | None:
        """(sequence, item, selection) when `delivery` is the next event, of one shared item,
        for a known selection; None when only the subscriber's own run can handle it."""
        sender = self.sender
        if type(delivery) is not Message or sender is None or sender.key is None:
            return None
        sequence = _sequence(delivery)
        if sequence != self.position + 1:
            return None
        items = _items(delivery, self.on_event, self.shared_as)
        if len(items) != 1:
            return None
        return sequence, items[0], sender.key

    def _wait_for(self, item: object, key: SelectionKey, sequence: int) -> bool:
        """Join the claim of the subscriber making this event's frame; without one, claim it
        to make it for the others (False: this subscriber's run executes it)."""
        pending = claims(item)
        if pending is None:
            return False
        claim = pending.get(key)
        if claim is None:
            self.owns = pending[key] = Claim(item, key)
            return False
        if not claim.join(self):
            return False
        self.claim, self.position = claim, sequence
        return True

    async def close(self) -> None:
        """The subscriber leaves: settle what it owes the others and unsubscribe."""
        self.subscription.unpark()
        self.idle = False
        draining, self.draining = self.draining, None
        if draining is not None and draining is not asyncio.current_task():
            draining.cancel()
        self.release()
        await self.pubsub.detach(self.subscription)

    def on_idle(self, delivery: Delivery) -> bool:
        """Take the next event without waking the task: write its frame when it is made, or
        wait for it in the claim of the subscriber executing it (the first one offered)."""
        sender = self.sender
        if not self.idle or self.claim is not None or self.owns is not None or sender is None:
            return False
        if sender.completed:
            return False
        found = self._next_event(delivery)
        if found is None:
            return False
        sequence, item, key = found
        data = ready_data(item, key)
        if data is None:
            return self._wait_for(item, key, sequence)
        if not sender.send_now(data):
            return False  # its socket is slow: the task writes it, waiting
        self.position = sequence
        if sender.probes is not None:
            sender.probes.idle_writes += 1
        return True

    def claim_settled(self, claim: Claim) -> None:
        """The claimed event's frame is made (or could not be): write it now if the socket
        takes it at once, else wake the task to finish (catch_up)."""
        sender = self.sender
        if self.claim is not claim or sender is None:
            return
        if claim.data is not None and sender.send_now(claim.data):
            self.claim = None
            if sender.probes is not None:
                sender.probes.idle_writes += 1
        else:
            self.subscription.offer(Nudge())

    async def catch_up(self) -> bool:
        """Write the claimed event's frame, waiting for the socket; False when it could not
        be made, so the subscriber re-reads a snapshot instead."""
        claim = self.claim
        if claim is None:
            return True
        data = await claim.wait()
        if self.claim is not claim:
            return True  # written meanwhile, as it was settled (claim_settled)
        self.claim = None
        if data is None or self.sender is None:
            return False
        await self.sender.send_data(data)
        return True

    def release(self) -> None:
        """Settle the claim this subscriber took to execute, once its event was handled (or
        the subscription ends): the frame if it was made, else None (waiters re-read)."""
        claim, self.owns = self.owns, None
        if claim is not None and not claim.settled:
            claim.settle(ready_data(claim.item, claim.key))


def _sequence(message: Message) -> int:
    return int(message.payload.get("sequence", 0))


def _items(message: Message, on_event: OnEvent[T], shared_as: str | None) -> list[T]:
    if shared_as is None:
        return list(on_event(message.payload))
    items: list[T] | None = message.derived.get(shared_as)
    if items is None:
        items = message.derived[shared_as] = [share(i) for i in on_event(message.payload)]
    return items


def _resubscribe(closed: BroadcastClosed) -> SubscriptionClosed:
    # Fell behind (SubscriberOverflow) or the server is shutting down: the client resubscribes.
    return SubscriptionClosed(f"{closed}; subscribe again for a fresh snapshot")
