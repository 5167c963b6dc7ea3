"""Schools, children and guardianship; who may reach which child."""

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import Role, User
from models.columns import UTCDateTime
from models.family import Child, Guardianship, School
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode, NotFound
from services.family.views import (
    CHILD_COLUMNS,
    SCHOOL_COLUMNS,
    USER_COLUMNS,
    ChildView,
    SchoolView,
    UserView,
)
from services.sql.column_reads import column_rows
from services.sql.uow import UnitOfWork
from services.wallets.settings import create_wallets


def require_staff(actor: Actor) -> None:
    if actor.role != Role.STAFF:
        raise DomainError(ErrorCode.FORBIDDEN)


async def get_school(session: AsyncSession, school_id: int) -> School:
    school = await session.get(School, school_id)
    if school is None:
        raise NotFound()
    return school


async def user_and_school(session: AsyncSession, actor: Actor) -> tuple[UserView, SchoolView]:
    """The actor as a user, and their school (the viewer of every query)."""
    (row,) = await column_rows(session, _user_and_school_query(), {"user_id": actor.user_id})
    split = len(USER_COLUMNS)
    return UserView._make(row[:split]), SchoolView._make(row[split:])


async def user_for(session: AsyncSession, actor: Actor, user_id: int) -> UserView:
    """Only oneself: any other user, of this family or another, is NOT_FOUND."""
    if user_id != actor.user_id:
        raise NotFound("id")
    return (await user_and_school(session, actor))[0]


async def school_for(session: AsyncSession, actor: Actor, school_id: int) -> SchoolView:
    """The actor's own school; any other is NOT_FOUND."""
    found = await schools_by_id(session, actor, [school_id])
    if school_id not in found:
        raise NotFound("id")
    return found[school_id]


@functools.cache
def _user_and_school_query() -> Select[Any]:
    return (
        select(*USER_COLUMNS, *SCHOOL_COLUMNS)
        .join(School, col(School.id) == col(User.school_id))
        .where(col(User.id) == bindparam("user_id"))
    )


async def children_of(session: AsyncSession, actor: Actor) -> Sequence[Child]:
    """The children this user is guardian of, by first name (a leaver while its guardians'
    access lasts)."""
    rows = await session.scalars(
        select(Child)
        .join(Guardianship, col(Guardianship.child_id) == col(Child.id))
        .where(col(Guardianship.parent_id) == actor.user_id, guardians_still_see(actor.now()))
        .order_by(col(Child.first_name), col(Child.id))
    )
    return rows.all()


def guardians_still_see(now: datetime | BindParameter[datetime]) -> ColumnElement[bool]:
    """On `children`: the guardians' access has not ended (only a leaver's ends, its school's
    `leaver_access_days` after it left); afterwards the child is NOT_FOUND to them."""
    until = col(Child.guardians_until)
    return or_(until.is_(None), until > now)


def visible_children(actor: Actor) -> Select[Any]:
    """The ids of the children the actor may see: guardians', or their school's for staff.

    A subquery for `Child.id.in_(...)`: every access check of anything hanging off a child.
    """
    return visible_children_of(viewer_kind(actor)).params(viewer_params(actor))


# The viewer as parameters of statements built once per shape (see services.sql.per_child):
# building a statement costs more than running it on the dashboard's hot path.
VIEWER_ID: BindParameter[int] = bindparam("viewer_id")
VIEWER_SCHOOL_ID: BindParameter[int] = bindparam("viewer_school_id")
VIEWER_NOW: BindParameter[datetime] = bindparam("viewer_now", type_=UTCDateTime())


def viewer_params(actor: Actor) -> dict[str, Any]:
    """The values of VIEWER_ID, VIEWER_SCHOOL_ID and VIEWER_NOW for this actor."""
    return {
        "viewer_id": actor.user_id,
        "viewer_school_id": actor.school_id,
        "viewer_now": actor.now(),
    }


def viewer_kind(actor: Actor) -> bool:
    """What shapes `visible_children_of`: whether the actor sees their whole school."""
    return actor.role == Role.STAFF


@functools.cache
def visible_children_of(whole_school: bool) -> Select[Any]:
    """`visible_children` with the viewer left as parameters (`viewer_params`), built once."""
    if whole_school:
        return select(col(Child.id)).where(col(Child.school_id) == VIEWER_SCHOOL_ID)
    return (
        select(col(Guardianship.child_id))
        .join(Child, col(Child.id) == col(Guardianship.child_id))
        .where(col(Guardianship.parent_id) == VIEWER_ID, guardians_still_see(VIEWER_NOW))
    )


