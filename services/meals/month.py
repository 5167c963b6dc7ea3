"""A child's month of meals, in three statements whatever the month's length."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.family import School
from models.meals import MealArticle, MealOffering, MealReservation, MealSettings
from services.common.errors import DomainError, ErrorCode
from services.common.school_time import month_days, parse_month
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
    session: AsyncSession, child_id: int, school_id: int, month: str, now: datetime
) -> MonthCalendar:
    """For a child already checked to be the viewer's (see services.family.children.child_for)."""
    first = parse_month(month)
    if first is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "month")
    days = month_days(first)
    last = days[-1]
    # 1: the school's zone and rule.
    school, settings = (
        await session.execute(
            select(School, MealSettings)
            .outerjoin(MealSettings, col(MealSettings.school_id) == col(School.id))
            .where(col(School.id) == school_id)
        )
    ).one()
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
