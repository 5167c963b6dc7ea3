"""The mailed link to a large data export, opened in a browser signed out: the sign-in page,
then the download itself. The sign-in page follows only this site's paths."""

import asyncio
import json
import re
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playwright.async_api import BrowserContext, Page, expect

from tests.browser.conftest import PARENT, Portal
from tests.support.mail import mails_to, text_of

EXPORT = "mutation { requestDataExport { mailedWhenReady errors { code } } }"
PARENT_MAIL = "demo.parent@example.org"
LOGIN = 'mutation { login(username: "demo.parent", password: "demo-parent-pass") { token } }'


async def graphql(
    page: Page, portal: Portal, query: str, token: str | None = None
) -> dict[str, Any]:
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    answer = await page.request.post(
        portal.url + "/graphql", data=json.dumps({"query": query}), headers=headers
    )
    return dict((await answer.json())["data"])


async def mailed_export_link(page: Page, portal: Portal) -> str:
    """Ask for the export over the API (the family counts as large), and read the link mailed."""
    settings = portal.runtime.settings
    inline, settings.data_export_inline_rows = settings.data_export_inline_rows, 0
    links: list[str] = []
    try:
        token = (await graphql(page, portal, LOGIN))["login"]["token"]
        asked = await graphql(page, portal, EXPORT, token)
        assert asked["requestDataExport"] == {"mailedWhenReady": True, "errors": []}
        # Built in the background (woken by the request); a round here too, if it has not.
        for _ in range(100):
            await portal.runtime.export_worker.run_once()
            if links := export_links(await mails_to(portal.runtime, PARENT_MAIL)):
                break
            await asyncio.sleep(0.1)
    finally:
        settings.data_export_inline_rows = inline
    await page.context.clear_cookies()
    assert links, "no mail with the export's link"
    return links[-1]


def export_links(mails: list[EmailMessage]) -> list[str]:
    found = [re.search(r"(http://\S+/me/exports/\d+\?\S+)", text_of(m)) for m in mails]
    return [m.group(1) for m in found if m]


async def fill_sign_in(page: Page) -> None:
    await page.locator("input[name=username]").fill(PARENT[0])
    await page.locator("input[name=password]").fill(PARENT[1])


async def test_the_mailed_link_opened_signed_out_leads_through_sign_in_to_the_download(
    context: BrowserContext, portal: Portal
) -> None:
    page = await context.new_page()
    link = await mailed_export_link(page, portal)
    assert link.startswith(portal.url)

    await page.goto(link)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    where = urlsplit(page.url)
    assert where.path == "/login"
    assert parse_qs(where.query)["next"] == [link.removeprefix(portal.url)]

    await fill_sign_in(page)
    async with page.expect_download() as downloading:
        await page.get_by_role("button", name="Connexion").click()
    download = await downloading.value
    assert download.suggested_filename == "cartable-export.json"
    saved = await download.path()
    data = json.loads(await asyncio.to_thread(saved.read_text, encoding="utf-8"))
    assert data["format"] == "cartable-export-1"
    users = data["tables"]["users"]
    assert [u["username"] for u in users] == ["demo.parent"]
    assert len(data["tables"]["children"]) == 2

    # It works once: signed in now, the same link finds nothing.
    again = await page.goto(link)
    assert again is not None and again.status == 404


async def test_the_sign_in_page_never_leads_to_another_site(
    context: BrowserContext, portal: Portal
) -> None:
    for elsewhere in ("https://evil.example", "//evil.example", "/\\evil.example"):
        page = await context.new_page()
        await page.goto(f"{portal.url}/login?next={elsewhere}")
        await fill_sign_in(page)
        await page.get_by_role("button", name="Connexion").click()
        await page.wait_for_url(lambda url: "/login" not in url)
        assert page.url.startswith(portal.url + "/"), (elsewhere, page.url)
        await expect(page.get_by_role("heading", level=1)).to_be_visible()
        await context.clear_cookies()
        await page.close()
