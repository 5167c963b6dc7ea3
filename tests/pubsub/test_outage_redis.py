"""Redis goes away and comes back: a private redis-server that the tests kill and restart."""

import asyncio
import time

import pytest
from redis.asyncio import Redis

from pubsub.deliveries import Resync
from pubsub.errors import ConnectError, PublishError
from pubsub.hub import PubSub
from tests.pubsub.helpers import (
    PrivateRedis,
    fast_options,
    next_delivery,
    next_payload,
    unique,
    wait_until,
)
from tests.support.backends import free_port

pytestmark = pytest.mark.redis


async def test_outage_then_resync(private_redis: PrivateRedis) -> None:
    await private_redis.start()
    hub = PubSub(private_redis.url, options=fast_options())
    await hub.connect()
    channel = unique()
    try:
        async with hub.subscribe(channel) as live:
            await hub.publish(channel, {"n": 1})
            assert await next_payload(live) == {"n": 1}

            await private_redis.kill()
            await wait_until(lambda: not hub.healthy, within=3)
            started = time.monotonic()
            with pytest.raises(PublishError):
                await hub.publish(channel, {"n": 2})
            assert time.monotonic() - started < 1.5  # promptly, not a hang

            # Subscribing during the outage does not fail: it is resynced like the others.
            async with hub.subscribe(channel) as newcomer:
                await asyncio.sleep(0.5)  # several reconnection attempts fail meanwhile
                assert not hub.healthy
                await private_redis.start()
                await wait_until(lambda: hub.healthy, within=5)
                assert await next_delivery(live) == Resync()
                assert await next_delivery(newcomer) == Resync()

                await hub.publish(channel, {"n": 3})
                assert await next_payload(live) == {"n": 3}
                assert await next_payload(newcomer) == {"n": 3}
    finally:
        await hub.disconnect()


async def test_outage_twice_and_many_channels(private_redis: PrivateRedis) -> None:
    """Every active channel is listened to again after each reconnect."""
    await private_redis.start()
    hub = PubSub(private_redis.url, options=fast_options())
    await hub.connect()
    channels = [unique() for _ in range(50)]
    try:
        subscriptions = [await hub.subscribe(c).__aenter__() for c in channels]
        for _ in range(2):
            await private_redis.kill()
            await wait_until(lambda: not hub.healthy, within=3)
            await private_redis.start()
            await wait_until(lambda: hub.healthy, within=5)
            for subscription in subscriptions:
                assert await next_delivery(subscription) == Resync()
        for channel in channels:
            await hub.publish(channel, {"on": channel})
        for channel, subscription in zip(channels, subscriptions, strict=True):
            assert await next_payload(subscription) == {"on": channel}
    finally:
        await hub.disconnect()


async def test_unresponsive_server_is_detected(private_redis: PrivateRedis) -> None:
    """A server that stops answering (CLIENT PAUSE) looks like a dead link: the keep-alive
    notices, the listener reconnects once it answers again, and subscribers resync."""
    await private_redis.start()
    hub = PubSub(private_redis.url, options=fast_options(ping_interval=0.2, connect_timeout=0.5))
    await hub.connect()
    channel = unique()
    admin = Redis.from_url(private_redis.url)
    try:
        async with hub.subscribe(channel) as live:
            await admin.execute_command("CLIENT", "PAUSE", "1500", "ALL")
            await wait_until(lambda: not hub.healthy, within=3)
            await wait_until(lambda: hub.healthy, within=5)
            assert await next_delivery(live, within=5) == Resync()
            await hub.publish(channel, {"n": 1})
            assert await next_payload(live) == {"n": 1}
    finally:
        await admin.aclose()
        await hub.disconnect()


async def test_unreachable_at_start() -> None:
    hub = PubSub(f"redis://127.0.0.1:{free_port()}/0", options=fast_options())
    started = time.monotonic()
    with pytest.raises(ConnectError):
        await hub.connect()
    assert time.monotonic() - started < 3
    assert not hub.healthy
    with pytest.raises(PublishError):
        await hub.publish(unique(), {"n": 1})
