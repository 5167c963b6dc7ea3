"""What can go wrong with pub/sub, as exceptions callers can tell apart."""


class PubSubError(Exception):
    """Base class of every pub/sub failure."""


class ConnectError(PubSubError):
    """The broadcast backend could not be reached when connecting."""


class PublishError(PubSubError):
    """An event could not be handed to the backend: down, timed out, or not connected.

    Services publish after their transaction committed: they log this and carry on.
    Subscribers recover through `Resync` (after a reconnect) or a fresh snapshot.
    """


class PayloadTooLarge(PublishError):
    """The JSON of an event exceeds what every backend can carry (PostgreSQL NOTIFY's limit)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            f"event payload is {size} bytes of JSON, over the {limit}-byte limit of "
            "PostgreSQL NOTIFY (applied on every backend): publish identifiers and let "
            "subscribers re-read the rest"
        )
        self.size = size
        self.limit = limit


class SubscriptionClosed(PubSubError):
    """The hub ended this subscription (it was disconnected): resubscribe later."""


class SubscriberOverflow(SubscriptionClosed):
    """The subscriber fell too far behind: its queue was dropped and the subscription closed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
