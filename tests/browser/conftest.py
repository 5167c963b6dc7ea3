"""The dashboard in Debian's Chromium, driven by Playwright, against a real uvicorn serving the
built web/dist over a fresh SQLite database seeded with the demo school.

`make test-browser` builds the dashboard first. Without `chromium` these tests skip, except
with CI=true, where they fail: .ci/run installs it.
"""

import json
import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    Page,
    ViewportSize,
    async_playwright,
    expect,
)
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table)
from models.db import open_database
from server import create_app
from services.demo.seed import seed_if_empty
from services.sql.runtime import Runtime
from settings import Settings
from tests.support.backends import free_port
from tests.support.live import live_server

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "web" / "dist"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
RESULTS = ROOT / "test-results"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PARENT = ("demo.parent", "demo-parent-pass")
OTHER = ("demo.other", "demo-other-pass")
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
# Figures measured by the tests, printed at the end of the run and kept in test-results/.
FIGURES: dict[str, Any] = {}

expect.set_options(timeout=10_000)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing (apt-get install -y chromium); required with CI=true")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    return path


@dataclass
class Portal:
    url: str
    settings: Settings
    runtime: Runtime


@pytest.fixture(scope="module")
async def portal(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Portal]:
    if not (DIST / "index.html").is_file() or not AXE.is_file():
        pytest.fail("the dashboard is not built: run `make test-browser` (it builds web/)")
    folder = tmp_path_factory.mktemp("portal")
    port = free_port()
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder / 'cartable.db'}",
        broadcast_url="memory://",
        mail_outbox_dir=str(folder / "outbox"),
        documents_dir=str(folder / "documents"),
        public_url=f"http://127.0.0.1:{port}",
        web_dist_dir=str(DIST),
        secret_key="browser-test-secret-" + "x" * 32,
        sandbox_webhook_retry_seconds=0.2,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        argon2_parallelism=1,
    )
    database = open_database(settings.database_url)
    async with database.engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)
    await database.dispose()
    assert await seed_if_empty(settings)
    app = create_app(settings)
    async with app.router.lifespan_context(app), live_server(app, port) as url:
        yield Portal(url, settings, app.state.runtime)


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    path = chromium_path()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield launched
        await launched.close()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A phone-sized browser of its own (cookies, cache) for one test."""
    ctx = await browser.new_context(viewport=PHONE, locale="fr-BE")
    yield ctx
    await ctx.close()


async def sign_in(page: Page, portal: Portal, who: tuple[str, str] = PARENT) -> None:
    """Through the sign-in page, as a parent would."""
    await page.goto(portal.url + "/login")
    await page.locator("input[name=username]").fill(who[0])
    await page.locator("input[name=password]").fill(who[1])
    await page.get_by_role("button", name="Connexion").click()
    await page.wait_for_url(lambda url: "/login" not in url)


async def child_id(page: Page, first_name: str) -> str:
    """A child's GraphQL ID, read as the dashboard reads it (with the page's cookie)."""
    response = await page.request.post(
        origin_of(page.url) + "/graphql",
        data=json.dumps({"query": "{ viewer { children { id firstName } } }"}),
        headers={"content-type": "application/json", "origin": origin_of(page.url)},
    )
    children = (await response.json())["data"]["viewer"]["children"]
    return str(next(c["id"] for c in children if c["firstName"] == first_name))


def origin_of(url: str) -> str:
    scheme, _, host = url.split("/", 3)[:3]
    return f"{scheme}//{host}"


def euros(text: str) -> int:
    """Cents of an amount as the page shows it in French ("1 234,56 €")."""
    digits = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "")
    negative = digits.startswith("-")
    whole, _, cents = digits.lstrip("-").partition(",")
    value = int(whole) * 100 + int(cents or 0)
    return -value if negative else value


async def balance(page: Page, wallet: str = "Repas") -> int:
    locator = page.get_by_test_id(f"balance-{wallet}").first
    await expect(locator).to_be_visible()
    return euros(await locator.inner_text())


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FIGURES:
        return
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "figures.json").write_text(json.dumps(FIGURES, indent=2))
    terminalreporter.section("dashboard figures")
    for name, value in FIGURES.items():
        terminalreporter.write_line(f"{name}: {value}")
