"""Parents order photos for a child: quantities per article of an open campaign.

Refusals: NOT_FOUND (another family's child, a campaign or article not meant for it),
FEATURE_DISABLED, ORDER_CLOSED (after the order-until date, school time zone), INVALID_INPUT
(no line, a quantity out of range), IDEMPOTENCY_CONFLICT. Each order is claimed by its
idempotency key, so a retried or doubled request makes one order.

The order's invoice and summary document come from billing once it exists; this module keeps
what the order itself is.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.billing import Invoice
from models.photos import (
    PhotoArticle,
    PhotoCampaign,
    PhotoOrder,
    PhotoOrderLine,
    PhotoOrderStatus,
)
from services.accounts.actor import Actor
from services.billing.crediting import credit_invoice_internal
from services.billing.issuing import issue_invoice_internal
from services.billing.views import LineInput
from services.common.errors import DomainError, ErrorCode, NotFound
from services.common.idempotency import actor_key, idempotent
from services.family.children import (
    child_for,
    get_school,
    require_child_present,
    require_present,
    visible_children,
)
from services.photos.campaigns import (
    articles_of,
    campaign_for_child,
    require_photos,
    school_today,
)
from services.sql.uow import UnitOfWork

MAX_QUANTITY = 50
# The invoice of an order is due when ordering closes, and at least this long after ordering.
PAY_WITHIN = timedelta(days=14)


@dataclass(frozen=True)
class OrderLine:
    article_id: int
    quantity: int


def _lines(lines: Sequence[OrderLine]) -> dict[int, int]:
    """Quantities per article; an article named twice adds up; zero quantities drop out."""
    quantities: dict[int, int] = {}
    for line in lines:
        if not 0 <= line.quantity <= MAX_QUANTITY:
            raise DomainError(ErrorCode.INVALID_INPUT, "lines")
        if line.quantity:
            quantities[line.article_id] = quantities.get(line.article_id, 0) + line.quantity
    if not quantities or any(q > MAX_QUANTITY for q in quantities.values()):
        raise DomainError(ErrorCode.INVALID_INPUT, "lines")
    return quantities


async def _create(
    uow: UnitOfWork, actor: Actor, child_id: int, campaign_id: int, quantities: dict[int, int]
) -> int:
    session = uow.session
    child, campaign = await campaign_for_child(session, actor, child_id, campaign_id)
    require_present(actor, child.left_at)
    school = await get_school(session, child.school_id)
    if school_today(school, uow.now) > campaign.order_until:
        raise DomainError(ErrorCode.ORDER_CLOSED, "campaignId")
    if not school.bank_iban:
        # The order is paid through its invoice: without the school's account there is no
        # way to pay it, so no order is taken (rather than one whose invoice cannot print).
        raise DomainError(ErrorCode.FEATURE_DISABLED)
    articles = {
        article.id: article
        for article in await session.scalars(
            select(PhotoArticle).where(col(PhotoArticle.campaign_id) == campaign.id)
        )
    }
    if any(article_id not in articles for article_id in quantities):
        raise NotFound("lines")
    chosen = sorted(quantities, key=lambda a: articles[a].position)
    order = PhotoOrder(
        school_id=child.school_id,
        campaign_id=campaign_id,
        child_id=child_id,
        ordered_by=actor.user_id,
        total_cents=sum(articles[a].price_cents * quantities[a] for a in chosen),
        created_at=uow.now,
    )
    session.add(order)
    await session.flush()
    assert order.id is not None
    for article_id in chosen:
        article = articles[article_id]
        session.add(
            PhotoOrderLine(
                order_id=order.id,
                article_id=article_id,
                label=article.name,
                quantity=quantities[article_id],
                unit_price_cents=article.price_cents,
            )
        )
    await session.flush()
    campaign_title = campaign.title
    invoice = await issue_invoice_internal(
        uow,
        child.school_id,
        child_id,
        campaign_title,
        [LineInput(articles[a].name, quantities[a], articles[a].price_cents) for a in chosen],
        school_today(school, uow.now),
        max(campaign.order_until, school_today(school, uow.now) + PAY_WITHIN),
        source="photos",
        created_by=actor.user_id,
    )
    order.invoice_id = invoice.id
    session.add(order)
    await session.flush()
    return order.id


async def order_photos(
    uow: UnitOfWork,
    actor: Actor,
    *,
    child_id: int,
    campaign_id: int,
    lines: Sequence[OrderLine],
    idempotency_key: str,
) -> PhotoOrder:
    quantities = _lines(lines)
    request: dict[str, Any] = {
        "childId": child_id,
        "campaignId": campaign_id,
        "lines": sorted(quantities.items()),
    }
    order_id = await idempotent(
        uow,
        scope="orderPhotos",
        actor=actor_key(actor),
        key=idempotency_key,
        request=request,
        work=lambda: _create(uow, actor, child_id, campaign_id, quantities),
        encode=lambda order_id: order_id,
        decode=int,
    )
    return await order_for(uow.session, actor, order_id)


async def order_for(session: AsyncSession, actor: Actor, order_id: int) -> PhotoOrder:
    """An order of a child the actor may see; NOT_FOUND otherwise, as for a missing one."""
    order = await session.scalar(
        select(PhotoOrder).where(
            col(PhotoOrder.id) == order_id,
            col(PhotoOrder.child_id).in_(visible_children(actor)),
        )
    )
    if order is None:
        raise NotFound("orderId")
    return order


async def cancel_order(uow: UnitOfWork, actor: Actor, order_id: int) -> PhotoOrder:
    """Cancel an active order. One conditional UPDATE decides between two racing requests:
    the loser gets ALREADY_CANCELLED."""
    order = await order_for(uow.session, actor, order_id)
    await require_child_present(uow.session, actor, order.child_id)
    require_photos(await get_school(uow.session, order.school_id))
    invoice = (
        await uow.session.get(Invoice, order.invoice_id, populate_existing=True)
        if order.invoice_id is not None
        else None
    )
    if invoice is not None and invoice.paid_cents > 0:
        raise DomainError(ErrorCode.ALREADY_PAID, "orderId")
    changed = await uow.session.execute(
        update(PhotoOrder)
        .where(col(PhotoOrder.id) == order_id, col(PhotoOrder.status) == PhotoOrderStatus.ACTIVE)
        .values(status=PhotoOrderStatus.CANCELLED, cancelled_at=uow.now)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.ALREADY_CANCELLED, "orderId")
    if invoice is not None and invoice.id is not None:
        # Nothing was paid (checked above; a payment racing in makes the credit refund it).
        rest = invoice.total_cents - invoice.credited_cents
        if rest > 0:
            await credit_invoice_internal(
                uow,
                order.school_id,
                invoice.id,
                rest,
                "Commande de photos annulée",
                created_by=actor.user_id,
            )
    await uow.session.refresh(order)
    return order


async def orders_of_child(session: AsyncSession, actor: Actor, child_id: int) -> list[PhotoOrder]:
    """The child's orders, newest first."""
    child = await child_for(session, actor, child_id)
    require_photos(await get_school(session, child.school_id))
    rows = await session.scalars(
        select(PhotoOrder)
        .where(col(PhotoOrder.child_id) == child.id)
        .order_by(col(PhotoOrder.id).desc())
    )
    return list(rows)


