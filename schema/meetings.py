"""Parent meetings: meetings, teachers, slots, schedules, the live slot events, payloads."""

from collections.abc import Iterable, Sequence
from datetime import datetime, time

import strawberry

from graphql_runtime.public import loader, viewer_independent
from models.meetings import Meeting as MeetingRow
from schema.access import actor_of, load_by_id, read
from schema.context import Info
from schema.errors import UserError
from schema.ids import db_id_of, to_global_id
from schema.node import Node
from services.meetings import lookup, schedule
from services.meetings.access import MeetingView
from services.meetings.schedule import ScheduleEntry as ScheduleEntryView
from services.meetings.slots import SlotView, TeacherView, slots_of_meetings
from services.sql.by_id import ViewerKey, batched_by_id
from services.sql.runtime import Runtime


@viewer_independent  # shown alike to every meetingSlotsChanged watcher
@strawberry.type
class Teacher(Node):
    db_id: strawberry.Private[int]
    display_name: str
    subject: str | None

    @classmethod
    def from_view(cls, view: TeacherView) -> "Teacher":
        return cls(
            id=to_global_id("Teacher", view.id),
            db_id=view.id,
            display_name=view.display_name,
            subject=view.subject,
        )


@viewer_independent  # shown alike to every meetingSlotsChanged watcher
@strawberry.type
class Slot(Node):
    db_id: strawberry.Private[int]
    teacher: Teacher
    starts_at: datetime
    ends_at: datetime
    available: bool = strawberry.field(description="Not blocked and not booked.")
    blocked: bool = strawberry.field(description="Taken out of booking by the school.")

    @classmethod
    def from_view(cls, view: SlotView, teacher: Teacher | None = None) -> "Slot":
        return cls(
            id=to_global_id("Slot", view.id),
            db_id=view.id,
            teacher=Teacher.from_view(view.teacher) if teacher is None else teacher,
            starts_at=view.starts_at,
            ends_at=view.ends_at,
            available=view.available,
            blocked=view.blocked,
        )

    @classmethod
    def from_views(cls, views: Iterable[SlotView]) -> list["Slot"]:
        """Slots sharing one Teacher per teacher (a meeting's dozens of slots have a few)."""
        teachers: dict[TeacherView, Teacher] = {}
        slots = []
        for view in views:
            teacher = teachers.get(view.teacher)
            if teacher is None:
                teacher = teachers[view.teacher] = Teacher.from_view(view.teacher)
            slots.append(cls.from_view(view, teacher))
        return slots


@strawberry.type(description="Who booked a slot (staff and the slot's teacher only).")
class Booking:
    appointment_id: strawberry.ID
    child_first_name: str
    child_last_name: str
    class_name: str | None
    parent_name: str


@strawberry.type
class ScheduleEntry:
    slot: Slot
    booking: Booking | None

    @classmethod
    def from_view(cls, entry: ScheduleEntryView) -> "ScheduleEntry":
        booking = entry.booking
        return cls(
            slot=Slot.from_view(entry.slot),
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


@strawberry.type
class Meeting(Node):
    db_id: strawberry.Private[int]
    title: str
    starts_at: datetime
    ends_at: datetime
    booking_opens_at: datetime
    booking_closes_at: datetime
    slot_minutes: int
    several_teachers: bool = strawberry.field(
        description="Whether a child may have appointments with several teachers."
    )

    @strawberry.field(description="The classes it is for; empty: the whole school.")
    async def class_names(self, info: Info) -> list[str]:
        return await load_by_id(info, _classes, self.db_id)

    @strawberry.field
    async def teachers(self, info: Info) -> list[Teacher]:
        views = await loader(info, _teachers).load((actor_of(info), self.db_id))
        return [Teacher.from_view(view) for view in views]

    @strawberry.field
    async def slots(self, info: Info, teacher_id: strawberry.ID | None = None) -> list[Slot]:
        wanted = _teacher_filter(teacher_id)
        views = await loader(info, _slots).load((actor_of(info), self.db_id))
        return Slot.from_views(v for v in views if wanted is None or v.teacher.id == wanted)

    @strawberry.field(
        description="Staff: each teacher's slots and who booked them, in time order; "
        "a teacher: their own. Empty for parents."
    )
    async def schedule(
        self, info: Info, teacher_id: strawberry.ID | None = None
    ) -> list[ScheduleEntry]:
        actor, wanted = actor_of(info), _teacher_filter(teacher_id)
        entries = await read(info, lambda s: schedule.schedule(s, actor, self.db_id, wanted))
        return [ScheduleEntry.from_view(entry) for entry in entries]

    @strawberry.field(description="The schedule as plain text, ready to print.")
    async def printable_schedule(self, info: Info, teacher_id: strawberry.ID | None = None) -> str:
        actor, wanted, locale = actor_of(info), _teacher_filter(teacher_id), info.context.locale
        return await read(
            info,
            lambda s: schedule.printable_schedule(s, actor, self.db_id, wanted, locale),
        )

    @classmethod
    def from_view(cls, row: MeetingRow | MeetingView) -> "Meeting":
        assert row.id is not None
        return cls(
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


@viewer_independent  # shown alike to every meetingSlotsChanged watcher
@strawberry.type
class SlotEvent:
    snapshot: bool
    slots: list[Slot]
    sequence: int

    @classmethod
    def from_views(cls, slots: list[SlotView], sequence: int, *, snapshot: bool) -> "SlotEvent":
        return cls(snapshot=snapshot, slots=Slot.from_views(slots), sequence=sequence)


@strawberry.input
class TimeRangeInput:
    start: time
    end: time


@strawberry.type
class MeetingPayload:
    meeting: Meeting | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TeacherPayload:
    teacher: Teacher | None = None
    slots: list[Slot] = strawberry.field(default_factory=list)
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SlotPayload:
    slot: Slot | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def _teacher_filter(teacher_id: strawberry.ID | None) -> int | None:
    """A teacher ID as a filter; a malformed one matches no teacher (-1)."""
    if teacher_id is None:
        return None
    parsed = db_id_of(teacher_id, "Teacher")
    return -1 if parsed is None else parsed


# A meeting's own lists, batched per operation and read as far as the viewer may see the
# meeting (services.meetings.lookup): the agenda's meetings cost one statement each.


async def _teachers(runtime: Runtime, keys: Sequence[ViewerKey]) -> list[list[TeacherView]]:
    found = await batched_by_id(runtime, keys, lookup.teachers_of)
    return [views or [] for views in found]


async def _slots(runtime: Runtime, keys: Sequence[ViewerKey]) -> list[list[SlotView]]:
    found = await batched_by_id(runtime, keys, slots_of_meetings)
    return [views or [] for views in found]


async def _classes(runtime: Runtime, keys: Sequence[ViewerKey]) -> list[list[str] | None]:
    return await batched_by_id(runtime, keys, lookup.classes_of)
