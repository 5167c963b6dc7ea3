"""Two-step sign-in in the dashboard: a parent turns it on from the user menu with a code their
app (here pyotp) computes, sees the recovery codes once, signs out, signs in again with a fresh
code, and turns it off with a recovery code. axe-core finds no serious or critical violation on
any state of the page. A teacher whose school requires it enrols on the sign-in page."""

import json
import time
from typing import Any

import pyotp
from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import PARENT, PHONE, Portal, sign_in
from tests.browser.test_pages import check

STAFF_LOGIN = 'mutation { login(username: "demo.staff", password: "demo-staff-pass") { token } }'
REQUIRE = "mutation { setTotpRequiredForStaff(required: true) { errors { code } } }"


async def open_menu(page: Page) -> None:
    await page.locator(".user-menu > button").click()


def wrong_code(secret: str) -> str:
    totp, now = pyotp.TOTP(secret), time.time()
    valid = {totp.at(now + 30 * steps) for steps in (-2, -1, 0, 1, 2)}
    return next(c for c in (f"{n:06d}" for n in range(100)) if c not in valid)


async def test_a_parent_turns_on_two_step_sign_in_and_signs_in_with_a_code(
    browser: Browser, portal: Portal
) -> None:
    # bypass_csp: the inline axe script needs the page's Content-Security-Policy set aside.
    context = await browser.new_context(viewport=PHONE, bypass_csp=True, locale="fr-BE")
    found: dict[str, Any] = {}
    try:
        page = await context.new_page()
        await sign_in(page, portal)
        await open_menu(page)
        await page.get_by_role("link", name="Connexion en deux étapes").click()
        await page.wait_for_url("**/account/security")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Connexion en deux étapes")
        await expect(page.get_by_text("désactivée pour ce compte")).to_be_visible()
        await check(page, "security-off", "phone", found)

        await page.get_by_role("button", name="Activer la connexion en deux étapes").click()
        qr = page.get_by_role("img", name="Code QR à scanner avec l'application d'authentification")
        await expect(qr).to_be_visible()
        assert (await qr.get_attribute("src") or "").startswith("data:image/svg+xml")
        secret = (await page.get_by_test_id("totp-secret").inner_text()).strip()
        assert len(secret) >= 16
        await check(page, "security-enrol", "phone", found)

        code = page.get_by_label("Code à 6 chiffres affiché par l'application")
        await code.fill(wrong_code(secret))
        await page.get_by_role("button", name="Activer", exact=True).click()
        await expect(page.get_by_role("alert")).to_have_text(
            "Ce code n'est pas valable. Entrez le code affiché en ce moment par l'application."
        )
        await code.fill(pyotp.TOTP(secret).now())
        await page.get_by_role("button", name="Activer", exact=True).click()
        codes = page.get_by_test_id("recovery-codes").locator("li")
        await expect(codes).to_have_count(10)
        recovery = [text.strip() for text in await codes.all_inner_texts()]
        await expect(page.get_by_role("status")).to_have_text("Connexion en deux étapes activée.")
        await check(page, "security-recovery", "phone", found)
        await page.get_by_role("button", name="J'ai noté mes codes").click()
        # Shown once: gone from the page, and only the count remains.
        await expect(page.get_by_test_id("recovery-codes")).to_have_count(0)
        await expect(page.get_by_text("Codes de secours restants : 10")).to_be_visible()
        await check(page, "security-on", "phone", found)

        await open_menu(page)
        await page.get_by_role("button", name="Se déconnecter").click()
        await page.wait_for_url("**/login")
        await page.locator("input[name=username]").fill(PARENT[0])
        await page.locator("input[name=password]").fill(PARENT[1])
        await page.get_by_role("button", name="Connexion").click()
        second = page.get_by_label(
            "Code de l'application d'authentification (ou un code de secours)"
        )
        await expect(second).to_be_visible()
        await check(page, "login-code", "phone", found)
        # A fresh code: the next step's (the one used to turn it on cannot be used again).
        await second.fill(pyotp.TOTP(secret).at(time.time() + 30))
        await page.get_by_role("button", name="Connexion").click()
        await page.wait_for_url(lambda url: "/login" not in url)
        await expect(page.get_by_role("heading", level=1)).to_be_visible()

        await page.goto(portal.url + "/account/security")
        await page.get_by_label("Code de l'application (ou un code de secours)").fill(recovery[0])
        await page.get_by_role("button", name="Désactiver la connexion en deux étapes").click()
        await expect(page.get_by_role("status")).to_have_text(
            "Connexion en deux étapes désactivée."
        )
        await expect(page.get_by_text("désactivée pour ce compte")).to_be_visible()
    finally:
        await context.close()
    assert found == {}, found


async def test_a_teacher_the_school_requires_it_of_enrols_while_signing_in(
    browser: Browser, portal: Portal
) -> None:
    context = await browser.new_context(viewport=PHONE, bypass_csp=True, locale="fr-BE")
    found: dict[str, Any] = {}
    try:
        page = await context.new_page()
        api = page.request
        login = await api.post(
            portal.url + "/graphql",
            data=json.dumps({"query": STAFF_LOGIN}),
            headers={"content-type": "application/json"},
        )
        staff = (await login.json())["data"]["login"]["token"]
        await context.clear_cookies()
        required = await api.post(
            portal.url + "/graphql",
            data=json.dumps({"query": REQUIRE}),
            headers={"content-type": "application/json", "authorization": f"Bearer {staff}"},
        )
        assert (await required.json())["data"]["setTotpRequiredForStaff"]["errors"] == []

        await page.goto(portal.url + "/login")
        await page.locator("input[name=username]").fill("demo.teacher")
        await page.locator("input[name=password]").fill("demo-teacher-pass")
        await page.get_by_role("button", name="Connexion").click()
        await expect(page.get_by_text("L'école exige la connexion en deux étapes")).to_be_visible()
        await page.get_by_role("button", name="Activer la connexion en deux étapes").click()
        secret = (await page.get_by_test_id("totp-secret").inner_text()).strip()
        await check(page, "login-enrol", "phone", found)
        await page.get_by_label("Code à 6 chiffres affiché par l'application").fill(
            pyotp.TOTP(secret).now()
        )
        await page.get_by_role("button", name="Activer", exact=True).click()
        await expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
        await page.get_by_role("button", name="J'ai noté mes codes").click()
        # Signed in by the confirmation itself.
        await page.wait_for_url(lambda url: "/login" not in url)
        await expect(page.get_by_role("heading", level=1)).to_be_visible()
        cookies = await context.cookies()
        assert [c["name"] for c in cookies] == ["cartable_session"]
    finally:
        await context.close()
    assert found == {}, found
