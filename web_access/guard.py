"""Who may act with the session cookie on /graphql.

An `Authorization` header (a bearer token, a device key) always wins and the cookie is then
ignored: API clients keep working as before. Otherwise the cookie authenticates:
- an HTTP POST only with `Content-Type: application/json` from a page of the app itself
  (anything else carrying the cookie, such as another site's form, is refused with 403);
- never a GET: queries by GET stay anonymous, and mutations are never run by GET anyway;
- a websocket only from a page of the app itself; it then stands in for the bearer token of
  `connection_init` (`socket_token`). Other sites' pages get no session from the cookie, even
  when ALLOWED_ORIGINS lets them open sockets.
"""

import json

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from settings import Settings
from web_access.cookies import session_token
from web_access.origins import is_json, own_origin

# Where an upgrade from the app's own pages keeps its cookie's token for on_ws_connect.
SOCKET_TOKEN_KEY = "cartable.cookie_token"
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


def socket_token(websocket: WebSocket) -> str | None:
    token = websocket.scope.get(SOCKET_TOKEN_KEY)
    return token if isinstance(token, str) else None


class CookieSessionGuard:
    """ASGI wrapper of the GraphQL endpoint (HTTP and websocket)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.public_url = settings.public_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        token = None if "authorization" in headers else session_token(headers)
        if token is None:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            if own_origin(headers, self.public_url):
                scope = {**scope, SOCKET_TOKEN_KEY: token}
            await self.app(scope, receive, send)
            return
        if scope["method"] != "POST":
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
