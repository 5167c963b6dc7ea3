"""School events (activities, trips, meetings, holidays) for the whole school or one class."""

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import BindParameter, Select, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.family import Child
from models.school import EventKind, SchoolEvent
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode, NotFound
from services.family.children import require_staff, viewer_kind, viewer_params, visible_children_of
from services.sql.per_child import CHILD_IDS, first_rows_per_child, per_child, ranked
from services.sql.uow import UnitOfWork

MAX_TITLE = 200
KINDS = {kind.value for kind in EventKind}


async def create_event(
    uow: UnitOfWork,
    actor: Actor,
    *,
    title: str,
    kind: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    class_name: str | None = None,
) -> SchoolEvent:
    """Staff add an event; `class_name` None means the whole school."""
    require_staff(actor)
    title = title.strip()
    if not title or len(title) > MAX_TITLE:
        raise DomainError(ErrorCode.INVALID_INPUT, "title")
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise DomainError(ErrorCode.INVALID_INPUT, "kind")
    if starts_at.tzinfo is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "startsAt")
    if ends_at is not None and (ends_at.tzinfo is None or ends_at < starts_at):
        raise DomainError(ErrorCode.INVALID_INPUT, "endsAt")
    if class_name is not None:
        class_name = class_name.strip()
        if not class_name:
            raise DomainError(ErrorCode.INVALID_INPUT, "className")
        # A class nobody is in is most likely a typo.
        known = await uow.session.scalar(
            select(col(Child.id))
            .where(col(Child.school_id) == actor.school_id, col(Child.class_name) == class_name)
            .limit(1)
        )
        if known is None:
            raise NotFound("className")
    event = SchoolEvent(
        school_id=actor.school_id,
        class_name=class_name,
        title=title,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=actor.user_id,
        created_at=uow.now,
    )
    uow.session.add(event)
    await uow.session.flush()
    return event


class EventView(NamedTuple):
    """A school event as the agenda shows it (read as columns: on every dashboard load)."""

    id: int
    school_id: int
    class_name: str | None
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime | None


EVENT_COLUMNS = tuple(col(getattr(SchoolEvent, name)) for name in EventView._fields)


async def upcoming_events(
    session: AsyncSession,
    actor: Actor,
    child_ids: Sequence[int],
    *,
    now: datetime,
    limit: int = 5,
) -> dict[int, list[EventView]]:
    """For each of these children: the next events of their school and their class (those
    not yet over at `now`), soonest first, at most `limit` each. One statement for any
    number of children (for DataLoaders); children the actor may not see get an empty list."""
    params = {**viewer_params(actor), "now": now}
    statement = _upcoming_statement(viewer_kind(actor))
    rows = await first_rows_per_child(session, child_ids, statement, limit, params)
    return {child_id: [EventView._make(row) for row in found] for child_id, found in rows.items()}


@functools.cache
def _upcoming_statement(whole_school: bool) -> Select[Any]:
    now: BindParameter[datetime] = bindparam("now")
    candidates = (
        ranked(
            col(Child.id), col(SchoolEvent.id), (col(SchoolEvent.starts_at), col(SchoolEvent.id))
        )
        .join(SchoolEvent, col(SchoolEvent.school_id) == col(Child.school_id))
        .where(
            col(Child.id).in_(CHILD_IDS),
            col(Child.id).in_(visible_children_of(whole_school)),
            or_(
                col(SchoolEvent.class_name).is_(None),
                col(SchoolEvent.class_name) == col(Child.class_name),
            ),
            or_(col(SchoolEvent.starts_at) >= now, col(SchoolEvent.ends_at) >= now),
        )
    )
    return per_child(candidates, SchoolEvent, columns=EVENT_COLUMNS)
