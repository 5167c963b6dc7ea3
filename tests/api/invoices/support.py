"""Issuing and publishing invoices for the API tests (the PDF is any published document)."""

from sqlalchemy import update
from sqlmodel import col

from models.billing import Invoice
from models.family import Child, School
from services.documents.publishing import Audience
from services.sql.uow import Transactions, UnitOfWork
from tests.factories import make_document, pk
from tests.support.graphql import GraphQL

ISSUE = """
mutation($child: ID!, $title: String!, $lines: [InvoiceLineInput!]!, $on: Date!, $due: Date!) {
  issueInvoice(childId: $child, title: $title, lines: $lines, issuedOn: $on, dueOn: $due) {
    invoice { id number title total { cents } due { cents } status document { kind title } }
    errors { code field }
  }
}"""


async def issue(
    staff: GraphQL, child: str, title: str, cents: int, on: str, due: str
) -> dict[str, object]:
    lines = [{"label": title, "quantity": 1, "unitPriceCents": cents}]
    result = await staff.data(
        ISSUE, {"child": child, "title": title, "lines": lines, "on": on, "due": due}
    )
    payload = result["issueInvoice"]
    assert payload["errors"] == []
    invoice: dict[str, object] = payload["invoice"]
    assert invoice["document"] == {"kind": "invoice", "title": f"{title} ({invoice['number']})"}
    return invoice


async def publish(tx: Transactions, school: School, child: Child, invoice_db_id: int) -> None:
    """What the PDF step does: attach the document and publish the invoice."""
    document = await make_document(tx, school, Audience.child(pk(child)), title="Facture")

    async def work(uow: UnitOfWork) -> None:
        await uow.session.execute(
            update(Invoice)
            .where(col(Invoice.id) == invoice_db_id)
            .values(document_id=document.id, published_at=uow.now)
        )

    await tx.run(work)


async def unpublish(tx: Transactions, invoice_db_id: int) -> None:
    """As an invoice whose PDF is not rendered yet (issued by a service, not by issueInvoice)."""

    async def work(uow: UnitOfWork) -> None:
        await uow.session.execute(
            update(Invoice)
            .where(col(Invoice.id) == invoice_db_id)
            .values(document_id=None, published_at=None)
        )

    await tx.run(work)


async def switch_wallet_payment(tx: Transactions, school: School, on: bool) -> None:
    async def work(uow: UnitOfWork) -> None:
        await uow.session.execute(
            update(School)
            .where(col(School.id) == school.id)
            .values(feature_pay_invoice_from_wallet=on)
        )

    await tx.run(work)
