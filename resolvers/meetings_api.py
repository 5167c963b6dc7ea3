"""The meeting types' own fields (schema.meetings.MeetingsApi) and node lookups."""

from collections.abc import Sequence

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_runtime.public import loader
from models.meetings import Meeting as MeetingRow
from resolvers.common import actor_of, read
from resolvers.meetings_mapping import (
    appointment_type,
    meeting_type,
    schedule_entry_type,
    slot_type,
    slot_types,
    teacher_type,
)
from schema.context import Info
from schema.ids import db_id_of
from schema.meetings import Appointment, Meeting, ScheduleEntry, Slot, Teacher
from services.accounts.actor import Actor
from services.common.errors import DomainError
from services.meetings import access, appointments, lookup, schedule, slots
from services.meetings.appointments import AppointmentView
from services.meetings.slots import SlotView, TeacherView
from services.sql.per_child import ChildKey, batched_per_child
from services.sql.runtime import Runtime

# Child.meetings and Child.appointments list at most this many (one batch for every child).
PER_CHILD = 100


async def _teachers_by_meeting(
    runtime: Runtime, meeting_ids: Sequence[int]
) -> list[list[TeacherView]]:
    found = await runtime.transactions.read(lambda s: lookup.teachers_of(s, meeting_ids))
    return [found[meeting_id] for meeting_id in meeting_ids]


async def _slots_by_meeting(runtime: Runtime, meeting_ids: Sequence[int]) -> list[list[SlotView]]:
    views = await runtime.transactions.read(lambda s: slots.meeting_slots(s, meeting_ids))
    found: dict[int, list[SlotView]] = {meeting_id: [] for meeting_id in meeting_ids}
    for view in views:
        found[view.meeting_id].append(view)
    return [found[meeting_id] for meeting_id in meeting_ids]


async def _meetings_by_id(runtime: Runtime, meeting_ids: Sequence[int]) -> list[MeetingRow]:
    found = await runtime.transactions.read(lambda s: lookup.meetings_by_id(s, meeting_ids))
    return [found[meeting_id] for meeting_id in meeting_ids]


async def _child_meetings(
    runtime: Runtime, keys: Sequence[ChildKey]
) -> list[list[access.MeetingView]]:
    now = runtime.settings.clock()

    async def fetch(
        session: AsyncSession, actor: Actor, child_ids: list[int], limit: int
    ) -> dict[int, list[access.MeetingView]]:
        return await access.upcoming_meetings(session, actor, child_ids, now=now, limit=limit)

    return await batched_per_child(runtime, keys, fetch)


async def _child_appointments(
    runtime: Runtime, keys: Sequence[ChildKey]
) -> list[list[AppointmentView]]:
    now = runtime.settings.clock()

    async def fetch(
        session: AsyncSession, actor: Actor, child_ids: list[int], limit: int
    ) -> dict[int, list[AppointmentView]]:
        return await appointments.appointments_of_children(
            session, actor, child_ids, now=now, limit=limit
        )

    return await batched_per_child(runtime, keys, fetch)


async def _classes_by_meeting(runtime: Runtime, meeting_ids: Sequence[int]) -> list[list[str]]:
    found = await runtime.transactions.read(lambda s: lookup.classes_of(s, meeting_ids))
    return [found[meeting_id] for meeting_id in meeting_ids]


def _teacher_filter(teacher_id: strawberry.ID | None) -> int | None:
    """A teacher ID as a filter; a malformed one matches no teacher (-1)."""
    if teacher_id is None:
        return None
    parsed = db_id_of(teacher_id, "Teacher")
    return -1 if parsed is None else parsed


class MeetingsResolvers:
    """Implements schema.meetings.MeetingsApi."""

    async def child_meetings(self, info: Info, child_id: int) -> list[Meeting]:
        rows = await loader(info, _child_meetings).load((actor_of(info), child_id, PER_CHILD))
        return [meeting_type(row) for row in rows]

    async def child_appointments(self, info: Info, child_id: int) -> list[Appointment]:
        key = (actor_of(info), child_id, PER_CHILD)
        return [
            appointment_type(view) for view in await loader(info, _child_appointments).load(key)
        ]

    async def meeting(self, info: Info, meeting_id: int) -> Meeting:
        return meeting_type(await loader(info, _meetings_by_id).load(meeting_id))

    async def class_names(self, info: Info, meeting_id: int) -> list[str]:
        return await loader(info, _classes_by_meeting).load(meeting_id)

    async def teachers(self, info: Info, meeting_id: int) -> list[Teacher]:
        views = await loader(info, _teachers_by_meeting).load(meeting_id)
        return [teacher_type(view) for view in views]

    async def slots(
        self, info: Info, meeting_id: int, teacher_id: strawberry.ID | None
    ) -> list[Slot]:
        wanted = _teacher_filter(teacher_id)
        views = await loader(info, _slots_by_meeting).load(meeting_id)
        return slot_types(v for v in views if wanted is None or v.teacher.id == wanted)

    async def schedule(
        self, info: Info, meeting_id: int, teacher_id: strawberry.ID | None
    ) -> list[ScheduleEntry]:
        actor = actor_of(info)
        wanted = _teacher_filter(teacher_id)
        entries = await read(info, lambda s: schedule.schedule(s, actor, meeting_id, wanted))
        return [schedule_entry_type(entry) for entry in entries]

    async def printable_schedule(
        self, info: Info, meeting_id: int, teacher_id: strawberry.ID | None
    ) -> str:
        actor = actor_of(info)
        wanted = _teacher_filter(teacher_id)
        return await read(
            info,
            lambda s: schedule.printable_schedule(
                s, actor, meeting_id, wanted, info.context.locale
            ),
        )


async def meeting_node(info: Info, meeting_id: int) -> Meeting | None:
    actor = actor_of(info)
    try:
        return meeting_type(await read(info, lambda s: access.meeting_for(s, actor, meeting_id)))
    except DomainError:
        return None


async def slot_node(info: Info, slot_id: int) -> Slot | None:
    actor = actor_of(info)
    try:
        return slot_type(await read(info, lambda s: lookup.slot_for(s, actor, slot_id)))
    except DomainError:
        return None


async def teacher_node(info: Info, teacher_id: int) -> Teacher | None:
    actor = actor_of(info)
    try:
        return teacher_type(await read(info, lambda s: lookup.teacher_for(s, actor, teacher_id)))
    except DomainError:
        return None


async def appointment_node(info: Info, appointment_id: int) -> Appointment | None:
    actor = actor_of(info)
    try:
        view = await read(info, lambda s: lookup.appointment_for(s, actor, appointment_id))
    except DomainError:
        return None
    return appointment_type(view)
