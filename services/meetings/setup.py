"""Staff set meetings up: the meeting, its teachers (whose hours and breaks make the slots),
and blocking or unblocking single slots.

Staff give wall-clock times on the meeting's day in the school's time zone ("17:00"); rows
store UTC.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from models.accounts import Role, User
from models.meetings import (
    Appointment,
    AppointmentStatus,
    Meeting,
    MeetingClass,
    MeetingTeacher,
    Slot,
)
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode, NotFound
from services.family.children import get_school, require_staff
from services.meetings.slots import SlotView, emit_slots, slot_views
from services.sql.uow import UnitOfWork

MIN_SLOT_MINUTES, MAX_SLOT_MINUTES = 5, 240


@dataclass(frozen=True)
class TimeRange:
    """Wall-clock times on the meeting's day, e.g. a break from 18:20 to 18:40."""

    start: time
    end: time


def _invalid(field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, field)


def _aware(moment: datetime, zone: ZoneInfo) -> datetime:
    """A moment given without offset is read in the school's time zone; kept in UTC."""
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)).astimezone(UTC)


def _on_day(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A wall-clock time on the meeting's day at the school, in UTC."""
    return datetime.combine(day, at.replace(tzinfo=None), tzinfo=zone).astimezone(UTC)


def _class_names(names: Sequence[str]) -> list[str]:
    cleaned = sorted({name.strip() for name in names})
    if any(not name or len(name) > 50 for name in cleaned):
        raise _invalid("classNames")
    return cleaned


async def create_meeting(
    uow: UnitOfWork,
    actor: Actor,
    *,
    title: str,
    day: date,
    start: time,
    end: time,
    booking_opens_at: datetime,
    booking_closes_at: datetime,
    slot_minutes: int,
    several_teachers: bool = True,
    class_names: Sequence[str] = (),
) -> Meeting:
    require_staff(actor)
    zone = ZoneInfo((await get_school(uow.session, actor.school_id)).timezone)
    title = title.strip()
    if not title or len(title) > 200:
        raise _invalid("title")
    starts_at, ends_at = _on_day(day, start, zone), _on_day(day, end, zone)
    if starts_at >= ends_at:
        raise _invalid("endTime")
    if not MIN_SLOT_MINUTES <= slot_minutes <= MAX_SLOT_MINUTES or timedelta(
        minutes=slot_minutes
    ) > (ends_at - starts_at):
        raise _invalid("slotMinutes")
    opens, closes = _aware(booking_opens_at, zone), _aware(booking_closes_at, zone)
    if opens >= closes:
        raise _invalid("bookingClosesAt")
    if closes > ends_at:
        # Booking after the meeting is over makes no sense.
        raise _invalid("bookingClosesAt")
    classes = _class_names(class_names)
    meeting = Meeting(
        school_id=actor.school_id,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        booking_opens_at=opens,
        booking_closes_at=closes,
        slot_minutes=slot_minutes,
        several_teachers=several_teachers,
        created_at=uow.now,
    )
    uow.session.add(meeting)
    await uow.session.flush()
    assert meeting.id is not None
    uow.session.add_all(MeetingClass(meeting_id=meeting.id, class_name=name) for name in classes)
    await uow.session.flush()
    return meeting


async def _school_meeting(uow: UnitOfWork, actor: Actor, meeting_id: int) -> Meeting:
    meeting = await uow.session.get(Meeting, meeting_id)
    if meeting is None or meeting.school_id != actor.school_id:
        raise NotFound("meetingId")
    return meeting


async def _teacher_user(uow: UnitOfWork, actor: Actor, user_id: int) -> User:
    user = await uow.session.get(User, user_id)
    if user is None or user.school_id != actor.school_id or user.role != Role.TEACHER:
        raise NotFound("teacherUserId")
    return user


def slot_times(
    start: datetime, end: datetime, length: timedelta, breaks: Sequence[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """Consecutive slots from start to end; a slot never overlaps a break, and the next slot
    after a break starts when the break ends."""
    slots, cursor = [], start
    while cursor + length <= end:
        clash = next((b for b in breaks if b[0] < cursor + length and cursor < b[1]), None)
        if clash is not None:
            cursor = clash[1]
            continue
        slots.append((cursor, cursor + length))
        cursor += length
    return slots


async def add_teacher(
    uow: UnitOfWork,
    actor: Actor,
    meeting_id: int,
    *,
    user_id: int | None = None,
    display_name: str | None = None,
    subject: str | None = None,
    start: time | None = None,
    end: time | None = None,
    breaks: Sequence[TimeRange] = (),
) -> tuple[MeetingTeacher, list[SlotView]]:
    """A teacher (a TEACHER user, or a name) joins the meeting; their hours minus breaks
    become slots of the meeting's length. Watchers of the meeting receive the new slots."""
    require_staff(actor)
    meeting = await _school_meeting(uow, actor, meeting_id)
    assert meeting.id is not None
    zone = ZoneInfo((await get_school(uow.session, actor.school_id)).timezone)
    user = await _teacher_user(uow, actor, user_id) if user_id is not None else None
    name = (display_name or (user.display_name if user else "")).strip()
    if not name or len(name) > 200:
        raise _invalid("displayName")
    subject = (subject or "").strip() or None
    if subject is not None and len(subject) > 100:
        raise _invalid("subject")
    day = meeting.starts_at.astimezone(zone).date()
    starts_at = meeting.starts_at if start is None else _on_day(day, start, zone)
    ends_at = meeting.ends_at if end is None else _on_day(day, end, zone)
    if not meeting.starts_at <= starts_at < ends_at:
        raise _invalid("startTime")
    if ends_at > meeting.ends_at:
        raise _invalid("endTime")
    pauses = [(_on_day(day, b.start, zone), _on_day(day, b.end, zone)) for b in breaks]
    if any(not starts_at <= b_start < b_end <= ends_at for b_start, b_end in pauses):
        raise _invalid("breaks")
    times = slot_times(starts_at, ends_at, timedelta(minutes=meeting.slot_minutes), pauses)
    if not times:
        raise _invalid("endTime")
    teacher = MeetingTeacher(
        school_id=actor.school_id,
        meeting_id=meeting.id,
        user_id=user.id if user else None,
        display_name=name,
        subject=subject,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    try:
        async with uow.session.begin_nested():
            uow.session.add(teacher)
            await uow.session.flush()
    except IntegrityError:
        # The unique (meeting, user) constraint: this TEACHER user already takes part.
        raise DomainError(ErrorCode.ALREADY_EXISTS, "teacherUserId") from None
    assert teacher.id is not None
    slots = [
        Slot(
            school_id=actor.school_id,
            meeting_id=meeting.id,
            teacher_id=teacher.id,
            starts_at=slot_start,
            ends_at=slot_end,
        )
        for slot_start, slot_end in times
    ]
    uow.session.add_all(slots)
    await uow.session.flush()
    slot_ids = [slot.id for slot in slots if slot.id is not None]
    await emit_slots(uow, meeting.id, slot_ids)
    return teacher, await slot_views(uow.session, col(Slot.id).in_(slot_ids))


async def set_slot_blocked(uow: UnitOfWork, actor: Actor, slot_id: int, blocked: bool) -> SlotView:
    """Staff take a free slot out of booking (or give it back). A booked slot cannot be
    blocked: cancel its appointment first, so that the parent is told."""
    require_staff(actor)
    # Locked so that a booking of this slot waits for us, or we see its appointment.
    slot = await uow.session.scalar(
        select(Slot)
        .where(col(Slot.id) == slot_id, col(Slot.school_id) == actor.school_id)
        .with_for_update()
    )
    if slot is None or slot.id is None:
        raise NotFound("slotId")
    if blocked and await uow.session.scalar(
        select(col(Appointment.id)).where(
            col(Appointment.slot_id) == slot.id,
            col(Appointment.status) == AppointmentStatus.ACTIVE,
        )
    ):
        raise DomainError(ErrorCode.SLOT_TAKEN, "slotId")
    if slot.blocked != blocked:
        slot.blocked = blocked
        uow.session.add(slot)
        await uow.session.flush()
        await emit_slots(uow, slot.meeting_id, [slot.id])
    [view] = await slot_views(uow.session, col(Slot.id) == slot.id)
    return view
