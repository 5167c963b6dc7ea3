"""Parent meetings: parents book, move and cancel; staff set meetings up; slots live."""

import functools
from collections.abc import AsyncGenerator
from datetime import date, datetime, time
from typing import Annotated, Any

import strawberry

from graphql_runtime.public import follow, shares_events
from resolvers.common import require_id
from schema.access import actor_of, read, run
from schema.appointments import Appointment, AppointmentPayload
from schema.context import Info
from schema.errors import catches_user_errors, refused
from schema.family import Child
from schema.meetings import (
    Meeting,
    MeetingPayload,
    Slot,
    SlotEvent,
    SlotPayload,
    Teacher,
    TeacherPayload,
    TimeRangeInput,
)
from services.accounts.actor import Actor
from services.common.errors import DomainError
from services.meetings import access, booking, lookup, setup
from services.meetings.appointments import AppointmentView
from services.meetings.slots import slot_from_payload, slots_channel, snapshot, teacher_view
from services.sql.uow import Transactions


def _appointment(view: AppointmentView) -> Appointment:
    return Appointment.from_view(view, Child.from_view(view.child))


@strawberry.type
class Query:
    @strawberry.field(
        description="The meetings the viewer sees, soonest first: staff their school's, a "
        "teacher those they take part in, a parent those open to their children."
    )
    async def meetings(
        self,
        info: Info,
        from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
        to: datetime | None = None,
    ) -> list[Meeting]:
        actor = actor_of(info)
        rows = await read(
            info,
            lambda s: access.visible_meetings(s, actor, ending_after=from_, starting_before=to),
        )
        return [Meeting.from_view(row) for row in rows]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Book a free slot for one of your children.")
    @catches_user_errors(AppointmentPayload)
    async def book_appointment(
        self, info: Info, child_id: strawberry.ID, slot_id: strawberry.ID
    ) -> AppointmentPayload:
        actor = actor_of(info)
        child = require_id(child_id, "Child", "childId")
        slot = require_id(slot_id, "Slot", "slotId")
        view = await run(info, lambda uow: booking.book(uow, actor, child, slot))
        return AppointmentPayload(appointment=_appointment(view))

    @strawberry.mutation(
        description="Move an appointment to another free slot of the same meeting: all or nothing."
    )
    @catches_user_errors(AppointmentPayload)
    async def move_appointment(
        self, info: Info, appointment_id: strawberry.ID, slot_id: strawberry.ID
    ) -> AppointmentPayload:
        actor = actor_of(info)
        appointment = require_id(appointment_id, "Appointment", "appointmentId")
        slot = require_id(slot_id, "Slot", "slotId")
        view = await run(info, lambda uow: booking.move(uow, actor, appointment, slot))
        return AppointmentPayload(appointment=_appointment(view))

    @strawberry.mutation(description="Cancel an appointment; its slot is free again.")
    @catches_user_errors(AppointmentPayload)
    async def cancel_appointment(
        self, info: Info, appointment_id: strawberry.ID
    ) -> AppointmentPayload:
        actor = actor_of(info)
        appointment = require_id(appointment_id, "Appointment", "appointmentId")
        view = await run(info, lambda uow: booking.cancel(uow, actor, appointment))
        return AppointmentPayload(appointment=_appointment(view))

    @strawberry.mutation(
        description="Staff: a meeting on one day, from startTime to endTime (school time); "
        "without classNames it is for the whole school."
    )
    @catches_user_errors(MeetingPayload)
    async def create_meeting(
        self,
        info: Info,
        title: str,
        day: Annotated[date, strawberry.argument(name="date")],
        start_time: time,
        end_time: time,
        booking_opens_at: datetime,
        booking_closes_at: datetime,
        slot_minutes: int,
        several_teachers: bool = True,
        class_names: list[str] | None = None,
    ) -> MeetingPayload:
        actor = actor_of(info)
        row = await run(
            info,
            lambda uow: setup.create_meeting(
                uow,
                actor,
                title=title,
                day=day,
                start=start_time,
                end=end_time,
                booking_opens_at=booking_opens_at,
                booking_closes_at=booking_closes_at,
                slot_minutes=slot_minutes,
                several_teachers=several_teachers,
                class_names=class_names or [],
            ),
        )
        return MeetingPayload(meeting=Meeting.from_view(row))

    @strawberry.mutation(
        description="Staff: a teacher (a TEACHER user, or a name) joins a meeting; their hours "
        "(default: the meeting's) minus their breaks become slots."
    )
    @catches_user_errors(TeacherPayload)
    async def add_meeting_teacher(
        self,
        info: Info,
        meeting_id: strawberry.ID,
        teacher_user_id: strawberry.ID | None = None,
        display_name: str | None = None,
        subject: str | None = None,
        start_time: time | None = None,
        end_time: time | None = None,
        breaks: list[TimeRangeInput] | None = None,
    ) -> TeacherPayload:
        actor = actor_of(info)
        meeting = require_id(meeting_id, "Meeting", "meetingId")
        user = (
            None
            if teacher_user_id is None
            else require_id(teacher_user_id, "User", "teacherUserId")
        )
        pauses = [setup.TimeRange(b.start, b.end) for b in breaks or []]
        teacher, views = await run(
            info,
            lambda uow: setup.add_teacher(
                uow,
                actor,
                meeting,
                user_id=user,
                display_name=display_name,
                subject=subject,
                start=start_time,
                end=end_time,
                breaks=pauses,
            ),
        )
        return TeacherPayload(
            teacher=Teacher.from_view(teacher_view(teacher)),
            slots=[Slot.from_view(v) for v in views],
        )

    @strawberry.mutation(description="Staff: take a free slot out of booking.")
    @catches_user_errors(SlotPayload)
    async def block_slot(self, info: Info, slot_id: strawberry.ID) -> SlotPayload:
        return await _set_blocked(info, slot_id, True)

    @strawberry.mutation(description="Staff: make a blocked slot bookable again.")
    @catches_user_errors(SlotPayload)
    async def unblock_slot(self, info: Info, slot_id: strawberry.ID) -> SlotPayload:
        return await _set_blocked(info, slot_id, False)


