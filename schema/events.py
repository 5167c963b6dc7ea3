"""School events, as a child's family sees them, and the staff's event mutation."""

import datetime
from typing import Protocol

import strawberry

from schema.context import Info
from schema.errors import UserError
from schema.meetings import Meeting


@strawberry.type(
    description="A coming event of a child's agenda: a school event, a parent meeting (kind "
    "meeting, with `meeting`) or a meal reserved for tomorrow (kind meal, the whole day)."
)
class Event:
    id: strawberry.ID = strawberry.field(
        description="The global ID of what it is about: the school event, the Meeting or the "
        "MealReservation."
    )
    title: str = strawberry.field(description="For a meal, the article's name.")
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    kind: str = strawberry.field(description="activity | trip | meeting | holiday | meal")
    class_name: str | None = strawberry.field(
        description="The class a school event is for; null: the whole school (and for meetings "
        "and meals)."
    )
    meeting: Meeting | None = strawberry.field(
        default=None, description="The parent meeting this event is (null for the others)."
    )


@strawberry.type
class EventPayload:
    event: Event | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


class CalendarApi(Protocol):
    async def upcoming_events(
        self, info: Info, child_id: int, school_id: int, limit: int
    ) -> list[Event]: ...


@strawberry.type
class ChildCalendar:
    """The calendar fields of Child (schema/family.py)."""

    db_id: strawberry.Private[int]
    school_id: strawberry.Private[int]

    @strawberry.field(
        description="The next events of the child's school and class, the parent meetings open "
        "to the child and its meals reserved for tomorrow, soonest first (at most 50)."
    )
    async def upcoming_events(self, info: Info, limit: int | None = 5) -> list[Event]:
        return await info.context.api.calendar.upcoming_events(
            info, self.db_id, self.school_id, 5 if limit is None else limit
        )
