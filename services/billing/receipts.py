"""The receipt mail: sent to the child's guardians when a payment leaves nothing due."""

from models.billing import Invoice
from models.family import Child, School
from services.billing.views import InvoiceView
from services.common.notify import send_mail
from services.family.guardians import guardian_accounts
from services.sql.uow import UnitOfWork


def invoice_number(invoice: InvoiceView) -> str:
    """As printed on the PDF and in the mails: 2026-0042."""
    return f"{invoice.school_year}-{invoice.number:04d}"


async def mail_receipt_if_paid(uow: UnitOfWork, invoice: Invoice, applied_cents: int) -> None:
    """Only the payment that completes the invoice sends it (the conditional UPDATE lets one
    payment do that), and only for a published invoice: parents never hear of an invoice
    they cannot see yet."""
    if applied_cents <= 0 or invoice.published_at is None:
        return
    if invoice.paid_cents + invoice.credited_cents != invoice.total_cents:
        return
    view = InvoiceView.of(invoice)
    school = await uow.session.get(School, invoice.school_id)
    child = await uow.session.get(Child, invoice.child_id)
    assert school is not None and child is not None
    for user in await guardian_accounts(uow.session, invoice.child_id):
        await send_mail(
            uow,
            to=user.email,
            template="receipt",
            locale=user.locale,
            school_id=invoice.school_id,
            context={
                "school_name": school.name,
                "display_name": user.display_name,
                "child_name": f"{child.first_name} {child.last_name}",
                "title": invoice.title,
                "number": invoice_number(view),
                "paid_cents": invoice.paid_cents,
            },
        )
