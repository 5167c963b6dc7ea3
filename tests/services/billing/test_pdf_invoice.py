"""The invoice PDF as the guardian reads it (its text) and as a banking app scans it (its QR)."""

from dataclasses import replace
from datetime import date

import pytest

from services.billing.documents import BillLine, ChildDetails
from services.billing.pdf_invoice import render_invoice_pdf
from services.billing.pdf_texts import Locale
from tests.services.billing.samples import SCHOOL, invoice
from tests.support.pdf import page_count, pdf_text, qr_payloads

NB = "\u00a0"  # Babel's no-break space in amounts (fpdf2 prints it as a plain space in paragraphs)

EXPECTED_TEXT: dict[Locale, str] = {
    "fr": f"""École communale Les Tilleuls
Rue des Écoles 12
1050 Ixelles
Demande de paiement
Classe verte à Han-sur-Lesse
Numéro 2026-0042
Enfant Emma Dupont
Classe 3A
Date d'émission 1 décembre 2026
Échéance 18 décembre 2026
Description Quantité Prix unitaire Montant
Séjour (3 nuits) 1 120,00{NB}€ 120,00{NB}€
Repas 4 6,25{NB}€ 25,00{NB}€
Bus 1 12,50{NB}€ 12,50{NB}€
Total 157,50{NB}€
Montant à payer 157,50{NB}€
Comment payer
Virez 157,50 € au plus tard le 18 décembre 2026 sur le compte de l'école,
avec la communication structurée ci-dessous.
Bénéficiaire Les Tilleuls ASBL
IBAN BE68 5390 0754 7034
BIC GKCCBEBB
Communication +++010/8068/17183+++
Ou scannez ce code avec votre
application bancaire : le virement
est prérempli.""",
    "nl": f"""École communale Les Tilleuls
Rue des Écoles 12
1050 Ixelles
Betalingsverzoek
Classe verte à Han-sur-Lesse
Nummer 2026-0042
Kind Emma Dupont
Klas 3A
Uitgiftedatum 1 december 2026
Vervaldatum 18 december 2026
Omschrijving Aantal Eenheidsprijs Bedrag
Séjour (3 nuits) 1 €{NB}120,00 €{NB}120,00
Repas 4 €{NB}6,25 €{NB}25,00
Bus 1 €{NB}12,50 €{NB}12,50
Totaal €{NB}157,50
Te betalen €{NB}157,50
Hoe betalen
Schrijf € 157,50 uiterlijk op 18 december 2026 over op de rekening van de
school, met de gestructureerde mededeling hieronder.
Begunstigde Les Tilleuls ASBL
IBAN BE68 5390 0754 7034
BIC GKCCBEBB
Mededeling +++010/8068/17183+++
Of scan deze code met uw
bankapp: de overschrijving is al
ingevuld.""",
    "en": """École communale Les Tilleuls
Rue des Écoles 12
1050 Ixelles
Payment request
Classe verte à Han-sur-Lesse
Number 2026-0042
Child Emma Dupont
Class 3A
Issue date 1 December 2026
Due date 18 December 2026
Description Quantity Unit price Amount
Séjour (3 nuits) 1 €120.00 €120.00
Repas 4 €6.25 €25.00
Bus 1 €12.50 €12.50
Total €157.50
Amount due €157.50
How to pay
Transfer €157.50 by 18 December 2026 to the school's account, with the
structured communication below.
Beneficiary Les Tilleuls ASBL
IBAN BE68 5390 0754 7034
BIC GKCCBEBB
Communication +++010/8068/17183+++
Or scan this code with your
banking app: the transfer is filled
in for you.""",
}

# EPC069-12: service tag, version 002, character set 1 (UTF-8), SEPA credit transfer, BIC,
# beneficiary, IBAN, amount in euros, purpose (none), structured reference (the 12 digits).
EXPECTED_QR = (
    b"BCD\n002\n1\nSCT\nGKCCBEBB\nLes Tilleuls ASBL\nBE68539007547034\nEUR157.5\n\n010806817183"
)


@pytest.mark.parametrize("locale", ["fr", "nl", "en"])
def test_the_guardian_reads_the_whole_invoice_in_their_language(locale: Locale) -> None:
    assert pdf_text(render_invoice_pdf(invoice(locale))) == EXPECTED_TEXT[locale]


@pytest.mark.parametrize(
    ("locale", "bus", "total", "issued", "due"),
    [
        ("fr", f"12,50{NB}€", f"157,50{NB}€", "1 décembre 2026", "18 décembre 2026"),
        ("nl", f"€{NB}12,50", f"€{NB}157,50", "1 december 2026", "18 december 2026"),
        ("en", "€12.50", "€157.50", "1 December 2026", "18 December 2026"),
    ],
)
def test_number_amounts_dates_and_bank_details_are_printed_as_text(
    locale: Locale, bus: str, total: str, issued: str, due: str
) -> None:
    text = pdf_text(render_invoice_pdf(invoice(locale)))
    for expected in (
        "2026-0042",
        f"Bus 1 {bus} {bus}",
        total,
        issued,
        due,
        "BE68 5390 0754 7034",
        "GKCCBEBB",
        "+++010/8068/17183+++",
    ):
        assert expected in text


@pytest.mark.parametrize("locale", ["fr", "nl", "en"])
def test_a_banking_app_scans_the_exact_epc_payload(locale: Locale) -> None:
    assert qr_payloads(render_invoice_pdf(invoice(locale))) == [EXPECTED_QR]


