"""Invoices in the browser: the demo invoices with their statuses, the open one paid from a
wallet (the invoice turns PAID and the balance drops at once), the dashboard's open invoices,
and axe on the Finances page with the payment dialog open."""

import json
import re

from playwright.async_api import Browser, BrowserContext, Locator, Page, expect

from tests.browser.conftest import OTHER, PHONE, Portal, balance, child_id, sign_in
from tests.browser.test_pages import check

STATUSES = {
    "Excursion et spectacle": "À payer",
    "Natation — 1er trimestre": "En retard",
    "Fournitures scolaires": "Payée",
    "Classe verte (annulée)": "Annulée (note de crédit)",
}


def card(page: Page, title: str) -> Locator:
    invoices = page.get_by_role("region", name="Factures")
    return invoices.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=re.compile("^" + re.escape(title)))
    )


async def test_a_parent_sees_the_demo_invoices_and_pays_the_open_one_from_a_wallet(
    context: BrowserContext, portal: Portal
) -> None:
    page = await context.new_page()
    await sign_in(page, portal)
    emma = await child_id(page, "Emma")

    # The dashboard lists what is left to pay, the overdue invoice first.
    await page.goto(f"{portal.url}/children/{emma}")
    open_invoices = page.get_by_role("region", name="Factures à payer")
    await expect(open_invoices.get_by_role("listitem")).to_have_count(2)
    await expect(open_invoices.get_by_role("listitem").first).to_contain_text("En retard")
    await expect(open_invoices.get_by_role("listitem").nth(1)).to_contain_text("18,50")
    await open_invoices.get_by_role("link", name="Toutes les factures").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Finances")

    for title, status in STATUSES.items():
        await expect(card(page, title)).to_contain_text(status)
    for title, colour in (
        ("Excursion et spectacle", "invoice-open"),
        ("Natation — 1er trimestre", "invoice-overdue"),
        ("Fournitures scolaires", "invoice-paid"),
        ("Classe verte (annulée)", "invoice-credited"),
    ):
        await expect(card(page, title)).to_have_class(re.compile(colour))
    excursion = card(page, "Excursion et spectacle")
    await expect(excursion).to_contain_text(re.compile(r"\+\+\+\d{3}/\d{4}/\d{5}\+\+\+"))
    await expect(excursion).to_contain_text("Reste à payer")
    # Paid and credited invoices offer no payment; the PDF opens through its own link.
    paid = card(page, "Fournitures scolaires")
    await expect(paid.get_by_role("button", name=re.compile("^Payer"))).to_have_count(0)
    async with context.expect_page() as opened:
        await paid.get_by_role("link", name=re.compile("^Facture PDF")).click()
    pdf = await opened.value
    await pdf.wait_for_load_state()
    assert "/documents/" in pdf.url

    before = await balance(page, "Repas")
    assert before == 5000
    await excursion.get_by_role("button", name=re.compile("^Payer avec un portefeuille")).click()
    dialog = page.get_by_role("dialog", name=re.compile("^Payer la facture"))
    await expect(dialog.get_by_label("Portefeuille")).to_have_value(re.compile(".+"))
    await dialog.get_by_role("button", name=re.compile("^Payer 18,50")).click()
    await expect(dialog).to_have_count(0)
    # The focus lands on the paid invoice (its pay button is gone), which now says so.
    await expect(
        card(page, "Excursion et spectacle").get_by_role("heading", name=re.compile("Payée"))
    ).to_be_focused()
    await expect(card(page, "Excursion et spectacle")).to_contain_text("Payée")
    await expect(card(page, "Excursion et spectacle")).to_have_class(re.compile("invoice-paid"))
    await expect(page.get_by_test_id("balance-Repas").first).to_have_text(re.compile("31,50"))
    assert await balance(page, "Repas") == before - 1850

    # Still so after a reload, and the dashboard keeps only the overdue one.
    await page.reload()
    await expect(card(page, "Excursion et spectacle")).to_contain_text("Payée")
    await page.goto(f"{portal.url}/children/{emma}")
    await expect(
        page.get_by_role("region", name="Factures à payer").get_by_role("listitem")
    ).to_have_count(1)


