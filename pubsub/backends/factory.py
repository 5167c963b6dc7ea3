"""BROADCAST_URL -> backend."""

from collections.abc import Callable
from urllib.parse import urlsplit

from pubsub.backends.base import HardenedBackend
from pubsub.backends.memory import MemoryBackend
from pubsub.backends.postgres_backend import PostgresBackend
from pubsub.backends.redis_backend import RedisBackend
from pubsub.options import PubSubOptions

BackendFactory = Callable[[PubSubOptions], HardenedBackend]

_POSTGRES_SCHEMES = ("postgres", "postgresql", "postgresql+asyncpg")


def backend_factory(url: str) -> BackendFactory:
    """Checked when the hub is built, so that a wrong URL fails at start-up."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "memory":
        return lambda options: MemoryBackend()
    if scheme in ("redis", "rediss"):
        return lambda options: RedisBackend(url, options)
    if scheme in _POSTGRES_SCHEMES:
        # SQLAlchemy-style URLs are accepted; asyncpg wants the plain scheme.
        dsn = "postgresql" + url[len(scheme) :]
        return lambda options: PostgresBackend(dsn, options)
    raise ValueError(
        f"unsupported broadcast URL scheme {scheme!r}: "
        "use memory://, redis://, rediss:// or postgresql://"
    )
