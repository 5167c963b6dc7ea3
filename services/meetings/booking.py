"""Parents book, move and cancel appointments: each slot is won exactly once.

How a race is settled, on both databases:
- SLOT_TAKEN: a unique partial index over active appointments (one per slot). The insert
  or update that claims a slot runs in a SAVEPOINT; losing on the index rolls back only that
  savepoint and answers SLOT_TAKEN, never a 500 and never a stray row.
- TEACHER_ALREADY_BOOKED: a second unique partial index (one active per child and teacher).
- OVERLAPPING_APPOINTMENT and one-teacher-per-child cannot be indexes: the booking parent's
  children are locked first (PostgreSQL `FOR NO KEY UPDATE`, in id order; SQLite holds the
  write lock from BEGIN IMMEDIATE), so checks and write of one family never interleave.
  A co-guardian shares the child, hence the lock.
Lock order everywhere: children, then the appointment, then the slot.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import Executable
from sqlmodel import col

from models.family import Child, School
from models.meetings import Appointment, AppointmentStatus, Meeting, Slot
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode, NotFound
from services.family.children import (
    child_for,
    child_to_act_for,
    require_present,
    visible_children,
)
from services.meetings.access import meeting_open_to_child
from services.meetings.appointments import AppointmentView, appointment_view
from services.meetings.notify import mail_appointment
from services.meetings.slots import emit_slots
from services.sql.uow import UnitOfWork


@dataclass(frozen=True)
class Target:
    slot: Slot
    meeting: Meeting

    @property
    def slot_id(self) -> int:
        assert self.slot.id is not None
        return self.slot.id


def _require_parent(actor: Actor) -> None:
    if not actor.is_parent:
        raise DomainError(ErrorCode.FORBIDDEN)


async def _lock_family(uow: UnitOfWork, actor: Actor) -> list[int]:
    """Lock the actor's children (id order): one family's bookings run one after the other."""
    rows = await uow.session.scalars(
        select(col(Child.id))
        .where(col(Child.id).in_(visible_children(actor)))
        .order_by(col(Child.id))
        .with_for_update(key_share=True)
    )
    return [i for i in rows.all() if i is not None]


async def _target(uow: UnitOfWork, child: Child, slot_id: int) -> Target:
    """The slot, if it belongs to a meeting open to this child; locked against blocking."""
    slot = await uow.session.scalar(
        select(Slot)
        .where(col(Slot.id) == slot_id, col(Slot.school_id) == child.school_id)
        .with_for_update(read=True)
    )
    if slot is None or not await meeting_open_to_child(uow.session, slot.meeting_id, child):
        raise NotFound("slotId")
    meeting = await uow.session.get(Meeting, slot.meeting_id)
    school = await uow.session.get(School, child.school_id)
    assert meeting is not None and school is not None
    if not school.feature_meetings:
        raise DomainError(ErrorCode.FEATURE_DISABLED)
    if not meeting.booking_opens_at <= uow.now < meeting.booking_closes_at:
        raise DomainError(ErrorCode.BOOKING_CLOSED, "slotId")
    return Target(slot, meeting)


async def _slot_is_free(uow: UnitOfWork, slot: Slot) -> bool:
    if slot.blocked:
        return False
    taken = await uow.session.scalar(
        select(col(Appointment.id)).where(
            col(Appointment.slot_id) == slot.id,
            col(Appointment.status) == AppointmentStatus.ACTIVE,
        )
    )
    return taken is None


async def _check_rules(
    uow: UnitOfWork, family: list[int], child: Child, target: Target, moving: int | None
) -> None:
    """Everything but the slot itself; `moving` is the appointment being moved (ignored)."""
    active = [col(Appointment.status) == AppointmentStatus.ACTIVE]
    if moving is not None:
        active.append(col(Appointment.id) != moving)
    slot, meeting = target.slot, target.meeting
    teachers = (
        await uow.session.scalars(
            select(col(Appointment.teacher_id)).where(
                *active,
                col(Appointment.child_id) == child.id,
                col(Appointment.meeting_id) == meeting.id,
            )
        )
    ).all()
    if slot.teacher_id in teachers:
        raise DomainError(ErrorCode.TEACHER_ALREADY_BOOKED, "slotId")
    if teachers and not meeting.several_teachers:
        raise DomainError(ErrorCode.ONE_TEACHER_PER_CHILD, "slotId")
    overlapping = await uow.session.scalar(
        select(col(Appointment.id)).where(
            *active,
            col(Appointment.child_id).in_(family),
            col(Appointment.starts_at) < slot.ends_at,
            col(Appointment.ends_at) > slot.starts_at,
        )
    )
    if overlapping is not None:
        raise DomainError(ErrorCode.OVERLAPPING_APPOINTMENT, "slotId")


async def _claim(uow: UnitOfWork, statement: Executable) -> int:
    """Run the write that takes a slot; losing a race on the unique index is SLOT_TAKEN."""
    try:
        async with uow.session.begin_nested():
            claimed = (await uow.session.execute(statement)).scalar_one_or_none()
    except IntegrityError:
        claimed = None
    if claimed is None:
        raise DomainError(ErrorCode.SLOT_TAKEN, "slotId")
    return int(claimed)


async def book(
    uow: UnitOfWork, actor: Actor, child_id: int, slot_id: int, *, notify: bool = True
) -> AppointmentView:
    _require_parent(actor)
    child = await child_to_act_for(uow.session, actor, child_id)
    family = await _lock_family(uow, actor)
    target = await _target(uow, child, slot_id)
    if not await _slot_is_free(uow, target.slot):
        raise DomainError(ErrorCode.SLOT_TAKEN, "slotId")
    await _check_rules(uow, family, child, target, moving=None)
    slot = target.slot
    appointment_id = await _claim(
        uow,
        insert(Appointment)
        .values(
            school_id=child.school_id,
            meeting_id=slot.meeting_id,
            slot_id=slot.id,
            teacher_id=slot.teacher_id,
            child_id=child.id,
            parent_id=actor.user_id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            status=AppointmentStatus.ACTIVE,
            revision=0,
            created_at=uow.now,
            updated_at=uow.now,
        )
        .returning(col(Appointment.id)),
    )
    await emit_slots(uow, slot.meeting_id, [target.slot_id])
    if notify:
        await mail_appointment(uow, actor, appointment_id, "booked")
    return await appointment_view(uow.session, appointment_id)


async def _appointment_for(uow: UnitOfWork, actor: Actor, appointment_id: int) -> Appointment:
    """The appointment, locked, if it is one of the actor's children's (staff: their school's)."""
    appointment = await uow.session.scalar(
        select(Appointment)
        .where(col(Appointment.id) == appointment_id, col(Appointment.school_id) == actor.school_id)
        .with_for_update()
    )
    if appointment is None:
        raise NotFound("appointmentId")
    if not actor.is_staff:
        try:
            child = await child_for(uow.session, actor, appointment.child_id)
        except NotFound:
            raise NotFound("appointmentId") from None
        require_present(actor, child.left_at)
    return appointment


async def move(
    uow: UnitOfWork, actor: Actor, appointment_id: int, slot_id: int, *, notify: bool = True
) -> AppointmentView:
    """Atomic: the appointment is on the new slot and the old one is free, or nothing changed."""
    _require_parent(actor)
    family = await _lock_family(uow, actor)
    appointment = await _appointment_for(uow, actor, appointment_id)
    if appointment.status != AppointmentStatus.ACTIVE:
        raise DomainError(ErrorCode.ALREADY_CANCELLED, "appointmentId")
    if appointment.slot_id == slot_id:
        return await appointment_view(uow.session, appointment_id)
    child = await uow.session.get(Child, appointment.child_id)
    assert child is not None
    target = await _target(uow, child, slot_id)
    if target.meeting.id != appointment.meeting_id:
        raise DomainError(ErrorCode.INVALID_INPUT, "slotId")
    if not await _slot_is_free(uow, target.slot):
        raise DomainError(ErrorCode.SLOT_TAKEN, "slotId")
    await _check_rules(uow, family, child, target, moving=appointment.id)
    old_slot_id, previous = appointment.slot_id, (appointment.starts_at, appointment.ends_at)
    slot = target.slot
    await _claim(
        uow,
        update(Appointment)
        .where(
            col(Appointment.id) == appointment.id,
            col(Appointment.status) == AppointmentStatus.ACTIVE,
        )
        .values(
            slot_id=slot.id,
            teacher_id=slot.teacher_id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            revision=col(Appointment.revision) + 1,
            updated_at=uow.now,
        )
        .returning(col(Appointment.id)),
    )
    # Both slots in one event: watchers never see the appointment in two places, or none.
    await emit_slots(uow, slot.meeting_id, [old_slot_id, target.slot_id])
    if notify:
        await mail_appointment(uow, actor, appointment_id, "moved", previous=previous)
    return await appointment_view(uow.session, appointment_id)


async def cancel(
    uow: UnitOfWork, actor: Actor, appointment_id: int, *, notify: bool = True
) -> AppointmentView:
    """Frees the slot. Parents may cancel until the appointment starts; staff at any time."""
    appointment = await _appointment_for(uow, actor, appointment_id)
    if appointment.status != AppointmentStatus.ACTIVE:
        raise DomainError(ErrorCode.ALREADY_CANCELLED, "appointmentId")
    if not actor.is_staff and uow.now >= appointment.starts_at:
        raise DomainError(ErrorCode.BOOKING_CLOSED, "appointmentId")
    await _free(uow, appointment)
    if notify:
        await mail_appointment(uow, actor, appointment_id, "cancelled")
    return await appointment_view(uow.session, appointment_id)


async def free_leavers_appointments(uow: UnitOfWork, child_ids: Sequence[int]) -> int:
    """Children leaving the school: their appointments still to come are cancelled and their
    slots free again, each announced to watchers as when a parent cancels. How many."""
    appointments = (
        await uow.session.scalars(
            select(Appointment)
            .where(
                col(Appointment.child_id).in_(child_ids),
                col(Appointment.status) == AppointmentStatus.ACTIVE,
                col(Appointment.starts_at) > uow.now,
            )
            .order_by(col(Appointment.id))
            .with_for_update()
        )
    ).all()
    for appointment in appointments:
        await _free(uow, appointment)
    return len(appointments)


async def _free(uow: UnitOfWork, appointment: Appointment) -> None:
    """Cancel a (locked, active) appointment: its slot is free again, watchers are told."""
    await uow.session.execute(
        update(Appointment)
        .where(col(Appointment.id) == appointment.id)
        .values(
            status=AppointmentStatus.CANCELLED,
            cancelled_at=uow.now,
            revision=col(Appointment.revision) + 1,
            updated_at=uow.now,
        )
    )
    await emit_slots(uow, appointment.meeting_id, [appointment.slot_id])