async def lines_of(session: AsyncSession, order_ids: Sequence[int]) -> list[PhotoOrderLine]:
    if not order_ids:
        return []
    rows = await session.scalars(
        select(PhotoOrderLine)
        .where(col(PhotoOrderLine.order_id).in_(order_ids))
        .order_by(col(PhotoOrderLine.order_id), col(PhotoOrderLine.id))
    )
    return list(rows)


@dataclass(frozen=True)
class OrderView:
    """An order with what it shows: its lines, its campaign and that campaign's articles."""

    order: PhotoOrder
    lines: list[PhotoOrderLine]
    campaign: PhotoCampaign
    articles: list[PhotoArticle]


async def order_views(session: AsyncSession, orders: Sequence[PhotoOrder]) -> list[OrderView]:
    """The orders as shown, in three statements whatever their number."""
    ids = [o.id for o in orders if o.id is not None]
    lines = await lines_of(session, ids)
    campaign_ids = sorted({o.campaign_id for o in orders})
    campaigns = {
        c.id: c
        for c in await session.scalars(
            select(PhotoCampaign).where(col(PhotoCampaign.id).in_(campaign_ids))
        )
    }
    articles = await articles_of(session, campaign_ids)
    return [
        OrderView(
            order,
            [line for line in lines if line.order_id == order.id],
            campaigns[order.campaign_id],
            [a for a in articles if a.campaign_id == order.campaign_id],
        )
        for order in orders
    ]
