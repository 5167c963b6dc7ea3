"""The browser session cookie: set by the sign-in mutations, cleared by `logout`.

HttpOnly (no script reads it), SameSite=Lax (not sent with other sites' POSTs), Secure when
the app is served over https, the session token as its value. The dashboard never sees the
token: it does not even ask for the `token` field.
"""

from starlette.datastructures import Headers
from starlette.responses import Response

from settings import Settings

SESSION_COOKIE = "cartable_session"


def session_token(headers: Headers) -> str | None:
    """The token of the session cookie, if the request carries one."""
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == SESSION_COOKIE and value:
            return value.strip('"')
    return None


def remember(response: Response | None, settings: Settings, token: str | None) -> None:
    """Set the cookie on an HTTP response (a sign-in over a websocket has none to set)."""
    if response is None or not token:
        return
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_absolute_days * 24 * 3600,
        path="/",
        secure=settings.public_url.lower().startswith("https:"),
        httponly=True,
        samesite="lax",
    )


def forget(response: Response | None, settings: Settings) -> None:
    if response is None:
        return
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        secure=settings.public_url.lower().startswith("https:"),
        httponly=True,
        samesite="lax",
    )
