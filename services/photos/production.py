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
from models.photos import PhotoArticle, PhotoOrder, PhotoOrderLine, PhotoOrderStatus
from services.accounts.actor import Actor
from services.family.children import get_school, require_staff
from services.photos.campaigns import require_photos, school_campaign

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
