"""Publishing issued invoices: their PDF, stored as the child's `invoice` document.

    await publish_invoices(tx, storage, [invoice.id for invoice in issued])

Rendering is slow and needs no lock: it happens outside any transaction, from a snapshot read
first. Each invoice is then attached in its own short transaction by a conditional UPDATE
(`document_id IS NULL`), so two publishers of the same invoice leave exactly one document;
the loser's file is removed again. Guardians get the new-invoice mail with the PDF attached.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from schwifty import IBAN
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from mailer.message import Attachment
from models.accounts import User
from models.billing import Invoice, InvoiceLine
from models.documents import DocumentKind
from models.family import Child, Guardianship, School
from services.billing.documents import BillLine, ChildDetails, InvoiceDocument, SchoolDetails
from services.billing.live import InvoiceChange, emit_invoice_changed
from services.billing.pdf_invoice import render_invoice_pdf
from services.billing.pdf_texts import LOCALES, Locale
from services.billing.receipts import invoice_number
from services.billing.rendering import rendered_in_order
from services.billing.views import InvoiceView, invoice_communication
from services.common.notify import send_mail
from services.documents.attaching import AlreadyAttached, store_and_attach
from services.documents.files import check_file
from services.documents.publishing import Audience, NewDocument, record_document
from services.sql.uow import Transactions, UnitOfWork
from storage.protocol import DocumentStorage

PDF_TYPE = "application/pdf"


@dataclass(frozen=True)
class Guardian:
    email: str
    display_name: str
    locale: Locale


@dataclass(frozen=True)
class Pending:
    """An issued, unpublished invoice as read before rendering."""

    invoice: InvoiceView
    document: InvoiceDocument
    guardians: tuple[Guardian, ...]

    @property
    def file_name(self) -> str:
        return f"invoice-{self.document.number}.pdf"


def _locale(value: str) -> Locale:
    for known in LOCALES:
        if value == known:
            return known
    return "fr"


def school_address(school: School) -> tuple[str, ...]:
    """The printed lines: street, then postcode and city; a school without one prints none."""
    town = " ".join(p for p in (school.address_postcode, school.address_city) if p)
    return tuple(line for line in (school.address_street or "", town) if line)


def school_details(school: School) -> SchoolDetails:
    """The payee as printed; a school without a BIC gets the one its IBAN's bank code names."""
    if not school.bank_iban:
        raise ValueError(f"school {school.id} has no bank account to print on invoices")
    bic = school.bank_bic or str(IBAN(school.bank_iban).bic or "")
    return SchoolDetails(
        name=school.name,
        address=school_address(school),
        account_holder=school.bank_holder or school.name,
        iban=school.bank_iban,
        bic=bic,
    )


async def guardians_of(
    session: AsyncSession, child_ids: Iterable[int]
) -> dict[int, list[Guardian]]:
    """Each child's guardians, in the order of their accounts: the first one's language is
    the one of the family's PDFs."""
    guardians: dict[int, list[Guardian]] = {}
    for child_id, user in (
        await session.execute(
            select(col(Guardianship.child_id), User)
            .join(User, col(User.id) == col(Guardianship.parent_id))
            .where(col(Guardianship.child_id).in_(list(child_ids)))
            .order_by(col(User.id))
        )
    ).all():
        guardians.setdefault(child_id, []).append(
            Guardian(user.email, user.display_name, _locale(user.locale))
        )
    return guardians


