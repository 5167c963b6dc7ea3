"""What a subscription yields: a message, the news that messages may have been lost, or a
nudge from the subscriber's own side."""

from dataclasses import dataclass, field
from typing import Any, TypeAlias


@dataclass(frozen=True, slots=True)
class Message:
    """One published event, decoded from its JSON.

    Every local subscriber of the channel receives the same dict (decoded once per event,
    whatever the number of subscribers): treat it as read-only. `derived` is where values
    computed from the event for every subscriber alike are kept, to compute them once.
    """

    payload: dict[str, Any]
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Resync:
    """The backend reconnected and messages may have been lost: re-read a snapshot."""


@dataclass(frozen=True, slots=True)
class Nudge:
    """No news from the channel: the subscriber re-checks work left for it by its idle
    handler (offered by the subscriber's own side, never published)."""


Delivery: TypeAlias = Message | Resync | Nudge
