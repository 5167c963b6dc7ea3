"""Pub/sub fixtures: a connected hub on each backend, with names of the test's own."""

from collections.abc import AsyncIterator

import pytest

from pubsub.hub import PubSub
from tests.pubsub.helpers import PrivateRedis, fast_options
from tests.support.backends import (
    POSTGRES_ADMIN_DSN,
    REDIS_URL,
    require_postgres,
    require_redis,
)

BACKENDS = [
    pytest.param("memory", id="memory"),
    pytest.param("redis", id="redis", marks=pytest.mark.redis),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]
NETWORKED = BACKENDS[1:]


def url_for(backend: str) -> str:
    if backend == "redis":
        require_redis()
        return REDIS_URL
    if backend == "postgres":
        require_postgres()
        return POSTGRES_ADMIN_DSN
    return "memory://"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def url(backend: str) -> str:
    return url_for(backend)


@pytest.fixture
async def hub(url: str) -> AsyncIterator[PubSub]:
    hub = PubSub(url, options=fast_options())
    await hub.connect()
    yield hub
    await hub.disconnect()


@pytest.fixture
async def private_redis() -> AsyncIterator[PrivateRedis]:
    server = PrivateRedis()
    yield server
    await server.kill()
