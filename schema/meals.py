"""Meals: the month calendar, articles, reservations (= payments) and allergens."""

import datetime as dt
from typing import Protocol

import strawberry

from schema.context import Info
from schema.enums import Allergen
from schema.errors import UserError
from schema.money import Money
from schema.node import Node
from schema.wallets import Wallet


@strawberry.type
class MealArticle(Node):
    db_id: strawberry.Private[int]
    name: str
    price: Money
    allergens: list[Allergen]
    active: bool


@strawberry.type
class MealReservation(Node):
    db_id: strawberry.Private[int]
    date: dt.date
    article: MealArticle
    price: Money
    status: str = strawberry.field(description="ACTIVE | CANCELLED")
    cancellable: bool


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
    school_id: strawberry.Private[int]

    @strawberry.field(description='The month "2026-12": every day, what is offered and reserved.')
    async def meal_calendar(self, info: Info, month: str) -> MealCalendar:
        return await info.context.api.meals.calendar(info, self.db_id, self.school_id, month)

    @strawberry.field(description="Declared allergens (visible to the child's parents and staff).")
    async def allergens(self, info: Info) -> list[Allergen]:
        return await info.context.api.meals.allergens(info, self.db_id)


class MealsApi(Protocol):
    async def calendar(
        self, info: Info, child_id: int, school_id: int, month: str
    ) -> MealCalendar: ...
    async def allergens(self, info: Info, child_id: int) -> list[Allergen]: ...
