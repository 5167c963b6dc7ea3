"""Photo orders as a parent sees them (lines at the prices paid, total, status), and what
photos add to `Child`.

`InvoiceLine` is the contract's line type, shared with invoices: an order's lines are its
invoice's lines."""

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from schema.access import actor_of, read
from schema.billing import ChildInvoices, Invoice, InvoiceLine
from schema.context import Info
from schema.documents import Document
from schema.errors import UserError, refused
from schema.ids import to_global_id
from schema.money import Money, money
from schema.node import Node
from schema.photos import PhotoCampaign
from services.billing import reading
from services.common.errors import DomainError, NotFound
from services.documents import access
from services.photos.campaigns import articles_of, open_campaigns_for_child
from services.photos.orders import OrderView, order_views, orders_of_child


@strawberry.type
class ChildPhotos:
    db_id: strawberry.Private[int]

    @strawberry.field(description="Campaigns open for ordering to this child's parents.")
    async def photo_campaigns(self, info: Info) -> list[PhotoCampaign]:
        actor, now = actor_of(info), info.context.runtime.settings.clock()
        child_id = self.db_id
        try:
            campaigns = await read(
                info, lambda s: open_campaigns_for_child(s, actor, child_id, now)
            )
        except DomainError as error:
            raise refused(info, error) from None
        ids = [c.id for c in campaigns if c.id is not None]
        articles = await read(info, lambda s: articles_of(s, ids))
        return [PhotoCampaign.from_rows(c, articles, child_id) for c in campaigns]

    @strawberry.field(description="This child's photo orders, newest first.")
    async def photo_orders(self, info: Info) -> list["PhotoOrder"]:
        actor, child_id = actor_of(info), self.db_id

        async def load(session: AsyncSession) -> list[OrderView]:
            return await order_views(session, await orders_of_child(session, actor, child_id))

        try:
            views = await read(info, load)
        except DomainError as error:
            raise refused(info, error) from None
        return [PhotoOrder.from_view(view, self) for view in views]


@strawberry.type
class PhotoOrder(Node):
    db_id: strawberry.Private[int]
    campaign: PhotoCampaign
    # Named, not imported (schema.family imports this module); to Python, a ChildPhotos.
    child: ChildPhotos = strawberry.field(
        graphql_type=Annotated["Child", strawberry.lazy("schema.family")]  # noqa: F821
    )
    lines: list[InvoiceLine]
    total: Money
    status: str = strawberry.field(description="ACTIVE | CANCELLED")
    invoice_db_id: strawberry.Private[int | None]
    summary_db_id: strawberry.Private[int | None]

    @strawberry.field(description="How it is paid.")
    async def invoice(self, info: Info) -> Invoice:
        actor, invoice_id, child = actor_of(info), self.invoice_db_id, self.child
        assert isinstance(child, ChildInvoices)  # the Child itself (see `child`)
        try:
            if invoice_id is None:  # not issued: never expected of an order
                raise NotFound()
            view = await read(info, lambda s: reading.invoice_for(s, actor, invoice_id))
        except DomainError as error:
            raise refused(info, error) from None
        return Invoice.from_view(view, child)

    @strawberry.field(description='Kind "photo_order": what was ordered, how to pay.')
    async def summary(self, info: Info) -> Document:
        actor, document_id = actor_of(info), self.summary_db_id
        try:
            if document_id is None:  # not rendered yet: published with the order's answer
                raise NotFound()
            view = await read(info, lambda s: access.document_for(s, actor, document_id))
        except DomainError as error:
            raise refused(info, error) from None
        return Document.seen_by(info, actor, view)

    @classmethod
    def from_view(cls, view: OrderView, child: ChildPhotos) -> "PhotoOrder":
        order = view.order
        assert order.id is not None
        return cls(
            id=to_global_id("PhotoOrder", order.id),
            db_id=order.id,
            campaign=PhotoCampaign.from_rows(view.campaign, view.articles, order.child_id),
            child=child,
            lines=[InvoiceLine.of(x.label, x.quantity, x.unit_price_cents) for x in view.lines],
            total=money(order.total_cents),
            status=order.status,
            invoice_db_id=order.invoice_id,
            summary_db_id=order.summary_document_id,
        )


@strawberry.type
class PhotoOrderPayload:
    order: PhotoOrder | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class PhotoOrderLineInput:
    article_id: strawberry.ID
    quantity: int
