"""The PostgreSQL listening connection drops: terminated by pg_terminate_backend on its own pid
(found by the application_name pubsub sets), never by restarting the shared server."""

import asyncio
import time
from collections.abc import AsyncIterator

import asyncpg
import pytest

from pubsub.deliveries import Resync
from pubsub.errors import ConnectError, PublishError
from pubsub.hub import PubSub
from pubsub.options import PubSubOptions
from tests.pubsub.helpers import fast_options, next_delivery, next_payload, unique
from tests.support.backends import POSTGRES_ADMIN_DSN, free_port, require_postgres

pytestmark = pytest.mark.postgres


@pytest.fixture
async def admin() -> AsyncIterator[asyncpg.Connection]:
    require_postgres()
    conn = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    yield conn
    await conn.close()


async def listener_pids(admin: asyncpg.Connection, options: PubSubOptions) -> list[int]:
    rows = await admin.fetch(
        "SELECT pid FROM pg_stat_activity WHERE application_name = $1",
        f"{options.name}-pubsub-listen",
    )
    return [row["pid"] for row in rows]


async def test_listener_connection_dropped(admin: asyncpg.Connection) -> None:
    options = fast_options()
    hub = PubSub(POSTGRES_ADMIN_DSN, options=options)
    await hub.connect()
    channel = unique()
    try:
        async with hub.subscribe(channel) as live:
            await hub.publish(channel, {"n": 1})
            assert await next_payload(live) == {"n": 1}
            [old_pid] = await listener_pids(admin, options)

            health: list[bool] = []

            async def watch() -> None:
                while True:
                    health.append(hub.healthy)
                    await asyncio.sleep(0.001)

            watcher = asyncio.create_task(watch())
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", old_pid)
            assert await next_delivery(live, within=5) == Resync()
            watcher.cancel()

            assert False in health  # it was reported down meanwhile
            assert hub.healthy
            [new_pid] = await listener_pids(admin, options)
            assert new_pid != old_pid
            await hub.publish(channel, {"n": 2})
            assert await next_payload(live) == {"n": 2}
    finally:
        await hub.disconnect()


async def test_dropped_again_and_again(admin: asyncpg.Connection) -> None:
    """Every active channel is listened to again after each reconnect."""
    options = fast_options()
    hub = PubSub(POSTGRES_ADMIN_DSN, options=options)
    await hub.connect()
    channels = [unique() for _ in range(20)]
    try:
        subscriptions = [await hub.subscribe(c).__aenter__() for c in channels]
        for _ in range(3):
            for pid in await listener_pids(admin, options):
                await admin.execute("SELECT pg_terminate_backend($1)", pid)
            for subscription in subscriptions:
                assert await next_delivery(subscription, within=5) == Resync()
        for channel in channels:
            await hub.publish(channel, {"on": channel})
        for channel, subscription in zip(channels, subscriptions, strict=True):
            assert await next_payload(subscription) == {"on": channel}
    finally:
        await hub.disconnect()


async def test_notify_pool_survives_its_connections_dropping(admin: asyncpg.Connection) -> None:
    options = fast_options()
    hub = PubSub(POSTGRES_ADMIN_DSN, options=options)
    await hub.connect()
    channel = unique()
    try:
        async with hub.subscribe(channel) as live:
            await hub.publish(channel, {"n": 1})
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = $1",
                f"{options.name}-pubsub-notify",
            )
            await asyncio.sleep(0.1)
            await hub.publish(channel, {"n": 2})
            assert [await next_payload(live) for _ in range(2)] == [{"n": 1}, {"n": 2}]
    finally:
        await hub.disconnect()


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "postgresql+asyncpg"])
async def test_url_schemes(scheme: str) -> None:
    require_postgres()
    url = scheme + POSTGRES_ADMIN_DSN[POSTGRES_ADMIN_DSN.index("://") :]
    hub = PubSub(url, options=fast_options())
    await hub.connect()
    channel = unique()
    try:
        async with hub.subscribe(channel) as live:
            await hub.publish(channel, {"scheme": scheme})
            assert await next_payload(live) == {"scheme": scheme}
    finally:
        await hub.disconnect()


async def test_unreachable_at_start() -> None:
    hub = PubSub(f"postgresql://postgres@127.0.0.1:{free_port()}/test", options=fast_options())
    started = time.monotonic()
    with pytest.raises(ConnectError):
        await hub.connect()
    assert time.monotonic() - started < 3
    with pytest.raises(PublishError):
        await hub.publish(unique(), {"n": 1})
