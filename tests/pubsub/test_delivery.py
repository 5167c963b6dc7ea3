"""Behaviour of pubsub/ on every backend: what is published after subscribing is delivered."""

import asyncio
import threading
from collections.abc import Iterator
from contextlib import AsyncExitStack

import pytest

from pubsub.deliveries import Message
from pubsub.errors import PayloadTooLarge, PublishError, PubSubError, SubscriptionClosed
from pubsub.hub import PubSub
from pubsub.wire import MAX_PAYLOAD_BYTES
from tests.pubsub.helpers import fast_options, next_payload, unique


async def test_delivered_once_subscribed(hub: PubSub, url: str, backend: str) -> None:
    """Effective when `async with` returns, for a publisher on another connection (another
    hub, as in another process; memory:// is one process): no sleep in between. Repeated on
    fresh channels to give a race a chance to show."""
    other = hub if backend == "memory" else PubSub(url, options=fast_options())
    if other is not hub:
        await other.connect()
    try:
        for n in range(30):
            channel = unique()
            async with hub.subscribe(channel) as subscription:
                await other.publish(channel, {"n": n})
                assert await next_payload(subscription) == {"n": n}
    finally:
        if other is not hub:
            await other.disconnect()


async def test_json_round_trip(hub: PubSub) -> None:
    """Every backend carries JSON text: the subscriber gets an equal, distinct dict."""
    channel = unique()
    payload = {"text": "École — ü", "cents": 1234, "items": (1, 2), "none": None}
    async with hub.subscribe(channel) as first, hub.subscribe(channel) as second:
        await hub.publish(channel, payload)
        received = await next_payload(first)
        assert received == {"text": "École — ü", "cents": 1234, "items": [1, 2], "none": None}
        assert received is not payload
        assert await next_payload(second) == received


async def test_payload_must_be_json(hub: PubSub) -> None:
    channel = unique()
    with pytest.raises(TypeError):
        await hub.publish(channel, {"tags": {"a"}})
    with pytest.raises(ValueError, match="Out of range"):
        await hub.publish(channel, {"x": float("nan")})
    with pytest.raises(TypeError):
        await hub.publish(channel, ["not", "a", "mapping"])  # type: ignore[arg-type]


