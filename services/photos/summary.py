"""After an order: its invoice published with its PDF, and its summary document.

    await publish_order(tx, storage, order_id)

Run after the ordering transaction, as staff-issued invoices are published: rendering takes no
lock, so it happens outside any transaction from a read made first. The summary (kind
`photo_order`: what was ordered, the total, how to pay it: the school's IBAN, the invoice's
communication and its EPC QR code) goes to the child alone, so only its guardians reach it, in
the first guardian's language like the invoice. It is attached by one conditional UPDATE
(`summary_document_id IS NULL`): two publishers of one order leave one document, and the
loser's file is removed again. Calling it again once done does nothing, so a retried
`orderPhotos` repairs an order whose publication failed.
"""

import asyncio
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.billing import Invoice
from models.documents import DocumentKind
from models.family import Child, School
from models.photos import PhotoCampaign, PhotoOrder, PhotoOrderLine
from services.billing.documents import BillLine, ChildDetails, PhotoOrderDocument
from services.billing.pdf_photo_order import render_photo_order_pdf
from services.billing.pdf_texts import text
from services.billing.publishing import PDF_TYPE, guardians_of, publish_invoices, school_details
from services.billing.receipts import invoice_number
from services.billing.views import InvoiceView
from services.documents.attaching import AlreadyAttached, store_and_attach
from services.documents.files import check_file
from services.documents.publishing import Audience, NewDocument, record_document
from services.sql.uow import Transactions, UnitOfWork
from storage.protocol import DocumentStorage


@dataclass(frozen=True)
class PendingSummary:
    order_id: int
    school_id: int
    child_id: int
    document: PhotoOrderDocument

    @property
    def title(self) -> str:
        heading = text(self.document.locale, "billing.pdf.photo_order.heading")
        # A dash reads the same in every language (French would want " : ", English ": ").
        return f"{heading} – {self.document.campaign_title} ({self.document.invoice_number})"

    @property
    def file_name(self) -> str:
        return f"photo-order-{self.document.invoice_number}.pdf"


async def publish_order(tx: Transactions, storage: DocumentStorage, order_id: int) -> bool:
    """Publish the order's invoice (if not yet) and its summary (if not yet). Answers whether
    this call attached the summary."""
    invoice_id = await tx.read(lambda s: _invoice_of(s, order_id))
    if invoice_id is not None:
        await publish_invoices(tx, storage, [invoice_id])
    pending = await tx.read(lambda s: _pending(s, order_id))
    if pending is None:
        return False
    data = await asyncio.to_thread(render_photo_order_pdf, pending.document)
    return await _attach(tx, storage, pending, data)


async def publish_pending_orders(tx: Transactions, storage: DocumentStorage) -> int:
    """Every order left without its summary (the app stopped between the order and its
    publication, or orders placed before summaries existed): for `cli publish-photo-orders`.
    Answers how many this call completed."""
    order_ids = await tx.read(_orders_without_summary)
    done = 0
    for order_id in order_ids:
        done += await publish_order(tx, storage, order_id)
    return done


async def _orders_without_summary(session: AsyncSession) -> list[int]:
    rows = await session.scalars(
        select(col(PhotoOrder.id))
        .where(col(PhotoOrder.summary_document_id).is_(None))
        .where(col(PhotoOrder.invoice_id).is_not(None))
        .order_by(col(PhotoOrder.id))
    )
    return [int(order_id) for order_id in rows if order_id is not None]


async def _invoice_of(session: AsyncSession, order_id: int) -> int | None:
    order = await session.get(PhotoOrder, order_id, populate_existing=True)
    return None if order is None else order.invoice_id


async def _pending(session: AsyncSession, order_id: int) -> PendingSummary | None:
    """The order as its summary prints it; None once it has one (or has no invoice)."""
    order = await session.get(PhotoOrder, order_id, populate_existing=True)
    if order is None or order.summary_document_id is not None or order.invoice_id is None:
        return None
    invoice = await session.get(Invoice, order.invoice_id)
    campaign = await session.get(PhotoCampaign, order.campaign_id)
    child = await session.get(Child, order.child_id)
    school = await session.get(School, order.school_id)
    assert invoice is not None and campaign is not None
    assert child is not None and school is not None
    lines = await session.scalars(
        select(PhotoOrderLine)
        .where(col(PhotoOrderLine.order_id) == order_id)
        .order_by(col(PhotoOrderLine.id))
    )
    guardians = (await guardians_of(session, [order.child_id])).get(order.child_id, [])
    view = InvoiceView.of(invoice)
    document = PhotoOrderDocument(
        locale=guardians[0].locale if guardians else "fr",
        school=school_details(school),
        child=ChildDetails(f"{child.first_name} {child.last_name}", child.class_name or ""),
        campaign_title=campaign.title,
        invoice_number=invoice_number(view),
        ordered_on=invoice.issued_on,
        due_on=invoice.due_on,
        articles=tuple(BillLine(x.label, x.quantity, x.unit_price_cents) for x in lines),
        communication=view.communication,
    )
    return PendingSummary(order_id, order.school_id, order.child_id, document)


async def _attach(
    tx: Transactions, storage: DocumentStorage, item: PendingSummary, data: bytes
) -> bool:
    checked = check_file(data, item.file_name, PDF_TYPE, max_bytes=tx.settings.documents_max_bytes)

    async def attach(uow: UnitOfWork, key: str) -> None:
        new = NewDocument(
            item.title[:200],
            item.document.ordered_on,
            Audience.child(item.child_id),
            kind=DocumentKind.PHOTO_ORDER,
        )
        # The guardians were mailed the invoice with its PDF: no second mail for this one.
        document = await record_document(uow, item.school_id, checked, key, new, notify=False)
        attached = await uow.session.execute(
            update(PhotoOrder)
            .where(col(PhotoOrder.id) == item.order_id)
            .where(col(PhotoOrder.summary_document_id).is_(None))
            .values(summary_document_id=document.id)
        )
        if attached.rowcount != 1:  # type: ignore[attr-defined]
            raise AlreadyAttached

    return await store_and_attach(tx, storage, checked.data, attach)
