"""Is a browser request coming from a page of this app? (Origin, else Sec-Fetch-Site.)"""

from starlette.datastructures import Headers
from strawberry.http.websocket_origin import is_same_origin, normalize_origin


def own_origin(headers: Headers, public_url: str) -> bool:
    """True for a page of the app itself: its `Origin` names the host the request reached or
    PUBLIC_URL; without `Origin`, the browser says `Sec-Fetch-Site: same-origin`. Origins
    merely allowed for websockets (ALLOWED_ORIGINS) are other sites and do not count."""
    origin = headers.get("origin")
    if origin is None:
        return headers.get("sec-fetch-site") == "same-origin"
    if is_same_origin(origin, headers.get("host")):
        return True
    own = normalize_origin(public_url)
    return own is not None and normalize_origin(origin) == own


def is_json(headers: Headers) -> bool:
    """`Content-Type: application/json` (any parameters): a type no HTML form can send."""
    media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return media_type == "application/json"
