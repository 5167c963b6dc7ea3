"""Every page of the demo at phone and desktop width: screenshots under test-results/ for a
person to look at, and axe-core finding no serious or critical violation."""

import gzip
import json
import re
from typing import Any

import pytest
from playwright.async_api import Browser, Page, ViewportSize, expect

from tests.browser.conftest import (
    AXE,
    DESKTOP,
    DIST,
    FIGURES,
    PHONE,
    RESULTS,
    Portal,
    child_id,
    origin_of,
    sign_in,
)

AXE_RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
}"""


async def settle(page: Page) -> None:
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    await page.wait_for_load_state("networkidle")
    await page.wait_for_timeout(300)


async def check(page: Page, name: str, width: str, found: dict[str, Any]) -> None:
    await settle(page)
    folder = RESULTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    await page.add_script_tag(path=str(AXE))
    violations = await page.evaluate(AXE_RUN)
    if violations:
        found[f"{name}-{width}"] = violations


@pytest.mark.parametrize(("width", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
async def test_every_page_is_accessible(
    browser: Browser, portal: Portal, width: str, viewport: ViewportSize
) -> None:
    # The inline axe script needs the page's Content-Security-Policy set aside.
    context = await browser.new_context(viewport=viewport, bypass_csp=True, locale="fr-BE")
    found: dict[str, Any] = {}
    try:
        page = await context.new_page()
        for name, path in [
            ("login", "/login"),
            ("reset", "/reset"),
            ("activate", "/activate?token=x"),
        ]:
            await page.goto(portal.url + path)
            await check(page, name, width, found)
        await sign_in(page, portal)
        await check(page, "choose-child", width, found)
        emma = await child_id(page, "Emma")
        base = f"{portal.url}/children/{emma}"
        pages = [
            ("dashboard", ""),
            ("meals", "/meals"),
            ("meetings", "/meetings"),
            ("documents", "/documents"),
            ("finances", "/finances"),
            ("photos", "/photos"),
            ("operations", "/finances/operations"),
            ("sales", "/finances/sales"),
        ]
        for name, path in pages:
            await page.goto(base + path)
            await check(page, name, width, found)
        await page.goto(base + "/meetings")
        await page.get_by_role("link", name="Réunion de parents").click()
        await check(page, "meeting", width, found)
        await page.goto(base + "/meals")
        await settle(page)
        await page.locator("td.bookable button.day").first.click()
        await expect(page.get_by_role("dialog")).to_be_visible()
        await check(page, "meal-day", width, found)
        await page.goto(base)
        await settle(page)
        await page.get_by_role("button", name="Emma Dupont").click()
        await check(page, "user-menu", width, found)
        await page.goto(portal.url + "/account/password")
        await check(page, "password", width, found)
    finally:
        await context.close()
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


async def test_first_load_figures(browser: Browser, portal: Portal) -> None:
    """Gzipped JavaScript and the time to the balances, cold cache then warm, over loopback."""
    scripts = sorted((DIST / "assets").glob("*.js"))
    gzipped = sum(len(gzip.compress(path.read_bytes(), 9)) for path in scripts)
    FIGURES["JavaScript, gzip (bytes)"] = gzipped
    assert gzipped < 150_000

    context = await browser.new_context(viewport=PHONE, locale="fr-BE")
    try:
        page = await context.new_page()
        await sign_in(page, portal)
        emma = await child_id(page, "Emma")
        dashboard = f"{portal.url}/children/{emma}"
        for run in ("cold", "warm"):
            if run == "cold":
                # A first visit: nothing cached yet but the session cookie.
                cdp = await context.new_cdp_session(page)
                await cdp.send("Network.clearBrowserCache")
            await page.goto(dashboard)
            await page.get_by_test_id("balance-Repas").first.wait_for()
            shown_ms = await page.evaluate("performance.now()")
            transferred = await page.evaluate(
                """performance.getEntriesByType("resource")
                   .filter((e) => e.name.endsWith(".js"))
                   .reduce((sum, e) => sum + e.transferSize, 0)"""
            )
            FIGURES[f"time to balances, {run} cache (ms)"] = round(shown_ms)
            FIGURES[f"JavaScript transferred, {run} cache (bytes)"] = transferred
            assert shown_ms < 5_000
        assert origin_of(page.url) == portal.url
        assert re.search(r"/children/", page.url)
    finally:
        await context.close()