def test_the_code_asks_for_the_amount_due_at_issue_not_the_total() -> None:
    data = render_invoice_pdf(invoice("fr", amount_due_cents=57_50))
    text = pdf_text(data)
    assert f"Total 157,50{NB}€\nMontant à payer 57,50{NB}€\n" in text
    assert "Virez 57,50 € au plus tard le 18 décembre 2026" in text
    assert qr_payloads(data) == [EXPECTED_QR.replace(b"EUR157.5", b"EUR57.5")]


def test_round_euros_and_single_cents_are_written_as_epc_amounts() -> None:
    whole = invoice("en", lines=(BillLine("Entry", 1, 10_00),), amount_due_cents=10_00)
    cent = invoice("en", lines=(BillLine("Stamp", 1, 1),), amount_due_cents=1)
    assert qr_payloads(render_invoice_pdf(whole)) == [EXPECTED_QR.replace(b"EUR157.5", b"EUR10")]
    assert qr_payloads(render_invoice_pdf(cent)) == [EXPECTED_QR.replace(b"EUR157.5", b"EUR0.01")]


def test_nothing_due_prints_no_code_and_says_so() -> None:
    data = render_invoice_pdf(invoice("nl", amount_due_cents=0))
    text = pdf_text(data)
    assert f"Te betalen €{NB}0,00\nNiets te betalen: dit verzoek is al voldaan." in text
    assert "BE68" not in text
    assert qr_payloads(data) == []


def test_a_holders_name_with_accents_reaches_the_bank_in_utf8() -> None:
    school = replace(SCHOOL, account_holder="Pouvoir organisateur de l'École Saint-Éloi ASBL")
    data = render_invoice_pdf(invoice("fr", school=school))
    assert "Bénéficiaire Pouvoir organisateur de l'École Saint-Éloi ASBL" in pdf_text(data)
    assert qr_payloads(data) == [
        EXPECTED_QR.replace(
            b"Les Tilleuls ASBL",
            "Pouvoir organisateur de l'École Saint-Éloi ASBL".encode(),
        )
    ]


def test_french_thousands_keep_their_narrow_no_break_space() -> None:
    trip = invoice("fr", lines=(BillLine("Voyage à Rome", 1, 1_234_50),), amount_due_cents=1_234_50)
    text = pdf_text(render_invoice_pdf(trip))
    assert f"Voyage à Rome 1 1\u202f234,50{NB}€ 1\u202f234,50{NB}€\n" in text
    assert f"Montant à payer 1\u202f234,50{NB}€\n" in text


def test_names_in_other_latin_scripts_come_out_whole() -> None:
    child = ChildDetails(name="Łucja Şahin-Ștefănescu Öztürk Dvořák", class_name="5B")
    text = pdf_text(render_invoice_pdf(invoice("nl", child=child)))
    assert "Kind Łucja Şahin-Ștefănescu Öztürk Dvořák\nKlas 5B\n" in text


def test_a_letter_the_font_lacks_loses_its_accent_and_other_scripts_show_as_question_marks() -> (
    None
):
    child = ChildDetails(name="Nguyễn Văn An (محمد)", class_name="2C")
    text = pdf_text(render_invoice_pdf(invoice("en", child=child)))
    assert "Child Nguyen Văn An (????)\n" in text


def test_decomposed_accents_are_printed_as_single_letters() -> None:
    child = ChildDetails(name="Zoe\u0301 Lefe\u0300vre", class_name="1A")
    text = pdf_text(render_invoice_pdf(invoice("fr", child=child)))
    assert "Enfant Zoé Lefèvre\n" in text


def test_a_long_invoice_continues_on_a_second_page_with_its_headings() -> None:
    lines = tuple(BillLine(f"Repas du {day} mars", 1, 4_50) for day in range(1, 32))
    data = render_invoice_pdf(invoice("fr", lines=lines, amount_due_cents=31 * 4_50))
    text = pdf_text(data)
    assert page_count(data) == 2
    assert text.count("Description Quantité Prix unitaire Montant") == 2
    for day in range(1, 32):
        assert f"Repas du {day} mars 1 4,50{NB}€ 4,50{NB}€\n" in text
    assert f"Total 139,50{NB}€\n" in text
    assert qr_payloads(data) == [EXPECTED_QR.replace(b"EUR157.5", b"EUR139.5")]


def test_the_payment_block_moves_whole_to_a_new_page_rather_than_split() -> None:
    lines = tuple(BillLine(f"Repas du {day} décembre", 1, 4_50) for day in range(1, 46))
    data = render_invoice_pdf(invoice("fr", lines=lines, amount_due_cents=45 * 4_50))
    pages = pdf_text(data).split("\n\n")
    assert len(pages) == 3
    assert pages[1].endswith(f"Total 202,50{NB}€\nMontant à payer 202,50{NB}€")
    assert pages[2].startswith("Comment payer\nVirez 202,50 € au plus tard le 18 décembre 2026")
    assert "Communication +++010/8068/17183+++" in pages[2]
    assert qr_payloads(data) == [EXPECTED_QR.replace(b"EUR157.5", b"EUR202.5")]


def test_a_long_label_wraps_inside_its_column() -> None:
    label = "Participation aux frais de la classe de neige à Rochefort, matériel compris"
    text = pdf_text(
        render_invoice_pdf(
            invoice("fr", lines=(BillLine(label, 2, 50_00),), amount_due_cents=100_00)
        )
    )
    assert "Participation aux frais de la classe de neige à" in text
    assert f"2 50,00{NB}€ 100,00{NB}€" in text
    assert "Rochefort, matériel compris" in text


def test_the_same_invoice_renders_the_same_bytes() -> None:
    assert render_invoice_pdf(invoice("en")) == render_invoice_pdf(invoice("en"))
    later = invoice("en", issued_on=date(2026, 12, 2))
    assert render_invoice_pdf(later) != render_invoice_pdf(invoice("en"))
