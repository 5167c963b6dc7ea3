"""Events published by another process reach this one's subscribers (Redis, PostgreSQL)."""

import asyncio
import sys

import pytest

from pubsub.hub import PubSub
from tests.pubsub.conftest import NETWORKED, url_for
from tests.pubsub.helpers import fast_options, next_payload, unique

PUBLISHER = """
import asyncio, sys
from pubsub.hub import PubSub

async def main(url: str, channel: str, count: int) -> None:
    hub = PubSub(url)
    await hub.connect()
    try:
        await asyncio.gather(*(hub.publish(channel, {"n": n}) for n in range(count)))
    finally:
        await hub.disconnect()

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""


@pytest.mark.parametrize("backend", NETWORKED)
async def test_published_by_another_process(backend: str) -> None:
    url = url_for(backend)
    hub = PubSub(url, options=fast_options())
    await hub.connect()
    channel = unique()
    try:
        async with hub.subscribe(channel) as subscription:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-c", PUBLISHER, url, channel, "200"
            )
            assert await asyncio.wait_for(process.wait(), 20) == 0
            received = [(await next_payload(subscription))["n"] for _ in range(200)]
            assert sorted(received) == list(range(200))
    finally:
        await hub.disconnect()
