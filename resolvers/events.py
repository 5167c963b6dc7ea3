"""School events: a child's agenda (events, meetings, tomorrow's meals; batched per operation),
and the staff mutation."""

from collections.abc import Sequence
from datetime import datetime

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_runtime.public import loader
from models.school import SchoolEvent
from resolvers.common import actor_of, catches_user_errors, run
from resolvers.family import schools_by_id
from resolvers.meetings_mapping import meeting_type
from schema.context import Info
from schema.errors import InvalidArgumentError
from schema.events import Event, EventPayload
from schema.ids import to_global_id
from services.accounts.actor import Actor
from services.dashboard import agenda
from services.dashboard.agenda import AgendaItem, MealDays
from services.school import events as school_events
from services.school.events import EventView
from services.sql.per_child import batched_per_child
from services.sql.runtime import Runtime

MAX_UPCOMING = 50


def event_type(row: SchoolEvent | EventView) -> Event:
    assert row.id is not None
    return Event(
        id=to_global_id("Event", row.id),
        title=row.title,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        kind=row.kind,
        class_name=row.class_name,
    )


def agenda_event(item: AgendaItem) -> Event:
    if item.event is not None:
        return event_type(item.event)
    if item.meeting is not None:
        assert item.meeting.id is not None
        about, meeting = to_global_id("Meeting", item.meeting.id), meeting_type(item.meeting)
    else:
        assert item.meal is not None
        about, meeting = to_global_id("MealReservation", item.meal.id), None
    return Event(
        id=about,
        title=item.title,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        kind=item.kind,
        class_name=None,
        meeting=meeting,
    )


# What a child's agenda is asked for: how many items, and whose meals (None: no meals).
AgendaKey = tuple[Actor, int, tuple[int, MealDays | None]]


async def _load_upcoming(runtime: Runtime, keys: Sequence[AgendaKey]) -> list[list[AgendaItem]]:
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


class CalendarResolvers:
    """Implements schema.events.CalendarApi."""

    async def upcoming_events(
        self, info: Info, child_id: int, school_id: int, limit: int
    ) -> list[Event]:
        actor = actor_of(info)
        if not 0 <= limit <= MAX_UPCOMING:
            raise InvalidArgumentError("limit")
        # Whose meals show depends on the school (read once per operation, by `viewer` already).
        school = await loader(info, schools_by_id).load(school_id)
        key = (actor, child_id, (limit, MealDays.of(school)))
        rows = await loader(info, _load_upcoming).load(key)
        return [agenda_event(item) for item in rows]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Staff: add a school event; without className it is for the whole school."
    )
    @catches_user_errors(EventPayload)
    async def create_event(
        self,
        info: Info,
        title: str,
        kind: str,
        starts_at: datetime,
        ends_at: datetime | None = None,
        class_name: str | None = None,
    ) -> EventPayload:
        actor = actor_of(info)
        row = await run(
            info,
            lambda uow: school_events.create_event(
                uow,
                actor,
                title=title,
                kind=kind,
                starts_at=starts_at,
                ends_at=ends_at,
                class_name=class_name,
            ),
        )
        return EventPayload(event=event_type(row))
