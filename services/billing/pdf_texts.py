"""Every text printed on the billing PDFs (invoices, photo order summaries), per language.

Kept apart so that they move as they are into the project's gettext catalogue: keys are
stable ids in the catalogue's style (`billing.pdf.<what>`), placeholders are `%(name)s` and
identical in every language (tests/services/billing/test_pdf_texts.py checks both).
"""

from typing import Final, Literal

Locale = Literal["fr", "nl", "en"]
LOCALES: Final[tuple[Locale, ...]] = ("fr", "nl", "en")

TEXTS: Final[dict[Locale, dict[str, str]]] = {
    "fr": {
        "billing.pdf.invoice.heading": "Demande de paiement",
        "billing.pdf.photo_order.heading": "Commande de photos",
        "billing.pdf.number": "Numéro",
        "billing.pdf.child": "Enfant",
        "billing.pdf.class": "Classe",
        "billing.pdf.issued_on": "Date d'émission",
        "billing.pdf.ordered_on": "Date de la commande",
        "billing.pdf.due_on": "Échéance",
        "billing.pdf.column.label": "Description",
        "billing.pdf.column.article": "Article",
        "billing.pdf.column.quantity": "Quantité",
        "billing.pdf.column.unit_price": "Prix unitaire",
        "billing.pdf.column.amount": "Montant",
        "billing.pdf.total": "Total",
        "billing.pdf.amount_due": "Montant à payer",
        "billing.pdf.pay.heading": "Comment payer",
        "billing.pdf.pay.intro": (
            "Virez %(amount)s au plus tard le %(due_date)s sur le compte de l'école, "
            "avec la communication structurée ci-dessous."
        ),
        "billing.pdf.pay.beneficiary": "Bénéficiaire",
        "billing.pdf.pay.iban": "IBAN",
        "billing.pdf.pay.bic": "BIC",
        "billing.pdf.pay.communication": "Communication",
        "billing.pdf.pay.scan": (
            "Ou scannez ce code avec votre application bancaire : le virement est prérempli."
        ),
        "billing.pdf.pay.nothing_due": "Rien à payer : cette demande est déjà réglée.",
    },
    "nl": {
        "billing.pdf.invoice.heading": "Betalingsverzoek",
        "billing.pdf.photo_order.heading": "Fotobestelling",
        "billing.pdf.number": "Nummer",
        "billing.pdf.child": "Kind",
        "billing.pdf.class": "Klas",
        "billing.pdf.issued_on": "Uitgiftedatum",
        "billing.pdf.ordered_on": "Besteldatum",
        "billing.pdf.due_on": "Vervaldatum",
        "billing.pdf.column.label": "Omschrijving",
        "billing.pdf.column.article": "Artikel",
        "billing.pdf.column.quantity": "Aantal",
        "billing.pdf.column.unit_price": "Eenheidsprijs",
        "billing.pdf.column.amount": "Bedrag",
        "billing.pdf.total": "Totaal",
        "billing.pdf.amount_due": "Te betalen",
        "billing.pdf.pay.heading": "Hoe betalen",
        "billing.pdf.pay.intro": (
            "Schrijf %(amount)s uiterlijk op %(due_date)s over op de rekening van de school, "
            "met de gestructureerde mededeling hieronder."
        ),
        "billing.pdf.pay.beneficiary": "Begunstigde",
        "billing.pdf.pay.iban": "IBAN",
        "billing.pdf.pay.bic": "BIC",
        "billing.pdf.pay.communication": "Mededeling",
        "billing.pdf.pay.scan": (
            "Of scan deze code met uw bankapp: de overschrijving is al ingevuld."
        ),
        "billing.pdf.pay.nothing_due": "Niets te betalen: dit verzoek is al voldaan.",
    },
    "en": {
        "billing.pdf.invoice.heading": "Payment request",
        "billing.pdf.photo_order.heading": "Photo order",
        "billing.pdf.number": "Number",
        "billing.pdf.child": "Child",
        "billing.pdf.class": "Class",
        "billing.pdf.issued_on": "Issue date",
        "billing.pdf.ordered_on": "Order date",
        "billing.pdf.due_on": "Due date",
        "billing.pdf.column.label": "Description",
        "billing.pdf.column.article": "Item",
        "billing.pdf.column.quantity": "Quantity",
        "billing.pdf.column.unit_price": "Unit price",
        "billing.pdf.column.amount": "Amount",
        "billing.pdf.total": "Total",
        "billing.pdf.amount_due": "Amount due",
        "billing.pdf.pay.heading": "How to pay",
        "billing.pdf.pay.intro": (
            "Transfer %(amount)s by %(due_date)s to the school's account, "
            "with the structured communication below."
        ),
        "billing.pdf.pay.beneficiary": "Beneficiary",
        "billing.pdf.pay.iban": "IBAN",
        "billing.pdf.pay.bic": "BIC",
        "billing.pdf.pay.communication": "Communication",
        "billing.pdf.pay.scan": (
            "Or scan this code with your banking app: the transfer is filled in for you."
        ),
        "billing.pdf.pay.nothing_due": "Nothing to pay: this request is already settled.",
    },
}


def text(locale: Locale, key: str, **values: str) -> str:
    """The text `key` in `locale`, its `%(name)s` placeholders filled from `values`."""
    return TEXTS[locale][key] % values