async def _pending(session: AsyncSession, invoice_ids: Sequence[int]) -> list[Pending]:
    invoices = (
        await session.scalars(
            select(Invoice)
            .where(col(Invoice.id).in_(list(invoice_ids)))
            .where(col(Invoice.document_id).is_(None))
            .order_by(col(Invoice.id))
        )
    ).all()
    if not invoices:
        return []
    ids = [invoice.id for invoice in invoices]
    lines: dict[int, list[InvoiceLine]] = {}
    for line in await session.scalars(
        select(InvoiceLine)
        .where(col(InvoiceLine.invoice_id).in_(ids))
        .order_by(col(InvoiceLine.invoice_id), col(InvoiceLine.position))
    ):
        lines.setdefault(line.invoice_id, []).append(line)
    child_ids = {invoice.child_id for invoice in invoices}
    children = {
        child.id: child
        for child in await session.scalars(select(Child).where(col(Child.id).in_(child_ids)))
    }
    guardians = await guardians_of(session, child_ids)
    schools = {
        school.id: school_details(school)
        for school in await session.scalars(
            select(School).where(col(School.id).in_({i.school_id for i in invoices}))
        )
    }
    found = []
    for invoice in invoices:
        view = InvoiceView.of(invoice)
        child = children[invoice.child_id]
        own = tuple(guardians.get(invoice.child_id, ()))
        document = InvoiceDocument(
            # The first guardian's language: the PDF is one file the family shares.
            locale=own[0].locale if own else "fr",
            school=schools[invoice.school_id],
            child=ChildDetails(f"{child.first_name} {child.last_name}", child.class_name or ""),
            number=invoice_number(view),
            title=invoice.title,
            issued_on=invoice.issued_on,
            due_on=invoice.due_on,
            lines=tuple(
                BillLine(line.label, line.quantity, line.unit_price_cents)
                for line in lines.get(view.id, [])
            ),
            amount_due_cents=view.due_cents,
            communication=invoice_communication(view.id),
        )
        found.append(Pending(view, document, own))
    return found


async def publish_invoices(
    tx: Transactions, storage: DocumentStorage, invoice_ids: Sequence[int]
) -> list[int]:
    """Render, store and attach the PDF of each given invoice not yet published. Answers the
    ids this call published (an invoice already published by someone else is skipped)."""
    pending = await tx.read(lambda session: _pending(session, invoice_ids))
    published: list[int] = []
    async for item, data in rendered_in_order(pending, _document, render_invoice_pdf):
        if await _attach(tx, storage, item, data):
            published.append(item.invoice.id)
    return published


def _document(item: Pending) -> InvoiceDocument:
    return item.document


async def _attach(tx: Transactions, storage: DocumentStorage, item: Pending, data: bytes) -> bool:
    checked = check_file(data, item.file_name, PDF_TYPE, max_bytes=tx.settings.documents_max_bytes)

    async def attach(uow: UnitOfWork, key: str) -> None:
        new = NewDocument(
            f"{item.document.title} ({item.document.number})"[:200],
            item.invoice.issued_on,
            Audience.child(item.invoice.child_id),
            kind=DocumentKind.INVOICE,
        )
        document = await record_document(
            uow, item.invoice.school_id, checked, key, new, notify=False
        )
        attached = await uow.session.execute(
            update(Invoice)
            .where(col(Invoice.id) == item.invoice.id)
            .where(col(Invoice.document_id).is_(None))
            .values(document_id=document.id, published_at=uow.now)
        )
        if attached.rowcount != 1:  # type: ignore[attr-defined]
            raise AlreadyAttached
        await emit_invoice_changed(uow, item.invoice.id, InvoiceChange.PUBLISHED)
        await _mail_guardians(uow, item, checked.data)

    return await store_and_attach(tx, storage, checked.data, attach)


async def _mail_guardians(uow: UnitOfWork, item: Pending, data: bytes) -> None:
    document = item.document
    for guardian in item.guardians:
        await send_mail(
            uow,
            to=guardian.email,
            template="invoice",
            locale=guardian.locale,
            school_id=item.invoice.school_id,
            context={
                "school_name": document.school.name,
                "display_name": guardian.display_name,
                "child_name": document.child.name,
                "title": document.title,
                "number": document.number,
                "total_cents": document.total_cents,
                "due_cents": document.amount_due_cents,
                "due_on": document.due_on,
                "communication": document.communication,
                "iban": document.school.iban_display,
            },
            attachments=[Attachment(item.file_name, PDF_TYPE, data)],
        )
