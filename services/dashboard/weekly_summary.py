"""The weekly summary mail (opt-in per parent): for each child, the wallets' balances, the past
week's operations, the coming week's meal reservations and appointments. Sent from Monday
07:00 (school time), once per ISO week: a conditional UPDATE of the parent's row claims the
week in the transaction that queues the mail, so two workers never send it twice."""

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import Role, User
from models.family import Child, Guardianship, School
from models.ledger import Posting
from models.meals import MealArticle, MealReservation
from models.meetings import Appointment, MeetingTeacher
from models.wallets import Wallet
from services.accounts.actor import Actor
from services.common.notify import send_mail
from services.common.school_time import local_today, zone
from services.family.children import guardians_still_see
from services.sql.uow import Transactions, UnitOfWork

SEND_FROM = time(7, 0)  # Monday, school time
BATCH = 50


@dataclass
class ChildWeek:
    name: str
    wallets: list[tuple[str, int]] = field(default_factory=list)
    operations: list[tuple[datetime, str, int]] = field(default_factory=list)
    meals: list[tuple[date, str]] = field(default_factory=list)
    appointments: list[tuple[datetime, str]] = field(default_factory=list)


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


async def set_weekly_summary(uow: UnitOfWork, actor: Actor, enabled: bool) -> bool:
    """A parent's choice (parents only: staff have no children to summarise)."""
    if actor.role != Role.PARENT:
        return False
    await uow.session.execute(
        update(User).where(col(User.id) == actor.user_id).values(weekly_summary=enabled)
    )
    return enabled


async def weekly_summary_chosen(session: AsyncSession, actor: Actor) -> bool:
    chosen = await session.scalar(
        select(col(User.weekly_summary)).where(col(User.id) == actor.user_id)
    )
    return bool(chosen)


async def send_weekly_summaries(tx: Transactions) -> int:
    """Summaries due now, each in its own short transaction; returns how many were mailed."""
    sent = 0
    while True:
        due = await tx.read(lambda s: _due(s, tx.now()))
        if not due:
            return sent
        for user_id, week in due:
            if await tx.run(functools.partial(_send_one, user_id=user_id, week=week)):
                sent += 1


async def _due(session: AsyncSession, now: datetime) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(col(User.id), col(User.weekly_summary_week), col(School.timezone))
        .join(School, col(School.id) == col(User.school_id))
        .where(col(User.weekly_summary), col(User.role) == Role.PARENT)
        .order_by(col(User.id))
    )
    due: list[tuple[int, str]] = []
    for row in rows:
        values: tuple[Any, ...] = tuple(row)
        user_id, last_week, timezone = values
        week = _week_due(now, str(timezone))
        if week is not None and last_week != week:
            due.append((int(user_id), week))
        if len(due) == BATCH:
            break
    return due


def _week_due(now: datetime, timezone: str) -> str | None:
    """This ISO week once its Monday 07:00 has passed in the school's zone."""
    tz = zone(timezone)
    today = local_today(now, tz)
    monday = today - timedelta(days=today.weekday())
    if now < datetime.combine(monday, SEND_FROM, tzinfo=tz):
        return None
    return iso_week(monday)


async def _send_one(uow: UnitOfWork, *, user_id: int, week: str) -> bool:
    claimed = await uow.session.execute(
        update(User)
        .where(
            col(User.id) == user_id,
            col(User.weekly_summary),
            or_(col(User.weekly_summary_week).is_(None), col(User.weekly_summary_week) != week),
        )
        .values(weekly_summary_week=week)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return False  # another worker sent it, or the parent opted out meanwhile
    user = await uow.session.get(User, user_id)
    assert user is not None
    school = await uow.session.get(School, user.school_id)
    assert school is not None
    children = await _children_weeks(uow, user_id, uow.now, school.timezone)
    await send_mail(
        uow,
        to=user.email,
        template="weekly_summary",
        locale=user.locale,
        school_id=school.id,
        context={
            "school_name": school.name,
            "display_name": user.display_name,
            "week": week,
            "children": [vars(child) for child in children],
            "time_zone": school.timezone,
        },
    )
    return True


async def _children_weeks(
    uow: UnitOfWork, user_id: int, now: datetime, timezone: str
) -> list[ChildWeek]:
    session = uow.session
    tz = zone(timezone)
    today = local_today(now, tz)
    children = (
        await session.execute(
            select(col(Child.id), col(Child.first_name))
            .join(Guardianship, col(Guardianship.child_id) == col(Child.id))
            # A leaver's guardians hear of it only while they may still read it.
            .where(col(Guardianship.parent_id) == user_id, guardians_still_see(now))
            .order_by(col(Child.first_name), col(Child.id))
        )
    ).all()
    weeks: list[ChildWeek] = []
    for child_id, first_name in children:
        week = ChildWeek(first_name)
        for name, balance in await session.execute(
            select(col(Wallet.name), col(Wallet.balance_cents))
            .where(col(Wallet.child_id) == child_id)
            .order_by(col(Wallet.slot))
        ):
            week.wallets.append((name, int(balance)))
        for at, label, amount in await session.execute(
            select(col(Posting.at), col(Posting.label), col(Posting.amount_cents))
            .where(col(Posting.child_id) == child_id, col(Posting.at) >= now - timedelta(days=7))
            .order_by(col(Posting.at), col(Posting.id))
        ):
            week.operations.append((at, label or "", int(amount)))
        for day, article in await session.execute(
            select(col(MealReservation.day), col(MealArticle.name))
            .join(MealArticle, col(MealArticle.id) == col(MealReservation.article_id))
            .where(
                col(MealReservation.child_id) == child_id,
                col(MealReservation.status) == "ACTIVE",
                col(MealReservation.day) >= today,
                col(MealReservation.day) < today + timedelta(days=7),
            )
            .order_by(col(MealReservation.day))
        ):
            week.meals.append((day, article))
        for starts_at, teacher in await session.execute(
            select(col(Appointment.starts_at), col(MeetingTeacher.display_name))
            .join(MeetingTeacher, col(MeetingTeacher.id) == col(Appointment.teacher_id))
            .where(
                col(Appointment.child_id) == child_id,
                col(Appointment.status) == "ACTIVE",
                col(Appointment.starts_at) >= now,
            )
            .order_by(col(Appointment.starts_at))
        ):
            week.appointments.append((starts_at, teacher))
        weeks.append(week)
    return weeks
