"""A school with photos on, staff, and an open campaign, for the photo tests."""

from dataclasses import dataclass
from datetime import date, timedelta

from models.accounts import Role
from models.family import School
from models.photos import PhotoArticle, PhotoCampaign
from services.photos.campaigns import NewArticle, articles_of, open_campaign
from services.sql.uow import Transactions
from tests.factories import Person, actor_for, make_school, make_user, pk

ARTICLES = (NewArticle("Portrait 13x18", 8_00), NewArticle("Photo de classe", 6_50))


@dataclass
class Campaign:
    campaign: PhotoCampaign
    articles: list[PhotoArticle]

    @property
    def id(self) -> int:
        return pk(self.campaign)


async def photo_school(tx: Transactions, **overrides: object) -> tuple[School, Person]:
    school = await make_school(tx, **{"feature_photos": True, **overrides})
    staff = await make_user(tx, school, Role.STAFF)
    return school, staff


async def make_campaign(
    tx: Transactions,
    staff: Person,
    *,
    until: date,
    class_names: tuple[str, ...] = (),
    title: str = "Photos de classe",
) -> Campaign:
    campaign = await tx.run(
        lambda uow: open_campaign(
            uow,
            actor_for(staff),
            title=title,
            order_until=until,
            articles=ARTICLES,
            class_names=class_names,
        )
    )
    articles = await tx.read(lambda session: articles_of(session, [pk(campaign)]))
    return Campaign(campaign, articles)


def in_days(today: date, days: int) -> date:
    return today + timedelta(days=days)
