"""School events, as a child's family sees them, and the staff's event mutation."""

import datetime
from typing import Protocol

import strawberry

from schema.context import Info
from schema.errors import UserError


@strawberry.type
class Event:
    id: strawberry.ID
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    kind: str = strawberry.field(description="activity | trip | meeting | holiday")
    class_name: str | None = strawberry.field(description="Null: the whole school.")


@strawberry.type
class EventPayload:
    event: Event | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


class CalendarApi(Protocol):
    async def upcoming_events(self, info: Info, child_id: int, limit: int) -> list[Event]: ...


@strawberry.type
class ChildCalendar:
    """The calendar fields of Child (schema/family.py)."""

    db_id: strawberry.Private[int]

    @strawberry.field(
        description="The next events of the child's school and class, soonest first (at most 50)."
    )
    async def upcoming_events(self, info: Info, limit: int | None = 5) -> list[Event]:
        return await info.context.api.calendar.upcoming_events(
            info, self.db_id, 5 if limit is None else limit
        )
