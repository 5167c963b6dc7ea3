"""The photo order summary: what was ordered, the total, and how to pay it."""

import pytest

from services.billing.documents import BillLine
from services.billing.pdf_photo_order import render_photo_order_pdf
from services.billing.pdf_texts import Locale
from tests.services.billing.samples import photo_order
from tests.support.pdf import pdf_text, qr_payloads

NB = "\u00a0"

EXPECTED_TEXT: dict[Locale, str] = {
    "fr": f"""École communale Les Tilleuls
Rue des Écoles 12
1050 Ixelles
Commande de photos
Photos de classe 2026
Numéro 2026-0057
Enfant Emma Dupont
Classe 3A
Date de la commande 5 octobre 2026
Échéance 26 octobre 2026
Article Quantité Prix unitaire Montant
Photo de classe 20 × 30 2 8,00{NB}€ 16,00{NB}€
Pochette portraits 1 15,50{NB}€ 15,50{NB}€
Total 31,50{NB}€
Comment payer
Virez 31,50 € au plus tard le 26 octobre 2026 sur le compte de l'école, avec la
communication structurée ci-dessous.
Bénéficiaire Les Tilleuls ASBL
IBAN BE68 5390 0754 7034
BIC GKCCBEBB
Communication +++020/0000/01277+++
Ou scannez ce code avec votre
application bancaire : le virement
est prérempli.""",
    "nl": f"""École communale Les Tilleuls
Rue des Écoles 12
1050 Ixelles
Fotobestelling
Photos de classe 2026
Nummer 2026-0057
Kind Emma Dupont
Klas 3A
Besteldatum 5 oktober 2026
Vervaldatum 26 oktober 2026
Artikel Aantal Eenheidsprijs Bedrag
Photo de classe 20 × 30 2 €{NB}8,00 €{NB}16,00
Pochette portraits 1 €{NB}15,50 €{NB}15,50
Totaal €{NB}31,50
Hoe betalen
Schrijf € 31,50 uiterlijk op 26 oktober 2026 over op de rekening van de school,
met de gestructureerde mededeling hieronder.
Begunstigde Les Tilleuls ASBL
IBAN BE68 5390 0754 7034
BIC GKCCBEBB
Mededeling +++020/0000/01277+++
Of scan deze code met uw
bankapp: de overschrijving is al
ingevuld.""",
    "en": """École communale Les Tilleuls
Rue des Écoles 12
1050 Ixelles
Photo order
Photos de classe 2026
Number 2026-0057
Child Emma Dupont
Class 3A
Order date 5 October 2026
Due date 26 October 2026
Item Quantity Unit price Amount
Photo de classe 20 × 30 2 €8.00 €16.00
Pochette portraits 1 €15.50 €15.50
Total €31.50
How to pay
Transfer €31.50 by 26 October 2026 to the school's account, with the
structured communication below.
Beneficiary Les Tilleuls ASBL
IBAN BE68 5390 0754 7034
BIC GKCCBEBB
Communication +++020/0000/01277+++
Or scan this code with your
banking app: the transfer is filled
in for you.""",
}

EXPECTED_QR = (
    b"BCD\n002\n1\nSCT\nGKCCBEBB\nLes Tilleuls ASBL\nBE68539007547034\nEUR31.5\n\n020000001277"
)


@pytest.mark.parametrize("locale", ["fr", "nl", "en"])
def test_the_guardian_reads_the_whole_order_in_their_language(locale: Locale) -> None:
    assert pdf_text(render_photo_order_pdf(photo_order(locale))) == EXPECTED_TEXT[locale]


@pytest.mark.parametrize("locale", ["fr", "nl", "en"])
def test_its_code_pays_the_orders_total_with_its_communication(locale: Locale) -> None:
    assert qr_payloads(render_photo_order_pdf(photo_order(locale))) == [EXPECTED_QR]


def test_quantities_are_grouped_as_each_language_writes_them() -> None:
    bulk = (BillLine("Magnet", 1200, 1_00),)
    assert f"Magnet 1.200 €{NB}1,00 €{NB}1.200,00\n" in pdf_text(
        render_photo_order_pdf(photo_order("nl", articles=bulk))
    )
    assert "Magnet 1,200 €1.00 €1,200.00\n" in pdf_text(
        render_photo_order_pdf(photo_order("en", articles=bulk))
    )
