"""What a visitor reads over HTTP in their browser's language (Accept-Language): an error
before sign-in, the sandbox's payment page and the page the payer comes back to."""

from datetime import UTC, datetime
from html.parser import HTMLParser

import httpx
import pytest

from models.sandbox_payments import SandboxPayment
from payments.provider import Checkout, CheckoutRequest
from payments.sandbox import SandboxProvider
from services.sql.runtime import Runtime
from tests.factories import unique
from tests.support.graphql import GraphQL

LOGIN = """
mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token errors { code message } } }"""

BROWSERS = {
    "fr": "fr-BE,fr;q=0.9,en;q=0.5",
    "nl": "nl-BE,nl;q=0.9,fr;q=0.8,en;q=0.5",
    "en": "en-GB,en;q=0.9",
}


class VisibleText(HTMLParser):
    """The lines a browser shows (and the title), tags left out."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.hidden = 0  # inside <style> or <script>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in {"style", "script"}

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in {"style", "script"}

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        self.lines.extend(line.strip() for line in data.splitlines() if line.strip())


def visible(page: str) -> list[str]:
    parser = VisibleText()
    parser.feed(page)
    return parser.lines


async def checkout(runtime: Runtime, cents: int = 1250) -> Checkout:
    provider = runtime.payments.providers["sandbox"]
    assert isinstance(provider, SandboxProvider)
    return await provider.create_checkout(
        CheckoutRequest(
            amount_cents=cents,
            currency="EUR",
            reference=unique("topup"),
            description="École Démo — Repas · Emma Dupont",
            return_url="http://cartable.test/payments/return",
            webhook_url="http://cartable.test/payments/webhooks/sandbox",
        )
    )


async def record_paid(runtime: Runtime, payment: Checkout, cents: int) -> None:
    """What the page records when the payer pays (without sending the webhook anywhere)."""
    async with runtime.database.write() as session:
        session.add(
            SandboxPayment(
                payment_id=payment.payment_id,
                amount_cents=cents,
                currency="EUR",
                reference="topup:1",
                status="paid",
                decided_at=datetime.now(UTC),
            )
        )
        await session.commit()


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("fr", "Nom d'utilisateur ou mot de passe incorrect."),
        ("nl", "Gebruikersnaam of wachtwoord onjuist."),
        ("en", "Wrong username or password."),
    ],
)
async def test_an_error_before_sign_in(gql: GraphQL, locale: str, expected: str) -> None:
    payload = (
        await gql.data(
            LOGIN,
            {"u": unique("nobody"), "p": "not-the-password-1"},
            **{"accept-language": BROWSERS[locale]},
        )
    )["login"]
    assert payload["errors"] == [{"code": "INVALID_CREDENTIALS", "message": expected}]


SANDBOX_PAGES = {
    "fr": [
        "Sandbox — paiement",
        "Paiement de test",
        "École Démo — Repas · Emma Dupont",
        "12,50\u00a0€",
        "Payer",
        "Refuser le paiement",
        "Prestataire de paiement de démonstration : aucun argent réel ne circule.",
    ],
    "nl": [
        "Sandbox — betaling",
        "Testbetaling",
        "École Démo — Repas · Emma Dupont",
        "€\u00a012,50",
        "Betalen",
        "Betaling weigeren",
        "Betaaldienst voor demonstraties: er wordt geen echt geld betaald.",
    ],
    "en": [
        "Sandbox — payment",
        "Test payment",
        "École Démo — Repas · Emma Dupont",
        "€12.50",
        "Pay",
        "Refuse the payment",
        "Demonstration payment provider: no real money changes hands.",
    ],
}


@pytest.mark.parametrize("locale", ["fr", "nl", "en"])
async def test_the_sandbox_payment_page(
    http: httpx.AsyncClient, runtime: Runtime, locale: str
) -> None:
    url = (await checkout(runtime)).checkout_url
    page = await http.get(url, headers={"accept-language": BROWSERS[locale]})
    assert page.status_code == 200
    assert page.headers["content-language"] == locale
    assert page.headers["vary"] == "Accept-Language"
    assert f'<html lang="{locale}">' in page.text
    assert visible(page.text) == SANDBOX_PAGES[locale]


async def test_the_sandbox_page_after_the_payment_and_for_a_bad_link(
    http: httpx.AsyncClient, runtime: Runtime
) -> None:
    dutch = {"accept-language": BROWSERS["nl"]}
    payment = await checkout(runtime, 420)
    await record_paid(runtime, payment, 420)
    paid = await http.get(payment.checkout_url, headers=dutch)
    assert visible(paid.text)[2:5] == [
        "École Démo — Repas · Emma Dupont",
        "€\u00a04,20",
        "Deze betaling werd uitgevoerd.",
    ]
    again = await http.post(payment.checkout_url, data={"outcome": "failed"}, headers=dutch)
    assert again.status_code == 409
    assert visible(again.text)[4] == "Deze betaling werd uitgevoerd."

    undecided = (await checkout(runtime)).checkout_url
    asked_again = await http.post(undecided, data={}, headers=dutch)
    assert asked_again.status_code == 400
    assert visible(asked_again.text)[4:7] == [
        "Kies betalen of weigeren.",
        "Betalen",
        "Betaling weigeren",
    ]
    forged = await http.get(undecided[:-3] + "xyz", headers={"accept-language": BROWSERS["en"]})
    assert forged.status_code == 404
    assert visible(forged.text) == [
        "Sandbox — payment",
        "Test payment",
        "This payment link is not valid.",
        "Demonstration payment provider: no real money changes hands.",
    ]


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "fr",
            [
                "Cartable — paiement",
                "Merci",
                "Le solde est mis à jour dès que le prestataire de paiement confirme le paiement.",
                "Vous pouvez fermer cette page.",
                "Retour au portail",
            ],
        ),
        (
            "nl",
            [
                "Cartable — betaling",
                "Bedankt",
                "Het saldo wordt bijgewerkt zodra de betaaldienst de betaling bevestigt.",
                "U mag deze pagina nu sluiten.",
                "Terug naar het portaal",
            ],
        ),
        (
            "en",
            [
                "Cartable — payment",
                "Thank you",
                "The balance is updated as soon as the payment provider confirms the payment.",
                "You can close this page.",
                "Back to the portal",
            ],
        ),
    ],
)
async def test_the_page_the_payer_comes_back_to(
    http: httpx.AsyncClient, locale: str, expected: list[str]
) -> None:
    page = await http.get("/payments/return", headers={"accept-language": BROWSERS[locale]})
    assert page.status_code == 200
    assert visible(page.text) == expected
