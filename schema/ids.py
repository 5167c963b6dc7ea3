"""Opaque Relay global IDs: base64("Type:123")."""

import base64
import binascii

import strawberry

_URL_SAFE = bytes.maketrans(b"+/", b"-_")


def to_global_id(type_name: str, db_id: int) -> strawberry.ID:
    # base64.urlsafe_b64encode (and the ID NewType) without their Python calls: a dashboard
    # makes a hundred.
    encoded = binascii.b2a_base64(f"{type_name}:{db_id}".encode(), newline=False)
    return encoded.translate(_URL_SAFE).decode().rstrip("=")  # type: ignore[return-value]


def parse_global_id(global_id: str) -> tuple[str, int] | None:
    """(type name, database id), or None for anything that is not one of our IDs."""
    if not global_id or len(global_id) > 100:
        return None
    padded = global_id + "=" * (-len(global_id) % 4)
    try:
        decoded = base64.urlsafe_b64decode(padded.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_name, sep, raw = decoded.partition(":")
    if not sep or not raw.isdigit() or len(raw) > 18:
        return None
    return type_name, int(raw)


def db_id_of(global_id: str, type_name: str) -> int | None:
    """The database id when the global ID names an object of this type."""
    parsed = parse_global_id(global_id)
    if parsed is None or parsed[0] != type_name:
        return None
    return parsed[1]
