"""A child's agenda (school events, parent meetings, tomorrow's meals) and the staff's event
mutation's payload."""

import datetime
from collections.abc import Sequence

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_runtime.public import loader
from models.school import SchoolEvent
from schema.access import actor_of
from schema.context import Info
from schema.errors import InvalidArgumentError, UserError
from schema.ids import to_global_id
from schema.meetings import Meeting
from schema.schools import school_view
from services.accounts.actor import Actor
from services.dashboard import agenda
from services.dashboard.agenda import AgendaItem, MealDays
from services.school.events import EventView
from services.sql.per_child import batched_per_child
from services.sql.runtime import Runtime

MAX_UPCOMING = 50


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

    @classmethod
    def from_view(cls, row: SchoolEvent | EventView) -> "Event":
        """A school event."""
        assert row.id is not None
        return cls(
            id=to_global_id("Event", row.id),
            title=row.title,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            kind=row.kind,
            class_name=row.class_name,
        )

    @classmethod
    def from_agenda(cls, item: AgendaItem) -> "Event":
        """Whatever the agenda holds: a school event, a meeting or a reserved meal."""
        if item.event is not None:
            return cls.from_view(item.event)
        if item.meeting is not None:
            assert item.meeting.id is not None
            about, meeting = (
                to_global_id("Meeting", item.meeting.id),
                Meeting.from_view(item.meeting),
            )
        else:
            assert item.meal is not None
            about, meeting = to_global_id("MealReservation", item.meal.id), None
        return cls(
            id=about,
            title=item.title,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            kind=item.kind,
            class_name=None,
            meeting=meeting,
        )


@strawberry.type
class EventPayload:
    event: Event | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


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
        return await upcoming_events(
            info, self.db_id, self.school_id, 5 if limit is None else limit
        )


# What a child's agenda is asked for: how many items, and whose meals (None: no meals).
AgendaKey = tuple[Actor, int, tuple[int, MealDays | None]]


async def _upcoming(runtime: Runtime, keys: Sequence[AgendaKey]) -> list[list[AgendaItem]]:
    now = runtime.settings.clock()

    async def fetch(
        session: AsyncSession,
        actor: Actor,
        child_ids: list[int],
        asked: tuple[int, MealDays | None],
    ) -> dict[int, list[AgendaItem]]:
        limit, meals = asked
        return await agenda.upcoming(session, actor, child_ids, now=now, limit=limit, meals=meals)

    return await batched_per_child(runtime, keys, fetch)


async def upcoming_events(info: Info, child_id: int, school_id: int, limit: int) -> list[Event]:
    """A child's agenda, batched across children (Child.upcomingEvents and its dashboard's)."""
    actor = actor_of(info)
    if not 0 <= limit <= MAX_UPCOMING:
        raise InvalidArgumentError("limit")
    # Whose meals show depends on the school (read once per operation, by `viewer` already).
    school = await school_view(info, school_id)
    key = (actor, child_id, (limit, MealDays.of(school)))
    return [Event.from_agenda(item) for item in await loader(info, _upcoming).load(key)]
