"""GraphQL over HTTP: `application/graphql-response+json` for clients that ask for it.

Strawberry answers `application/json` with 200 for every well-formed request (the legacy
behaviour the specification keeps for that media type). A client whose Accept header prefers
`application/graphql-response+json` gets that media type and the specification's status codes:
- 200 when execution started (`data` present, even null, with or without field errors);
- 400 for a request error (a document that does not parse or validate, bad variables: no
  error has a `path`), with no `data` entry;
- 405 (Allow: POST) for a mutation sent by GET; 415 for a POST body that is not JSON;
- strawberry's other 4xx plain-text refusals become `{"errors": [{"message": ...}]}`.
Responses with `application/json` are passed through untouched.
"""

import json
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

GRAPHQL_RESPONSE = "application/graphql-response+json"
_CONTENT_TYPE = f"{GRAPHQL_RESPONSE}; charset=utf-8".encode()
# A result whose data is not null started execution: 200, nothing to read.
_EXECUTED_PREFIX = b'{"data":{'


def _quality(accept: str) -> dict[str, float]:
    qualities: dict[str, float] = {}
    for part in accept.split(","):
        media_type, *params = (piece.strip() for piece in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media_type:
            qualities[media_type.lower()] = q
    return qualities


def wants_graphql_response(accept: str | None) -> bool:
    """Accept names application/graphql-response+json, at least as wanted as application/json."""
    qualities = _quality(accept or "")
    wanted = qualities.get(GRAPHQL_RESPONSE, 0.0)
    return wanted > 0 and wanted >= qualities.get("application/json", 0.0)


def _is_request_error(result: Any) -> bool:
    if not isinstance(result, dict) or result.get("data") is not None:
        return False
    errors = result.get("errors")
    if not isinstance(errors, list) or not errors:
        return False
    return all(isinstance(e, dict) and "path" not in e for e in errors)


def rewrite(status: int, content_type: str, body: bytes, method: str) -> tuple[int, bytes, bool]:
    """(status, body, whether the media type becomes graphql-response+json)."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "application/json" and status == 200:
        if body.startswith(_EXECUTED_PREFIX):
            return status, body, True
        result = json.loads(body)
        if _is_request_error(result):
            result.pop("data", None)
            return 400, json.dumps(result, separators=(",", ":")).encode(), True
        return status, body, True
    if media_type == "text/plain" and 400 <= status < 500:
        reason = body.decode("utf-8", "replace")
        if method == "GET" and reason.startswith("mutations are not allowed"):
            status = 405
        elif reason == "Unsupported content type":
            status = 415
        errors = {"errors": [{"message": reason}]}
        return status, json.dumps(errors, separators=(",", ":")).encode(), True
    return status, body, False


class GraphQLOverHTTP:
    """ASGI wrapper of the GraphQL endpoint's HTTP side."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not wants_graphql_response(
            Headers(scope=scope).get("accept")
        ):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def collect(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, collect)
        assert start is not None
        headers = Headers(raw=start["headers"])
        status, body, converted = rewrite(
            start["status"], headers.get("content-type", ""), b"".join(chunks), scope["method"]
        )
        raw = [
            (name, value)
            for name, value in start["headers"]
            if name not in (b"content-length", b"content-type")
        ]
        if converted:
            raw.append((b"content-type", _CONTENT_TYPE))
        elif "content-type" in headers:
            raw.append((b"content-type", headers["content-type"].encode("latin-1")))
        raw.append((b"content-length", str(len(body)).encode()))
        if status == 405:
            raw.append((b"allow", b"POST"))
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})
