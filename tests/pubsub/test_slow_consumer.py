"""A subscriber that never reads is closed; the others keep up; memory stays bounded."""

import asyncio
import time

import pytest

from pubsub.deliveries import Message
from pubsub.errors import SubscriberOverflow, SubscriptionClosed
from pubsub.hub import PubSub
from tests.pubsub.helpers import fast_options, unique

EVENTS = 10_000
QUEUE_SIZE = 256
IN_FLIGHT = 64  # publishes at once


async def test_slow_subscriber_is_closed_and_others_keep_up(url: str, backend: str) -> None:
    hub = PubSub(url, queue_size=QUEUE_SIZE, options=fast_options())
    await hub.connect()
    channel = unique()
    try:
        async with hub.subscribe(channel) as slow, hub.subscribe(channel) as fast:

            async def read_fast() -> list[int]:
                seen = []
                async for delivery in fast:
                    assert isinstance(delivery, Message)
                    seen.append(delivery.payload["n"])
                    if len(seen) == EVENTS:
                        break
                return seen

            reader = asyncio.create_task(read_fast())
            most_pending = 0
            started = time.perf_counter()
            for start in range(0, EVENTS, IN_FLIGHT):
                await asyncio.gather(
                    *(
                        hub.publish(channel, {"n": n})
                        for n in range(start, min(start + IN_FLIGHT, EVENTS))
                    )
                )
                most_pending = max(most_pending, slow.pending)
            published = time.perf_counter()
            async with asyncio.timeout(10):
                seen = await reader
            drained = time.perf_counter()

            assert sorted(seen) == list(range(EVENTS))
            assert most_pending <= QUEUE_SIZE
            assert slow.pending == 0  # its queue was dropped
            with pytest.raises(SubscriberOverflow, match=f"fell {QUEUE_SIZE} events behind"):
                await anext(slow)
            with pytest.raises(SubscriptionClosed):  # and it stays closed
                await anext(slow)
    finally:
        await hub.disconnect()
    print(
        f"\n{backend}: {EVENTS} events published in {published - started:.2f}s "
        f"({EVENTS / (published - started):,.0f}/s); the reader had them all "
        f"{(drained - published) * 1000:.0f} ms after the last publish returned"
    )
    assert drained - published < 2.0


async def test_overflow_closes_only_the_subscriber_behind() -> None:
    """Reading late, not never: the subscriber that kept within its queue keeps going."""
    hub = PubSub("memory://", queue_size=3)
    await hub.connect()
    channel = unique()
    try:
        async with hub.subscribe(channel) as behind, hub.subscribe(channel) as within:
            for n in range(3):
                await hub.publish(channel, {"n": n})
            await asyncio.sleep(0.05)
            assert [await anext(within) for _ in range(3)] == [Message({"n": n}) for n in range(3)]
            await hub.publish(channel, {"n": 3})
            await asyncio.sleep(0.05)
            assert await anext(within) == Message({"n": 3})
            with pytest.raises(SubscriberOverflow):
                await anext(behind)
    finally:
        await hub.disconnect()


async def test_burst_larger_than_the_queue_reaches_a_reader(url: str) -> None:
    """Hundreds of events arrive at once: a subscriber that reads is given turns between
    them, so only a subscriber that does not read is closed."""
    hub = PubSub(url, queue_size=16, options=fast_options())
    await hub.connect()
    channel = unique()
    try:
        async with hub.subscribe(channel) as reader:
            received: list[int] = []

            async def read() -> None:
                async for delivery in reader:
                    assert isinstance(delivery, Message)
                    received.append(delivery.payload["n"])
                    if len(received) == 500:
                        return

            reading = asyncio.create_task(read())
            await asyncio.gather(*(hub.publish(channel, {"n": n}) for n in range(500)))
            async with asyncio.timeout(5):
                await reading
            assert sorted(received) == list(range(500))
    finally:
        await hub.disconnect()
