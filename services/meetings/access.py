"""Who sees which meeting: staff their school's, teachers those they take part in, parents
those open to one of their children (the whole school, or the child's class).

A meeting someone may not see answers NOT_FOUND, exactly like one that does not exist.
"""

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    bindparam,
    exists,
    false,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import Role
from models.family import Child, School
from models.meetings import Meeting, MeetingClass, MeetingTeacher
from services.accounts.actor import Actor
from services.common.errors import NotFound
from services.family.children import (
    VIEWER_ID,
    VIEWER_SCHOOL_ID,
    viewer_kind,
    viewer_params,
    visible_children,
    visible_children_of,
)
from services.sql.per_child import CHILD_IDS, first_rows_per_child, per_child, ranked


def open_to_class(class_name: str | SQLColumnExpression[str | None] | None) -> ColumnElement[bool]:
    """Meetings for the whole school (no class listed) or for this class (a value or a column,
    e.g. `Child.class_name` in a correlated query)."""
    # Correlated to whichever enclosing query holds `meetings` (and `children`), however deep.
    listed = (
        select(col(MeetingClass.id))
        .where(col(MeetingClass.meeting_id) == col(Meeting.id))
        .correlate_except(MeetingClass)
    )
    return or_(~exists(listed), exists(listed.where(col(MeetingClass.class_name) == class_name)))


def open_to_family(actor: Actor) -> ColumnElement[bool]:
    """Meetings open to at least one of the children this actor may see."""
    return exists(
        select(col(Child.id)).where(
            col(Child.id).in_(visible_children(actor)), open_to_class(col(Child.class_name))
        )
    )


async def _meetings_enabled(session: AsyncSession, school_id: int) -> bool:
    school = await session.get(School, school_id)
    return school is not None and school.feature_meetings


async def _visibility(session: AsyncSession, actor: Actor) -> ColumnElement[bool]:
    """The condition on Meeting rows this actor may see (within their school)."""
    if actor.role == Role.STAFF:
        return col(Meeting.school_id) == actor.school_id
    if actor.role == Role.TEACHER:
        teaches = select(col(MeetingTeacher.id)).where(
            col(MeetingTeacher.meeting_id) == col(Meeting.id),
            col(MeetingTeacher.user_id) == actor.user_id,
        )
        return exists(teaches)
    if not await _meetings_enabled(session, actor.school_id):
        return false()
    return (col(Meeting.school_id) == actor.school_id) & open_to_family(actor)


@functools.cache
def visible_meetings_of(role: Role) -> Select[Any]:
    """The ids of the meetings a viewer of this role sees (as `_visibility` says), the viewer
    left as parameters (services.family.children.viewer_params): for the batches that read
    a meeting's teachers, slots or classes, built once per role."""
    if role == Role.STAFF:
        return select(col(Meeting.id)).where(col(Meeting.school_id) == VIEWER_SCHOOL_ID)
    if role == Role.TEACHER:
        return select(col(MeetingTeacher.meeting_id)).where(
            col(MeetingTeacher.user_id) == VIEWER_ID,
            col(MeetingTeacher.school_id) == VIEWER_SCHOOL_ID,
        )
    families = select(col(Child.id)).where(
        col(Child.id).in_(visible_children_of(False)), open_to_class(col(Child.class_name))
    )
    return (
        select(col(Meeting.id))
        .join(School, col(School.id) == col(Meeting.school_id))
        .where(
            col(Meeting.school_id) == VIEWER_SCHOOL_ID,
            col(School.feature_meetings),
            exists(families),
        )
    )


async def meeting_for(session: AsyncSession, actor: Actor, meeting_id: int) -> Meeting:
    """The meeting if the actor may see it; NOT_FOUND otherwise."""
    visible = await _visibility(session, actor)
    meeting = await session.scalar(
        select(Meeting).where(
            col(Meeting.id) == meeting_id, col(Meeting.school_id) == actor.school_id, visible
        )
    )
    if meeting is None:
        raise NotFound("meetingId")
    return meeting


async def visible_meetings(
    session: AsyncSession,
    actor: Actor,
    *,
    ending_after: datetime | None = None,
    starting_before: datetime | None = None,
) -> Sequence[Meeting]:
    """The meetings this actor sees, soonest first, optionally within a period."""
    query = select(Meeting).where(
        col(Meeting.school_id) == actor.school_id, await _visibility(session, actor)
    )
    if ending_after is not None:
        query = query.where(col(Meeting.ends_at) > ending_after)
    if starting_before is not None:
        query = query.where(col(Meeting.starts_at) < starting_before)
    return (await session.scalars(query.order_by(col(Meeting.starts_at), col(Meeting.id)))).all()


class MeetingView(NamedTuple):
    """A meeting as agendas and lists show it (read as columns: on every dashboard load)."""

    id: int
    school_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    booking_opens_at: datetime
    booking_closes_at: datetime
    slot_minutes: int
    several_teachers: bool


MEETING_COLUMNS = tuple(col(getattr(Meeting, name)) for name in MeetingView._fields)


async def upcoming_meetings(
    session: AsyncSession,
    actor: Actor,
    child_ids: Sequence[int],
    *,
    now: datetime,
    limit: int = 5,
) -> dict[int, list[MeetingView]]:
    """For each of these children: the meetings open to them not over at `now`, soonest
    first, at most `limit` each; children the actor may not see, or of a school without
    meetings, get an empty list. One statement for any number of children (DataLoaders)."""
    params = {**viewer_params(actor), "now": now}
    statement = _upcoming_statement(viewer_kind(actor))
    rows = await first_rows_per_child(session, child_ids, statement, limit, params)
    return {child_id: [MeetingView._make(row) for row in found] for child_id, found in rows.items()}


@functools.cache
def _upcoming_statement(whole_school: bool) -> Select[Any]:
    candidates = (
        ranked(col(Child.id), col(Meeting.id), (col(Meeting.starts_at), col(Meeting.id)))
        .join(Meeting, col(Meeting.school_id) == col(Child.school_id))
        .join(School, col(School.id) == col(Child.school_id))
        .where(
            col(Child.id).in_(CHILD_IDS),
            col(Child.id).in_(visible_children_of(whole_school)),
            col(School.feature_meetings),
            col(Meeting.ends_at) > bindparam("now"),
            open_to_class(col(Child.class_name)),
        )
    )
    return per_child(candidates, Meeting, columns=MEETING_COLUMNS)


async def meetings_between(
    session: AsyncSession,
    school_id: int,
    start: datetime,
    end: datetime | None,
    *,
    child: Child | None = None,
) -> Sequence[Meeting]:
    """A school's meetings overlapping [start, end), soonest first (for events and dashboards).

    With `child`, only those open to that child (whole school or the child's class). The rows
    carry `id`, `title`, `starts_at` and `ends_at` (UTC).
    """
    query = select(Meeting).where(col(Meeting.school_id) == school_id, col(Meeting.ends_at) > start)
    if end is not None:
        query = query.where(col(Meeting.starts_at) < end)
    if child is not None:
        query = query.where(open_to_class(child.class_name))
    return (await session.scalars(query.order_by(col(Meeting.starts_at), col(Meeting.id)))).all()


async def meeting_open_to_child(session: AsyncSession, meeting_id: int, child: Child) -> bool:
    found = await session.scalar(
        select(col(Meeting.id)).where(
            col(Meeting.id) == meeting_id,
            col(Meeting.school_id) == child.school_id,
            open_to_class(child.class_name),
        )
    )
    return found is not None
