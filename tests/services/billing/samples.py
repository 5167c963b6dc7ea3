"""One school, one child, one invoice and one photo order, in the language asked for."""

from dataclasses import replace
from datetime import date

from services.billing.documents import (
    BillLine,
    ChildDetails,
    InvoiceDocument,
    PhotoOrderDocument,
    SchoolDetails,
)
from services.billing.pdf_texts import Locale

SCHOOL = SchoolDetails(
    name="École communale Les Tilleuls",
    address=("Rue des Écoles 12", "1050 Ixelles"),
    account_holder="Les Tilleuls ASBL",
    iban="BE68 5390 0754 7034",
    bic="GKCCBEBB",
)
EMMA = ChildDetails(name="Emma Dupont", class_name="3A")
COMMUNICATION = "+++010/8068/17183+++"
DIGITS = "010806817183"


def invoice(locale: Locale, **changes: object) -> InvoiceDocument:
    document = InvoiceDocument(
        locale=locale,
        school=SCHOOL,
        child=EMMA,
        number="2026-0042",
        title="Classe verte à Han-sur-Lesse",
        issued_on=date(2026, 12, 1),
        due_on=date(2026, 12, 18),
        lines=(
            BillLine("Séjour (3 nuits)", 1, 120_00),
            BillLine("Repas", 4, 6_25),
            BillLine("Bus", 1, 12_50),
        ),
        amount_due_cents=157_50,
        communication=COMMUNICATION,
    )
    return replace(document, **changes)  # type: ignore[arg-type]


def photo_order(locale: Locale, **changes: object) -> PhotoOrderDocument:
    document = PhotoOrderDocument(
        locale=locale,
        school=SCHOOL,
        child=EMMA,
        campaign_title="Photos de classe 2026",
        invoice_number="2026-0057",
        ordered_on=date(2026, 10, 5),
        due_on=date(2026, 10, 26),
        articles=(
            BillLine("Photo de classe 20 × 30", 2, 8_00),
            BillLine("Pochette portraits", 1, 15_50),
        ),
        communication="+++020/0000/01277+++",
    )
    return replace(document, **changes)  # type: ignore[arg-type]
