"""One websocket's session: authenticated at connection_init, closed when the session ends."""

import asyncio
import contextlib
import logging
from collections import Counter

from starlette.websockets import WebSocket, WebSocketState

from services import sessions
from services.actor import Actor
from services.runtime import Runtime

log = logging.getLogger(__name__)

# When a socket re-checks that its session is still alive (expiry needs no event): a minute
# after it opened, then when the session would end unless used meanwhile (using it elsewhere
# moves that moment), at most an hour apart, so idle sockets do not poll the database.
SESSION_RECHECK_SECONDS = 60.0
SESSION_RECHECK_MAX_SECONDS = 3600.0
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


class SocketGuard:
    def __init__(self, runtime: Runtime, registry: SocketRegistry, websocket: WebSocket) -> None:
        self.runtime = runtime
        self.registry = registry
        self.websocket = websocket
        self.actor: Actor | None = None
        self._watcher: asyncio.Task[None] | None = None

    def admit(self, actor: Actor) -> bool:
        if not self.registry.try_add(actor.user_id):
            return False
        self.actor = actor
        self._watcher = asyncio.create_task(self._watch(actor))
        return True

    async def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._watcher
        if self.actor is not None:
            self.registry.remove(self.actor.user_id)
            self.actor = None

    async def _watch(self, actor: Actor) -> None:
        """Close the socket when its session is revoked (event) or has expired (periodic check)."""
        assert actor.session_id is not None
        channel = sessions.sessions_channel(actor.user_id)
        try:
            async with self.runtime.pubsub.subscribe(channel) as subscription:
                deliveries = aiter(subscription)
                wait: float | None = SESSION_RECHECK_SECONDS
                while True:
                    try:
                        # A timeout scope, not wait_for: no extra task per idle socket.
                        async with asyncio.timeout(wait):
                            delivery = await anext(deliveries)
                        revoked = getattr(delivery, "payload", {}).get("revoked")
                        if revoked is not None and actor.session_id not in revoked:
                            continue
                    except TimeoutError:
                        pass
                    wait = await self._until_deadline(actor.session_id)
                    if wait is None:
                        await self._close()
                        return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("session watcher of user %s stopped", actor.user_id, exc_info=True)

    async def _until_deadline(self, session_id: int) -> float | None:
        """Seconds until the next check, or None when the session has ended."""
        settings = self.runtime.settings
        deadline = await sessions.session_deadline(self.runtime.database, settings, session_id)
        if deadline is None:
            return None
        left = (deadline - settings.clock()).total_seconds()
        return min(max(left, SESSION_RECHECK_SECONDS), SESSION_RECHECK_MAX_SECONDS)

    async def _close(self) -> None:
        if self.websocket.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(Exception):
                await self.websocket.close(code=CLOSE_SESSION_ENDED, reason="Session ended")
