"""Parent meetings: the meeting, its teachers, their slots, and the appointments parents book.

One active appointment per slot, and per (child, teacher), is a unique partial index over
active appointments: the database, not the code, settles a race for a slot.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.columns import text_field, utc_field


class AppointmentStatus(StrEnum):
    ACTIVE = "ACTIVE"
    CANCELLED = "CANCELLED"


ACTIVE_ONLY = text("status = 'ACTIVE'")


class Meeting(SQLModel, table=True):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="hours"),
        CheckConstraint("booking_opens_at < booking_closes_at", name="booking_window"),
        CheckConstraint("slot_minutes > 0", name="slot_minutes"),
        Index("ix_meetings_school_starts", "school_id", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id")
    title: str = text_field(200)
    starts_at: datetime = utc_field()
    ends_at: datetime = utc_field()
    booking_opens_at: datetime = utc_field()
    booking_closes_at: datetime = utc_field()
    slot_minutes: int
    # False: each child meets one teacher at most in this meeting.
    several_teachers: bool = True
    created_at: datetime = utc_field()


class MeetingClass(SQLModel, table=True):
    """The classes a meeting is for; a meeting without any is for the whole school."""

    __tablename__ = "meeting_classes"
    __table_args__ = (UniqueConstraint("meeting_id", "class_name"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    class_name: str = text_field(50)


class MeetingTeacher(SQLModel, table=True):
    """A teacher taking part in one meeting: a TEACHER user or just a name, with their hours."""

    __tablename__ = "meeting_teachers"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    display_name: str = text_field(200)
    subject: str | None = text_field(100, nullable=True, default=None)
    starts_at: datetime = utc_field()
    ends_at: datetime = utc_field()


class Slot(SQLModel, table=True):
    """One bookable time of one teacher. Available = not blocked and no active appointment."""

    __tablename__ = "meeting_slots"
    __table_args__ = (
        UniqueConstraint("teacher_id", "starts_at"),
        Index("ix_meeting_slots_meeting_starts", "meeting_id", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    meeting_id: int = Field(foreign_key="meetings.id")
    teacher_id: int = Field(foreign_key="meeting_teachers.id")
    starts_at: datetime = utc_field()
    ends_at: datetime = utc_field()
    blocked: bool = False


class Appointment(SQLModel, table=True):
    """A child's appointment; its times and teacher are copied from its slot for overlap checks."""

    __tablename__ = "appointments"
    __table_args__ = (
        # SLOT_TAKEN: one active appointment per slot.
        Index(
            "uq_appointments_active_slot",
            "slot_id",
            unique=True,
            sqlite_where=ACTIVE_ONLY,
            postgresql_where=ACTIVE_ONLY,
        ),
        # TEACHER_ALREADY_BOOKED: a teacher row belongs to one meeting, so this is per meeting.
        Index(
            "uq_appointments_active_child_teacher",
            "child_id",
            "teacher_id",
            unique=True,
            sqlite_where=ACTIVE_ONLY,
            postgresql_where=ACTIVE_ONLY,
        ),
        Index("ix_appointments_child_starts", "child_id", "starts_at"),
        Index("ix_appointments_meeting", "meeting_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    meeting_id: int = Field(foreign_key="meetings.id")
    slot_id: int = Field(foreign_key="meeting_slots.id")
    teacher_id: int = Field(foreign_key="meeting_teachers.id")
    child_id: int = Field(foreign_key="children.id")
    # Who booked: their calendar holds the event the mails update.
    parent_id: int = Field(foreign_key="users.id", index=True)
    starts_at: datetime = utc_field()
    ends_at: datetime = utc_field()
    status: str = text_field(16, default=AppointmentStatus.ACTIVE)
    # iCalendar SEQUENCE: 0 when booked, one more on every move and on cancellation.
    revision: int = 0
    created_at: datetime = utc_field()
    updated_at: datetime = utc_field()
    cancelled_at: datetime | None = utc_field(nullable=True, default=None)