async def test_an_insufficient_wallet_is_refused_in_the_parents_language(
    context: BrowserContext, portal: Portal
) -> None:
    page = await context.new_page()
    await sign_in(page, portal)
    lucas = await child_id(page, "Lucas")
    await page.goto(f"{portal.url}/children/{lucas}/finances")
    overdue = card(page, "Natation — 1er trimestre")
    await overdue.get_by_role("button", name=re.compile("^Payer avec un portefeuille")).click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Portefeuille").select_option(index=1)  # "Activités", €20 for €24 due
    await dialog.get_by_role("button", name=re.compile("^Payer 24,00")).click()
    await expect(dialog.get_by_role("alert")).to_have_text(
        "Solde insuffisant : rechargez le portefeuille."
    )
    await dialog.get_by_role("button", name="Annuler").click()
    await expect(overdue).to_contain_text("En retard")
    assert await balance(page, "Activités") == 2000


async def test_invoices_in_dutch(context: BrowserContext, portal: Portal) -> None:
    page = await context.new_page()
    await page.goto(portal.url + "/login")
    await page.get_by_label("Langue").select_option(label="Nederlands")
    await page.locator("input[name=username]").fill(OTHER[0])
    await page.locator("input[name=password]").fill(OTHER[1])
    await page.get_by_role("button", name="Aanmelden").click()
    await page.wait_for_url(lambda url: "/login" not in url)
    lea = await child_id(page, "Léa")
    await page.goto(f"{portal.url}/children/{lea}/finances")
    invoices = page.get_by_role("region", name="Facturen")
    overdue = invoices.get_by_role("listitem").filter(has_text="Natation")
    await expect(overdue).to_contain_text("Te laat")
    await expect(overdue).to_contain_text("Nog te betalen")
    await overdue.get_by_role("button", name=re.compile("^Betalen met een portefeuille")).click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Portefeuille").select_option(index=1)
    await dialog.get_by_role("button", name=re.compile("betalen$")).click()
    await expect(dialog.get_by_role("alert")).to_have_text(
        "Onvoldoende saldo: laad de portefeuille op."
    )


async def test_finances_with_invoices_has_no_serious_axe_violation(
    browser: Browser, portal: Portal
) -> None:
    context = await browser.new_context(viewport=PHONE, bypass_csp=True, locale="fr-BE")
    found: dict[str, object] = {}
    try:
        page = await context.new_page()
        await sign_in(page, portal, OTHER)
        lea = await child_id(page, "Léa")  # demo.other's: untouched by the other tests
        await page.goto(f"{portal.url}/children/{lea}/finances")
        await expect(card(page, "Natation — 1er trimestre")).to_be_visible()
        await check(page, "finances-invoices", "phone", found)
        await page.goto(f"{portal.url}/children/{lea}")
        await check(page, "dashboard-open-invoices", "phone", found)
        await page.goto(f"{portal.url}/children/{lea}/finances")
        overdue = card(page, "Natation — 1er trimestre")
        await overdue.get_by_role("button", name=re.compile("^Payer avec un portefeuille")).click()
        await expect(page.get_by_role("dialog")).to_be_visible()
        await check(page, "pay-invoice-dialog", "phone", found)
    finally:
        await context.close()
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


async def test_a_parent_pays_an_invoice_online_through_the_sandbox(
    context: BrowserContext, portal: Portal
) -> None:
    page = await context.new_page()
    await sign_in(page, portal)
    lucas = await child_id(page, "Lucas")
    await page.goto(f"{portal.url}/children/{lucas}/finances")
    excursion = card(page, "Excursion et spectacle")
    await excursion.get_by_role("button", name=re.compile("^Payer en ligne")).click()
    async with context.expect_page() as opened:
        await excursion.get_by_role("link", name=re.compile("^Ouvrir la page de paiement")).click()
    checkout = await opened.value
    await expect(checkout.get_by_role("heading", level=1)).to_have_text("Paiement de test")
    await expect(checkout.get_by_text("18,50")).to_be_visible()
    await checkout.get_by_role("button", name="Payer", exact=True).click()
    await expect(checkout.get_by_role("link", name=re.compile("portail"))).to_be_visible()
    # Back on the portal: the webhook paid the invoice, the wallets are untouched.
    await page.bring_to_front()
    await expect(card(page, "Excursion et spectacle")).to_contain_text("Payée", timeout=15_000)
    await expect(card(page, "Excursion et spectacle")).to_have_class(re.compile("invoice-paid"))
    assert await balance(page, "Repas") == 5000
    assert await balance(page, "Activités") == 2000
