"""Meeting rows and service views to contract types."""

from collections.abc import Iterable

from models.meetings import Meeting as MeetingRow
from schema.family import Child
from schema.ids import to_global_id
from schema.meetings import (
    Appointment,
    Booking,
    Meeting,
    ScheduleEntry,
    Slot,
    SlotEvent,
    Teacher,
)
from services.meetings.access import MeetingView
from services.meetings.appointments import AppointmentView
from services.meetings.schedule import ScheduleEntry as ScheduleEntryView
from services.meetings.slots import SlotView, TeacherView


def meeting_type(row: MeetingRow | MeetingView) -> Meeting:
    assert row.id is not None
    return Meeting(
        id=to_global_id("Meeting", row.id),
        db_id=row.id,
        title=row.title,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        booking_opens_at=row.booking_opens_at,
        booking_closes_at=row.booking_closes_at,
        slot_minutes=row.slot_minutes,
        several_teachers=row.several_teachers,
    )


def teacher_type(view: TeacherView) -> Teacher:
    return Teacher(
        id=to_global_id("Teacher", view.id),
        db_id=view.id,
        display_name=view.display_name,
        subject=view.subject,
    )


def slot_type(view: SlotView, teacher: Teacher | None = None) -> Slot:
    return Slot(
        id=to_global_id("Slot", view.id),
        db_id=view.id,
        teacher=teacher_type(view.teacher) if teacher is None else teacher,
        starts_at=view.starts_at,
        ends_at=view.ends_at,
        available=view.available,
        blocked=view.blocked,
    )


def slot_types(views: Iterable[SlotView]) -> list[Slot]:
    """Slots sharing one Teacher per teacher (a meeting's dozens of slots have a few)."""
    teachers: dict[TeacherView, Teacher] = {}
    slots = []
    for view in views:
        teacher = teachers.get(view.teacher)
        if teacher is None:
            teacher = teachers[view.teacher] = teacher_type(view.teacher)
        slots.append(slot_type(view, teacher))
    return slots


def appointment_type(view: AppointmentView) -> Appointment:
    return Appointment(
        id=to_global_id("Appointment", view.id),
        db_id=view.id,
        meeting_id=view.meeting_id,
        slot=slot_type(view.slot),
        teacher=teacher_type(view.slot.teacher),
        child=Child.from_view(view.child),
        starts_at=view.starts_at,
        ends_at=view.ends_at,
        status=view.status,
    )


def schedule_entry_type(entry: ScheduleEntryView) -> ScheduleEntry:
    booking = entry.booking
    return ScheduleEntry(
        slot=slot_type(entry.slot),
        booking=None
        if booking is None
        else Booking(
            appointment_id=to_global_id("Appointment", booking.appointment_id),
            child_first_name=booking.child_first_name,
            child_last_name=booking.child_last_name,
            class_name=booking.class_name,
            parent_name=booking.parent_name,
        ),
    )


def slot_event(slots: list[SlotView], sequence: int, *, snapshot: bool) -> SlotEvent:
    return SlotEvent(snapshot=snapshot, slots=slot_types(slots), sequence=sequence)
