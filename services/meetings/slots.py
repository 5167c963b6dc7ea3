"""Slots as watchers see them: availability read in one query, and the live events about them.

An event carries every field a watcher shows (teacher, times, availability), so a change
costs one read in the transaction that causes it, whatever the number of watchers.
"""

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement
from sqlmodel import col

from models.accounts import Role
from models.meetings import Appointment, AppointmentStatus, MeetingTeacher, Slot
from services.accounts.actor import Actor
from services.family.children import viewer_params
from services.meetings.access import meeting_for, visible_meetings_of
from services.sql.column_reads import column_rows
from services.sql.uow import UnitOfWork, current_sequence


@dataclass(frozen=True)
class TeacherView:
    id: int
    meeting_id: int
    display_name: str
    subject: str | None
    user_id: int | None = None


@dataclass(frozen=True)
class SlotView:
    id: int
    meeting_id: int
    teacher: TeacherView
    starts_at: datetime
    ends_at: datetime
    blocked: bool
    available: bool


def slots_channel(meeting_id: int) -> str:
    return f"meeting-slots:{meeting_id}"


# TeacherView's fields as columns, in its order, for reads that build no ORM object.
TEACHER_COLUMNS = (
    col(MeetingTeacher.id),
    col(MeetingTeacher.meeting_id),
    col(MeetingTeacher.display_name),
    col(MeetingTeacher.subject),
    col(MeetingTeacher.user_id),
)


def teacher_view(row: MeetingTeacher) -> TeacherView:
    assert row.id is not None
    return TeacherView(row.id, row.meeting_id, row.display_name, row.subject, row.user_id)


@functools.cache
def _slots_query() -> Select[*tuple[Any, ...]]:
    """Every slot with its teacher and availability, by teacher then time (built once: the
    dashboard reads it on every load)."""
    # Plain columns, not entities: a meeting has dozens of slots, read on every dashboard and
    # snapshot, and building two ORM objects per slot cost more than the query.
    return (
        select(
            col(Slot.id),
            col(Slot.meeting_id),
            col(Slot.starts_at),
            col(Slot.ends_at),
            col(Slot.blocked),
            *TEACHER_COLUMNS,
            col(Appointment.id),
        )
        .join(MeetingTeacher, col(MeetingTeacher.id) == col(Slot.teacher_id))
        .outerjoin(
            Appointment,
            and_(
                col(Appointment.slot_id) == col(Slot.id),
                col(Appointment.status) == AppointmentStatus.ACTIVE,
            ),
        )
        .order_by(col(MeetingTeacher.display_name), col(MeetingTeacher.id), col(Slot.starts_at))
    )


async def slot_views(session: AsyncSession, *where: ColumnElement[bool]) -> list[SlotView]:
    """Slots matching `where`, with their teacher and availability, by teacher then time."""
    return await _read_slots(session, _slots_query().where(*where))


async def _read_slots(
    session: AsyncSession,
    statement: Select[*tuple[Any, ...]],
    params: Mapping[str, Any] | None = None,
) -> list[SlotView]:
    rows = await column_rows(session, statement, params)
    teachers: dict[int, TeacherView] = {}
    views = []
    for found in rows:
        row: tuple[Any, ...] = tuple(found)
        slot_id, meeting_id, starts_at, ends_at, blocked, teacher_id = row[:6]
        teacher = teachers.get(teacher_id)
        if teacher is None:
            teacher = teachers[teacher_id] = TeacherView(*row[5:10])
        views.append(
            SlotView(
                id=int(slot_id),
                meeting_id=int(meeting_id),
                teacher=teacher,
                starts_at=starts_at,
                ends_at=ends_at,
                blocked=bool(blocked),
                available=not blocked and row[10] is None,
            )
        )
    return views


async def meeting_slots(
    session: AsyncSession, meeting_ids: Sequence[int], teacher_id: int | None = None
) -> list[SlotView]:
    params = {"meeting_ids": list(meeting_ids), "teacher_id": teacher_id}
    return await _read_slots(session, _meeting_slots_query(teacher_id is not None), params)


@functools.cache
def _meeting_slots_query(one_teacher: bool) -> Select[*tuple[Any, ...]]:
    query = _slots_query().where(col(Slot.meeting_id).in_(bindparam("meeting_ids", expanding=True)))
    if one_teacher:
        query = query.where(col(Slot.teacher_id) == bindparam("teacher_id"))
    return query


async def slots_of_meetings(
    session: AsyncSession, actor: Actor, meeting_ids: Sequence[int]
) -> dict[int, list[SlotView]]:
    """Each meeting's slots, by teacher then time; a meeting the actor may not see has none."""
    params = {**viewer_params(actor), "meeting_ids": list(meeting_ids), "teacher_id": None}
    found: dict[int, list[SlotView]] = {meeting_id: [] for meeting_id in meeting_ids}
    for view in await _read_slots(session, _visible_slots_query(actor.role), params):
        found[view.meeting_id].append(view)
    return found


@functools.cache
def _visible_slots_query(role: Role) -> Select[*tuple[Any, ...]]:
    return _meeting_slots_query(False).where(col(Slot.meeting_id).in_(visible_meetings_of(role)))


async def snapshot(
    session: AsyncSession, actor: Actor, meeting_id: int
) -> tuple[int, list[SlotView]]:
    """Every slot with the channel position it reflects; NOT_FOUND unless the actor may see
    the meeting (checked again at each resync).

    The position is read first: a change committed in between is then both in the slots and
    in a later event, which carries absolute state and so is harmless to apply twice.
    """
    await meeting_for(session, actor, meeting_id)
    position = await current_sequence(session, slots_channel(meeting_id))
    return position, await meeting_slots(session, [meeting_id])


def slot_payload(view: SlotView) -> dict[str, Any]:
    return {
        "id": view.id,
        "meetingId": view.meeting_id,
        "teacher": {
            "id": view.teacher.id,
            "displayName": view.teacher.display_name,
            "subject": view.teacher.subject,
        },
        "startsAt": view.starts_at.isoformat(),
        "endsAt": view.ends_at.isoformat(),
        "blocked": view.blocked,
        "available": view.available,
    }


def slot_from_payload(data: dict[str, Any]) -> SlotView:
    teacher = data["teacher"]
    return SlotView(
        id=int(data["id"]),
        meeting_id=int(data["meetingId"]),
        teacher=TeacherView(
            int(teacher["id"]), int(data["meetingId"]), teacher["displayName"], teacher["subject"]
        ),
        starts_at=datetime.fromisoformat(data["startsAt"]),
        ends_at=datetime.fromisoformat(data["endsAt"]),
        blocked=bool(data["blocked"]),
        available=bool(data["available"]),
    )


async def emit_slots(uow: UnitOfWork, meeting_id: int, slot_ids: Sequence[int]) -> None:
    """One event with these slots as this transaction leaves them (read before commit)."""
    views = await slot_views(uow.session, col(Slot.id).in_(slot_ids))
    await uow.emit(slots_channel(meeting_id), {"slots": [slot_payload(v) for v in views]})
