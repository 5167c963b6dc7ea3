"""The failures of bare encode/broadcaster 0.3.1 listed in STACK-NOTES, demonstrated.

Each test asserts that the failure happens on the bare library (`broadcaster.Broadcast(url)`),
so that it documents why pubsub/ exists; the matching test that passes on pubsub/ is named in
each docstring. If one of these starts failing, upstream changed: revisit pubsub/.
"""

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager, suppress
from typing import Any

import asyncpg
import pytest
from broadcaster import Broadcast
from broadcaster._base import Subscriber
from redis.exceptions import MaxConnectionsError

from tests.pubsub.helpers import unique, wait_until
from tests.support.backends import POSTGRES_ADMIN_DSN, REDIS_URL, require_postgres, require_redis

pytestmark = pytest.mark.upstream

SHORT = 0.5  # seconds a lost message is waited for


async def received_within(subscriber: Subscriber, seconds: float = SHORT) -> bool:
    try:
        async with asyncio.timeout(seconds):
            await subscriber.get()
    except TimeoutError:
        return False
    return True


@pytest.fixture
async def bare_redis() -> AsyncIterator[Broadcast]:
    require_redis()
    broadcast = Broadcast(REDIS_URL)
    await broadcast.connect()
    yield broadcast
    await broadcast.disconnect()


@pytest.fixture
async def bare_postgres() -> AsyncIterator[Broadcast]:
    require_postgres()
    broadcast = Broadcast(POSTGRES_ADMIN_DSN)
    await broadcast.connect()
    yield broadcast
    with suppress(Exception):
        await broadcast.disconnect()


@pytest.mark.redis
async def test_redis_py_8_delivers_nothing(bare_redis: Broadcast) -> None:
    """Its listener checks `PubSub.subscribed` before redis-py 8 has recorded the channel:
    listen() ends at once and the listener waits forever.
    pubsub/: test_delivery.py::test_delivered_once_subscribed[redis]."""
    channel = unique()
    async with bare_redis.subscribe(channel) as subscriber:
        await asyncio.sleep(0.1)
        await bare_redis.publish(channel, "hello")
        assert not await received_within(subscriber)


@pytest.mark.redis
async def test_redis_concurrent_publishes_fail(bare_redis: Broadcast) -> None:
    """redis-py 8's asyncio pool holds 100 connections and raises beyond, instead of
    waiting. pubsub/: test_delivery.py::test_concurrent_publishes[redis]."""
    channel = unique()
    results = await asyncio.gather(
        *(bare_redis.publish(channel, str(n)) for n in range(200)), return_exceptions=True
    )
    failures = [r for r in results if isinstance(r, BaseException)]
    assert failures
    assert all(isinstance(f, MaxConnectionsError) for f in failures)


@pytest.mark.postgres
async def test_postgres_concurrent_publishes_fail(bare_postgres: Broadcast) -> None:
    """One connection for LISTEN and NOTIFY. pubsub/: test_concurrent_publishes[postgres]."""
    channel = unique()
    async with bare_postgres.subscribe(channel):
        results = await asyncio.gather(
            *(bare_postgres.publish(channel, str(n)) for n in range(200)), return_exceptions=True
        )
    failures = [r for r in results if isinstance(r, BaseException)]
    assert len(failures) >= 100
    assert all(isinstance(f, asyncpg.InterfaceError) for f in failures)


async def _enter(context: AbstractAsyncContextManager[Subscriber]) -> Subscriber | BaseException:
    try:
        return await context.__aenter__()
    except Exception as exc:
        return exc


@pytest.mark.postgres
async def test_two_first_subscribers_at_once(bare_postgres: Broadcast) -> None:
    """One of them fails or receives nothing. pubsub/: test_two_first_subscribers_at_once."""
    channel = unique()
    contexts = [bare_postgres.subscribe(channel) for _ in range(2)]
    entered = await asyncio.gather(*(_enter(c) for c in contexts))
    subscribers = [s for s in entered if isinstance(s, Subscriber)]
    if subscribers:
        await bare_postgres.publish(channel, "hello")
    received = [await received_within(s) for s in subscribers]
    for context, outcome in zip(contexts, entered, strict=True):
        if isinstance(outcome, Subscriber):
            with suppress(KeyError):
                await context.__aexit__(None, None, None)
    assert received.count(True) < 2
    assert any(isinstance(outcome, KeyError) for outcome in entered) or False in received


