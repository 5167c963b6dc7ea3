"""Staff side of meals: articles, what is offered when, the reservation rule, children's allergens."""

from collections.abc import Mapping, Sequence
from datetime import date, time

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.family import Child
from models.meals import (
    EU_ALLERGENS,
    ChildAllergen,
    MealArticle,
    MealClosure,
    MealOffering,
    MealReservation,
    MealSettings,
)
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode, NotFound
from services.common.school_time import month_days
from services.family.children import get_school, require_staff, visible_children
from services.meals.rules import MealRule
from services.sql.uow import UnitOfWork

MAX_PRICE_CENTS = 100_00


def _allergens(values: Sequence[str], field: str = "allergens") -> list[str]:
    unknown = [a for a in values if a not in EU_ALLERGENS]
    if unknown:
        raise DomainError(ErrorCode.INVALID_INPUT, field, unknown=unknown)
    return sorted(set(values))


def _price(cents: int) -> int:
    if not 0 <= cents <= MAX_PRICE_CENTS:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "priceCents")
    return cents


def _name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 120:
        raise DomainError(ErrorCode.INVALID_INPUT, "name")
    return name


async def meal_rule(session: AsyncSession, school_id: int) -> MealRule:
    school = await get_school(session, school_id)
    return MealRule.of(school.timezone, await session.get(MealSettings, school_id))


async def rule_for(session: AsyncSession, actor: Actor) -> MealRule:
    """The reservation rule of the actor's school (everyone there reads it)."""
    return await meal_rule(session, actor.school_id)


async def school_article(
    session: AsyncSession, school_id: int, article_id: int, field: str = "articleId"
) -> MealArticle:
    """An article of this school; NOT_FOUND otherwise (for services that know the school)."""
    article = await session.get(MealArticle, article_id)
    if article is None or article.school_id != school_id:
        raise NotFound(field)
    return article


async def article_for(session: AsyncSession, actor: Actor, article_id: int) -> MealArticle:
    """An article of the actor's school (its menus are everyone's there); NOT_FOUND otherwise."""
    return await school_article(session, actor.school_id, article_id, "id")


async def create_article(
    uow: UnitOfWork, actor: Actor, *, name: str, price_cents: int, allergens: Sequence[str] = ()
) -> MealArticle:
    require_staff(actor)
    article = MealArticle(
        school_id=actor.school_id,
        name=_name(name),
        price_cents=_price(price_cents),
        allergens=_allergens(allergens),
        created_at=uow.now,
    )
    uow.session.add(article)
    await uow.session.flush()
    return article


async def update_article(
    uow: UnitOfWork,
    actor: Actor,
    article_id: int,
    *,
    name: str | None = None,
    price_cents: int | None = None,
    allergens: Sequence[str] | None = None,
    active: bool | None = None,
) -> MealArticle:
    """A new price applies to new reservations; those already paid keep theirs."""
    require_staff(actor)
    article = await school_article(uow.session, actor.school_id, article_id, "id")
    if name is not None:
        article.name = _name(name)
    if price_cents is not None:
        article.price_cents = _price(price_cents)
    if allergens is not None:
        article.allergens = _allergens(allergens)
    if active is not None:
        article.active = active
    uow.session.add(article)
    await uow.session.flush()
    return article


