"""Knobs of the hub and its backends; the defaults suit production."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PubSubOptions:
    # Prefix of the connections' names (PostgreSQL application_name, Redis CLIENT SETNAME),
    # so that operators (and tests) can find the listening connection.
    name: str = "cartable"
    # Publishing while the backend is down fails within this bound instead of hanging.
    publish_timeout: float = 2.0
    connect_timeout: float = 5.0
    # A SUBSCRIBE/LISTEN not confirmed within this is treated as a dead connection.
    confirm_timeout: float = 5.0
    # Keep-alive on the listening connection: silence for about twice this means it is dead
    # (a half-open TCP link otherwise looks healthy forever).
    ping_interval: float = 5.0
    backoff_initial: float = 0.1
    backoff_max: float = 5.0
    # Connections used to publish (per process); further publishers wait for one.
    publish_pool_size: int = 8

    def __post_init__(self) -> None:
        for field in ("publish_timeout", "connect_timeout", "confirm_timeout", "ping_interval"):
            if getattr(self, field) <= 0:
                raise ValueError(f"{field} must be positive")
        if not 0 < self.backoff_initial <= self.backoff_max:
            raise ValueError("back-off needs 0 < backoff_initial <= backoff_max")
        if self.publish_pool_size < 1:
            raise ValueError("publish_pool_size must be at least 1")
