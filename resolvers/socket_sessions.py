"""Authenticated websockets: authenticated at connection_init, closed when their session ends.

One `SessionWatch` per app serves every socket of the process: a single pubsub subscription
to the revocations (services.accounts.sessions.SESSIONS_CHANNEL), and one heap of expiry re-checks
behind a single timer; sockets falling due together have their sessions read together. An
idle socket costs a small object and a heap entry, not a subscription, a task or a timer of
its own (measured: a task with its timeout scope ~3.4 KB per socket, a timer handle ~0.7 KB).
"""

import asyncio
import contextlib
import heapq
import itertools
import logging
from collections import Counter

from starlette.websockets import WebSocket, WebSocketState

from pubsub.deliveries import Message, Resync
from services.accounts import sessions
from services.accounts.actor import Actor
from services.sql.runtime import Runtime

log = logging.getLogger(__name__)

# When a socket re-checks that its session is still alive (expiry needs no event): a minute
# after it opened, then when the session would end unless used meanwhile (using it elsewhere
# moves that moment), at most an hour apart, so idle sockets do not poll the database.
SESSION_RECHECK_SECONDS = 60.0
SESSION_RECHECK_MAX_SECONDS = 3600.0
# How long the revocation listener waits before listening again after it stopped.
RELISTEN_SECONDS = 1.0
# Stale re-check entries tolerated beyond twice the sockets watched before the heap is rebuilt.
STALE_ENTRIES = 256
TIMER_SLACK_SECONDS = 0.01
CLOSE_SESSION_ENDED = 4403