async def set_month(
    uow: UnitOfWork, actor: Actor, month: date, days: Mapping[date, Sequence[int]]
) -> list[MealOffering]:
    """Replace the offerings of one month: each listed day offers exactly the listed articles.

    An article cannot be withdrawn from a day it is already reserved on (close the day instead,
    which refunds), and nothing is offered on a closed day or a weekend.
    """
    require_staff(actor)
    school_id = actor.school_id
    in_month = set(month_days(month))
    if any(day not in in_month for day in days):
        raise DomainError(ErrorCode.INVALID_INPUT, "days")
    if any(day.weekday() >= 5 for day, ids in days.items() if ids):
        raise DomainError(ErrorCode.INVALID_INPUT, "days", reason="weekend")
    wanted = {(day, article_id) for day, ids in days.items() for article_id in ids}
    for article_id in {a for _, a in wanted}:
        await school_article(uow.session, school_id, article_id, "days")
    first, last = min(in_month), max(in_month)
    closed = set(
        (
            await uow.session.scalars(
                select(col(MealClosure.day)).where(
                    col(MealClosure.school_id) == school_id,
                    col(MealClosure.day).between(first, last),
                )
            )
        ).all()
    )
    if any(day in closed for day, _ in wanted):
        raise DomainError(ErrorCode.INVALID_INPUT, "days", reason="closed")
    # Delete first: on PostgreSQL this waits for reservations being made on these offerings
    # (they hold them FOR SHARE), so the check below sees them.
    await uow.session.execute(
        delete(MealOffering).where(
            col(MealOffering.school_id) == school_id, col(MealOffering.day).between(first, last)
        )
    )
    reserved = set(
        (
            await uow.session.execute(
                select(col(MealReservation.day), col(MealReservation.article_id)).where(
                    col(MealReservation.school_id) == school_id,
                    col(MealReservation.status) == "ACTIVE",
                    col(MealReservation.day).between(first, last),
                )
            )
        ).all()
    )
    if not reserved <= wanted:
        raise DomainError(ErrorCode.INVALID_INPUT, "days", reason="reserved")
    offerings = [
        MealOffering(school_id=school_id, day=day, article_id=a) for day, a in sorted(wanted)
    ]
    uow.session.add_all(offerings)
    await uow.session.flush()
    return offerings


async def set_rule(
    uow: UnitOfWork, actor: Actor, *, cutoff_days_before: int, cutoff_time: time, horizon_days: int
) -> MealSettings:
    require_staff(actor)
    if not 0 <= cutoff_days_before <= 10:
        raise DomainError(ErrorCode.INVALID_INPUT, "cutoffDaysBefore")
    if not 1 <= horizon_days <= 366:
        raise DomainError(ErrorCode.INVALID_INPUT, "horizonDays")
    settings = await uow.session.get(MealSettings, actor.school_id) or MealSettings(
        school_id=actor.school_id
    )
    settings.cutoff_days_before = cutoff_days_before
    settings.cutoff_time = cutoff_time.replace(tzinfo=None)
    settings.horizon_days = horizon_days
    uow.session.add(settings)
    await uow.session.flush()
    return settings


async def set_child_allergens(
    uow: UnitOfWork, actor: Actor, child_id: int, allergens: Sequence[str]
) -> list[str]:
    require_staff(actor)
    child = await uow.session.get(Child, child_id)
    if child is None or child.school_id != actor.school_id:
        raise NotFound("childId")
    values = _allergens(allergens)
    await uow.session.execute(delete(ChildAllergen).where(col(ChildAllergen.child_id) == child_id))
    uow.session.add_all([ChildAllergen(child_id=child_id, allergen=a) for a in values])
    await uow.session.flush()
    return values


async def allergens_by_child(
    session: AsyncSession, actor: Actor, child_ids: Sequence[int]
) -> dict[int, list[str]]:
    """Each child's declared allergens (special-category data: their parents and staff only);
    a child the actor may not see has none."""
    rows = await session.execute(
        select(col(ChildAllergen.child_id), col(ChildAllergen.allergen))
        .where(
            col(ChildAllergen.child_id).in_(child_ids),
            col(ChildAllergen.child_id).in_(visible_children(actor)),
        )
        .order_by(col(ChildAllergen.allergen))
    )
    found: dict[int, list[str]] = {child_id: [] for child_id in child_ids}
    for child_id, allergen in rows.all():
        found[child_id].append(allergen)
    return found


async def staff_articles(session: AsyncSession, actor: Actor) -> Sequence[MealArticle]:
    """Every article of the school, withdrawn ones too: staff only (FORBIDDEN otherwise)."""
    require_staff(actor)
    return await articles(session, actor.school_id)


async def articles(session: AsyncSession, school_id: int) -> Sequence[MealArticle]:
    return (
        await session.scalars(
            select(MealArticle)
            .where(col(MealArticle.school_id) == school_id)
            .order_by(col(MealArticle.name))
        )
    ).all()
