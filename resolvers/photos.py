"""Photo campaigns (staff open them; proofs and the production list are HTTP routes) and
photo orders (parents order and cancel)."""

from datetime import date

import strawberry

from models.photos import PhotoOrder as PhotoOrderRow
from resolvers.common import require_id
from schema.access import actor_of, read, run
from schema.context import Info
from schema.errors import catches_user_errors, refused
from schema.family import Child
from schema.money import money
from schema.photo_orders import PhotoOrder, PhotoOrderLineInput, PhotoOrderPayload
from schema.photos import (
    PhotoArticleInput,
    PhotoCampaign,
    PhotoCampaignPayload,
    PhotoCampaignReport,
)
from services.common.errors import DomainError
from services.family.children import child_view_for
from services.photos.campaigns import NewArticle, articles_of, open_campaign
from services.photos.orders import (
    OrderLine,
    cancel_order,
    order_for,
    order_photos,
    order_views,
)
from services.photos.production import campaign_reports
from services.photos.summary import publish_order


@strawberry.type
class Query:
    @strawberry.field(
        description="Staff: the school's photo campaigns, latest first, with their orders."
    )
    async def photo_campaign_reports(self, info: Info) -> list[PhotoCampaignReport]:
        actor = actor_of(info)
        try:
            reports = await read(info, lambda s: campaign_reports(s, actor))
        except DomainError as error:
            raise refused(info, error) from None
        result = []
        for report in reports:
            campaign = PhotoCampaign.from_rows(report.campaign, report.articles, None)
            result.append(
                PhotoCampaignReport(
                    campaign=campaign,
                    orders=report.orders,
                    total=money(report.total_cents),
                    production_list_path=f"/photo-campaigns/{campaign.id}/production.csv",
                )
            )
        return result


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Staff: a photo campaign for some classes (none: the whole school)."
    )
    @catches_user_errors(PhotoCampaignPayload)
    async def open_photo_campaign(
        self,
        info: Info,
        title: str,
        order_until: date,
        articles: list[PhotoArticleInput],
        class_names: list[str] | None = None,
    ) -> PhotoCampaignPayload:
        actor = actor_of(info)
        wanted = [NewArticle(a.name, a.price_cents) for a in articles]
        campaign = await run(
            info,
            lambda uow: open_campaign(
                uow,
                actor,
                title=title,
                order_until=order_until,
                articles=wanted,
                class_names=class_names or [],
            ),
        )
        assert campaign.id is not None
        campaign_id = campaign.id
        rows = await read(info, lambda s: articles_of(s, [campaign_id]))
        return PhotoCampaignPayload(campaign=PhotoCampaign.from_rows(campaign, rows, None))

    @strawberry.mutation(
        description="Order photos for a child: quantities per article, once per key."
    )
    @catches_user_errors(PhotoOrderPayload)
    async def order_photos(
        self,
        info: Info,
        child_id: strawberry.ID,
        campaign_id: strawberry.ID,
        lines: list[PhotoOrderLineInput],
        idempotency_key: str,
    ) -> PhotoOrderPayload:
        actor = actor_of(info)
        child = require_id(child_id, "Child", "childId")
        campaign = require_id(campaign_id, "PhotoCampaign", "campaignId")
        wanted = [
            OrderLine(require_id(line.article_id, "PhotoArticle", "lines"), line.quantity)
            for line in lines
        ]
        order = await run(
            info,
            lambda uow: order_photos(
                uow,
                actor,
                child_id=child,
                campaign_id=campaign,
                lines=wanted,
                idempotency_key=idempotency_key,
            ),
        )
        # Its invoice's PDF and its summary are rendered after the ordering transaction (a
        # retry under the same key finishes what a failure left undone).
        assert order.id is not None
        runtime, order_id = info.context.runtime, order.id
        await publish_order(runtime.transactions, runtime.storage, order_id)
        order = await read(info, lambda s: order_for(s, actor, order_id))
        return await _payload(info, order)

    @strawberry.mutation(description="Cancel a photo order (before any payment).")
    @catches_user_errors(PhotoOrderPayload)
    async def cancel_photo_order(self, info: Info, order_id: strawberry.ID) -> PhotoOrderPayload:
        actor = actor_of(info)
        order_db_id = require_id(order_id, "PhotoOrder", "orderId")
        order = await run(info, lambda uow: cancel_order(uow, actor, order_db_id))
        return await _payload(info, order)


async def _payload(info: Info, order: PhotoOrderRow) -> PhotoOrderPayload:
    actor = actor_of(info)
    [view] = await read(info, lambda s: order_views(s, [order]))
    child = await read(info, lambda s: child_view_for(s, actor, order.child_id))
    return PhotoOrderPayload(order=PhotoOrder.from_view(view, Child.from_view(child)))


async def photo_order_node(info: Info, order_id: int) -> PhotoOrder | None:
    """An order of one of the viewer's children (a staff member: of the school); else None."""
    actor = actor_of(info)
    try:
        order = await read(info, lambda s: order_for(s, actor, order_id))
    except DomainError:
        return None
    return (await _payload(info, order)).order
