"""In each language, an error message and a mail exactly as the reader gets them."""

import pytest

from mailer.render import MailRenderer
from schema.messages import message
from tests.mailer.samples import SAMPLE_CONTEXTS

renderer = MailRenderer(public_url="http://cartable.test/")

ERRORS = {
    "fr": "Ce fichier est trop volumineux (maximum 2,5 Mo).",
    "nl": "Dit bestand is te groot (maximaal 2,5 MB).",
    "en": "This file is too large (at most 2.5 MB).",
}

# meal_day_closed: a date, a reason given by the school, amounts (with U+00A0 inside them).
SUBJECTS = {
    "fr": "École Démo : pas de repas le vendredi 18 décembre 2026 — réservations remboursées",
    "nl": "École Démo: geen maaltijden op vrijdag 18 december 2026 — reservaties terugbetaald",
    "en": "École Démo: no meals on Friday, 18 December 2026 — reservations refunded",
}
TEXTS = {
    "fr": """Bonjour Anne Dupont,

École Démo ne servira pas de repas le vendredi 18 décembre 2026 (journée pédagogique).
Vos réservations pour ce jour sont annulées et remboursées sur le portefeuille :
  - Emma : Repas chaud, 4,20\u00a0€
  - Lucas : Potage, 1,10\u00a0€

Le remboursement est déjà visible dans les opérations financières.

École Démo
""",
    "nl": """Beste Anne Dupont,

École Démo serveert geen maaltijden op vrijdag 18 december 2026 (journée pédagogique).
Uw reservaties voor die dag zijn geannuleerd en terugbetaald op de portemonnee:
  - Emma: Repas chaud, €\u00a04,20
  - Lucas: Potage, €\u00a01,10

De terugbetaling staat al bij de financiële verrichtingen.

École Démo
""",
    "en": """Hello Anne Dupont,

École Démo will not serve meals on Friday, 18 December 2026 (journée pédagogique).
Your reservations for that day are cancelled and refunded to the wallet:
  - Emma: Repas chaud, €4.20
  - Lucas: Potage, €1.10

The refund already shows in the financial operations.

École Démo
""",
}


@pytest.mark.parametrize("locale", ["fr", "nl", "en"])
def test_an_error_message(locale: str) -> None:
    assert message("FILE_TOO_LARGE", locale, {"max_mb": 2.5}) == ERRORS[locale]


def test_an_error_placeholder_left_unfilled_reads_as_an_ellipsis() -> None:
    assert message("RATE_LIMITED", "nl") == "Te veel pogingen. Probeer het over … seconden opnieuw."


@pytest.mark.parametrize("locale", ["fr", "nl", "en"])
def test_a_mail(locale: str) -> None:
    mail = renderer.render("meal_day_closed", locale, SAMPLE_CONTEXTS["meal_day_closed"])
    assert mail.locale == locale
    assert mail.subject == SUBJECTS[locale]
    assert mail.text == TEXTS[locale]


def test_the_html_body_speaks_the_same_language_and_escapes_the_catalogue_text() -> None:
    mail = renderer.render("invitation", "nl", SAMPLE_CONTEXTS["invitation"])
    assert '<html lang="nl">' in mail.html
    assert "<title>École Démo nodigt u uit op Cartable</title>" in mail.html
    assert "<p>Uw gebruikersnaam: <strong>anne.dupont</strong></p>" in mail.html
    assert ">Mijn account activeren</a>" in mail.html
    # Quotes of the catalogue's text are escaped like any text of an HTML page.
    assert "via &#34;Wachtwoord vergeten&#34; op de aanmeldpagina" in mail.html
    assert "Gelieve er niet op te antwoorden." in mail.html
