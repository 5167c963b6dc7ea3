"""In-process backend: the same JSON text and contract as the networked ones."""

import asyncio

from broadcaster import Event

from pubsub.backends.base import HardenedBackend


class MemoryBackend(HardenedBackend):
    def __init__(self) -> None:
        super().__init__()
        self._subscribed: set[str] = set()
        self._events: asyncio.Queue[Event] = asyncio.Queue()
        self._connected = False

    @property
    def healthy(self) -> bool:
        return self._connected

    async def connect(self) -> None:
        self._connected = True

    async def disconnect(self) -> None:
        self._connected = False

    async def subscribe(self, channel: str) -> None:
        self._subscribed.add(channel)

    async def unsubscribe(self, channel: str) -> None:
        self._subscribed.discard(channel)

    async def publish(self, channel: str, message: str) -> None:
        if not self._connected:
            raise ConnectionError("the memory backend is disconnected")
        if not isinstance(message, str):
            raise TypeError("events travel as JSON text")
        # Filtered when published, not when dequeued: a channel subscribed after this call
        # does not receive an older event.
        if channel in self._subscribed:
            self._events.put_nowait(Event(channel=channel, message=message))

    async def next_published(self) -> Event:
        return await self._events.get()