async def test_payload_size_limit(hub: PubSub) -> None:
    """The largest payload PostgreSQL NOTIFY carries goes through; one byte more is refused
    on every backend, before anything is sent."""
    channel = unique()
    largest = {"d": "x" * (MAX_PAYLOAD_BYTES - len('{"d":""}'))}
    multibyte = {"d": "é" * ((MAX_PAYLOAD_BYTES - len('{"d":""}')) // 2)}
    async with hub.subscribe(channel) as subscription:
        await hub.publish(channel, largest)
        await hub.publish(channel, multibyte)
        with pytest.raises(PayloadTooLarge) as refused:
            await hub.publish(channel, {"d": "x" * (MAX_PAYLOAD_BYTES - len('{"d":""}') + 1)})
        assert isinstance(refused.value, PublishError)
        assert refused.value.size == MAX_PAYLOAD_BYTES + 1
        assert await next_payload(subscription) == largest
        assert await next_payload(subscription) == multibyte


async def test_order_of_sequential_publishes(hub: PubSub) -> None:
    channel = unique()
    async with hub.subscribe(channel) as subscription:
        for n in range(100):
            await hub.publish(channel, {"n": n})
        assert [(await next_payload(subscription))["n"] for _ in range(100)] == list(range(100))


async def test_concurrent_publishes(hub: PubSub) -> None:
    """200 publishes at once: each delivered exactly once, none fails."""
    channel = unique()
    async with hub.subscribe(channel) as subscription:
        await asyncio.gather(*(hub.publish(channel, {"n": n}) for n in range(200)))
        received = [(await next_payload(subscription))["n"] for _ in range(200)]
    assert sorted(received) == list(range(200))


async def test_channels_are_separate(hub: PubSub) -> None:
    one, two = unique(), unique()
    async with hub.subscribe(one) as first, hub.subscribe(two) as second:
        await hub.publish(two, {"to": "two"})
        await hub.publish(one, {"to": "one"})
        assert await next_payload(first) == {"to": "one"}
        assert await next_payload(second) == {"to": "two"}
        assert first.pending == 0


@pytest.mark.parametrize(
    "channel",
    [
        pytest.param("meeting:" + "x" * 80, id="long"),
        pytest.param('quote" and spaces; DROP TABLE x', id="quotes"),
        pytest.param("Mixed.Case-é-✓", id="unicode"),
        pytest.param("#looks-hashed", id="hash-prefix"),
    ],
)
async def test_awkward_channel_names(hub: PubSub, channel: str) -> None:
    """Long names (hashed for PostgreSQL) do not collide with a name sharing their start."""
    channel = f"{channel}{unique()}"
    sibling = channel[:63] + "-other"
    async with hub.subscribe(channel) as subscription, hub.subscribe(sibling) as other:
        await hub.publish(channel, {"to": "channel"})
        await hub.publish(sibling, {"to": "sibling"})
        assert await next_payload(subscription) == {"to": "channel"}
        assert await next_payload(other) == {"to": "sibling"}
        assert subscription.pending == 0


@pytest.mark.parametrize("count", [2, 20])
async def test_two_first_subscribers_at_once(hub: PubSub, count: int) -> None:
    channel = unique()
    async with AsyncExitStack() as stack:
        subscriptions = await asyncio.gather(
            *(stack.enter_async_context(hub.subscribe(channel)) for _ in range(count))
        )
        await hub.publish(channel, {"hello": 1})
        for subscription in subscriptions:
            assert await next_payload(subscription) == {"hello": 1}
    # Every exit succeeded, and the channel can be used again.
    async with hub.subscribe(channel) as again:
        await hub.publish(channel, {"hello": 2})
        assert await next_payload(again) == {"hello": 2}


@pytest.mark.parametrize("yields", [0, 1, 2, 3, 5, 8])
async def test_subscribe_during_last_unsubscribe(hub: PubSub, yields: int) -> None:
    """The newcomer arrives at various points of the last subscriber's unsubscribe."""
    channel = unique()
    first = hub.subscribe(channel)
    await first.__aenter__()
    leaving = asyncio.create_task(first.__aexit__(None, None, None))
    for _ in range(yields):
        await asyncio.sleep(0)
    async with hub.subscribe(channel) as newcomer:
        await leaving
        await hub.publish(channel, {"after": yields})
        assert await next_payload(newcomer) == {"after": yields}


async def test_cancelled_while_subscribing(hub: PubSub) -> None:
    """A subscriber cancelled half-way leaves nothing broken behind."""
    channel = unique()

    async def subscribe_forever() -> None:
        async with hub.subscribe(channel):
            await asyncio.Event().wait()

    for yields in range(8):
        task = asyncio.create_task(subscribe_forever())
        for _ in range(yields):
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    async with hub.subscribe(channel) as subscription:
        await hub.publish(channel, {"still": "works"})
        assert await next_payload(subscription) == {"still": "works"}


async def test_resubscribe_after_everyone_left(hub: PubSub) -> None:
    channel = unique()
    for n in range(5):
        async with hub.subscribe(channel) as subscription:
            await hub.publish(channel, {"n": n})
            assert await next_payload(subscription) == {"n": n}


async def test_iteration_ends_when_the_block_exits(hub: PubSub) -> None:
    channel = unique()
    async with hub.subscribe(channel) as subscription:
        await hub.publish(channel, {"n": 1})
        assert await next_payload(subscription) == {"n": 1}
    assert [d async for d in subscription] == []


async def test_disconnect_closes_live_subscriptions(url: str) -> None:
    hub = PubSub(url, options=fast_options())
    await hub.connect()
    assert hub.healthy
    channel = unique()
    async with hub.subscribe(channel) as subscription:
        reader = asyncio.create_task(anext(subscription))
        await asyncio.sleep(0.05)
        await hub.disconnect()
        assert not hub.healthy
        with pytest.raises(SubscriptionClosed):
            await reader
        with pytest.raises(PublishError, match="not connected"):
            await hub.publish(channel, {"n": 1})
    with pytest.raises(PubSubError, match="not connected"):
        await hub.subscribe(channel).__aenter__()


@pytest.fixture
def other_loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield loop
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)
    loop.close()


async def test_publish_from_another_loop(url: str, other_loop: asyncio.AbstractEventLoop) -> None:
    """The hub lives on another thread's loop (a test client's portal): still delivered."""
    hub = PubSub(url, options=fast_options())
    channel = unique()
    subscribed = threading.Event()

    async def subscribe_there() -> object:
        await hub.connect()
        try:
            async with hub.subscribe(channel) as subscription:
                subscribed.set()
                async with asyncio.timeout(5):
                    return await anext(subscription)
        finally:
            await hub.disconnect()

    waiting = asyncio.run_coroutine_threadsafe(subscribe_there(), other_loop)
    await asyncio.to_thread(subscribed.wait, 5)
    await hub.publish(channel, {"from": "elsewhere"})
    assert await asyncio.wrap_future(waiting) == Message({"from": "elsewhere"})
