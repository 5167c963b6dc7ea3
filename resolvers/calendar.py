"""School events: a child's upcoming events and meetings (batched per operation), and the
staff mutation."""

from collections.abc import Sequence
from datetime import datetime

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models.calendar import SchoolEvent
from resolvers.child_batches import ChildKey, per_child
from resolvers.common import actor_of, catches_user_errors, run
from resolvers.loaders import loader
from resolvers.meetings_mapping import meeting_type
from schema.calendar import Event, EventPayload
from schema.context import Info
from schema.errors import InvalidArgumentError
from schema.ids import to_global_id
from services import agenda, calendar
from services.actor import Actor
from services.agenda import AgendaItem
from services.runtime import Runtime

MAX_UPCOMING = 50


def event_type(row: SchoolEvent) -> Event:
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
    assert item.meeting is not None and item.meeting.id is not None
    return Event(
        id=to_global_id("Meeting", item.meeting.id),
        title=item.title,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        kind=item.kind,
        class_name=None,
        meeting=meeting_type(item.meeting),
    )


async def _load_upcoming(runtime: Runtime, keys: Sequence[ChildKey]) -> list[list[AgendaItem]]:
    now = runtime.settings.clock()

    async def fetch(
        session: AsyncSession, actor: Actor, child_ids: list[int], limit: int
    ) -> dict[int, list[AgendaItem]]:
        return await agenda.upcoming(session, actor, child_ids, now=now, limit=limit)

    return await per_child(runtime, keys, fetch)


class CalendarResolvers:
    """Implements schema.calendar.CalendarApi."""

    async def upcoming_events(self, info: Info, child_id: int, limit: int) -> list[Event]:
        actor = actor_of(info)
        if not 0 <= limit <= MAX_UPCOMING:
            raise InvalidArgumentError("limit")
        rows = await loader(info, _load_upcoming).load((actor, child_id, limit))
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
            lambda uow: calendar.create_event(
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
