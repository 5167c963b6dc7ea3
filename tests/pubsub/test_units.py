"""The small parts: wire format, PostgreSQL channel names, back-off, options, URLs."""

import random

import pytest

from pubsub.backends.postgres_backend import MAX_IDENTIFIER_BYTES, pg_channel
from pubsub.backoff import Backoff
from pubsub.errors import PayloadTooLarge, PublishError
from pubsub.hub import PubSub
from pubsub.options import PubSubOptions
from pubsub.wire import MAX_PAYLOAD_BYTES, check_channel, decode, encode


def test_encode_is_compact_utf8_json() -> None:
    assert encode({"a": 1, "b": "é"}) == '{"a":1,"b":"é"}'
    assert decode('{"a":1}') == {"a": 1}
    with pytest.raises(ValueError, match="JSON object"):
        decode("[1]")


def test_size_limit_counts_utf8_bytes() -> None:
    room = MAX_PAYLOAD_BYTES - len('{"d":""}')
    assert len(encode({"d": "x" * room}).encode()) == MAX_PAYLOAD_BYTES
    with pytest.raises(PayloadTooLarge) as refused:
        encode({"d": "é" * (room // 2 + 1)})
    assert isinstance(refused.value, PublishError)
    assert "publish identifiers" in str(refused.value)


@pytest.mark.parametrize("bad", ["", "with\x00nul"])
def test_bad_channel_names(bad: str) -> None:
    with pytest.raises(ValueError, match="channel name"):
        check_channel(bad)


def test_pg_channel_names() -> None:
    assert pg_channel("meeting:42") == "meeting:42"
    assert pg_channel("x" * 63) == "x" * 63
    long_a, long_b = "x" * 63 + "a", "x" * 63 + "b"
    assert pg_channel(long_a) != pg_channel(long_b)
    for name in (long_a, "é" * 40, "#meeting", "#" + "y" * 100):
        hashed = pg_channel(name)
        assert hashed.startswith("#")
        assert len(hashed.encode()) <= MAX_IDENTIFIER_BYTES
        assert pg_channel(name) == hashed  # the same in every process
    assert pg_channel("#meeting") != "#meeting"


def test_backoff_grows_caps_and_jitters() -> None:
    backoff = Backoff(0.1, 2.0, rng=random.Random(7))
    delays = [backoff.next() for _ in range(12)]
    assert 0.05 <= delays[0] <= 0.1
    assert all(0 < d <= 2.0 for d in delays)
    assert all(d >= 1.0 for d in delays[6:])  # capped: ceiling 2.0, at least half of it
    assert len(set(delays)) == len(delays)
    backoff.reset()
    assert backoff.next() <= 0.1


def test_options_are_checked() -> None:
    with pytest.raises(ValueError, match="publish_timeout"):
        PubSubOptions(publish_timeout=0)
    with pytest.raises(ValueError, match="back-off"):
        PubSubOptions(backoff_initial=2, backoff_max=1)
    with pytest.raises(ValueError, match="publish_pool_size"):
        PubSubOptions(publish_pool_size=0)


def test_urls_and_queue_size_are_checked_when_built() -> None:
    with pytest.raises(ValueError, match="unsupported broadcast URL scheme 'kafka'"):
        PubSub("kafka://localhost")
    with pytest.raises(ValueError, match="queue_size"):
        PubSub("memory://", queue_size=0)
    for url in (
        "memory://",
        "redis://h",
        "rediss://h",
        "postgres://h/d",
        "postgresql+asyncpg://h/d",
    ):
        PubSub(url)
