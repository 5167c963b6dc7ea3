"""Meals: the month calendar, articles, reservations (= payments) and allergens."""

import datetime as dt

import strawberry

from models.meals import MealArticle as ArticleRow
from models.meals import MealSettings
from schema.access import actor_of, read
from schema.context import Info
from schema.enums import Allergen
from schema.errors import InvalidArgumentError, UserError, refused
from schema.ids import to_global_id
from schema.money import Money, money
from schema.node import Node
from schema.wallets import Wallet
from services.common.errors import DomainError, ErrorCode
from services.meals import catalogue
from services.meals.month import MonthCalendar, month_calendar
from services.meals.reservations import ReservationView
from services.meals.rules import MealRule as Rule


@strawberry.type
class MealArticle(Node):
    db_id: strawberry.Private[int]
    name: str
    price: Money
    allergens: list[Allergen]
    active: bool

    @classmethod
    def from_view(cls, row: ArticleRow) -> "MealArticle":
        assert row.id is not None
        return cls(
            id=to_global_id("MealArticle", row.id),
            db_id=row.id,
            name=row.name,
            price=money(row.price_cents),
            allergens=[Allergen(a) for a in row.allergens],
            active=row.active,
        )


@strawberry.type
class MealReservation(Node):
    db_id: strawberry.Private[int]
    date: dt.date
    article: MealArticle
    price: Money
    status: str = strawberry.field(description="ACTIVE | CANCELLED")
    cancellable: bool

    @classmethod
    def from_view(
        cls, view: ReservationView, article: MealArticle | None = None
    ) -> "MealReservation":
        """`article`: the article as read with it (a calendar's); otherwise named from the
        reservation (its price then is what was paid)."""
        return cls(
            id=to_global_id("MealReservation", view.id),
            db_id=view.id,
            date=view.day,
            article=article
            or MealArticle(
                id=to_global_id("MealArticle", view.article_id),
                db_id=view.article_id,
                name=view.article_name,
                price=money(view.price_cents),
                allergens=[],
                active=True,
            ),
            price=money(view.price_cents),
            status=view.status,
            cancellable=view.cancellable,
        )


@strawberry.type
class MealDay:
    date: dt.date
    is_today: bool
    bookable: bool = strawberry.field(description="Green: reservations open for this day.")
    articles: list[MealArticle] = strawberry.field(description="Offered that day.")
    reservations: list[MealReservation] = strawberry.field(
        description="This child's active ones that day."
    )


@strawberry.type
class MealCalendar:
    month: str
    days: list[MealDay]

    @classmethod
    def from_view(cls, calendar: MonthCalendar) -> "MealCalendar":
        days = []
        for day in calendar.days:
            articles = {a.id: MealArticle.from_view(a) for a in day.articles}
            reservations = []
            for row, article, open_ in day.reservations:
                assert row.id is not None and article.id is not None
                view = ReservationView(
                    row.id,
                    row.child_id,
                    row.day,
                    article.id,
                    article.name,
                    row.price_cents,
                    row.status,
                    open_,
                )
                shown = articles.get(article.id) or MealArticle.from_view(article)
                reservations.append(MealReservation.from_view(view, shown))
            days.append(
                MealDay(
                    date=day.day,
                    is_today=day.is_today,
                    bookable=day.bookable,
                    articles=list(articles.values()),
                    reservations=reservations,
                )
            )
        return cls(month=calendar.month, days=days)


@strawberry.type
class MealReservationPayload:
    reservation: MealReservation | None = None
    wallet: Wallet | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class MealArticlePayload:
    article: MealArticle | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class MealRule:
    cutoff_days_before: int
    cutoff_time: str = strawberry.field(description='School-local time, "10:00".')
    horizon_days: int

    @classmethod
    def from_view(cls, settings: MealSettings | Rule) -> "MealRule":
        return cls(
            cutoff_days_before=settings.cutoff_days_before,
            cutoff_time=settings.cutoff_time.strftime("%H:%M"),
            horizon_days=settings.horizon_days,
        )


@strawberry.type
class MealRulePayload:
    rule: MealRule | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class MealDayInput:
    date: dt.date
    article_ids: list[strawberry.ID]


@strawberry.type
class MealOfferingDay:
    date: dt.date
    articles: list[MealArticle]


@strawberry.type
class MealMonthPayload:
    days: list[MealOfferingDay] | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class MealClosurePayload:
    date: dt.date | None = None
    refunded: list[MealReservation] = strawberry.field(default_factory=list)
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ChildAllergensPayload:
    allergens: list[Allergen] | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ChildMeals:
    db_id: strawberry.Private[int]

    @strawberry.field(description='The month "2026-12": every day, what is offered and reserved.')
    async def meal_calendar(self, info: Info, month: str) -> MealCalendar:
        actor, now = actor_of(info), info.context.runtime.settings.clock()
        try:
            found = await read(info, lambda s: month_calendar(s, actor, self.db_id, month, now))
        except DomainError as error:
            if error.code == ErrorCode.INVALID_INPUT:
                raise InvalidArgumentError("month") from None
            raise refused(info, error) from None
        return MealCalendar.from_view(found)

    @strawberry.field(description="Declared allergens (visible to the child's parents and staff).")
    async def allergens(self, info: Info) -> list[Allergen]:
        actor = actor_of(info)
        found = await read(info, lambda s: catalogue.allergens_by_child(s, actor, [self.db_id]))
        return [Allergen(a) for a in found[self.db_id]]
