"""Photo campaigns: staff open them (proofs and the production list are HTTP routes)."""

from datetime import date

import strawberry

from schema.access import actor_of, read, run
from schema.context import Info
from schema.errors import catches_user_errors
from schema.photos import PhotoArticleInput, PhotoCampaign, PhotoCampaignPayload
from services.photos.campaigns import NewArticle, articles_of, open_campaign


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
