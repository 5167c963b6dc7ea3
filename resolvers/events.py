"""School events: the staff mutation (a child's agenda is `Child.upcomingEvents`)."""

from datetime import datetime

import strawberry

from schema.access import actor_of, run
from schema.context import Info
from schema.errors import catches_user_errors
from schema.events import Event, EventPayload
from services.school import events as school_events


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
        return EventPayload(event=Event.from_view(row))
