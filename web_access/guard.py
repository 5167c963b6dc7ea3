"""Who may act with the session cookie on /graphql.

An `Authorization` header (a bearer token, a device key) always wins and the cookie is then
ignored: API clients keep working as before. Otherwise the cookie authenticates:
- an HTTP POST only with `Content-Type: application/json` from a page of the app itself. A
  browser request carrying the cookie otherwise (another site's form or script, a form of the
  app's own origin) is refused with 403. Browsers say where a request comes from (`Origin` on
  every POST, `Sec-Fetch-Site`); a request with neither is no browser's: a non-browser client
  that kept the cookie in its jar is served anonymously, as if it had none;
- never a GET: queries by GET stay anonymous, and mutations are never run by GET anyway;
- a websocket only from a page of the app itself; it then stands in for the bearer token of
  `connection_init` (`socket_token`, read by the endpoint's on_ws_connect). Other sites' pages
  get no session from the cookie, even when ALLOWED_ORIGINS lets them open sockets.
"""

import json

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from settings import Settings
from web_access.cookies import session_token
from web_access.origins import is_json, own_origin

REFUSED = json.dumps(
    {
        "errors": [
            {
                "message": "A request authenticated by the session cookie must be a JSON POST "
                "from this site's own pages.",
                "extensions": {"code": "FORBIDDEN"},
            }
        ]
    }
).encode()


def socket_token(websocket: WebSocket, settings: Settings) -> str | None:
    """The session cookie of a socket opened by a page of the app itself, else None."""
    headers = websocket.headers
    if "authorization" in headers or not own_origin(headers, settings.public_url):
        return None
    return session_token(headers)


class CookieSessionGuard:
    """ASGI wrapper of the GraphQL endpoint's HTTP route."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.public_url = settings.public_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        token = None if "authorization" in headers else session_token(headers)
        if token is None:
            await self.app(scope, receive, send)
            return
        from_browser = "origin" in headers or "sec-fetch-site" in headers
        if scope["method"] != "POST" or not from_browser:
            await self.app(scope, receive, send)  # anonymous: the cookie does not count
            return
        if not (is_json(headers) and own_origin(headers, self.public_url)):
            await _refuse(send)
            return
        authorization = (b"authorization", b"Bearer " + token.encode("latin-1"))
        scope = {**scope, "headers": [*scope["headers"], authorization]}
        await self.app(scope, receive, send)


async def _refuse(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(REFUSED)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": REFUSED})
