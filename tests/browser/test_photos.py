"""School photos in the browser: the demo campaign, its prices, and the child's own proof."""

import re

from playwright.async_api import BrowserContext, expect

from tests.browser.conftest import Portal, child_id, sign_in


async def test_a_parent_sees_the_campaign_and_opens_the_childs_proof(
    context: BrowserContext, portal: Portal
) -> None:
    page = await context.new_page()
    await sign_in(page, portal)
    emma = await child_id(page, "Emma")
    await page.goto(f"{portal.url}/children/{emma}")
    await page.get_by_role("navigation", name="Modules").get_by_role("link", name="Photos").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Photos scolaires")
    campaign = page.get_by_role("region", name="Photos scolaires 2026")
    await expect(campaign.locator("li.row").first).to_contain_text("Portrait 13 x 18")
    await expect(campaign.locator("li.row").first).to_contain_text("9,00")
    proof = campaign.locator("li.row").filter(has_text="Épreuve photo d'Emma")
    await expect(proof).to_have_count(1)
    await expect(campaign.locator("li.row").filter(has_text="Lucas")).to_have_count(0)
    async with context.expect_page() as opened:
        await proof.get_by_role("link", name=re.compile("^Voir l'épreuve")).click()
    picture = await opened.value
    await picture.wait_for_load_state()
    assert "/documents/" in picture.url
