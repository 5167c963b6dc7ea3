"""The mailed link to a large data export: an HMAC over (export, user, expiry) with the server's
secret, like document links (services/documents/links.py) but under a purpose of its own, so a
signature made for one means nothing for the other. The route also wants that user's session:
a forwarded mail alone downloads nothing."""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from settings import Settings

PURPOSE = b"cartable/data-export-download/v1"


@dataclass(frozen=True)
class ExportClaim:
    export_id: int
    user_id: int
    expires: int  # Unix seconds


def _signature(settings: Settings, claim: ExportClaim) -> str:
    key = hmac.new(settings.secret_key.encode(), PURPOSE, hashlib.sha256).digest()
    message = f"{claim.export_id}.{claim.user_id}.{claim.expires}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def download_path(export_id: int) -> str:
    return f"/me/exports/{export_id}"


def link_params(settings: Settings, claim: ExportClaim) -> dict[str, str]:
    """The query of the link (the mail template builds the absolute URL)."""
    return {
        "user": str(claim.user_id),
        "expires": str(claim.expires),
        "sig": _signature(settings, claim),
    }


def verify(
    settings: Settings, export_id: str, user: str, expires: str, signature: str
) -> ExportClaim | None:
    """The claim if the link is genuine and not expired; None for forged, altered or expired."""
    if not (export_id.isdigit() and user.isdigit() and expires.isdigit()):
        return None
    if max(len(export_id), len(user), len(expires)) > 18 or len(signature) > 64:
        return None
    claim = ExportClaim(int(export_id), int(user), int(expires))
    if not hmac.compare_digest(_signature(settings, claim).encode(), signature.encode()):
        return None
    if settings.clock() >= datetime.fromtimestamp(claim.expires, UTC):
        return None
    return claim
