"""The parent dashboard (web/, built into WEB_DIST_DIR) served by the app itself.

Its pages' paths answer index.html, so a deep link or a reload lands on the right page; its
hashed assets are cached for good. Everything else (the API, payments, documents, health)
keeps its own routes: the dashboard owns only the paths listed here.
"""

from pathlib import Path
from typing import Any

from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

# The dashboard's pages (web/src/app.tsx); /activate is the link of the mails.
PAGE_PATHS = (
    "/",
    "/login",
    "/activate",
    "/reset",
    "/account/{rest:path}",
    "/children",
    "/children/{rest:path}",
)
PAGE_HEADERS = {
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    # Scripts and styles come from the app's own files only; the API is on the same origin
    # ('self' covers its websocket too).
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; "
        "object-src 'none'"
    ),
}
NOT_BUILT = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Cartable</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 32rem; margin: 3rem auto">
<h1>Cartable</h1>
<p>Le tableau de bord n'est pas construit : lancez <code>make run</code>.</p>
<p lang="en">The dashboard is not built: run <code>make run</code> (it builds web/).</p>
</body></html>"""


class ImmutableFiles(StaticFiles):
    """Vite's assets carry a hash of their content in their name: cacheable for a year."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["cache-control"] = "public, max-age=31536000, immutable"
        response.headers["x-content-type-options"] = "nosniff"
        return response


class Dashboard:
    def __init__(self, dist_dir: str | Path) -> None:
        self.dist = Path(dist_dir)

    def routes(self) -> list[BaseRoute]:
        routes: list[BaseRoute] = [
            Route(path, self.page, methods=["GET", "HEAD"]) for path in PAGE_PATHS
        ]
        assets = self.dist / "assets"
        if assets.is_dir():
            # Compressed for phones on slow networks (the JS is ~4x smaller gzipped).
            files = GZipMiddleware(ImmutableFiles(directory=assets), minimum_size=1024)
            routes.append(Mount("/assets", app=files))
        return routes

    async def page(self, request: Request) -> Response:
        index = self.dist / "index.html"
        try:
            html = index.read_bytes()  # small; read each time so a rebuild shows at once
        except FileNotFoundError:
            return HTMLResponse(NOT_BUILT, status_code=503, headers={"cache-control": "no-store"})
        return HTMLResponse(html, headers=PAGE_HEADERS)
