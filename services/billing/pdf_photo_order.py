"""The summary of a photo order: what was ordered for which child, the total, and how to pay
it (the order's invoice: its number and communication, the QR code)."""

from services.billing.documents import PhotoOrderDocument
from services.billing.pdf_layout import BillingPdf
from services.billing.pdf_texts import text


def render_photo_order_pdf(order: PhotoOrderDocument) -> bytes:
    """One A4 PDF in the guardian's language, with real text and an EPC QR code for the
    order's total. The same order gives the same bytes."""
    heading = text(order.locale, "billing.pdf.photo_order.heading")
    page = BillingPdf(
        order.locale,
        title=f"{heading} {order.invoice_number}",
        author=order.school.name,
        created_on=order.ordered_on,
    )
    page.letterhead(order.school)
    page.heading(heading, order.campaign_title)
    page.facts(
        [
            (page.t("billing.pdf.number"), order.invoice_number),
            (page.t("billing.pdf.child"), order.child.name),
            (page.t("billing.pdf.class"), order.child.class_name),
            (page.t("billing.pdf.ordered_on"), page.long_date(order.ordered_on)),
            (page.t("billing.pdf.due_on"), page.long_date(order.due_on)),
        ]
    )
    page.lines_table(order.articles, label_key="article")
    page.totals([(page.t("billing.pdf.total"), order.total_cents)])
    page.payment(order.school, order.total_cents, order.due_on, order.communication)
    return page.output()
