"""What a subscription yields: a message, or the news that messages may have been lost."""

from dataclasses import dataclass
from typing import Any, TypeAlias


@dataclass(frozen=True, slots=True)
class Message:
    """One published event, decoded from its JSON.

    Every local subscriber of the channel receives the same dict (decoded once per event,
    whatever the number of subscribers): treat it as read-only.
    """

    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Resync:
    """The backend reconnected and messages may have been lost: re-read a snapshot."""


Delivery: TypeAlias = Message | Resync