async def accessible_child_ids(
    session: AsyncSession, actor: Actor, child_ids: Sequence[int]
) -> set[int]:
    """Which of these children the actor may see."""
    if not child_ids:
        return set()
    query = select(col(Child.id)).where(
        col(Child.id).in_(child_ids), col(Child.id).in_(visible_children(actor))
    )
    return {int(i) for i in (await session.scalars(query)).all() if i is not None}


async def child_for(session: AsyncSession, actor: Actor, child_id: int) -> Child:
    """The child, if the actor may see it; otherwise NOT_FOUND, exactly as for a missing one."""
    params = {**viewer_params(actor), "child_id": child_id}
    child = await session.scalar(_child_query(viewer_kind(actor)), params)
    if child is None:
        raise NotFound("childId")
    return child


def require_present(actor: Actor, left_at: datetime | None) -> None:
    """A leaver is read-only to its guardians while they keep access (CHILD_LEFT for every
    write they would make for it); staff and the school's devices still act for it."""
    if left_at is not None and actor.role == Role.PARENT:
        raise DomainError(ErrorCode.CHILD_LEFT, "childId")


async def child_to_act_for(session: AsyncSession, actor: Actor, child_id: int) -> Child:
    """child_for, for a write: CHILD_LEFT when a parent acts for a leaver."""
    child = await child_for(session, actor, child_id)
    require_present(actor, child.left_at)
    return child


async def require_child_present(session: AsyncSession, actor: Actor, child_id: int) -> None:
    """require_present for a child reached through something of its own (a wallet...)."""
    if actor.role != Role.PARENT:
        return
    left_at = await session.scalar(select(col(Child.left_at)).where(col(Child.id) == child_id))
    require_present(actor, left_at)


async def child_view_for(session: AsyncSession, actor: Actor, child_id: int) -> ChildView:
    """child_for as a view, for showing the child (read as columns)."""
    params = {**viewer_params(actor), "child_id": child_id}
    rows = await column_rows(session, _child_columns_query(viewer_kind(actor)), params)
    if not rows:
        raise NotFound("childId")
    return ChildView._make(rows[0])


def _visible_child(whole_school: bool) -> tuple[ColumnElement[bool], ...]:
    return col(Child.id) == bindparam("child_id"), col(Child.id).in_(
        visible_children_of(whole_school)
    )


@functools.cache
def _child_query(whole_school: bool) -> Select[Child]:
    return select(Child).where(*_visible_child(whole_school))


@functools.cache
def _child_columns_query(whole_school: bool) -> Select[Any]:
    return select(*CHILD_COLUMNS).where(*_visible_child(whole_school))


async def create_child(
    uow: UnitOfWork,
    actor: Actor,
    *,
    first_name: str,
    last_name: str,
    class_name: str | None = None,
) -> Child:
    require_staff(actor)
    first_name, last_name = first_name.strip(), last_name.strip()
    if not first_name:
        raise DomainError(ErrorCode.INVALID_INPUT, "firstName")
    if not last_name:
        raise DomainError(ErrorCode.INVALID_INPUT, "lastName")
    child = Child(
        school_id=actor.school_id,
        first_name=first_name,
        last_name=last_name,
        class_name=(class_name or "").strip() or None,
        created_at=uow.now,
    )
    uow.session.add(child)
    await uow.session.flush()
    assert child.id is not None
    await create_wallets(uow, actor.school_id, [child.id])
    return child


async def link_guardian(uow: UnitOfWork, school_id: int, parent_id: int, child_id: int) -> None:
    existing = await uow.session.scalar(
        select(col(Guardianship.id)).where(
            col(Guardianship.parent_id) == parent_id, col(Guardianship.child_id) == child_id
        )
    )
    if existing is None:
        uow.session.add(Guardianship(school_id=school_id, parent_id=parent_id, child_id=child_id))
        await uow.session.flush()


async def school_children(
    session: AsyncSession, school_id: int, child_ids: Sequence[int]
) -> Sequence[Child]:
    """These children, only those of this school."""
    if not child_ids:
        return []
    rows = await session.scalars(
        select(Child).where(col(Child.id).in_(child_ids), col(Child.school_id) == school_id)
    )
    return rows.all()


async def schools_by_id(
    session: AsyncSession, actor: Actor, school_ids: Sequence[int]
) -> dict[int, SchoolView]:
    """These schools, by id, as far as the actor may see them: their own school only."""
    if actor.school_id not in school_ids:
        return {}
    statement = select(*SCHOOL_COLUMNS).where(col(School.id) == actor.school_id)
    views = [SchoolView._make(row) for row in await column_rows(session, statement)]
    return {view.id: view for view in views}
