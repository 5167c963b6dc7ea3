"""Appointments as parents see them: with their slot, teacher and child."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement
from sqlmodel import col

from models.family import Child
from models.meetings import Appointment, AppointmentStatus, Slot
from services.accounts.actor import Actor
from services.family.children import visible_children
from services.meetings.slots import SlotView, slot_views


@dataclass(frozen=True)
class AppointmentView:
    id: int
    status: str
    meeting_id: int
    child: Child
    slot: SlotView
    starts_at: datetime
    ends_at: datetime


async def appointment_views(
    session: AsyncSession, *where: ColumnElement[bool]
) -> list[AppointmentView]:
    rows = (
        await session.execute(
            select(Appointment, Child)
            .join(Child, col(Child.id) == col(Appointment.child_id))
            .where(*where)
            .order_by(col(Appointment.starts_at), col(Appointment.id))
            # Rows this transaction just updated with plain UPDATE statements read afresh.
            .execution_options(populate_existing=True)
        )
    ).all()
    slots = {
        view.id: view
        for view in await slot_views(session, col(Slot.id).in_({a.slot_id for a, _ in rows}))
    }
    views = []
    for appointment, child in rows:
        assert appointment.id is not None
        views.append(
            AppointmentView(
                id=appointment.id,
                status=appointment.status,
                meeting_id=appointment.meeting_id,
                child=child,
                slot=slots[appointment.slot_id],
                starts_at=appointment.starts_at,
                ends_at=appointment.ends_at,
            )
        )
    return views


async def appointment_view(session: AsyncSession, appointment_id: int) -> AppointmentView:
    [view] = await appointment_views(session, col(Appointment.id) == appointment_id)
    return view


def upcoming_first(views: Sequence[AppointmentView], now: datetime) -> list[AppointmentView]:
    """Those not over yet, soonest first; then past ones, latest first."""
    upcoming = [v for v in views if v.ends_at > now]
    past = [v for v in views if v.ends_at <= now]
    return upcoming + past[::-1]


async def appointments_of_children(
    session: AsyncSession, actor: Actor, child_ids: Sequence[int], *, now: datetime, limit: int
) -> dict[int, list[AppointmentView]]:
    """Each child's active appointments, upcoming first, at most `limit`; children the actor
    may not see get an empty list. The same statements for any number of children."""
    views = await appointment_views(
        session,
        col(Appointment.child_id).in_(child_ids),
        col(Appointment.child_id).in_(visible_children(actor)),
        col(Appointment.status) == AppointmentStatus.ACTIVE,
    )
    result: dict[int, list[AppointmentView]] = {child_id: [] for child_id in child_ids}
    for view in views:
        result[view.child.id or 0].append(view)
    return {child: upcoming_first(found, now)[:limit] for child, found in result.items()}
