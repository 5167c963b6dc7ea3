"""The PDF of a payment request (invoice): what is asked, for whom, by when, and how to pay it."""

from services.billing.documents import InvoiceDocument
from services.billing.pdf_layout import BillingPdf
from services.billing.pdf_texts import text


def render_invoice_pdf(invoice: InvoiceDocument) -> bytes:
    """One A4 PDF in the guardian's language, with real text and an EPC QR code for the
    amount due at issue (none when nothing is due). The same invoice gives the same bytes."""
    heading = text(invoice.locale, "billing.pdf.invoice.heading")
    page = BillingPdf(
        invoice.locale,
        title=f"{heading} {invoice.number}",
        author=invoice.school.name,
        created_on=invoice.issued_on,
    )
    page.letterhead(invoice.school)
    page.heading(heading, invoice.title)
    page.facts(
        [
            (page.t("billing.pdf.number"), invoice.number),
            (page.t("billing.pdf.child"), invoice.child.name),
            (page.t("billing.pdf.class"), invoice.child.class_name),
            (page.t("billing.pdf.issued_on"), page.long_date(invoice.issued_on)),
            (page.t("billing.pdf.due_on"), page.long_date(invoice.due_on)),
        ]
    )
    page.lines_table(invoice.lines, label_key="label")
    page.totals(
        [
            (page.t("billing.pdf.total"), invoice.total_cents),
            (page.t("billing.pdf.amount_due"), invoice.amount_due_cents),
        ]
    )
    page.payment(invoice.school, invoice.amount_due_cents, invoice.due_on, invoice.communication)
    return page.output()
