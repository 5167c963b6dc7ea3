"""In-process publish/subscribe (memory:// only); replaced by the hardened broadcaster layer."""

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any


class PublishError(Exception):
    pass


class SubscriberOverflow(Exception):
    pass


@dataclass(frozen=True)
class Message:
    payload: dict[str, Any]


@dataclass(frozen=True)
class Resync:
    pass


Delivery = Message | Resync


class Subscription:
    def __init__(self, queue_size: int) -> None:
        self.queue: asyncio.Queue[Delivery | None] = asyncio.Queue(queue_size)
        self.overflowed = False

    async def __aiter__(self) -> AsyncIterator[Delivery]:
        while True:
            item = await self.queue.get()
            if item is None:
                raise SubscriberOverflow("subscriber fell behind")
            yield item


class PubSub:
    def __init__(self, url: str, *, queue_size: int = 256) -> None:
        if not url.startswith("memory"):
            raise ValueError(f"unsupported broadcast URL: {url}")
        self.queue_size = queue_size
        self._subscribers: dict[str, set[Subscription]] = {}

    @property
    def healthy(self) -> bool:
        return True

    async def connect(self) -> None:
        return None

    async def disconnect(self) -> None:
        return None

    async def publish(self, channel: str, payload: Mapping[str, Any]) -> None:
        text = json.dumps(payload)
        for sub in list(self._subscribers.get(channel, ())):
            try:
                sub.queue.put_nowait(Message(json.loads(text)))
            except asyncio.QueueFull:
                self._subscribers[channel].discard(sub)
                sub.queue = asyncio.Queue(1)
                sub.queue.put_nowait(None)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        sub = Subscription(self.queue_size)
        self._subscribers.setdefault(channel, set()).add(sub)
        try:
            yield sub
        finally:
            self._subscribers.get(channel, set()).discard(sub)
