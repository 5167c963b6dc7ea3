"""Opaque random tokens: the client holds the token, the database holds only its digest."""

import hashlib
import secrets

TOKEN_BYTES = 32  # 256 bits


def new_token() -> tuple[str, str]:
    """A fresh token and the digest to store."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    return raw, digest(raw)


def digest(raw: str) -> str:
    # High-entropy tokens need no slow hash: SHA-256 is enough to make a stolen table useless.
    return hashlib.sha256(raw.encode()).hexdigest()
