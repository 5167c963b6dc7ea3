"""Delivery latency under light load, printed (run with -s); bounded loosely, not a benchmark."""

import statistics
import time

from pubsub.deliveries import Message
from pubsub.hub import PubSub
from tests.pubsub.helpers import next_delivery, unique

ROUNDS = 500


async def test_delivery_latency(hub: PubSub, backend: str) -> None:
    channel = unique()
    latencies = []
    async with hub.subscribe(channel) as subscription:
        for n in range(ROUNDS):
            sent = time.perf_counter()
            await hub.publish(channel, {"n": n})
            delivery = await next_delivery(subscription)
            latencies.append(time.perf_counter() - sent)
            assert delivery == Message({"n": n})
    latencies.sort()
    p50, p99 = statistics.median(latencies), latencies[int(ROUNDS * 0.99)]
    print(f"\n{backend}: publish-to-delivery p50 {p50 * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms")
    assert p99 < 0.25
