"""Single objects by id, with the same visibility as their meeting (NOT_FOUND otherwise)."""

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import Role
from models.meetings import Appointment, Meeting, MeetingClass, MeetingTeacher, Slot
from services.accounts.actor import Actor
from services.common.errors import NotFound
from services.family.children import child_for, viewer_params
from services.meetings.access import meeting_for, visible_meetings_of
from services.meetings.appointments import AppointmentView, appointment_views
from services.meetings.slots import (
    TEACHER_COLUMNS,
    SlotView,
    TeacherView,
    slot_views,
    teacher_view,
)
from services.sql.column_reads import column_rows


async def _visible(session: AsyncSession, actor: Actor, meeting_id: int, field: str) -> None:
    try:
        await meeting_for(session, actor, meeting_id)
    except NotFound:
        raise NotFound(field) from None


async def slot_for(session: AsyncSession, actor: Actor, slot_id: int) -> SlotView:
    found = await slot_views(
        session, col(Slot.id) == slot_id, col(Slot.school_id) == actor.school_id
    )
    if not found:
        raise NotFound("slotId")
    await _visible(session, actor, found[0].meeting_id, "slotId")
    return found[0]


async def teacher_for(session: AsyncSession, actor: Actor, teacher_id: int) -> TeacherView:
    row = await session.get(MeetingTeacher, teacher_id)
    if row is None or row.school_id != actor.school_id:
        raise NotFound("teacherId")
    await _visible(session, actor, row.meeting_id, "teacherId")
    return teacher_view(row)


async def appointment_for(
    session: AsyncSession, actor: Actor, appointment_id: int
) -> AppointmentView:
    """One of the actor's children's appointments (staff: any of their school's)."""
    found = await appointment_views(
        session,
        col(Appointment.id) == appointment_id,
        col(Appointment.school_id) == actor.school_id,
    )
    if not found:
        raise NotFound("appointmentId")
    try:
        await child_for(session, actor, found[0].child.id or 0)
    except NotFound:
        raise NotFound("appointmentId") from None
    return found[0]


async def teachers_of(
    session: AsyncSession, actor: Actor, meeting_ids: Sequence[int]
) -> dict[int, list[TeacherView]]:
    """Each meeting's teachers, by name; a meeting the actor may not see has none."""
    params = {**viewer_params(actor), "meeting_ids": list(meeting_ids)}
    rows = await column_rows(session, _teachers_query(actor.role), params)
    found: dict[int, list[TeacherView]] = {meeting_id: [] for meeting_id in meeting_ids}
    for row in rows:
        view = TeacherView(*tuple(row))
        found[view.meeting_id].append(view)
    return found


@functools.cache
def _teachers_query(role: Role) -> Select[*tuple[Any, ...]]:
    """teachers_of's statement: the columns of a TeacherView, in its order (no ORM objects
    for a handful of rows read on every dashboard load)."""
    return (
        select(*TEACHER_COLUMNS)
        .where(
            col(MeetingTeacher.meeting_id).in_(bindparam("meeting_ids", expanding=True)),
            col(MeetingTeacher.meeting_id).in_(visible_meetings_of(role)),
        )
        .order_by(col(MeetingTeacher.display_name), col(MeetingTeacher.id))
    )


async def meetings_by_id(
    session: AsyncSession, actor: Actor, meeting_ids: Sequence[int]
) -> dict[int, Meeting]:
    """These meetings, those the actor may see (the others are left out)."""
    rows = await session.scalars(
        select(Meeting).where(
            col(Meeting.id).in_(meeting_ids), col(Meeting.id).in_(_visible_ids(actor))
        )
    )
    return {row.id: row for row in rows.all() if row.id is not None}


async def classes_of(
    session: AsyncSession, actor: Actor, meeting_ids: Sequence[int]
) -> dict[int, list[str]]:
    """Each meeting's classes, sorted (empty: the whole school); a meeting the actor may not
    see is left out (no answer, rather than "the whole school")."""
    rows = await session.execute(
        select(col(Meeting.id), col(MeetingClass.class_name))
        .outerjoin(MeetingClass, col(MeetingClass.meeting_id) == col(Meeting.id))
        .where(col(Meeting.id).in_(meeting_ids), col(Meeting.id).in_(_visible_ids(actor)))
        .order_by(col(MeetingClass.class_name))
    )
    found: dict[int, list[str]] = {}
    for meeting_id, class_name in rows.all():
        assert meeting_id is not None
        classes = found.setdefault(meeting_id, [])
        if class_name is not None:
            classes.append(class_name)
    return found


def _visible_ids(actor: Actor) -> Select[Any]:
    """The ids of the meetings the actor sees, with their values."""
    return visible_meetings_of(actor.role).params(viewer_params(actor))
