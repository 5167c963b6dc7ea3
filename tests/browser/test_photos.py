"""School photos in the browser: the demo campaign, its prices, the child's own proof, an order
placed and cancelled."""

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
    # The dashboard's Photos module names the open campaign and leads to it.
    teaser = page.get_by_role("region", name="Photos scolaires")
    await teaser.get_by_role("link", name="Photos scolaires 2026").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Photos scolaires")
    campaign = page.get_by_role("region", name="Photos scolaires 2026")
    proof = campaign.locator("li.row").filter(has_text="Épreuve photo d'Emma")
    await expect(proof).to_have_count(1)
    await expect(campaign.locator("li.row").filter(has_text="Lucas")).to_have_count(0)
    async with context.expect_page() as opened:
        await proof.get_by_role("link", name=re.compile("^Voir l'épreuve")).click()
    picture = await opened.value
    await picture.wait_for_load_state()
    assert "/documents/" in picture.url


async def test_order_photos_then_cancel(context: BrowserContext, portal: Portal) -> None:
    page = await context.new_page()
    await sign_in(page, portal)
    lucas = await child_id(page, "Lucas")
    await page.goto(f"{portal.url}/children/{lucas}")
    await page.get_by_role("navigation", name="Modules").get_by_role("link", name="Photos").click()
    campaign = page.get_by_role("region", name="Photos scolaires 2026")
    await campaign.get_by_label(re.compile("^Portrait 13 x 18")).fill("2")
    await campaign.get_by_label(re.compile("^Photo de classe")).fill("1")
    await expect(campaign).to_contain_text("Total : 25,50")
    await campaign.get_by_role("button", name="Commander").click()
    await expect(campaign.get_by_role("status")).to_contain_text("25,50")
    orders = page.get_by_role("region", name="Mes commandes")
    row = orders.locator("li.row").filter(has_text="2 × Portrait 13 x 18")
    await expect(row).to_contain_text("en cours")
    await row.get_by_role("button", name=re.compile("^Annuler la commande")).click()
    await expect(row).to_contain_text("annulée")
    await page.reload()
    await expect(
        page.get_by_role("region", name="Mes commandes").locator("li.row").first
    ).to_contain_text("annulée")
