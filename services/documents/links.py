"""Short-lived download links: an HMAC over (document, user, expiry) with the server's secret.

A link works only for the document and the user it was made for, until it expires; changing
any of the three breaks the signature. Nothing is stored: the signature is the proof.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from settings import Settings

# Keys derived per purpose, so a signature made here means nothing anywhere else.
PURPOSE = b"cartable/document-download/v1"


@dataclass(frozen=True)
class LinkClaim:
    document_id: int
    user_id: int
    expires: int  # Unix seconds


def _key(settings: Settings) -> bytes:
    return hmac.new(settings.secret_key.encode(), PURPOSE, hashlib.sha256).digest()


def _signature(settings: Settings, claim: LinkClaim) -> str:
    message = f"{claim.document_id}.{claim.user_id}.{claim.expires}".encode()
    digest = hmac.new(_key(settings), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def download_path(document_id: int) -> str:
    return f"/documents/{document_id}/download"


def download_url(settings: Settings, document_id: int, user_id: int, now: datetime) -> str:
    expires = now + timedelta(minutes=settings.document_link_minutes)
    claim = LinkClaim(document_id, user_id, int(expires.timestamp()))
    query = urlencode(
        {"user": user_id, "expires": claim.expires, "sig": _signature(settings, claim)}
    )
    return f"{settings.public_url.rstrip('/')}{download_path(document_id)}?{query}"


def verify(
    settings: Settings, document_id: str, user: str, expires: str, signature: str
) -> LinkClaim | None:
    """The claim if the link is genuine and not yet expired; None otherwise (one answer for
    forged, altered and expired links)."""
    if not (document_id.isdigit() and user.isdigit() and expires.isdigit()):
        return None
    if max(len(document_id), len(user), len(expires)) > 18 or len(signature) > 64:
        return None
    claim = LinkClaim(int(document_id), int(user), int(expires))
    if not hmac.compare_digest(_signature(settings, claim).encode(), signature.encode()):
        return None
    now = settings.clock()
    if now >= datetime.fromtimestamp(claim.expires, UTC):
        return None
    return claim
