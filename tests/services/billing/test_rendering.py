"""A school's worth of PDFs rendered by worker processes: the same bytes, in the same order."""

from dataclasses import replace

from services.billing.documents import ChildDetails, InvoiceDocument
from services.billing.pdf_invoice import render_invoice_pdf
from services.billing.rendering import POOL_FROM, rendered_in_order
from tests.services.billing import samples


def _numbered(count: int) -> list[InvoiceDocument]:
    return [
        replace(
            samples.invoice("fr" if n % 2 else "nl"),
            number=f"2026-{n:04d}",
            child=ChildDetails(f"Enfant {n}", "3A"),
        )
        for n in range(1, count + 1)
    ]


async def test_the_pool_renders_each_document_as_a_direct_render_does_in_order() -> None:
    documents = _numbered(POOL_FROM + 5)

    seen = [
        (item, data) async for item, data in rendered_in_order(documents, _same, render_invoice_pdf)
    ]

    assert [item.number for item, _ in seen] == [d.number for d in documents]
    assert [data for _, data in seen] == [render_invoice_pdf(d) for d in documents]


async def test_a_few_documents_are_rendered_in_a_thread_with_the_same_result() -> None:
    documents = _numbered(3)

    seen = [data async for _, data in rendered_in_order(documents, _same, render_invoice_pdf)]

    assert seen == [render_invoice_pdf(d) for d in documents]


def _same(document: InvoiceDocument) -> InvoiceDocument:
    return document
