"""Helpers for pub/sub tests: unique names, bounded waits, a private redis-server."""

import asyncio
import shutil
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from pubsub.deliveries import Delivery, Message
from pubsub.options import PubSubOptions
from pubsub.subscription import Subscription
from tests.support.backends import IN_CI, free_port, wait_for_port


def unique(prefix: str = "t") -> str:
    """Other engineers share the Redis and PostgreSQL: every test uses its own names."""
    return f"{prefix}:{uuid.uuid4().hex}"


def fast_options(**overrides: float | int | str) -> PubSubOptions:
    """Short timeouts and back-off, so outages are noticed and survived within a test."""
    values: dict[str, float | int | str] = {
        "name": f"pt-{uuid.uuid4().hex[:10]}",
        "publish_timeout": 1.0,
        "connect_timeout": 2.0,
        "confirm_timeout": 2.0,
        "ping_interval": 1.0,
        "backoff_initial": 0.05,
        "backoff_max": 0.3,
    }
    values.update(overrides)
    return PubSubOptions(**values)  # type: ignore[arg-type]


async def next_delivery(subscription: Subscription, within: float = 3.0) -> Delivery:
    async with asyncio.timeout(within):
        return await anext(subscription)


async def next_payload(subscription: Subscription, within: float = 3.0) -> dict[str, Any]:
    delivery = await next_delivery(subscription, within)
    assert isinstance(delivery, Message), delivery
    return delivery.payload


async def wait_until(condition: Callable[[], bool], within: float, step: float = 0.01) -> None:
    for _ in range(max(1, int(within / step))):
        if condition():
            return
        await asyncio.sleep(step)
    raise TimeoutError(f"condition still false after {within}s")


class PrivateRedis:
    """A redis-server of the test's own, on a free port, that the test kills and restarts."""

    def __init__(self) -> None:
        if shutil.which("redis-server") is None:
            if IN_CI:
                pytest.fail("redis-server is required in CI", pytrace=False)
            pytest.skip("redis-server is not installed")
        self.port = free_port()
        self._process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(
            "redis-server",
            *("--port", str(self.port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no"),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await wait_for_port("127.0.0.1", self.port, timeout=10)

    async def kill(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            await process.wait()
