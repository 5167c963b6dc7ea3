"""The dashboard's files served by the app: its pages' paths (deep links) answer index.html,
its assets are cached for good, and every other route keeps working."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from models.db import Database
from server import create_app
from settings import Settings

INDEX = b'<!doctype html><html lang="fr"><div id="app"></div><script src="/assets/app-1a2b.js"></script>'


@pytest.fixture(scope="module")
async def site(
    settings: Settings, db: Database, module_tmp: Path
) -> AsyncIterator[httpx.AsyncClient]:
    dist = module_tmp / "dist"
    (dist / "assets").mkdir(parents=True, exist_ok=True)
    (dist / "index.html").write_bytes(INDEX)
    (dist / "assets" / "app-1a2b.js").write_text("console.log('app')")
    app: Starlette = create_app(settings.model_copy(update={"web_dist_dir": str(dist)}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://cartable.test"
        ) as client:
            yield client


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/login",
        "/activate?token=abc",
        "/reset",
        "/account/password",
        "/children/Q2hpbGQ6MQ",
        "/children/Q2hpbGQ6MQ/meals",
        "/children/Q2hpbGQ6MQ/meetings/TWVldGluZzox",
        "/children/Q2hpbGQ6MQ/documents",
        "/children/Q2hpbGQ6MQ/finances",
        "/children/Q2hpbGQ6MQ/finances/operations",
    ],
)
async def test_deep_links_answer_the_page(site: httpx.AsyncClient, path: str) -> None:
    response = await site.get(path)
    assert response.status_code == 200
    assert response.content == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_assets_are_immutable(site: httpx.AsyncClient) -> None:
    response = await site.get("/assets/app-1a2b.js")
    assert response.status_code == 200
    assert response.text == "console.log('app')"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert (await site.get("/assets/missing.js")).status_code == 404


async def test_assets_are_sent_compressed(site: httpx.AsyncClient, module_tmp: Path) -> None:
    big = "export const words = '" + "cartable " * 2000 + "';"
    (module_tmp / "dist" / "assets" / "big-9f8e.js").write_text(big)
    response = await site.get("/assets/big-9f8e.js", headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.text == big  # httpx inflates it
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


async def test_the_other_routes_are_untouched(site: httpx.AsyncClient) -> None:
    assert (await site.get("/healthz")).status_code == 200
    assert (await site.get("/readyz")).status_code == 200
    api = await site.post("/graphql", json={"query": "{ viewer { user { id } } }"})
    assert api.json() == {"data": {"viewer": None}}
    ide = await site.get("/graphql", headers={"accept": "text/html"})
    assert ide.status_code == 200 and b"graphiql" in ide.content.lower()
    assert (await site.get("/payments/return")).status_code == 200
    assert (await site.get("/sandbox-psp/checkout/forged")).status_code == 404
    assert (await site.get("/documents/1/download")).status_code == 403
    assert (await site.get("/no-such-page")).status_code == 404
    assert (await site.post("/login")).status_code == 405


async def test_an_unbuilt_dashboard_says_how_to_build_it(
    settings: Settings, db: Database, module_tmp: Path
) -> None:
    app = create_app(settings.model_copy(update={"web_dist_dir": str(module_tmp / "nowhere")}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://cartable.test"
        ) as client:
            response = await client.get("/children/x/meals")
            assert response.status_code == 503
            assert "make run" in response.text
            assert (await client.get("/healthz")).status_code == 200
