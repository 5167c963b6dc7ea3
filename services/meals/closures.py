"""Closing a meal day (holiday, strike...): its reservations are cancelled and refunded, once."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlmodel import col

from models.accounts import User
from models.db import dialect_insert
from models.family import Child, Guardianship
from models.meals import MealClosure, MealOffering, MealReservation
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode
from services.common.notify import send_mail
from services.family.children import get_school, require_staff
from services.meals.catalogue import meal_rule
from services.meals.reservations import ACTIVE, ReservationView, refund
from services.sql.uow import UnitOfWork


@dataclass(frozen=True)
class ClosedDay:
    day: date
    refunded: list[ReservationView]


async def close_day(uow: UnitOfWork, actor: Actor, day: date, reason: str = "") -> ClosedDay:
    require_staff(actor)
    school = await get_school(uow.session, actor.school_id)
    rule = await meal_rule(uow.session, actor.school_id)
    if day < rule.today(uow.now):
        raise DomainError(ErrorCode.INVALID_INPUT, "date")
    reason = reason.strip()[:200]
    # The unique (school, day) row decides between two staff members closing the day at once.
    insert = dialect_insert(uow.dialect)
    closed = await uow.session.scalar(
        insert(MealClosure)
        .values(school_id=actor.school_id, day=day, reason=reason, created_at=uow.now)
        .on_conflict_do_nothing(index_elements=["school_id", "day"])
        .returning(col(MealClosure.id))
    )
    if closed is None:
        raise DomainError(ErrorCode.ALREADY_EXISTS, "date")
    reservations = (
        await uow.session.scalars(
            select(MealReservation)
            .where(
                col(MealReservation.school_id) == actor.school_id,
                col(MealReservation.day) == day,
                col(MealReservation.status) == ACTIVE,
            )
            .order_by(col(MealReservation.id))
        )
    ).all()
    refunded = [await refund(uow, r, reason or "Jour sans repas") for r in reservations]
    await uow.session.execute(
        delete(MealOffering).where(
            col(MealOffering.school_id) == actor.school_id, col(MealOffering.day) == day
        )
    )
    await _tell_parents(uow, school.name, school.timezone, day, reason, refunded)
    return ClosedDay(day, refunded)


async def refund_leavers(
    uow: UnitOfWork, school_id: int, child_ids: Sequence[int]
) -> list[ReservationView]:
    """Children leaving the school today: their meals of the days after are cancelled and
    refunded to their wallet, once (the refund's conditional update decides)."""
    today = (await meal_rule(uow.session, school_id)).today(uow.now)
    reservations = (
        await uow.session.scalars(
            select(MealReservation)
            .where(
                col(MealReservation.child_id).in_(child_ids),
                col(MealReservation.day) > today,
                col(MealReservation.status) == ACTIVE,
            )
            .order_by(col(MealReservation.id))
            .with_for_update()
        )
    ).all()
    return [await refund(uow, r, "Départ de l'école") for r in reservations]


async def _tell_parents(
    uow: UnitOfWork,
    school_name: str,
    time_zone: str,
    day: date,
    reason: str,
    refunded: list[ReservationView],
) -> None:
    """One mail per guardian, listing every refunded meal of their children that day."""
    if not refunded:
        return
    child_ids = {r.child_id for r in refunded}
    rows = (
        await uow.session.execute(
            select(User, Child)
            .join(Guardianship, col(Guardianship.parent_id) == col(User.id))
            .join(Child, col(Child.id) == col(Guardianship.child_id))
            .where(col(Child.id).in_(child_ids))
            .order_by(col(User.id), col(Child.first_name))
        )
    ).all()
    children_of: dict[int, list[Child]] = defaultdict(list)
    users: dict[int, User] = {}
    for user, child in rows:
        assert user.id is not None
        users[user.id] = user
        children_of[user.id].append(child)
    for user_id, children in children_of.items():
        user = users[user_id]
        names = {c.id: c.first_name for c in children}
        lines = [
            {"child": names[r.child_id], "article": r.article_name, "amount_cents": r.price_cents}
            for r in refunded
            if r.child_id in names
        ]
        await send_mail(
            uow,
            to=user.email,
            template="meal_day_closed",
            locale=user.locale,
            school_id=user.school_id,
            context={
                "school_name": school_name,
                "display_name": user.display_name,
                "date": day,
                "reason": reason,
                "refunds": lines,
                "time_zone": time_zone,
            },
        )
