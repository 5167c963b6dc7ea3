"""The school calendar: days without school, and the staff's feature switches.

Closing days reuses the canteen's closing of a day (its reservations refunded and the parents
told, once) for each school day of the period, and puts one holiday event in the families'
agendas. Days already past are left as they were: their meals were served.
"""

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.family import School
from models.meals import MealClosure
from models.school import EventKind, SchoolEvent
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode
from services.common.school_time import at_local, zone
from services.family.children import get_school, require_staff
from services.meals.catalogue import meal_rule
from services.meals.closures import close_day
from services.school.events import create_event
from services.sql.uow import UnitOfWork

MAX_PERIOD_DAYS = 120
FEATURES = (
    "meals",
    "photos",
    "meetings",
    "online_top_up",
    "bank_transfer_top_up",
    "internal_transfer",
    "pay_invoice_from_wallet",
)


@dataclass(frozen=True)
class ClosedPeriod:
    days: list[date]
    refunded: int
    event: SchoolEvent


async def close_school_days(
    uow: UnitOfWork, actor: Actor, *, first: date, last: date, title: str
) -> ClosedPeriod:
    """Close every school day from `first` to `last` (both included) and announce it."""
    require_staff(actor)
    if last < first or (last - first).days > MAX_PERIOD_DAYS:
        raise DomainError(ErrorCode.INVALID_INPUT, "to")
    school = await get_school(uow.session, actor.school_id)
    rule = await meal_rule(uow.session, actor.school_id)
    already = set(
        (
            await uow.session.scalars(
                select(col(MealClosure.day)).where(
                    col(MealClosure.school_id) == actor.school_id,
                    col(MealClosure.day).between(first, last),
                )
            )
        ).all()
    )
    start = max(first, rule.today(uow.now))
    days = [
        start + timedelta(days=n)
        for n in range((last - start).days + 1)
        if (start + timedelta(days=n)).weekday() < 5
    ]
    refunded, closed = 0, []
    for day in days:
        if day in already:
            continue
        refunded += len((await close_day(uow, actor, day, title)).refunded)
        closed.append(day)
    event = await create_event(
        uow,
        actor,
        title=title,
        kind=EventKind.HOLIDAY,
        starts_at=at_local(first, time(0, 0), zone(school.timezone)),
        ends_at=at_local(last, time(23, 59), zone(school.timezone)),
    )
    return ClosedPeriod(closed, refunded, event)


async def closed_days(session: AsyncSession, actor: Actor, first: date, last: date) -> list[date]:
    """The school's closed days in the period (any signed-in member of the school)."""
    if last < first or (last - first).days > 366:
        raise DomainError(ErrorCode.INVALID_INPUT, "to")
    rows = await session.scalars(
        select(col(MealClosure.day))
        .where(
            col(MealClosure.school_id) == actor.school_id,
            col(MealClosure.day).between(first, last),
        )
        .order_by(col(MealClosure.day))
    )
    return list(rows.all())


async def set_features(uow: UnitOfWork, actor: Actor, changes: dict[str, bool]) -> School:
    """Switch the school's modules on or off; the families' dashboards follow."""
    require_staff(actor)
    school = await get_school(uow.session, actor.school_id)
    for name, value in changes.items():
        if name not in FEATURES:
            raise DomainError(ErrorCode.INVALID_INPUT, name)
        setattr(school, f"feature_{name}", value)
    uow.session.add(school)
    await uow.session.flush()
    return school
