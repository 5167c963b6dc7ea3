"""Redis details: the server-side subscription's lifetime, RESP3 URLs."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from pubsub.hub import PubSub
from tests.pubsub.conftest import url_for
from tests.pubsub.helpers import fast_options, next_payload, unique

pytestmark = pytest.mark.redis


@pytest.fixture
async def hub_redis() -> AsyncIterator[PubSub]:
    hub = PubSub(url_for("redis"), options=fast_options())
    await hub.connect()
    yield hub
    await hub.disconnect()


@pytest.fixture
async def shared_redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(url_for("redis"))
    yield client
    await client.aclose()


async def test_upstream_subscription_released(hub_redis: PubSub, shared_redis: Redis) -> None:
    """One server-side subscription per channel, gone when the last local subscriber leaves."""
    channel = unique()

    async def subscribers() -> int:
        [(_, count)] = await shared_redis.pubsub_numsub(channel)
        return int(count)

    async with hub_redis.subscribe(channel), hub_redis.subscribe(channel):
        assert await subscribers() == 1
    for _ in range(200):  # UNSUBSCRIBE is sent, not awaited, when the last one leaves
        if not await subscribers():
            break
        await asyncio.sleep(0.01)
    assert await subscribers() == 0


async def test_resp3_url() -> None:
    """A URL asking for RESP3 (pub/sub messages arrive as pushes) works the same."""
    hub = PubSub(url_for("redis") + "?protocol=3", options=fast_options())
    await hub.connect()
    channel = unique()
    try:
        async with hub.subscribe(channel) as subscription:
            await hub.publish(channel, {"resp": 3})
            assert await next_payload(subscription) == {"resp": 3}
    finally:
        await hub.disconnect()
