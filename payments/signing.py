"""HMAC-SHA256 signatures: webhooks (over timestamp + body) and tamper-proof URL tokens."""

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

SIGNATURE_HEADER = "Sandbox-Signature"
TOLERANCE_SECONDS = 300


class BadSignature(Exception):
    pass


def _mac(secret: bytes, message: bytes) -> str:
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def sign_webhook(secret: bytes, body: bytes, timestamp: int) -> str:
    """The header value: `t=<unix seconds>,v1=<hex HMAC of "<t>." + body>`."""
    return f"t={timestamp},v1={_mac(secret, str(timestamp).encode() + b'.' + body)}"


def verify_webhook(
    secret: bytes, header: str | None, body: bytes, now: float, tolerance: int = TOLERANCE_SECONDS
) -> None:
    """Raise BadSignature unless the header signs this body, within `tolerance` seconds of now."""
    if not header:
        raise BadSignature("no signature")
    parts = {
        name.strip(): value for name, _, value in (i.partition("=") for i in header.split(","))
    }
    timestamp, signature = parts.get("t", ""), parts.get("v1", "")
    if not timestamp.isdigit() or not signature:
        raise BadSignature("malformed signature")
    if abs(now - int(timestamp)) > tolerance:
        raise BadSignature("stale timestamp")
    expected = _mac(secret, timestamp.encode() + b"." + body)
    if not hmac.compare_digest(expected, signature):
        raise BadSignature("signature mismatch")


def sign_token(secret: bytes, data: Mapping[str, Any]) -> str:
    payload = base64.urlsafe_b64encode(
        json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    ).rstrip(b"=")
    return f"{payload.decode()}.{_mac(secret, payload)}"


def read_token(secret: bytes, token: str) -> dict[str, Any]:
    payload, _, signature = token.partition(".")
    if not hmac.compare_digest(_mac(secret, payload.encode()), signature):
        raise BadSignature("token signature mismatch")
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (binascii.Error, ValueError) as error:
        raise BadSignature("malformed token") from error
    if not isinstance(data, dict):
        raise BadSignature("malformed token")
    return data
