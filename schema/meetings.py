"""Parent meetings: meetings, teachers, slots, appointments, the live slot events, payloads."""

from datetime import datetime, time
from typing import TYPE_CHECKING, Annotated, Protocol

import strawberry

from graphql_runtime.public import viewer_independent
from schema.context import Info
from schema.errors import UserError
from schema.node import Node

if TYPE_CHECKING:
    from schema.family import Child


@viewer_independent  # shown alike to every meetingSlotsChanged watcher
@strawberry.type
class Teacher(Node):
    db_id: strawberry.Private[int]
    display_name: str
    subject: str | None


@viewer_independent  # shown alike to every meetingSlotsChanged watcher
@strawberry.type
class Slot(Node):
    db_id: strawberry.Private[int]
    teacher: Teacher
    starts_at: datetime
    ends_at: datetime
    available: bool = strawberry.field(description="Not blocked and not booked.")
    blocked: bool = strawberry.field(description="Taken out of booking by the school.")


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
        return await info.context.api.meetings.class_names(info, self.db_id)

    @strawberry.field
    async def teachers(self, info: Info) -> list[Teacher]:
        return await info.context.api.meetings.teachers(info, self.db_id)

    @strawberry.field
    async def slots(self, info: Info, teacher_id: strawberry.ID | None = None) -> list[Slot]:
        return await info.context.api.meetings.slots(info, self.db_id, teacher_id)

    @strawberry.field(
        description="Staff: each teacher's slots and who booked them, in time order; "
        "a teacher: their own. Empty for parents."
    )
    async def schedule(
        self, info: Info, teacher_id: strawberry.ID | None = None
    ) -> list[ScheduleEntry]:
        return await info.context.api.meetings.schedule(info, self.db_id, teacher_id)

    @strawberry.field(description="The schedule as plain text, ready to print.")
    async def printable_schedule(self, info: Info, teacher_id: strawberry.ID | None = None) -> str:
        return await info.context.api.meetings.printable_schedule(info, self.db_id, teacher_id)


@strawberry.type
class Appointment(Node):
    db_id: strawberry.Private[int]
    meeting_id: strawberry.Private[int]
    slot: Slot
    teacher: Teacher
    child: Annotated["Child", strawberry.lazy("schema.family")]
    starts_at: datetime
    ends_at: datetime
    status: str = strawberry.field(description="ACTIVE | CANCELLED")

    @strawberry.field
    async def meeting(self, info: Info) -> Meeting:
        return await info.context.api.meetings.meeting(info, self.meeting_id)


@viewer_independent  # shown alike to every meetingSlotsChanged watcher
@strawberry.type
class SlotEvent:
    snapshot: bool
    slots: list[Slot]
    sequence: int


@strawberry.input
class TimeRangeInput:
    start: time
    end: time


@strawberry.type
class AppointmentPayload:
    appointment: Appointment | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


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


@strawberry.type
class ChildMeetings:
    """Child's meeting fields (schema.family.Child inherits them)."""

    db_id: strawberry.Private[int]

    @strawberry.field(description="Meetings open to this child's parents.")
    async def meetings(self, info: Info) -> list[Meeting]:
        return await info.context.api.meetings.child_meetings(info, self.db_id)

    @strawberry.field(description="This child's appointments, upcoming first.")
    async def appointments(self, info: Info) -> list[Appointment]:
        return await info.context.api.meetings.child_appointments(info, self.db_id)


class MeetingsApi(Protocol):
    async def child_meetings(self, info: Info, child_id: int) -> list[Meeting]: ...
    async def child_appointments(self, info: Info, child_id: int) -> list[Appointment]: ...
    async def meeting(self, info: Info, meeting_id: int) -> Meeting: ...
    async def class_names(self, info: Info, meeting_id: int) -> list[str]: ...
    async def teachers(self, info: Info, meeting_id: int) -> list[Teacher]: ...
    async def slots(
        self, info: Info, meeting_id: int, teacher_id: strawberry.ID | None
    ) -> list[Slot]: ...
    async def schedule(
        self, info: Info, meeting_id: int, teacher_id: strawberry.ID | None
    ) -> list[ScheduleEntry]: ...
    async def printable_schedule(
        self, info: Info, meeting_id: int, teacher_id: strawberry.ID | None
    ) -> str: ...
