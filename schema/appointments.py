"""Appointments, and what parent meetings add to `Child`: its meetings and appointments."""

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_runtime.public import loader
from models.meetings import Meeting as MeetingRow
from schema.access import actor_of, load_by_id
from schema.context import Info
from schema.errors import UserError
from schema.ids import to_global_id
from schema.meetings import Meeting, Slot, Teacher
from schema.node import Node
from services.accounts.actor import Actor
from services.meetings import access, lookup
from services.meetings.appointments import AppointmentView, appointments_of_children
from services.sql.by_id import ViewerKey, batched_by_id
from services.sql.per_child import ChildKey, batched_per_child
from services.sql.runtime import Runtime

# Child.meetings and Child.appointments list at most this many (one batch for every child).
PER_CHILD = 100


@strawberry.type
class Appointment(Node):
    db_id: strawberry.Private[int]
    meeting_id: strawberry.Private[int]
    slot: Slot
    teacher: Teacher
    # Child lists appointments (it inherits ChildMeetings below): named here, not imported
    # (strawberry resolves the name when the schema is built); to Python, an appointment's
    # child is a ChildMeetings.
    child: "ChildMeetings" = strawberry.field(
        graphql_type=Annotated["Child", strawberry.lazy("schema.family")]  # noqa: F821
    )
    starts_at: datetime
    ends_at: datetime
    status: str = strawberry.field(description="ACTIVE | CANCELLED")

    @strawberry.field
    async def meeting(self, info: Info) -> Meeting:
        return Meeting.from_view(await load_by_id(info, _meetings, self.meeting_id))

    @classmethod
    def from_view(cls, view: AppointmentView, child: "ChildMeetings") -> "Appointment":
        """`child`: the appointment's child as a `Child` (schema.family.Child.from_view)."""
        return cls(
            id=to_global_id("Appointment", view.id),
            db_id=view.id,
            meeting_id=view.meeting_id,
            slot=Slot.from_view(view.slot),
            teacher=Teacher.from_view(view.slot.teacher),
            child=child,
            starts_at=view.starts_at,
            ends_at=view.ends_at,
            status=view.status,
        )


@strawberry.type
class AppointmentPayload:
    appointment: Appointment | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ChildMeetings:
    """Child's meeting fields (schema.family.Child inherits them)."""

    db_id: strawberry.Private[int]

    @strawberry.field(description="Meetings open to this child's parents.")
    async def meetings(self, info: Info) -> list[Meeting]:
        rows = await loader(info, _child_meetings).load((actor_of(info), self.db_id, PER_CHILD))
        return [Meeting.from_view(row) for row in rows]

    @strawberry.field(description="This child's appointments, upcoming first.")
    async def appointments(self, info: Info) -> list[Appointment]:
        key = (actor_of(info), self.db_id, PER_CHILD)
        # Each is this child's own: `self` is its child.
        return [
            Appointment.from_view(view, self)
            for view in await loader(info, _child_appointments).load(key)
        ]


async def _meetings(runtime: Runtime, keys: Sequence[ViewerKey]) -> list[MeetingRow | None]:
    return await batched_by_id(runtime, keys, lookup.meetings_by_id)


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
        return await appointments_of_children(session, actor, child_ids, now=now, limit=limit)

    return await batched_per_child(runtime, keys, fetch)
