"""Meals: the calendar, reserve = pay, cancel = refund, and the staff's menu and rule."""

from datetime import date, time

import strawberry

from resolvers.common import require_id
from schema.access import actor_of, read, run
from schema.context import Info
from schema.enums import Allergen
from schema.errors import catches_user_errors
from schema.meals import (
    ChildAllergensPayload,
    MealArticle,
    MealArticlePayload,
    MealClosurePayload,
    MealDayInput,
    MealMonthPayload,
    MealOfferingDay,
    MealReservation,
    MealReservationPayload,
    MealRule,
    MealRulePayload,
)
from schema.wallets import Wallet
from services.common.errors import DomainError, ErrorCode
from services.common.school_time import parse_month
from services.meals import catalogue, closures, reservations
from services.meals.reservations import ReservationView


def _payload(view: ReservationView) -> MealReservationPayload:
    return MealReservationPayload(
        reservation=MealReservation.from_view(view),
        wallet=Wallet.from_view(view.wallet) if view.wallet else None,
    )


@strawberry.type
class Query:
    @strawberry.field(description="Staff: the school's meal articles.")
    async def meal_articles(self, info: Info) -> list[MealArticle]:
        actor = actor_of(info)
        try:
            rows = await read(info, lambda s: catalogue.staff_articles(s, actor))
        except DomainError:
            return []  # FORBIDDEN for parents and teachers: the contract answers an empty list
        return [MealArticle.from_view(r) for r in rows]

    @strawberry.field(description="The school's reservation rule (cut-off and horizon).")
    async def meal_rule(self, info: Info) -> MealRule:
        actor = actor_of(info)
        return MealRule.from_view(await read(info, lambda s: catalogue.rule_for(s, actor)))


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Reserve a meal: its price is debited from the meals wallet at once."
    )
    @catches_user_errors(MealReservationPayload)
    async def reserve_meal(
        self,
        info: Info,
        child_id: strawberry.ID,
        date: date,
        article_id: strawberry.ID,
        idempotency_key: str,
    ) -> MealReservationPayload:
        actor = actor_of(info)
        child = require_id(child_id, "Child", "childId")
        article = require_id(article_id, "MealArticle", "articleId")
        view = await run(
            info,
            lambda uow: reservations.reserve(
                uow,
                actor,
                child_id=child,
                day=date,
                article_id=article,
                idempotency_key=idempotency_key,
            ),
        )
        return _payload(view)

    @strawberry.mutation(description="Cancel before the cut-off: the wallet is refunded at once.")
    @catches_user_errors(MealReservationPayload)
    async def cancel_meal_reservation(
        self, info: Info, reservation_id: strawberry.ID
    ) -> MealReservationPayload:
        actor = actor_of(info)
        reservation = require_id(reservation_id, "MealReservation", "reservationId")
        view = await run(info, lambda uow: reservations.cancel(uow, actor, reservation))
        return _payload(view)

    @strawberry.mutation(description="Staff: a new meal article.")
    @catches_user_errors(MealArticlePayload)
    async def create_meal_article(
        self, info: Info, name: str, price_cents: int, allergens: list[Allergen] | None = None
    ) -> MealArticlePayload:
        actor = actor_of(info)
        codes = [a.value for a in allergens or []]
        row = await run(
            info,
            lambda uow: catalogue.create_article(
                uow, actor, name=name, price_cents=price_cents, allergens=codes
            ),
        )
        return MealArticlePayload(article=MealArticle.from_view(row))

    @strawberry.mutation(
        description="Staff: change an article (paid reservations keep their price)."
    )
    @catches_user_errors(MealArticlePayload)
    async def update_meal_article(
        self,
        info: Info,
        id: strawberry.ID,
        name: str | None = None,
        price_cents: int | None = None,
        allergens: list[Allergen] | None = None,
        active: bool | None = None,
    ) -> MealArticlePayload:
        actor = actor_of(info)
        article_id = require_id(id, "MealArticle", "id")
        codes = None if allergens is None else [a.value for a in allergens]
        row = await run(
            info,
            lambda uow: catalogue.update_article(
                uow,
                actor,
                article_id,
                name=name,
                price_cents=price_cents,
                allergens=codes,
                active=active,
            ),
        )
        return MealArticlePayload(article=MealArticle.from_view(row))

    @strawberry.mutation(description="Staff: what is offered each day of a month, at once.")
    @catches_user_errors(MealMonthPayload)
    async def set_meal_month(
        self, info: Info, month: str, days: list[MealDayInput]
    ) -> MealMonthPayload:
        actor = actor_of(info)
        first = _month(month)
        wanted = {
            d.date: [require_id(a, "MealArticle", "days") for a in d.article_ids] for d in days
        }

        async def offer(uow):  # type: ignore[no-untyped-def]
            await catalogue.set_month(uow, actor, first, wanted)
            return await catalogue.staff_articles(uow.session, actor)

        rows = {a.id: MealArticle.from_view(a) for a in await run(info, offer)}
        return MealMonthPayload(
            days=[
                MealOfferingDay(date=day, articles=[rows[a] for a in ids])
                for day, ids in sorted(wanted.items())
                if ids
            ]
        )

    @strawberry.mutation(
        description="Staff: the cut-off (school days before, school-local time) and the horizon."
    )
    @catches_user_errors(MealRulePayload)
    async def set_meal_rule(
        self, info: Info, cutoff_days_before: int, cutoff_time: str, horizon_days: int
    ) -> MealRulePayload:
        actor = actor_of(info)
        at = _time(cutoff_time)
        row = await run(
            info,
            lambda uow: catalogue.set_rule(
                uow,
                actor,
                cutoff_days_before=cutoff_days_before,
                cutoff_time=at,
                horizon_days=horizon_days,
            ),
        )
        return MealRulePayload(rule=MealRule.from_view(row))

    @strawberry.mutation(
        description="Staff: no meals that day; its reservations are refunded and parents told."
    )
    @catches_user_errors(MealClosurePayload)
    async def close_meal_day(self, info: Info, date: date, reason: str = "") -> MealClosurePayload:
        actor = actor_of(info)
        closed = await run(info, lambda uow: closures.close_day(uow, actor, date, reason))
        return MealClosurePayload(
            date=closed.day, refunded=[MealReservation.from_view(v) for v in closed.refunded]
        )

    @strawberry.mutation(description="Staff: a child's declared allergens (replaces the list).")
    @catches_user_errors(ChildAllergensPayload)
    async def set_child_allergens(
        self, info: Info, child_id: strawberry.ID, allergens: list[Allergen]
    ) -> ChildAllergensPayload:
        actor = actor_of(info)
        child = require_id(child_id, "Child", "childId")
        codes = [a.value for a in allergens]
        values = await run(
            info, lambda uow: catalogue.set_child_allergens(uow, actor, child, codes)
        )
        return ChildAllergensPayload(allergens=[Allergen(a) for a in values])


def _month(text: str) -> date:
    first = parse_month(text)
    if first is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "month")
    return first


def _time(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, "cutoffTime") from None


async def article_node(info: Info, article_id: int) -> MealArticle | None:
    actor = actor_of(info)
    try:
        row = await read(info, lambda s: catalogue.article_for(s, actor, article_id))
    except DomainError:
        return None
    return MealArticle.from_view(row)


async def reservation_node(info: Info, reservation_id: int) -> MealReservation | None:
    actor = actor_of(info)
    now = info.context.runtime.settings.clock()
    try:
        view = await read(
            info, lambda s: reservations.reservation_for(s, actor, reservation_id, now)
        )
    except DomainError:
        return None
    return MealReservation.from_view(view)
