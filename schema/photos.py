"""Photo campaigns as a parent sees them for one child: articles, that child's proofs."""

import datetime as dt

import strawberry

from models.photos import PhotoArticle as ArticleRow
from models.photos import PhotoCampaign as CampaignRow
from schema.access import actor_of, read
from schema.context import Info
from schema.documents import Document
from schema.errors import UserError
from schema.ids import to_global_id
from schema.money import Money, money
from schema.node import Node
from services.photos.campaigns import proofs_of


@strawberry.type
class PhotoArticle(Node):
    db_id: strawberry.Private[int]
    name: str
    price: Money

    @classmethod
    def from_row(cls, row: ArticleRow) -> "PhotoArticle":
        assert row.id is not None
        return cls(
            id=to_global_id("PhotoArticle", row.id),
            db_id=row.id,
            name=row.name,
            price=money(row.price_cents),
        )


@strawberry.type
class PhotoCampaign(Node):
    db_id: strawberry.Private[int]
    # The child it is shown for (whose proofs it lists); None when staff see it.
    child_id: strawberry.Private[int | None]
    title: str
    order_until: dt.date
    articles: list[PhotoArticle]

    @classmethod
    def from_rows(
        cls, row: CampaignRow, articles: list[ArticleRow], child_id: int | None
    ) -> "PhotoCampaign":
        assert row.id is not None
        return cls(
            id=to_global_id("PhotoCampaign", row.id),
            db_id=row.id,
            child_id=child_id,
            title=row.title,
            order_until=row.order_until,
            articles=[PhotoArticle.from_row(a) for a in articles if a.campaign_id == row.id],
        )

    @strawberry.field(description="This child's proof pictures, when the school adds them.")
    async def proofs(self, info: Info) -> list[Document]:
        child_id = self.child_id
        if child_id is None:
            return []
        actor = actor_of(info)
        views = await read(info, lambda s: proofs_of(s, actor, child_id, self.db_id))
        return [Document.seen_by(info, actor, view) for view in views]


@strawberry.type
class PhotoCampaignPayload:
    campaign: PhotoCampaign | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class PhotoArticleInput:
    name: str
    price_cents: int


@strawberry.type
class PhotoCampaignReport:
    """Staff: a campaign with its active orders, and where its production list is."""

    campaign: PhotoCampaign
    orders: int
    total: Money
    production_list_path: str = strawberry.field(
        description="GET with the staff token: the production list as CSV."
    )
