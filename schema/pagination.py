"""Relay-style pages: PageInfo, and opaque cursors (base64url of a few text parts)."""

import base64
import binascii

import strawberry

MAX_CURSOR_LENGTH = 200


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None = None


def encode_cursor(*parts: str) -> str:
    return base64.urlsafe_b64encode("|".join(parts).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, count: int) -> list[str] | None:
    """The cursor's parts, or None when it is not a cursor of `count` parts we made."""
    if not cursor or len(cursor) > MAX_CURSOR_LENGTH:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    parts = text.split("|")
    return parts if len(parts) == count else None
