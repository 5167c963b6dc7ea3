"""The wire format: every event is a JSON object as text, on every backend (memory too)."""

import json
from collections.abc import Mapping
from typing import Any

from broadcaster import Event

from pubsub.errors import PayloadTooLarge

# PostgreSQL NOTIFY refuses payloads of 8000 bytes or more. The same limit applies on every
# backend, so that code tested on memory:// behaves the same in production.
MAX_PAYLOAD_BYTES = 7999


def encode(payload: Mapping[str, Any]) -> str:
    """JSON text of an event; TypeError/ValueError for what JSON cannot carry faithfully."""
    if not isinstance(payload, Mapping):
        raise TypeError(f"an event payload is a mapping, not {type(payload).__name__}")
    text = json.dumps(dict(payload), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    size = len(text.encode("utf-8"))
    if size > MAX_PAYLOAD_BYTES:
        raise PayloadTooLarge(size, MAX_PAYLOAD_BYTES)
    return text


def decode(text: str) -> dict[str, Any]:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError(f"an event is a JSON object, got {type(value).__name__}")
    return value


def check_channel(channel: str) -> None:
    if not isinstance(channel, str) or not channel:
        raise ValueError("a channel name is a non-empty string")
    if "\x00" in channel:
        raise ValueError("a channel name cannot contain NUL (PostgreSQL cannot carry it)")


class ResyncEvent(Event):
    """Put on a backend's event stream for each channel once it listens again after a
    reconnect: messages published meanwhile may have been lost."""

    def __init__(self, channel: str) -> None:
        super().__init__(channel=channel, message="")
