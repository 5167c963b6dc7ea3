"""Security headers on every HTTP response the app serves.

Pages get a Content-Security-Policy without 'unsafe-inline': the inline <script> and <style>
blocks a page carries (the sandbox's pages, GraphiQL's loader) are allowed by their sha256
hashes, computed from the page as sent, so a script injected into a page never runs. Nothing
the app serves may be framed (`frame-ancestors 'none'`, clickjacking on the payment page).
"""

import base64
import hashlib
import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# GraphiQL (strawberry's page) loads its bundles from these CDNs, pinned by integrity hashes.
IDE_SOURCES = ("https://unpkg.com", "https://esm.sh")

COMMON = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
# What is not a page (JSON, PDFs, CSV, images) runs nothing and is never framed.
NOT_A_PAGE = "default-src 'none'; frame-ancestors 'none'; sandbox"

_INLINE = re.compile(
    rb"<(script|style)(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</(?:script|style)\s*>",
    re.DOTALL | re.IGNORECASE,
)
_SRC = re.compile(rb"\ssrc\s*=", re.IGNORECASE)


def inline_hashes(html: bytes) -> tuple[list[str], list[str]]:
    """The CSP source expressions of a page's inline scripts and styles."""
    scripts: list[str] = []
    styles: list[str] = []
    for found in _INLINE.finditer(html):
        kind = found.group(1).lower()
        if kind == b"script" and _SRC.search(found.group("attrs") or b""):
            continue
        digest = base64.b64encode(hashlib.sha256(found.group("body")).digest()).decode()
        (scripts if kind == b"script" else styles).append(f"'sha256-{digest}'")
    return scripts, styles


def page_policy(
    scripts: Iterable[str], styles: Iterable[str], extra_sources: Iterable[str] = ()
) -> str:
    extra = list(extra_sources)
    script_src = " ".join(["'self'", *scripts, *extra])
    style_src = " ".join(["'self'", *styles, *extra])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {script_src}",
            f"style-src {style_src}",
            "img-src 'self' data:",
            "font-src 'self' data:" + "".join(f" {s}" for s in extra),
            "connect-src 'self' ws: wss:" + "".join(f" {s}" for s in extra),
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeaders:
    """Pure ASGI middleware (no BaseHTTPMiddleware: streaming responses stay streamed)."""

    def __init__(self, app: ASGIApp, ide_path: str = "/graphql") -> None:
        self.app = app
        self.ide_path = ide_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body: list[bytes] = []
        extra = IDE_SOURCES if scope.get("path") == self.ide_path else ()

        async def send_with_headers(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if _is_html(message):
                    start = message  # held until the page is whole: its hashes go in a header
                    return
                _add_headers(message, NOT_A_PAGE)
                await send(message)
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            html = b"".join(body)
            scripts, styles = inline_hashes(html)
            _add_headers(start, page_policy(scripts, styles, extra))
            await send(start)
            await send({"type": "http.response.body", "body": html, "more_body": False})

        await self.app(scope, receive, send_with_headers)


def _is_html(message: Message) -> bool:
    for name, value in message.get("headers", []):
        if name.lower() == b"content-type":
            return bool(value.lower().startswith(b"text/html"))
    return False


def _add_headers(message: Message, policy: str) -> None:
    headers = list(message.get("headers", []))
    present = {name.lower() for name, _ in headers}
    for name, value in (*COMMON, (b"content-security-policy", policy.encode())):
        if name not in present:
            headers.append((name, value))
    message["headers"] = headers
