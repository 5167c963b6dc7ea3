"""A child's coming agenda: school events and parent meetings, soonest first.

Meetings are read as events when the agenda is read (never copied into `school_events`), so
whatever staff do to a meeting shows at once, and a meeting the child may not see (another
class, meetings switched off) never shows. Each source is one statement for any number of
children; the agenda takes the first `limit` of each source per child and merges them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models.calendar import EventKind, SchoolEvent
from models.meetings import Meeting
from services.actor import Actor
from services.calendar import upcoming_events
from services.meetings.access import upcoming_meetings


@dataclass(frozen=True)
class AgendaItem:
    """One line of the agenda; `event` or `meeting` says what it is about."""

    title: str
    starts_at: datetime
    ends_at: datetime | None
    kind: str
    event: SchoolEvent | None = None
    meeting: Meeting | None = None

    @property
    def order(self) -> tuple[datetime, int, int]:
        """Soonest first; at the same moment school events before meetings, then by id."""
        if self.event is not None:
            assert self.event.id is not None
            return self.starts_at, 0, self.event.id
        assert self.meeting is not None and self.meeting.id is not None
        return self.starts_at, 1, self.meeting.id

    @classmethod
    def of_event(cls, event: SchoolEvent) -> "AgendaItem":
        return cls(event.title, event.starts_at, event.ends_at, event.kind, event=event)

    @classmethod
    def of_meeting(cls, meeting: Meeting) -> "AgendaItem":
        return cls(
            meeting.title,
            meeting.starts_at,
            meeting.ends_at,
            EventKind.MEETING.value,
            meeting=meeting,
        )


async def upcoming(
    session: AsyncSession,
    actor: Actor,
    child_ids: Sequence[int],
    *,
    now: datetime,
    limit: int = 5,
) -> dict[int, list[AgendaItem]]:
    """For each of these children: their next school events and the meetings open to them
    (those not over at `now`), soonest first, at most `limit` in all. Two statements for any
    number of children; children the actor may not see get an empty list."""
    events = await upcoming_events(session, actor, child_ids, now=now, limit=limit)
    meetings = await upcoming_meetings(session, actor, child_ids, now=now, limit=limit)
    agenda: dict[int, list[AgendaItem]] = {}
    for child_id in child_ids:
        items = [
            *map(AgendaItem.of_event, events.get(child_id, [])),
            *map(AgendaItem.of_meeting, meetings.get(child_id, [])),
        ]
        agenda[child_id] = sorted(items, key=lambda item: item.order)[: max(limit, 0)]
    return agenda
