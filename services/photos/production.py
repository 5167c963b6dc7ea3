"""The photographer's production list of a campaign: what to print for whom, as CSV.

One row per child and article over the campaign's active orders (several orders for one child
add up); cancelled orders are left out. UTF-8 with a byte-order mark so spreadsheet programs
read accents right, `;`-separated as Belgian spreadsheets expect.
"""

import csv
import io
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.family import Child
from models.photos import (
    PhotoArticle,
    PhotoCampaign,
    PhotoOrder,
    PhotoOrderLine,
    PhotoOrderStatus,
)
from services.accounts.actor import Actor
from services.family.children import get_school, require_staff
from services.photos.campaigns import articles_of, require_photos, school_campaign

HEADER = ("child", "class", "article", "quantity")


@dataclass(frozen=True)
class ProductionRow:
    child: str
    class_name: str
    article: str
    quantity: int


async def production_list(
    session: AsyncSession, actor: Actor, campaign_id: int
) -> tuple[str, list[ProductionRow]]:
    """The campaign's title and its rows, by class, child, then the campaign's article order.
    Staff only (FORBIDDEN); another school's campaign is NOT_FOUND."""
    require_staff(actor)
    require_photos(await get_school(session, actor.school_id))
    campaign = await school_campaign(session, actor.school_id, campaign_id)
    quantity = func.sum(col(PhotoOrderLine.quantity))
    rows = await session.execute(
        select(
            col(Child.last_name),
            col(Child.first_name),
            col(Child.class_name),
            col(PhotoArticle.name),
            quantity,
        )
        .select_from(PhotoOrderLine)
        .join(PhotoOrder, col(PhotoOrder.id) == col(PhotoOrderLine.order_id))
        .join(PhotoArticle, col(PhotoArticle.id) == col(PhotoOrderLine.article_id))
        .join(Child, col(Child.id) == col(PhotoOrder.child_id))
        .where(
            col(PhotoOrder.campaign_id) == campaign.id,
            col(PhotoOrder.status) == PhotoOrderStatus.ACTIVE,
        )
        .group_by(
            col(Child.id),
            col(Child.last_name),
            col(Child.first_name),
            col(Child.class_name),
            col(PhotoArticle.id),
            col(PhotoArticle.position),
            col(PhotoArticle.name),
        )
        .order_by(
            col(Child.class_name),
            col(Child.last_name),
            col(Child.first_name),
            col(Child.id),
            col(PhotoArticle.position),
        )
    )
    return campaign.title, [
        ProductionRow(f"{last} {first}", class_name or "", article, int(total))
        for last, first, class_name, article, total in rows
    ]


def to_csv(rows: list[ProductionRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow((row.child, row.class_name, row.article, row.quantity))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class CampaignReport:
    campaign: PhotoCampaign
    articles: list[PhotoArticle]
    orders: int  # active orders
    total_cents: int  # what they come to


async def campaign_reports(session: AsyncSession, actor: Actor) -> list[CampaignReport]:
    """Staff: every campaign of the school, latest order-until date first, with its active
    orders' count and total (FORBIDDEN for others)."""
    require_staff(actor)
    require_photos(await get_school(session, actor.school_id))
    campaigns = list(
        await session.scalars(
            select(PhotoCampaign)
            .where(col(PhotoCampaign.school_id) == actor.school_id)
            .order_by(col(PhotoCampaign.order_until).desc(), col(PhotoCampaign.id).desc())
        )
    )
    ids = [c.id for c in campaigns if c.id is not None]
    totals = {
        campaign_id: (int(count), int(total or 0))
        for campaign_id, count, total in await session.execute(
            select(
                col(PhotoOrder.campaign_id),
                func.count(col(PhotoOrder.id)),
                func.sum(col(PhotoOrder.total_cents)),
            )
            .where(
                col(PhotoOrder.campaign_id).in_(ids),
                col(PhotoOrder.status) == PhotoOrderStatus.ACTIVE,
            )
            .group_by(col(PhotoOrder.campaign_id))
        )
    }
    articles = await articles_of(session, ids)
    return [
        CampaignReport(
            campaign,
            [a for a in articles if a.campaign_id == campaign.id],
            *totals.get(campaign.id or 0, (0, 0)),
        )
        for campaign in campaigns
    ]
