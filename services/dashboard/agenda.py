"""A child's coming agenda: school events, parent meetings and tomorrow's reserved meals,
soonest first.

Meetings and meals are read as events when the agenda is read (never copied into
`school_events`), so whatever staff do to a meeting, or a parent to a reservation, shows at
once, and what the child may not see (another class, a switched-off feature) never shows.
Each source is one statement for any number of children; the agenda takes the first `limit`
of each source per child and merges them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models.family import School
from models.meetings import Meeting
from models.school import EventKind, SchoolEvent
from services.accounts.actor import Actor
from services.common.school_time import local_today, start_of_day, zone
from services.family.views import SchoolView
from services.meals.reservations import ReservationView, reserved_meals
from services.meetings.access import MeetingView, upcoming_meetings
from services.school.events import EventView, upcoming_events

MEAL = "meal"


@dataclass(frozen=True)
class MealDays:
    """The agenda lists the reserved meals of tomorrow, a day of the school's time zone."""

    timezone: str

    @classmethod
    def of(cls, school: School | SchoolView) -> "MealDays | None":
        """None for a school without meals: its agenda has none."""
        return cls(school.timezone) if school.feature_meals else None


@dataclass(frozen=True)
class AgendaItem:
    """One line of the agenda; `event`, `meeting` or `meal` says what it is about."""

    title: str
    starts_at: datetime
    ends_at: datetime | None
    kind: str
    event: SchoolEvent | EventView | None = None
    meeting: Meeting | MeetingView | None = None
    meal: ReservationView | None = None

    @property
    def order(self) -> tuple[datetime, int, int]:
        """Soonest first; at the same moment school events, meetings, then meals; then by id."""
        if self.event is not None:
            assert self.event.id is not None
            return self.starts_at, 0, self.event.id
        if self.meeting is not None:
            assert self.meeting.id is not None
            return self.starts_at, 1, self.meeting.id
        assert self.meal is not None
        return self.starts_at, 2, self.meal.id

    @classmethod
    def of_event(cls, event: SchoolEvent | EventView) -> "AgendaItem":
        return cls(event.title, event.starts_at, event.ends_at, event.kind, event=event)

    @classmethod
    def of_meeting(cls, meeting: Meeting | MeetingView) -> "AgendaItem":
        return cls(
            meeting.title,
            meeting.starts_at,
            meeting.ends_at,
            EventKind.MEETING.value,
            meeting=meeting,
        )

    @classmethod
    def of_meal(cls, meal: ReservationView, timezone: str) -> "AgendaItem":
        """A meal takes its whole school day: from its midnight to the next, school time."""
        tz = zone(timezone)
        starts = start_of_day(meal.day, tz)
        ends = start_of_day(meal.day + timedelta(days=1), tz)
        return cls(meal.article_name, starts, ends, MEAL, meal=meal)


async def upcoming(
    session: AsyncSession,
    actor: Actor,
    child_ids: Sequence[int],
    *,
    now: datetime,
    limit: int = 5,
    meals: MealDays | None = None,
) -> dict[int, list[AgendaItem]]:
    """For each of these children: their next school events, the meetings open to them (those
    not over at `now`) and, with `meals`, their active reservations for tomorrow, soonest
    first, at most `limit` in all. Two statements (three with meals) for any number of
    children; children the actor may not see get an empty list."""
    events = await upcoming_events(session, actor, child_ids, now=now, limit=limit)
    meetings = await upcoming_meetings(session, actor, child_ids, now=now, limit=limit)
    reserved: dict[int, list[AgendaItem]] = {}
    if meals is not None and limit > 0:
        tomorrow = local_today(now, zone(meals.timezone)) + timedelta(days=1)
        found = await reserved_meals(session, actor, child_ids, tomorrow, tomorrow)
        reserved = {
            child_id: [AgendaItem.of_meal(meal, meals.timezone) for meal in views]
            for child_id, views in found.items()
        }
    agenda: dict[int, list[AgendaItem]] = {}
    for child_id in child_ids:
        items = [
            *map(AgendaItem.of_event, events.get(child_id, [])),
            *map(AgendaItem.of_meeting, meetings.get(child_id, [])),
            *reserved.get(child_id, []),
        ]
        agenda[child_id] = sorted(items, key=lambda item: item.order)[: max(limit, 0)]
    return agenda