@pytest.mark.postgres
async def test_subscribe_during_last_unsubscribe(bare_postgres: Broadcast) -> None:
    """pubsub/: test_subscribe_during_last_unsubscribe."""
    channel = unique()
    first = bare_postgres.subscribe(channel)
    await first.__aenter__()
    leaving = asyncio.create_task(first.__aexit__(None, None, None))
    await asyncio.sleep(0)  # the last subscriber is now unsubscribing
    second = bare_postgres.subscribe(channel)
    outcome = await _enter(second)
    await asyncio.gather(leaving, return_exceptions=True)
    if isinstance(outcome, Subscriber):
        await bare_postgres.publish(channel, "hello")
        assert not await received_within(outcome)
        with suppress(Exception):
            await second.__aexit__(None, None, None)
    else:
        assert isinstance(outcome, Exception)


@pytest.mark.postgres
async def test_listener_dies_with_its_connection() -> None:
    """The subscriber hangs forever. pubsub/: test_outage_postgres.py."""
    require_postgres()
    name = unique("bare-listen")
    broadcast = Broadcast(f"{POSTGRES_ADMIN_DSN}?application_name={name}")
    await broadcast.connect()
    channel = unique()
    admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    context = broadcast.subscribe(channel)
    subscriber = await context.__aenter__()
    try:
        killed = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = $1",
            name,
        )
        assert killed == 1
        await asyncio.sleep(0.2)
        await admin.execute("SELECT pg_notify($1, $2)", channel, "hello")
        assert not await received_within(subscriber)
    finally:
        await admin.close()
        with suppress(Exception):  # leaving fails too, on the dead connection
            await context.__aexit__(None, None, None)
        with suppress(Exception):
            await broadcast.disconnect()


async def test_subscriber_queues_are_unbounded() -> None:
    """A subscriber that never reads holds every event. pubsub/: test_slow_consumer.py."""
    broadcast = Broadcast("memory://")
    await broadcast.connect()
    channel = unique()
    try:
        async with broadcast.subscribe(channel) as slow:
            for n in range(10_000):
                await broadcast.publish(channel, str(n))
            await wait_until(lambda: slow._queue.qsize() == 10_000, within=5)
    finally:
        await broadcast.disconnect()


async def test_memory_passes_objects_through() -> None:
    """Not JSON: the publisher's object itself, and what Redis/PostgreSQL would refuse.
    pubsub/: test_delivery.py::test_json_round_trip."""
    broadcast = Broadcast("memory://")
    await broadcast.connect()
    channel = unique()
    payload: dict[str, Any] = {"tags": {"a"}}
    try:
        async with broadcast.subscribe(channel) as subscriber:
            await broadcast.publish(channel, payload)
            event = await subscriber.get()
            assert event.message is payload
    finally:
        await broadcast.disconnect()


@pytest.fixture
def other_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """An event loop in another thread, like a test client's portal."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield loop
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)
    loop.close()


async def test_publishing_from_another_loop_is_lost(other_loop: asyncio.AbstractEventLoop) -> None:
    """pubsub/: test_delivery.py::test_publish_from_another_loop."""
    broadcast = Broadcast("memory://")
    channel = unique()
    subscribed = threading.Event()

    async def subscribe_there() -> None:
        await broadcast.connect()
        async with broadcast.subscribe(channel) as subscriber:
            subscribed.set()
            await subscriber.get()

    waiting = asyncio.run_coroutine_threadsafe(subscribe_there(), other_loop)
    await asyncio.to_thread(subscribed.wait, 5)
    await broadcast.publish(channel, "hello")  # from this test's loop
    await asyncio.sleep(SHORT)
    assert not waiting.done()
    waiting.cancel()
    await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(broadcast.disconnect(), other_loop))