async def _set_blocked(info: Info, slot_id: strawberry.ID, blocked: bool) -> SlotPayload:
    actor = actor_of(info)
    slot = require_id(slot_id, "Slot", "slotId")
    view = await run(info, lambda uow: setup.set_slot_blocked(uow, actor, slot, blocked))
    return SlotPayload(slot=Slot.from_view(view))


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="First one event with every slot (snapshot true), then, after each "
        "commit, the changed slots; `sequence` grows by one per event of this meeting."
    )
    @shares_events
    async def meeting_slots_changed(
        self, info: Info, meeting_id: strawberry.ID
    ) -> AsyncGenerator[SlotEvent, None]:
        meeting = await _watchable_meeting(info, meeting_id)
        runtime = info.context.runtime
        # Shared: a slot event reads nothing of the viewer (SlotEvent, Slot and Teacher are
        # declared viewer-independent, which building the schema checks).
        events = follow(
            runtime.pubsub,
            slots_channel(meeting),
            functools.partial(_current_slots, runtime.transactions, actor_of(info), meeting),
            _changed_slots,
            shared_as="meetingSlots",
            spent=_empty,
        )
        # An idle subscription keeps none of its subscribing request's objects.
        del info, runtime
        async for event in events:
            yield event
            del event  # not kept while the subscription waits


async def _watchable_meeting(info: Info, meeting_id: strawberry.ID) -> int:
    actor = actor_of(info)
    try:
        meeting = require_id(meeting_id, "Meeting", "meetingId")
        await read(info, lambda s: access.meeting_for(s, actor, meeting))
    except DomainError as error:
        raise refused(info, error) from None
    return meeting


async def _current_slots(
    transactions: Transactions, actor: Actor, meeting: int
) -> tuple[int, list[SlotEvent]]:
    position, views = await transactions.read(lambda s: snapshot(s, actor, meeting))
    return position, [SlotEvent.from_views(views, position, snapshot=True)]


def _changed_slots(payload: dict[str, Any]) -> list[SlotEvent]:
    views = [slot_from_payload(data) for data in payload["slots"]]
    return [SlotEvent.from_views(views, int(payload["sequence"]), snapshot=False)]


def _empty(event: SlotEvent) -> None:
    event.slots = []


async def meeting_node(info: Info, meeting_id: int) -> Meeting | None:
    actor = actor_of(info)
    try:
        return Meeting.from_view(
            await read(info, lambda s: access.meeting_for(s, actor, meeting_id))
        )
    except DomainError:
        return None


async def slot_node(info: Info, slot_id: int) -> Slot | None:
    actor = actor_of(info)
    try:
        return Slot.from_view(await read(info, lambda s: lookup.slot_for(s, actor, slot_id)))
    except DomainError:
        return None


async def teacher_node(info: Info, teacher_id: int) -> Teacher | None:
    actor = actor_of(info)
    try:
        return Teacher.from_view(
            await read(info, lambda s: lookup.teacher_for(s, actor, teacher_id))
        )
    except DomainError:
        return None


async def appointment_node(info: Info, appointment_id: int) -> Appointment | None:
    actor = actor_of(info)
    try:
        view = await read(info, lambda s: lookup.appointment_for(s, actor, appointment_id))
    except DomainError:
        return None
    return _appointment(view)
