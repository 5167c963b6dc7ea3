"""The mailed link, the languages, transfers between wallets and the journals' filters."""

import json
import re

from playwright.async_api import BrowserContext, expect

from tests.browser.conftest import OTHER, PARENT, Portal, balance, child_id, origin_of, sign_in
from tests.browser.test_journeys import wait_for_balance
from tests.support.mail import mails_to, token_in

INVITE = """mutation($u: String!, $e: String!, $c: [ID!]!) {
  inviteParent(username: $u, email: $e, displayName: "Nora Martin", childIds: $c) {
    errors { code } } }"""


async def test_an_invited_parent_activates_from_the_mailed_link(
    context: BrowserContext, portal: Portal
) -> None:
    page = await context.new_page()
    await sign_in(page, portal, OTHER)
    lea = await child_id(page, "Léa")
    await context.clear_cookies()
    # Staff invite a second guardian of Léa (over the API, with a bearer token).
    api = page.request
    login = await api.post(
        portal.url + "/graphql",
        data=json.dumps(
            {
                "query": 'mutation { login(username: "demo.staff", password: "demo-staff-pass") { token } }'
            }
        ),
        headers={"content-type": "application/json"},
    )
    staff = (await login.json())["data"]["login"]["token"]
    await context.clear_cookies()
    invited = await api.post(
        portal.url + "/graphql",
        data=json.dumps(
            {
                "query": INVITE,
                "variables": {"u": "nora.martin", "e": "nora@example.org", "c": [lea]},
            }
        ),
        headers={"content-type": "application/json", "authorization": f"Bearer {staff}"},
    )
    assert (await invited.json())["data"]["inviteParent"]["errors"] == []
    [mail] = await mails_to(portal.runtime, "nora@example.org")

    await page.goto(f"{portal.url}/activate?token={token_in(mail)}")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Choisir votre mot de passe")
    await page.get_by_label("Nouveau mot de passe").fill("le zoo de Nora 2026")
    await page.get_by_label("Confirmez le mot de passe").fill("le zoo de Nora 2026")
    await page.get_by_role("button", name="Modifier").click()
    # Signed in at once; one child: straight to her dashboard (tutorial 1.1).
    await expect(page.get_by_role("heading", level=1)).to_have_text("Léa Martin")
    cookies = await context.cookies()
    assert [c["name"] for c in cookies] == ["cartable_session"]
    assert cookies[0]["httpOnly"] is True and cookies[0]["sameSite"] == "Lax"
    assert await page.evaluate("document.cookie") == ""  # never readable by scripts
    # The link works once.
    await page.goto(f"{portal.url}/activate?token={token_in(mail)}")
    await page.get_by_label("Nouveau mot de passe").fill("le zoo de Nora 2027")
    await page.get_by_label("Confirmez le mot de passe").fill("le zoo de Nora 2027")
    await page.get_by_role("button", name="Modifier").click()
    await expect(page.get_by_role("alert")).to_contain_text("Ce lien n'est pas valable")
    await expect(page.get_by_role("link", name="Recevoir un nouveau lien")).to_be_visible()


async def test_the_interface_speaks_dutch_and_english(
    context: BrowserContext, portal: Portal
) -> None:
    page = await context.new_page()
    await page.goto(portal.url + "/login")
    await page.get_by_label("Langue").select_option(label="Nederlands")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelden")
    assert await page.evaluate("document.documentElement.lang") == "nl"
    await page.locator("input[name=username]").fill(PARENT[0])
    await page.locator("input[name=password]").fill("wrong password")
    await page.get_by_role("button", name="Aanmelden").click()
    await expect(page.get_by_role("alert")).to_have_text("Verkeerde gebruikersnaam of wachtwoord.")
    await page.get_by_label("Taal").select_option(label="English")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    # The choice is kept for the next visit.
    await page.reload()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    await page.get_by_label("Language").select_option(label="Français")


async def test_transfer_between_wallets(context: BrowserContext, portal: Portal) -> None:
    page = await context.new_page()
    await sign_in(page, portal)
    emma = await child_id(page, "Emma")
    await page.goto(f"{portal.url}/children/{emma}/finances")
    meals, activities = await balance(page, "Repas"), await balance(page, "Activités")
    section = page.get_by_role("region", name="Transfert entre portefeuilles")
    await section.get_by_label("Du portefeuille").select_option(label="Repas")
    await section.get_by_label("Vers le portefeuille").select_option(label="Activités")
    await section.get_by_label("Montant en euros").fill("3,25")
    await section.get_by_role("button", name="Transférer").click()
    await expect(section.get_by_role("status")).to_have_text("3,25\u00a0€ transférés.")
    assert await wait_for_balance(page, meals - 325, "Repas") == meals - 325
    assert await wait_for_balance(page, activities + 325, "Activités") == activities + 325
    # Too much is refused with the reason.
    await section.get_by_label("Montant en euros").fill("900")
    await section.get_by_role("button", name="Transférer").click()
    await expect(section.get_by_role("alert")).to_have_text(
        "Solde insuffisant : rechargez le portefeuille."
    )


async def test_journals_filter_by_period_type_and_search(
    context: BrowserContext, portal: Portal
) -> None:
    page = await context.new_page()
    await sign_in(page, portal)
    emma = await child_id(page, "Emma")
    await page.goto(f"{portal.url}/children/{emma}/finances/operations")
    rows = page.locator("ul.rows li.row")
    await expect(rows.first).to_be_visible()
    await page.get_by_label("Période prédéfinie").select_option(label="Cette année scolaire")
    await page.get_by_label("Type").select_option(label="Rechargement")
    await expect(rows.first).to_contain_text("Rechargement")
    for text in await rows.all_inner_texts():
        assert "Rechargement" in text
    await page.get_by_label("Période prédéfinie").select_option(label="Aujourd'hui")
    await expect(page.get_by_text("Aucune opération sur cette période.")).to_be_visible()

    await page.goto(f"{portal.url}/children/{emma}/finances/sales")
    await page.get_by_label("Période prédéfinie").select_option(label="Cette année scolaire")
    await expect(rows.first).to_be_visible()
    await page.get_by_label("Rechercher un article").fill("jus")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text(re.compile("Jus d'orange"))
    assert origin_of(page.url) == portal.url
