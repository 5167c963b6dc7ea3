"""A child leaving the school: when its guardians stop seeing it, and coming back.

A leaver's guardians keep reading its history (operations, documents, meals...) for the days
the school sets (`School.leaver_access_days`); `Child.guardians_until` holds the end, so every
access check compares one column with now (services.family.children.guardians_still_see).
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlmodel import col

from models.family import Child, School
from models.wallets import Wallet
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode
from services.family.children import get_school, require_staff
from services.meals.closures import refund_leavers
from services.meetings.booking import free_leavers_appointments
from services.school.directory import school_child
from services.sql.uow import UnitOfWork

MAX_ACCESS_DAYS = 3650


def access_end(left_at: datetime, school: School) -> datetime:
    return left_at + timedelta(days=school.leaver_access_days)


async def mark_left(uow: UnitOfWork, school: School, children: Sequence[Child]) -> None:
    """These children leave now (those already gone keep their date, and nothing more happens
    to them): their meals after today are refunded, their appointments to come freed."""
    leaving = [child for child in children if child.left_at is None]
    for child in leaving:
        child.left_at = uow.now
        child.guardians_until = access_end(uow.now, school)
        uow.session.add(child)
    ids = [child.id for child in leaving if child.id is not None]
    if ids:
        assert school.id is not None
        await refund_leavers(uow, school.id, ids)
        await free_leavers_appointments(uow, ids)


async def came_back(uow: UnitOfWork, children: Sequence[Child]) -> None:
    """Former leavers listed again: their guardians see them, their wallets open again."""
    ids = [child.id for child in children if child.id is not None]
    for child in children:
        child.left_at = None
        child.guardians_until = None
        uow.session.add(child)
    if ids:
        await uow.session.execute(
            update(Wallet).where(col(Wallet.child_id).in_(ids)).values(closed_at=None)
        )


async def mark_leaver(uow: UnitOfWork, actor: Actor, child_id: int) -> Child:
    """Staff: the child leaves the school today (idempotent: a leaver keeps its date)."""
    require_staff(actor)
    child = await school_child(uow.session, actor, child_id)
    school = await get_school(uow.session, actor.school_id)
    await mark_left(uow, school, [child])
    await uow.session.flush()
    return child


async def set_leaver_access_days(uow: UnitOfWork, actor: Actor, days: int) -> School:
    """How long leavers' guardians keep access; applies to the school's current leavers too."""
    require_staff(actor)
    if not 0 <= days <= MAX_ACCESS_DAYS:
        raise DomainError(ErrorCode.INVALID_INPUT, "days", max=MAX_ACCESS_DAYS)
    school = await get_school(uow.session, actor.school_id)
    school.leaver_access_days = days
    uow.session.add(school)
    leavers = (
        await uow.session.scalars(
            select(Child).where(
                col(Child.school_id) == actor.school_id, col(Child.left_at).is_not(None)
            )
        )
    ).all()
    for child in leavers:
        assert child.left_at is not None
        child.guardians_until = access_end(child.left_at, school)
        uow.session.add(child)
    await uow.session.flush()
    return school
