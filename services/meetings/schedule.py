"""Who booked what, per teacher in time order: for staff (every teacher) and for a teacher
(their own slots only). Also as plain text, ready to print and pin on a classroom door."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement
from sqlmodel import col

from mailer.render import BABEL_LOCALES
from models.accounts import Role, User
from models.family import Child, School
from models.meetings import Appointment, AppointmentStatus, MeetingTeacher, Slot
from services.accounts.actor import Actor
from services.meetings.access import meeting_for
from services.meetings.slots import SlotView, slot_views


@dataclass(frozen=True)
class Booking:
    appointment_id: int
    child_first_name: str
    child_last_name: str
    class_name: str | None
    parent_name: str


@dataclass(frozen=True)
class ScheduleEntry:
    slot: SlotView
    booking: Booking | None


async def schedule(
    session: AsyncSession, actor: Actor, meeting_id: int, teacher_id: int | None = None
) -> list[ScheduleEntry]:
    """Every slot of the meeting (or of one teacher) with its booking, teacher by teacher.

    Parents get nothing here: who else booked is not theirs to see.
    """
    await meeting_for(session, actor, meeting_id)
    return await _entries(session, actor, meeting_id, teacher_id)


async def _entries(
    session: AsyncSession, actor: Actor, meeting_id: int, teacher_id: int | None
) -> list[ScheduleEntry]:
    where: list[ColumnElement[bool]] = [col(Slot.meeting_id) == meeting_id]
    if teacher_id is not None:
        where.append(col(Slot.teacher_id) == teacher_id)
    if actor.role == Role.TEACHER:
        own = select(col(MeetingTeacher.id)).where(col(MeetingTeacher.user_id) == actor.user_id)
        where.append(col(Slot.teacher_id).in_(own))
    elif actor.role != Role.STAFF:
        return []
    slots = await slot_views(session, *where)
    rows = await session.execute(
        select(Appointment, Child, User)
        .join(Child, col(Child.id) == col(Appointment.child_id))
        .join(User, col(User.id) == col(Appointment.parent_id))
        .where(
            col(Appointment.slot_id).in_([slot.id for slot in slots]),
            col(Appointment.status) == AppointmentStatus.ACTIVE,
        )
    )
    bookings = {
        appointment.slot_id: Booking(
            appointment_id=appointment.id or 0,
            child_first_name=child.first_name,
            child_last_name=child.last_name,
            class_name=child.class_name,
            parent_name=user.display_name,
        )
        for appointment, child, user in rows.all()
    }
    return [ScheduleEntry(slot, bookings.get(slot.id)) for slot in slots]


WORDS = {
    "fr": {"free": "libre", "blocked": "bloqué", "parent": "parent :"},
    "en": {"free": "free", "blocked": "blocked", "parent": "parent:"},
}


async def printable_schedule(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    teacher_id: int | None = None,
    locale: str = "fr",
) -> str:
    """The schedule as plain text: a heading per teacher, then one line per slot."""
    meeting = await meeting_for(session, actor, meeting_id)
    school = await session.get(School, meeting.school_id)
    assert school is not None
    zone = ZoneInfo(school.timezone)
    words = WORDS.get(locale, WORDS["fr"])
    day = format_date(
        meeting.starts_at.astimezone(zone).date(), "full", locale=BABEL_LOCALES.get(locale, locale)
    )
    lines = [f"{meeting.title} — {day}", ""]
    current = None
    for entry in await _entries(session, actor, meeting_id, teacher_id):
        teacher = entry.slot.teacher
        if teacher.id != current:
            if current is not None:
                lines.append("")
            current = teacher.id
            subject = f" ({teacher.subject})" if teacher.subject else ""
            lines.append(f"{teacher.display_name}{subject}")
        start = entry.slot.starts_at.astimezone(zone).strftime("%H:%M")
        end = entry.slot.ends_at.astimezone(zone).strftime("%H:%M")
        lines.append(f"  {start}–{end}  {_describe(entry, words)}")
    return "\n".join(lines) + "\n"


def _describe(entry: ScheduleEntry, words: dict[str, str]) -> str:
    booking = entry.booking
    if booking is None:
        return words["blocked"] if entry.slot.blocked else words["free"]
    class_name = f" ({booking.class_name})" if booking.class_name else ""
    child = f"{booking.child_first_name} {booking.child_last_name}{class_name}"
    return f"{child} — {words['parent']} {booking.parent_name}"
