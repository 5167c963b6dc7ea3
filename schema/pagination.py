"""Relay-style pages: PageInfo, and opaque cursors (base64url of a few text parts)."""

import base64
import binascii

import strawberry

from services.common.errors import DomainError, ErrorCode

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


def id_after(after: str | None) -> int | None:
    """The row id an `after` cursor of one part points past (None: from the start); a cursor
    this API did not make is INVALID_INPUT on `after`."""
    if after is None:
        return None
    parts = decode_cursor(after, 1)
    if parts is None or not parts[0].isdigit():
        raise DomainError(ErrorCode.INVALID_INPUT, "after")
    return int(parts[0])
