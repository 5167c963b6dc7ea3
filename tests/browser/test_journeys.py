"""What a parent does every day, in a real Chromium at phone size."""

import re

from playwright.async_api import BrowserContext, expect

from tests.browser.conftest import OTHER, Portal, balance, child_id, euros, sign_in


async def test_sign_in_choose_and_switch_child(context: BrowserContext, portal: Portal) -> None:
    page = await context.new_page()
    await page.goto(portal.url + "/")
    await page.wait_for_url(re.compile(r"/login\?next="))
    await sign_in(page, portal)
    # Two children: the parent chooses (tutorial 1.4).
    await expect(page.get_by_role("heading", level=1)).to_have_text("Choisissez un enfant")
    await page.get_by_role("link", name="Se connecter avec ce compte (Emma)").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Emma Dupont")
    assert await balance(page, "Repas") == 5000
    assert await balance(page, "Activités") == 2000
    # The user menu switches to the other child.
    await page.get_by_role("button", name="Emma Dupont").click()
    await page.get_by_role("link", name="Voir Lucas Dupont").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Lucas Dupont")
    assert "/children/" in page.url
    # A reload of the deep link lands on the same page.
    await page.reload()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Lucas Dupont")


async def test_a_single_child_parent_goes_straight_to_the_dashboard(
    context: BrowserContext, portal: Portal
) -> None:
    page = await context.new_page()
    await sign_in(page, portal, OTHER)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Léa Martin")


async def test_reserve_and_cancel_a_meal(context: BrowserContext, portal: Portal) -> None:
    page = await context.new_page()
    await sign_in(page, portal)
    emma = await child_id(page, "Emma")
    await page.goto(f"{portal.url}/children/{emma}/meals")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Réservation des repas")
    before = await balance(page)
    # The first green day without a reservation; if the month has none left, the next one.
    free_day = page.locator("td.bookable button.day:not(:has(.reserved-item))").first
    if await free_day.count() == 0:
        await page.get_by_role("button", name="Mois suivant").click()
    await free_day.click()
    dialog = page.get_by_role("dialog")
    await expect(dialog).to_be_visible()
    offered = dialog.locator("li.row").filter(
        has=page.get_by_role("button", name=re.compile("^Réserver"))
    )
    line = await offered.first.locator("span").first.inner_text()
    price = euros(line.split("·")[-1])
    await offered.first.get_by_role("button", name=re.compile("^Réserver")).click()
    await expect(dialog.get_by_role("status")).to_contain_text("réservé")
    # The balance follows at once, before and after shown on the same page.
    after = await wait_for_balance(page, before - price)
    assert after == before - price
    await dialog.get_by_role("button", name=re.compile("^Annuler la réservation")).click()
    await expect(dialog.get_by_role("status")).to_contain_text("annulée")
    assert await wait_for_balance(page, before) == before
    await dialog.get_by_role("button", name="Fermer").click()
    await expect(dialog).to_be_hidden()


async def wait_for_balance(page, cents: int, wallet: str = "Repas", timeout: float = 10_000) -> int:
    """The balance once it shows `cents` (it changes without a reload)."""
    locator = page.get_by_test_id(f"balance-{wallet}").first
    await page.wait_for_function(
        """([selector, expected]) => {
            const el = document.querySelector(selector);
            if (!el) return false;
            const t = el.textContent.replace(/[\\s\\u202f\\u00a0€]/g, "");
            const negative = t.startsWith("-");
            const [whole, cents] = t.replace("-", "").split(",");
            const value = Number(whole) * 100 + Number(cents || 0);
            return (negative ? -value : value) === expected;
        }""",
        arg=[f'[data-testid="balance-{wallet}"]', cents],
        timeout=timeout,
    )
    return euros(await locator.inner_text())


async def test_open_a_document_marks_it_read(context: BrowserContext, portal: Portal) -> None:
    page = await context.new_page()
    await sign_in(page, portal)
    emma = await child_id(page, "Emma")
    await page.goto(f"{portal.url}/children/{emma}/documents")
    row = page.locator("li.row").filter(has_text="Bulletin d'Emma")
    await expect(row.locator(".tag.new")).to_have_text("non lu")
    async with context.expect_page() as opened:
        await row.get_by_role("link", name=re.compile("^Ouvrir le fichier")).click()
    document = await opened.value
    await document.wait_for_load_state()
    assert "/documents/" in document.url
    await document.close()
    await expect(row.locator(".tag.new")).to_have_count(0)
    # Read on the server too: a fresh load still shows it read.
    await page.reload()
    await expect(
        page.locator("li.row").filter(has_text="Bulletin d'Emma").locator(".tag.new")
    ).to_have_count(0)


async def test_book_then_move_an_appointment(context: BrowserContext, portal: Portal) -> None:
    page = await context.new_page()
    await sign_in(page, portal)
    lucas = await child_id(page, "Lucas")
    await page.goto(f"{portal.url}/children/{lucas}/meetings")
    await page.get_by_role("link", name="Réunion de parents").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Réunion de parents")
    await page.get_by_label("Professeur").select_option(label="Marc Peeters (Mathématiques)")
    free = page.locator("ul.slots button.free")
    await expect(free.first).to_be_enabled()
    first_time = (await free.nth(0).inner_text()).split()[0]
    later_time = (await free.nth(3).inner_text()).split()[0]
    assert re.fullmatch(r"\d\d:\d\d", first_time)
    await page.get_by_role(
        "button", name=re.compile(f"^{first_time} réserver avec Marc Peeters")
    ).click()
    await expect(page.get_by_role("status").filter(has_text="Rendez-vous pris")).to_have_text(
        f"Rendez-vous pris à {first_time}."
    )
    # The booked time is no longer a button; the appointment is listed on top.
    await expect(page.get_by_role("button", name=re.compile(f"^{first_time} "))).to_have_count(0)
    await expect(page.locator("ul.appointments")).to_contain_text("Marc Peeters")
    # Moving asks first.
    await page.get_by_role("button", name=re.compile(f"^{later_time} déplacer")).click()
    confirm = page.get_by_role("dialog")
    await expect(confirm).to_contain_text(f"de {first_time} à {later_time}")
    await confirm.get_by_role("button", name="Oui, déplacer").click()
    await expect(page.get_by_role("status").filter(has_text="déplacé")).to_have_text(
        f"Rendez-vous déplacé à {later_time}."
    )
    await expect(page.locator("li.slot.mine")).to_contain_text(later_time)
    # The first time is free again.
    await expect(
        page.get_by_role("button", name=re.compile(f"^{first_time} déplacer"))
    ).to_be_enabled()


async def test_sign_out_ends_the_session(context: BrowserContext, portal: Portal) -> None:
    page = await context.new_page()
    await sign_in(page, portal, OTHER)
    lea = await child_id(page, "Léa")
    await page.get_by_role("button", name="Léa Martin").click()
    await page.get_by_role("button", name="Se déconnecter").click()
    await page.wait_for_url(re.compile(r"/login$"))
    assert await context.cookies() == []
    # A deep link now asks to sign in first, then comes back to it.
    await page.goto(f"{portal.url}/children/{lea}/finances")
    await page.wait_for_url(re.compile(r"/login\?next="))
    await page.locator("input[name=username]").fill(OTHER[0])
    await page.locator("input[name=password]").fill(OTHER[1])
    await page.get_by_role("button", name="Connexion").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Finances")
    assert page.url.endswith(f"/children/{lea}/finances")
