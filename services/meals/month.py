"""A child's month of meals, in three statements whatever the month's length (the first
also checks that the actor may see the child)."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.family import Child, School
from models.meals import MealArticle, MealOffering, MealReservation, MealSettings
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode, NotFound
from services.common.school_time import month_days, parse_month
from services.family.children import visible_children
from services.meals.rules import MealRule


@dataclass
class CalendarDay:
    day: date
    is_today: bool
    bookable: bool
    articles: list[MealArticle] = field(default_factory=list)
    reservations: list[tuple[MealReservation, MealArticle, bool]] = field(default_factory=list)


@dataclass
class MonthCalendar:
    month: str
    days: list[CalendarDay]


async def month_calendar(
    session: AsyncSession, actor: Actor, child_id: int, month: str, now: datetime
) -> MonthCalendar:
    """A month of a child the actor may see (NOT_FOUND otherwise)."""
    first = parse_month(month)
    if first is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "month")
    days = month_days(first)
    last = days[-1]
    # 1: the child's school, its zone and rule, if the actor may see the child.
    found = (
        await session.execute(
            select(School, MealSettings)
            .join(Child, col(Child.school_id) == col(School.id))
            .outerjoin(MealSettings, col(MealSettings.school_id) == col(School.id))
            .where(col(Child.id) == child_id, col(Child.id).in_(visible_children(actor)))
        )
    ).one_or_none()
    if found is None:
        raise NotFound("childId")
    school, settings = found
    school_id = school.id
    if not school.feature_meals:
        raise DomainError(ErrorCode.FEATURE_DISABLED)
    rule = MealRule.of(school.timezone, settings)
    # 2: what is offered each day.
    offered = await session.execute(
        select(col(MealOffering.day), MealArticle)
        .join(MealArticle, col(MealArticle.id) == col(MealOffering.article_id))
        .where(
            col(MealOffering.school_id) == school_id,
            col(MealOffering.day).between(first, last),
            col(MealArticle.active).is_(True),
        )
        .order_by(col(MealOffering.day), col(MealArticle.name))
    )
    # 3: this child's active reservations.
    reserved = await session.execute(
        select(MealReservation, MealArticle)
        .join(MealArticle, col(MealArticle.id) == col(MealReservation.article_id))
        .where(
            col(MealReservation.child_id) == child_id,
            col(MealReservation.status) == "ACTIVE",
            col(MealReservation.day).between(first, last),
        )
        .order_by(col(MealReservation.id))
    )
    today = rule.today(now)
    calendar = {day: CalendarDay(day, day == today, False) for day in days}
    for day, article in offered.all():
        calendar[day].articles.append(article)
    for reservation, article in reserved.all():
        entry = calendar[reservation.day]
        entry.reservations.append((reservation, article, rule.open(reservation.day, now)))
    for entry in calendar.values():
        entry.bookable = bool(entry.articles) and rule.open(entry.day, now)
    return MonthCalendar(first.strftime("%Y-%m"), list(calendar.values()))
