"""After an order: its invoice published with its PDF, and its summary (kind `photo_order`):
what was ordered, the total, the IBAN, the invoice's communication and its EPC QR code, in
the guardian's language, reached by the child's guardians alone, made once by racing
publishers."""

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import col, select

from models.billing import Invoice
from models.documents import DocumentKind
from models.photos import PhotoOrder
from services.billing.views import invoice_communication
from services.common.errors import DomainError, ErrorCode, NotFound
from services.common.school_time import local_today, zone
from services.documents.access import child_documents, document_for
from services.photos.orders import OrderLine, order_photos
from services.photos.summary import publish_order, publish_pending_orders
from services.sql.uow import Transactions
from settings import Settings
from storage.local import LocalStorage
from tests.factories import Family, actor_for, make_family, pk
from tests.services.photos.support import make_campaign, photo_school
from tests.support.clock import FakeClock
from tests.support.pdf import pdf_text, qr_payloads


async def _ordered(
    tx: Transactions, clock: FakeClock, locale: str = "fr"
) -> tuple[Family, Family, PhotoOrder]:
    school, staff = await photo_school(tx)
    family = await make_family(tx, school, locale=locale)
    stranger = await make_family(tx, school)
    today = local_today(clock(), zone("Europe/Brussels"))
    campaign = await make_campaign(tx, staff, until=today + timedelta(days=3))
    portrait, group = campaign.articles
    order = await tx.run(
        lambda uow: order_photos(
            uow,
            actor_for(family.parent),
            child_id=pk(family.child),
            campaign_id=campaign.id,
            lines=[OrderLine(pk(portrait), 2), OrderLine(pk(group), 1)],
            idempotency_key="summary-1",
        )
    )
    return family, stranger, order


async def _row(tx: Transactions, order: PhotoOrder) -> PhotoOrder:
    found = await tx.read(lambda s: s.get(PhotoOrder, pk(order), populate_existing=True))
    assert found is not None
    return found


async def test_the_summary_carries_articles_total_iban_communication_and_the_epc_code(
    tx: Transactions, clock: FakeClock, settings: Settings
) -> None:
    family, _, order = await _ordered(tx, clock)
    storage = LocalStorage(settings.documents_dir)
    assert await publish_order(tx, storage, pk(order)) is True
    row = await _row(tx, order)
    assert row.summary_document_id is not None and row.invoice_id is not None
    invoice_id = row.invoice_id
    invoice = await tx.read(lambda s: s.get(Invoice, invoice_id, populate_existing=True))
    assert invoice is not None
    assert invoice.document_id is not None and invoice.published_at is not None

    parent = actor_for(family.parent)
    page = await tx.read(lambda s: child_documents(s, parent, pk(family.child)))
    assert sorted(view.document.kind for view in page.items) == [
        DocumentKind.INVOICE,
        DocumentKind.PHOTO_ORDER,
    ]
    [summary] = [v.document for v in page.items if v.document.kind == DocumentKind.PHOTO_ORDER]
    assert summary.id == row.summary_document_id
    number = f"{invoice.school_year}-{invoice.number:04d}"
    assert summary.title == f"Commande de photos – Photos de classe ({number})"
    data = b"".join([chunk async for chunk in storage.stream(summary.storage_key)])
    text = pdf_text(data)
    communication = invoice_communication(invoice_id)
    for printed in (
        "Commande de photos",
        "Portrait 13x18",
        "Photo de classe",
        "22,50",  # 2 × 8,00 + 6,50
        "BE71 0961 2345 6769",
        communication,
        number,
    ):
        assert printed in text, printed
    [payload] = qr_payloads(data)
    fields = payload.split(b"\n")
    assert fields[:4] == [b"BCD", b"002", b"1", b"SCT"]
    assert fields[6] == b"BE71096123456769"
    assert fields[7] == b"EUR22.5"
    assert fields[9] == communication.strip("+").replace("/", "").encode()

    # Once done, publishing again changes nothing.
    assert await publish_order(tx, storage, pk(order)) is False
    assert (await _row(tx, order)).summary_document_id == row.summary_document_id


async def test_the_summary_is_in_the_guardians_language_and_theirs_alone(
    tx: Transactions, clock: FakeClock, settings: Settings
) -> None:
    family, stranger, order = await _ordered(tx, clock, locale="nl")
    await publish_order(tx, LocalStorage(settings.documents_dir), pk(order))
    summary_id = (await _row(tx, order)).summary_document_id
    assert summary_id is not None
    mine = await tx.read(lambda s: document_for(s, actor_for(family.parent), summary_id))
    assert mine.document.title.startswith("Fotobestelling – Photos de classe (")
    with pytest.raises(NotFound):
        await tx.read(lambda s: document_for(s, actor_for(stranger.parent), summary_id))


async def test_racing_publishers_make_one_summary(
    tx: Transactions, clock: FakeClock, settings: Settings
) -> None:
    family, _, order = await _ordered(tx, clock)
    storage = LocalStorage(settings.documents_dir)
    before = {f.key for f in await storage.files()}
    results = await asyncio.gather(*(publish_order(tx, storage, pk(order)) for _ in range(4)))
    assert sorted(results) == [False, False, False, True]
    page = await tx.read(lambda s: child_documents(s, actor_for(family.parent), pk(family.child)))
    kinds = sorted(view.document.kind for view in page.items)
    assert kinds == [DocumentKind.INVOICE, DocumentKind.PHOTO_ORDER]
    # The losers' files are gone: what is left is the two published documents' files.
    left = {f.key for f in await storage.files()} - before
    assert left == {view.document.storage_key for view in page.items}


async def test_orders_left_without_a_summary_are_published_by_the_sweep(
    tx: Transactions, clock: FakeClock, settings: Settings
) -> None:
    _, _, order = await _ordered(tx, clock)
    storage = LocalStorage(settings.documents_dir)
    # Others' orders left behind by earlier tests may be published too: at least this one.
    assert await publish_pending_orders(tx, storage) >= 1
    row = await _row(tx, order)
    assert row.summary_document_id is not None
    invoice_id = row.invoice_id
    invoice = await tx.read(lambda s: s.get(Invoice, invoice_id, populate_existing=True))
    assert invoice is not None and invoice.published_at is not None
    assert await publish_pending_orders(tx, storage) == 0


async def test_a_school_without_a_bank_account_takes_no_order(
    tx: Transactions, clock: FakeClock
) -> None:
    school, staff = await photo_school(tx, bank_iban=None)
    family = await make_family(tx, school)
    today = local_today(clock(), zone("Europe/Brussels"))
    campaign = await make_campaign(tx, staff, until=today + timedelta(days=3))
    with pytest.raises(DomainError) as refused:
        await tx.run(
            lambda uow: order_photos(
                uow,
                actor_for(family.parent),
                child_id=pk(family.child),
                campaign_id=campaign.id,
                lines=[OrderLine(pk(campaign.articles[0]), 1)],
                idempotency_key="no-bank",
            )
        )
    assert refused.value.code == ErrorCode.FEATURE_DISABLED
    orders = await tx.read(
        lambda s: s.scalars(select(PhotoOrder).where(col(PhotoOrder.child_id) == pk(family.child)))
    )
    assert list(orders) == []