class SocketRegistry:
    """Open authenticated sockets per user in this process, to cap them."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: Counter[int] = Counter()

    def try_add(self, user_id: int) -> bool:
        if self._open[user_id] >= self.limit:
            return False
        self._open[user_id] += 1
        return True

    def remove(self, user_id: int) -> None:
        self._open[user_id] -= 1
        if self._open[user_id] <= 0:
            del self._open[user_id]


class WatchedSocket:
    """One admitted socket: what closing it when its session ends takes."""

    __slots__ = ("due", "session_id", "user_id", "websocket")

    def __init__(self, websocket: WebSocket, user_id: int, session_id: int) -> None:
        # None once released: a stale heap entry then keeps nothing heavy alive.
        self.websocket: WebSocket | None = websocket
        self.user_id = user_id
        self.session_id = session_id
        # When (event loop clock) its next re-check is due, while one is scheduled.
        self.due: float | None = None


class SessionWatch:
    """Every authenticated socket of this process, closed (4403) when its session is revoked
    or has expired."""

    def __init__(self, runtime: Runtime, limit: int) -> None:
        self.runtime = runtime
        self.registry = SocketRegistry(limit)
        self.recheck_seconds = SESSION_RECHECK_SECONDS
        self._by_session: dict[int, list[WatchedSocket]] = {}
        # (due, order, socket); entries whose socket was rescheduled or released are stale
        # and skipped when they come up.
        self._heap: list[tuple[float, int, WatchedSocket]] = []
        self._order = itertools.count()
        self._timer: asyncio.TimerHandle | None = None
        self._watching = 0
        self._due: list[WatchedSocket] = []
        self._checker: asyncio.Task[None] | None = None
        self._listener: asyncio.Task[None] | None = None
        self._relisten: asyncio.TimerHandle | None = None
        self._closing: set[asyncio.Task[None]] = set()

    def admit(self, websocket: WebSocket, actor: Actor) -> WatchedSocket | None:
        """The socket is watched from now on, or None when its user has too many open."""
        assert actor.session_id is not None
        if not self.registry.try_add(actor.user_id):
            return None
        watched = WatchedSocket(websocket, actor.user_id, actor.session_id)
        self._watching += 1
        self._by_session.setdefault(watched.session_id, []).append(watched)
        self._schedule(watched, self.recheck_seconds)
        if self._listener is None and self._relisten is None:
            self._listener = asyncio.create_task(self._listen())
        return watched

    async def release(self, watched: WatchedSocket) -> None:
        """The socket has closed: forget it (stop listening once no socket is left)."""
        self._unschedule(watched)
        watched.websocket = None
        same = self._by_session.get(watched.session_id, [])
        if watched in same:
            same.remove(watched)
            self.registry.remove(watched.user_id)
            self._watching -= 1
        if not same:
            self._by_session.pop(watched.session_id, None)
        if not self._by_session:
            await self._stop_listening()

    def _watched(self) -> list[WatchedSocket]:
        return [w for same in self._by_session.values() for w in same]

    # Expiry: one heap of re-checks, one timer for its earliest; due sockets checked together.

    def _schedule(self, watched: WatchedSocket, delay: float) -> None:
        loop = asyncio.get_running_loop()
        due = watched.due = loop.time() + delay
        heapq.heappush(self._heap, (due, next(self._order), watched))
        if len(self._heap) > 2 * self._watching + STALE_ENTRIES:
            self._heap = [entry for entry in self._heap if entry[2].due == entry[0]]
            heapq.heapify(self._heap)
        if self._timer is None or due < self._timer.when():
            self._arm(loop)

    def _unschedule(self, watched: WatchedSocket) -> None:
        watched.due = None  # its heap entry is now stale

    def _arm(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = loop.call_at(self._heap[0][0], self._fire) if self._heap else None

    def _fire(self) -> None:
        loop = asyncio.get_running_loop()
        # asyncio runs a timer up to its clock resolution early.
        now = loop.time() + TIMER_SLACK_SECONDS
        heap = self._heap
        while heap and heap[0][0] <= now:
            due, _, watched = heapq.heappop(heap)
            if watched.due == due and watched.websocket is not None:
                watched.due = None
                self._make_due(watched)
        self._timer = None
        self._arm(loop)

    def _make_due(self, watched: WatchedSocket) -> None:
        self._due.append(watched)
        if self._checker is None:
            self._checker = asyncio.create_task(self._check_due())

    async def _check_due(self) -> None:
        try:
            while self._due:
                due, self._due = self._due, []
                try:
                    await self._check(due)
                except Exception:
                    # Try again later rather than close sockets on a database hiccup.
                    log.warning("could not re-check %s sockets' sessions", len(due), exc_info=True)
                    for watched in due:
                        if watched.due is None and watched.websocket is not None:
                            self._schedule(watched, self.recheck_seconds)
        finally:
            self._checker = None

    async def _check(self, due: list[WatchedSocket]) -> None:
        settings = self.runtime.settings
        ids = {w.session_id for w in due}
        deadlines = await sessions.session_deadlines(self.runtime.database, settings, ids)
        now = settings.clock()
        for watched in due:
            if watched not in self._by_session.get(watched.session_id, ()):
                continue  # released meanwhile
            deadline = deadlines.get(watched.session_id)
            if deadline is None:
                self._close(watched)
                continue
            left = (deadline - now).total_seconds()
            self._schedule(
                watched,
                min(max(left, self.recheck_seconds), SESSION_RECHECK_MAX_SECONDS),
            )

    def _recheck_all(self) -> None:
        for watched in self._watched():
            self._unschedule(watched)
            self._make_due(watched)

    # Revocation: one subscription for the process.

    async def _listen(self) -> None:
        try:
            async with self.runtime.pubsub.subscribe(sessions.SESSIONS_CHANNEL) as subscription:
                async for delivery in subscription:
                    if isinstance(delivery, Resync):
                        self._recheck_all()  # revocations may have been lost
                    elif isinstance(delivery, Message):
                        self._revoked(delivery.payload.get("revoked"))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("session revocation listener stopped", exc_info=True)
        if self._listener is not asyncio.current_task():
            return  # stopped on purpose
        self._listener = None
        if self._by_session:
            # Revocations may have been missed meanwhile: listen again, then re-check all.
            self._relisten = asyncio.get_running_loop().call_later(
                RELISTEN_SECONDS, self._listen_again
            )

    def _listen_again(self) -> None:
        self._relisten = None
        if self._by_session and self._listener is None:
            self._listener = asyncio.create_task(self._listen())
            self._recheck_all()

    def _revoked(self, revoked: object) -> None:
        if not isinstance(revoked, list):
            return
        for session_id in revoked:
            if isinstance(session_id, int):
                for watched in list(self._by_session.get(session_id, ())):
                    self._close(watched)

    async def _stop_listening(self) -> None:
        if self._relisten is not None:
            self._relisten.cancel()
            self._relisten = None
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await listener

    def _close(self, watched: WatchedSocket) -> None:
        self._unschedule(watched)
        if watched.websocket is None:
            return
        task = asyncio.create_task(_close_socket(watched.websocket))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)


async def _close_socket(websocket: WebSocket) -> None:
    if websocket.application_state == WebSocketState.CONNECTED:
        with contextlib.suppress(Exception):
            await websocket.close(code=CLOSE_SESSION_ENDED, reason="Session ended")
