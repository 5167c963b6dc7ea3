"""A networked backend around one supervised listening connection.

The listening connection is replaced whenever it fails: back-off, reconnect, listen to every
active channel again, then a `ResyncEvent` per channel. Publishing uses other connections.
"""

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from broadcaster import Event

from pubsub.backends.base import HardenedBackend
from pubsub.backoff import Backoff
from pubsub.errors import ConnectError
from pubsub.options import PubSubOptions
from pubsub.wire import ResyncEvent

log = logging.getLogger(__name__)

# What a listening connection hands over: (wire channel name, JSON text).
Deliver = Callable[[str, str], None]


class ListenSession(Protocol):
    """One listening connection, from connect to loss. It never reconnects by itself."""

    @property
    def alive(self) -> bool: ...

    async def send_listen(self, names: Sequence[str]) -> "asyncio.Future[list[bool]]":
        """Ask to listen; the future tells, per name, whether the server confirmed it."""
        ...

    async def unlisten(self, name: str) -> None: ...

    def abort(self, reason: str) -> None:
        """Declare the connection dead (idempotent): pending confirmations resolve False."""
        ...

    async def wait_lost(self) -> str:
        """Return the reason once the connection is lost or aborted."""
        ...

    async def close(self) -> None: ...


class SupervisedBackend(HardenedBackend):
    def __init__(self, options: PubSubOptions) -> None:
        super().__init__()
        self._options = options
        self._desired: dict[str, str] = {}  # wire name -> channel
        self._events: asyncio.Queue[Event] = asyncio.Queue()
        # Orders listen/unlisten against each other and against a reconnect's re-listen.
        self._lock = asyncio.Lock()
        self._session: ListenSession | None = None
        self._resumed = False
        self._supervisor: asyncio.Task[None] | None = None
        self._first_attempt: asyncio.Future[Exception | None] | None = None

    # -- provided by each backend ------------------------------------------------------
    def wire_name(self, channel: str) -> str:
        return channel

    async def open_session(self, deliver: Deliver) -> ListenSession:
        raise NotImplementedError

    async def open_publisher(self) -> None:
        raise NotImplementedError

    async def close_publisher(self) -> None:
        raise NotImplementedError

    # -- broadcaster's backend interface -------------------------------------------------
    @property
    def healthy(self) -> bool:
        session = self._session
        return self._resumed and session is not None and session.alive

    async def connect(self) -> None:
        await self.open_publisher()
        self._first_attempt = asyncio.get_running_loop().create_future()
        self._supervisor = asyncio.create_task(self._supervise())
        try:
            error = await asyncio.shield(self._first_attempt)
        except BaseException:
            await self.disconnect()
            raise
        if error is not None:
            await self.disconnect()
            raise ConnectError(f"cannot reach the broadcast backend: {error}") from error

    async def disconnect(self) -> None:
        supervisor, self._supervisor = self._supervisor, None
        if supervisor is not None:
            supervisor.cancel()
            await asyncio.wait([supervisor])
        await self.close_publisher()

    async def subscribe(self, channel: str) -> None:
        wire = self.wire_name(channel)
        async with self._lock:
            self._desired[wire] = channel
            session = self._session
            if session is None or not session.alive:
                return  # listened to on reconnect, then Resync
            try:
                pending = await session.send_listen([wire])
            except Exception as exc:
                session.abort(f"listening to {channel!r} failed: {exc!r}")
                return
        if not await self._confirmed(pending):
            session.abort(f"listening to {channel!r} was not confirmed")

    async def unsubscribe(self, channel: str) -> None:
        wire = self.wire_name(channel)
        async with self._lock:
            self._desired.pop(wire, None)
            session = self._session
            if session is None or not session.alive:
                return
            try:
                await session.unlisten(wire)
            except Exception as exc:
                session.abort(f"unlistening {channel!r} failed: {exc!r}")

    async def next_published(self) -> Event:
        return await self._events.get()

    # -- supervision ---------------------------------------------------------------------
    def _deliver(self, wire: str, text: str) -> None:
        channel = self._desired.get(wire)
        if channel is not None:
            self._events.put_nowait(Event(channel=channel, message=text))

    async def _confirmed(self, pending: "asyncio.Future[list[bool]]") -> bool:
        try:
            async with asyncio.timeout(self._options.confirm_timeout):
                return all(await asyncio.shield(pending))
        except TimeoutError:
            return False

    async def _supervise(self) -> None:
        loop = asyncio.get_running_loop()
        backoff = Backoff(self._options.backoff_initial, self._options.backoff_max)
        while True:
            session: ListenSession | None = None
            try:
                # A backstop: each backend bounds its own connect and handshake.
                options = self._options
                async with asyncio.timeout(options.connect_timeout + options.confirm_timeout):
                    session = await self.open_session(self._deliver)
                await self._resume(session)
            except Exception as exc:
                self._report_first_attempt(exc)
                log.warning("broadcast listener cannot connect (%r); retrying", exc)
            else:
                self._report_first_attempt(None)
                connected_at = loop.time()
                reason = await session.wait_lost()
                log.warning("broadcast listener lost its connection (%s); reconnecting", reason)
                # Start again from short delays only after a connection that held: one that
                # drops as soon as it is made keeps backing off.
                if loop.time() - connected_at > self._options.backoff_max:
                    backoff.reset()
            finally:
                self._resumed = False
                self._session = None
                if session is not None:
                    await session.close()
            await asyncio.sleep(backoff.next())

    async def _resume(self, session: ListenSession) -> None:
        """Listen again to every active channel, then tell each one to resync."""
        async with self._lock:
            names = list(self._desired)
            if names:
                pending = await session.send_listen(names)
                if not await self._confirmed(pending):
                    raise ConnectionError(f"re-listening to {len(names)} channels failed")
            self._session = session
            self._resumed = True
            for channel in self._desired.values():
                self._events.put_nowait(ResyncEvent(channel))

    def _report_first_attempt(self, error: Exception | None) -> None:
        first = self._first_attempt
        if first is not None and not first.done():
            first.set_result(error)
