"""One subscriber's bounded inbox: filled without ever waiting, closed when it overflows."""

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable

from pubsub.deliveries import Delivery
from pubsub.errors import SubscriberOverflow, SubscriptionClosed

log = logging.getLogger(__name__)

# Consumes a delivery on the spot for a subscriber waiting with nothing queued; False when
# the subscriber must take it in its own turn (see Subscription.idle_handler).
IdleHandler = Callable[[Delivery], bool]
# Starts a task to iterate a parked subscription again (see Subscription.park).
Revive = Callable[[], None]


class Subscription:
    """Async iterator of `Message` / `Resync` deliveries on one channel.

    Iteration stops when the `subscribe()` block exits; it raises `SubscriberOverflow` when
    the subscriber fell `queue_size` deliveries behind, and `SubscriptionClosed` when the hub
    was disconnected. One task iterates a subscription at a time.
    """

    __slots__ = (
        "_channel",
        "_ended",
        "_error",
        "_inbox",
        "_limit",
        "_revive",
        "_waiter",
        "idle_handler",
    )

    def __init__(self, channel: str, limit: int) -> None:
        self._channel = channel
        self._limit = limit
        # Made when something is queued and dropped once emptied: an empty deque takes 760
        # bytes, and most subscriptions wait idle with nothing queued.
        self._inbox: deque[Delivery] | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._error: SubscriptionClosed | None = None
        self._ended = False
        # Set by the iterating task: offered each delivery while that task waits with an
        # empty inbox, so that handling it needs no wake-up (see graphql_runtime.live.follow).
        self.idle_handler: IdleHandler | None = None
        # Set while no task iterates the subscription (parked): called instead of waking one.
        self._revive: Revive | None = None

    @property
    def channel(self) -> str:
        return self._channel

    @property
    def closed(self) -> bool:
        """Failed or ended: iterating it raises or stops at once."""
        return self._error is not None or self._ended

    @property
    def pending(self) -> int:
        """Deliveries received and not yet read (never more than the queue size)."""
        return len(self._inbox) if self._inbox is not None else 0

    def __aiter__(self) -> AsyncIterator[Delivery]:
        return self

    async def __anext__(self) -> Delivery:
        while True:
            delivery = self.take()
            if delivery is not None:
                return delivery
            if self._waiter is not None:
                raise RuntimeError("another task is already iterating this subscription")
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None

    def take(self) -> Delivery | None:
        """The next queued delivery without waiting, None when nothing is queued; raises like
        iterating does once the subscription failed (or StopAsyncIteration once it ended)."""
        if self._error is not None:
            raise self._error
        inbox = self._inbox
        if inbox:
            delivery = inbox.popleft()
            if not inbox:
                self._inbox = None
            return delivery
        if self._ended:
            raise StopAsyncIteration
        return None

    def put_back(self, delivery: Delivery) -> None:
        """Return a delivery taken too early: it is read next, before anything queued since."""
        if self._error is not None or self._ended:
            return
        if self._inbox is None:
            self._inbox = deque()
        self._inbox.appendleft(delivery)

    def offer(self, delivery: Delivery) -> bool:
        """Queue a delivery without waiting, or have the idle handler take it at once; False
        when the subscription is (now) closed."""
        if self._error is not None or self._ended:
            return False
        inbox = self._inbox
        if inbox is not None and len(inbox) >= self._limit:
            self.fail(
                SubscriberOverflow(
                    f"subscriber of channel {self._channel!r} fell {self._limit} events "
                    "behind and was closed: resubscribe and re-read a snapshot"
                )
            )
            return False
        attended = self.waiting or self._revive is not None
        if inbox or not attended or not self._handled_idle(delivery):
            if inbox is None:
                inbox = self._inbox = deque()
            inbox.append(delivery)
            self._wake()
        return True

    def park(self, revive: Revive) -> None:
        """No task iterates this subscription until something needs one: the idle handler is
        offered every delivery meanwhile, and `revive` is called (once) instead of waking a
        task when a delivery is queued or the subscription closes. The revived task then
        iterates it as before."""
        if self._waiter is not None:
            raise RuntimeError("a task is iterating this subscription")
        self._revive = revive
        if self._inbox or self.closed:
            self._wake()

    def unpark(self) -> None:
        """Revive nothing any more (the parked subscriber is leaving)."""
        self._revive = None

    @property
    def waiting(self) -> bool:
        """The iterating task waits for the next delivery (it was not woken yet)."""
        waiter = self._waiter
        return waiter is not None and not waiter.done()

    def _handled_idle(self, delivery: Delivery) -> bool:
        handler = self.idle_handler
        if handler is None:
            return False
        try:
            return handler(delivery)
        except Exception:
            # The subscriber then handles this delivery in its own turn, as without a handler.
            log.exception("idle handler of a subscriber of %r failed", self._channel)
            return False

    def fail(self, error: SubscriptionClosed) -> None:
        """Close with an error; the queue is dropped at once so memory does not grow."""
        if self._error is None and not self._ended:
            self._error = error
            self._inbox = None
            self._wake()

    def end(self) -> None:
        """The subscribe() block exited: iteration stops."""
        self._ended = True
        self._inbox = None
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        elif self._revive is not None:
            revive, self._revive = self._revive, None
            try:
                revive()
            except Exception:
                log.exception("reviving a parked subscriber of %r failed", self._channel)
