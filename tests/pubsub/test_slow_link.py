"""Over a slow or partitioned network (a proxy in between), on Redis and PostgreSQL."""

import time
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import pytest

from pubsub.deliveries import Resync
from pubsub.errors import PublishError
from pubsub.hub import PubSub
from tests.pubsub.conftest import NETWORKED, url_for
from tests.pubsub.helpers import fast_options, next_delivery, next_payload, unique, wait_until
from tests.pubsub.proxy import LinkProxy

pytestmark = pytest.mark.parametrize("backend", NETWORKED)


def through(url: str, port: int) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit(":", 1)[0] + f":{port}"
    return urlunsplit(parts._replace(netloc=netloc))


@pytest.fixture
async def direct(backend: str) -> AsyncIterator[PubSub]:
    hub = PubSub(url_for(backend), options=fast_options())
    await hub.connect()
    yield hub
    await hub.disconnect()


async def proxied(backend: str, **proxy_options: float) -> tuple[LinkProxy, str]:
    url = url_for(backend)
    proxy = LinkProxy(urlsplit(url).port or 0, **proxy_options)
    await proxy.start()
    return proxy, through(url, proxy.port)


async def test_subscribed_means_confirmed_by_the_server(backend: str, direct: PubSub) -> None:
    """The subscriber's commands reach the server 150 ms late; another process publishes
    right after subscribe() returned, over a fast link: still delivered, because subscribe()
    returns only once the server confirmed."""
    proxy, url = await proxied(backend, delay=0.15)
    hub = PubSub(url, options=fast_options())
    try:
        await hub.connect()
        for n in range(3):
            channel = unique()
            async with hub.subscribe(channel) as subscription:
                await direct.publish(channel, {"n": n})
                assert await next_payload(subscription) == {"n": n}
    finally:
        await hub.disconnect()
        await proxy.close()


async def test_partition_noticed_by_keep_alive(backend: str, direct: PubSub) -> None:
    """The link goes silent without closing: the keep-alive declares it dead, the listener
    reconnects once the link is back, and subscribers resync."""
    proxy, url = await proxied(backend)
    hub = PubSub(url, options=fast_options(ping_interval=0.2, connect_timeout=0.5))
    channel = unique()
    try:
        await hub.connect()
        async with hub.subscribe(channel) as subscription:
            proxy.freeze()
            await wait_until(lambda: not hub.healthy, within=3)
            started = time.monotonic()
            with pytest.raises(PublishError):  # bounded by publish_timeout, not a hang
                await hub.publish(channel, {"during": "partition"})
            assert time.monotonic() - started < 1.6
            proxy.thaw()
            await wait_until(lambda: hub.healthy, within=5)
            assert await next_delivery(subscription, within=5) == Resync()
            await direct.publish(channel, {"after": "partition"})
            assert await next_payload(subscription) == {"after": "partition"}
            await hub.publish(channel, {"through": "the healed link"})
            assert await next_payload(subscription) == {"through": "the healed link"}
    finally:
        await hub.disconnect()
        await proxy.close()
